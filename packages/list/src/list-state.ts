import { type Allocator, checkOptions, describeArgument, type Heap, type Ptr } from "@offheap/core";
import {
	configure,
	ELEMENT_KIND,
	ElementValueCheck,
	type ElementViewName,
	elementKind,
	elementShift,
	elementViewName,
	type HeapViews,
	heapViews,
	type Type,
} from "@offheap/struct";
import type { ListNode, ListOptions } from "./api.ts";
import {
	checkAllocator,
	checkSpare,
	checkType,
	createHeader,
	OPEN,
	type OpenOptions,
	openHeader,
} from "./internal/header.ts";
import * as layout from "./internal/layout.ts";
import { spareCount } from "./internal/node-store.ts";
import { adoptNode, rejectFreed } from "./internal/reject.ts";

// Module-local copies of the constants: V8 reads these faster than imported bindings, which it must
// check for initialization on every use.
const { ADDRESS_MASK, N_NEXT, N_PREV, W_CELL, W_FIRST, W_LAST, W_LENGTH } = layout;
const { W_SPARE_LIMIT } = layout;
const { bool: K_BOOL, other: K_OTHER } = ELEMENT_KIND;

/** The options of `new List(...)`. */
const CREATE_OPTIONS: readonly string[] = ["nodes", "spare", "checked"];

/** A typed array as the hot paths index it. */
type Indexed = { [index: number]: unknown };

/** Zeroes `size` bytes at `offset` of a staging buffer (word stores for the common small sizes). */
function zeroStaged(views: HeapViews, offset: number, size: number): void {
	if ((size & 3) === 0 && size <= 128) {
		const u32 = views.u32;
		for (let w = offset >>> 2, end = (offset + size) >>> 2; w < end; w++) u32[w] = 0;
	} else views.u8.fill(0, offset, offset + size);
}

/** Copies `size` staged bytes at `offset` of `views` to `at` in the heap (word moves when both are aligned). */
function copyStaged(heap: Heap, views: HeapViews, offset: number, at: number, size: number): void {
	if (((at | size) & 3) === 0 && size <= 128) {
		const from = views.u32;
		const to = heap.u32;
		for (let w = offset >>> 2, d = at >>> 2, end = (offset + size) >>> 2; w < end; w++, d++)
			to[d] = from[w] as number;
	} else heap.u8.set(views.u8.subarray(offset, offset + size), at);
}

/**
 * The state of a {@link List} and how to walk it: length, ends, neighbours and ownership checks.
 * Every `List` is one (a `List` extends {@link ListPayloads}, which extends this class); it is not
 * made on its own.
 *
 * @typeParam T - the payload type.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { u32 } from "@offheap/struct";
 * import { List, ListState } from "@offheap/list";
 * const list = new List(new Heap(), u32);
 * list.pushBack(7);
 * const state: ListState = list;
 * console.log(state.length, state.first === state.last); // 1 true
 * ```
 */
export class ListState<T extends Type = Type> {
	// The fields are `declare`d: as class fields TypeScript would define each as undefined first, and V8
	// would then keep them all as generic tagged values, checked and converted at every read on the hot
	// paths (about a sixth of the instructions of a push/pop pair).
	/** Where the header and the owner cells come from. */
	declare readonly allocator: Allocator;
	/** Where the nodes come from (the allocator unless `options.nodes` was given). */
	declare readonly nodeAllocator: Allocator;
	/** The heap whose buffer holds the list. */
	declare readonly heap: Heap;
	/** The payload type. */
	declare readonly type: T;
	/** Whether payload values are checked; see {@link ListOptions.checked}. */
	declare readonly checked: boolean;
	/** Bytes of one node: links, owner word, padding and payload. */
	declare readonly nodeBytes: number;
	/** @internal u32 index of the header; 0 once freed. */
	declare hdr: number;
	/** @internal The payload's element kind (see `ELEMENT_KIND`). */
	declare readonly kind: number;
	/** @internal The heap view scalar payloads live in, and log2 of their size. */
	declare readonly heapView: ElementViewName;
	/** @internal */
	declare readonly shift: number;
	/** @internal Offset of the payload from a node's address (which is 8 bytes into its block). */
	declare readonly offset: number;
	/** @internal Alignment nodes are allocated with. */
	declare readonly nodeAlign: number;
	/** @internal The most spare nodes kept: the header's limit, 0 on a checked heap (see ListOptions.spare). */
	declare readonly spareLimit: number;
	/** @internal Whether every handle is also validated against the node allocator (a checked heap). */
	declare readonly verify: boolean;
	/** @internal Whether the payload type has in-place views (struct, union, array). */
	declare readonly aggregate: boolean;
	/**
	 * @internal How the push fast paths may store a number payload without a closer look: the value
	 * check's {@link ElementValueCheck.storeMode}, copied into a field of the list so that the hot paths
	 * read it (and `lo`, `hi`) without a second object.
	 */
	declare readonly pushMode: number;
	/** @internal The value check's range (store mode 2). */
	declare readonly lo: number;
	/** @internal */
	declare readonly hi: number;
	/** @internal The value check of the payload type, shared with the other typed containers. */
	declare private readonly valueCheck: ElementValueCheck;
	/** The staging buffer of struct, union, array and utf8 values (see `prepare`). */
	declare private staged: HeapViews | undefined;
	/** Values being staged right now (a getter of one may stage another). */
	declare private depth: number;

	/** @internal Use `new List(...)` or `List.open(...)`. */
	protected constructor(allocator: Allocator, type: T, options: ListOptions) {
		checkAllocator("List", "allocator", allocator);
		checkType("List", type);
		// List.open checked its own options before it passed the header's address in this key.
		const opening = typeof options === "object" && options !== null && OPEN in options;
		if (!opening) checkOptions("List", options, CREATE_OPTIONS);
		const checked = options.checked ?? configure({}).checked;
		if (typeof checked !== "boolean")
			throw new TypeError(`List: checked must be a boolean, got ${describeArgument(checked)}`);
		const nodes = options.nodes ?? allocator;
		if (nodes !== allocator) checkAllocator("List", "nodes", nodes);
		// Checked before anything is allocated, so that a refused option changes nothing.
		const spare = options.spare === undefined ? layout.SPARE_ALL : checkSpare(options.spare);
		if (nodes.heap !== allocator.heap)
			throw new TypeError("List: the node allocator must hand out blocks of the same heap");
		this.allocator = allocator;
		this.nodeAllocator = nodes;
		this.heap = allocator.heap;
		this.type = type;
		this.checked = checked;
		this.kind = elementKind(type);
		this.heapView = elementViewName(this.kind);
		this.shift = elementShift(this.kind);
		this.offset = layout.payloadOffset(type.align) - layout.NODE_OFFSET;
		this.nodeBytes = layout.payloadOffset(type.align) + type.size;
		this.nodeAlign = Math.max(8, type.align);
		const t = type as unknown as { view?: unknown; cursor?: unknown };
		this.aggregate = typeof t.view === "function" && typeof t.cursor === "function";
		this.verify = this.heap.checked;
		const valueCheck = new ElementValueCheck(type, checked, "List", "payload type");
		this.valueCheck = valueCheck;
		this.pushMode = valueCheck.storeMode;
		this.lo = valueCheck.lo;
		this.hi = valueCheck.hi;
		this.staged = undefined;
		this.depth = 0;
		const address = opening
			? openHeader(this.heap, (options as OpenOptions)[OPEN] as number, type)
			: createHeader(allocator, type, spare);
		this.hdr = address >>> 2;
		// On a checked heap removed nodes go back to the allocator, whose quarantine and poison catch
		// stale handles with the sites where the node was allocated and freed.
		this.spareLimit = this.verify ? 0 : (this.heap.u32[this.hdr + W_SPARE_LIMIT] as number);
	}

	/**
	 * Address of the header in the heap: what {@link List.open} takes. 0 once freed. Not the start of
	 * a heap block (it is 8 bytes into the header's block), so `heap.free` of it is refused.
	 */
	get address(): Ptr {
		return this.hdr * 4;
	}

	/** Removed nodes kept for reuse, at most the `spare` option (see {@link List.trim}). 0 once freed. */
	get spares(): number {
		return this.hdr === 0 ? 0 : spareCount(this.heap.u32, this.hdr);
	}

	/** Number of nodes. 0 once freed. */
	get length(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_LENGTH] as number);
	}

	/** The first node, or 0 when the list is empty. */
	get first(): ListNode {
		return this.hdr === 0 ? rejectFreed("first") : (this.heap.u32[this.hdr + W_FIRST] as number);
	}

	/** The last node, or 0 when the list is empty. */
	get last(): ListNode {
		return this.hdr === 0 ? rejectFreed("last") : (this.heap.u32[this.hdr + W_LAST] as number);
	}

	/**
	 * The node after `node`, or 0 after the last.
	 * @throws `InvalidPointerError` for a node of another list or no node at all, `DoubleFreeError`
	 * for a stale handle (its node was removed).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { i32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), i32);
	 * for (const x of [1, 2, 3]) list.pushBack(x);
	 * let sum = 0;
	 * for (let n = list.first; n !== 0; n = list.next(n)) sum += list.get(n);
	 * console.log(sum); // 6
	 * ```
	 */
	next(node: ListNode): ListNode {
		const u32 = this.own("next", node);
		return u32[((node & ADDRESS_MASK) >>> 2) + N_NEXT] as number;
	}

	/**
	 * The node before `node`, or 0 before the first.
	 * @throws as {@link ListState.next} does.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { i32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), i32);
	 * for (const x of [1, 2, 3]) list.pushBack(x);
	 * const backwards: number[] = [];
	 * for (let n = list.last; n !== 0; n = list.prev(n)) backwards.push(list.get(n));
	 * console.log(backwards); // [ 3, 2, 1 ]
	 * ```
	 */
	prev(node: ListNode): ListNode {
		const u32 = this.own("prev", node);
		return u32[((node & ADDRESS_MASK) >>> 2) + N_PREV] as number;
	}

	/**
	 * Whether `node` is a node of this list, in O(1) (O(log) after many whole-list splices), without
	 * throwing: false for 0, for another list's nodes, for stale handles and for anything else.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u8 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const heap = new Heap();
	 * const a = new List(heap, u8);
	 * const b = new List(heap, u8);
	 * const n = a.pushBack(1);
	 * console.log(a.owns(n), b.owns(n), a.owns(0)); // true false false
	 * ```
	 */
	owns(node: ListNode): boolean {
		if (this.hdr === 0) return false;
		try {
			this.own("owns", node);
			return true;
		} catch {
			return false;
		}
	}

	/**
	 * @internal Checks that `node` is a live node of this list and returns the heap's u32 view. The fast
	 * path is one compare of the node's owner word with the list's cell and the handle's generation
	 * (and, on a checked heap, one `usableSize` of the node allocator); anything else goes through the
	 * full validation, which throws the error that fits.
	 */
	own(operation: string, node: ListNode): Uint32Array {
		const hdr = this.hdr & 0x3fffffff; // no overflow checks at `hdr + k`: see list-deque.ts
		const u32 = this.heap.u32;
		// Literal word numbers, as in list.ts: node word 2 is the owner word, header word 4 the cell.
		if (
			typeof node !== "number" ||
			u32[(node & -8) >>> 2] !== ((u32[hdr + 4] as number) | (node & 7)) ||
			hdr === 0 ||
			node >>> 0 !== node
		)
			this.adopt(operation, node, true);
		else if (this.verify) this.confirm(operation, node);
		return u32;
	}

	/**
	 * @internal Checks `node` as {@link ListState.own} does, but changes nothing: a node still tagged
	 * with a forwarding cell (from a whole-list splice) keeps its tag, so a call that may still fail
	 * after the check (an insertion that cannot allocate, a splice refused later) leaves every cell as
	 * it was.
	 */
	ownOnly(operation: string, node: ListNode): Uint32Array {
		const hdr = this.hdr & 0x3fffffff;
		const u32 = this.heap.u32;
		if (
			typeof node !== "number" ||
			u32[(node & -8) >>> 2] !== ((u32[hdr + 4] as number) | (node & 7)) ||
			hdr === 0 ||
			node >>> 0 !== node
		)
			this.adopt(operation, node, false);
		else if (this.verify) this.confirm(operation, node);
		return u32;
	}

	private adopt(operation: string, node: ListNode, compress: boolean): void {
		if (this.hdr === 0) rejectFreed(operation);
		adoptNode(this, operation, node, this.heap.u32[this.hdr + W_CELL] as number, compress);
	}

	/** On a checked heap, a node whose owner word names this list must also be a live block. */
	private confirm(operation: string, node: ListNode): void {
		try {
			this.nodeAllocator.usableSize((node & ADDRESS_MASK) - 8); // NODE_OFFSET
		} catch {
			this.adopt(operation, node, false); // throws the error that fits, with the allocator's report
		}
	}

	/** @internal Reads the payload at `at`. */
	load(at: number): unknown {
		// Literal kinds (ELEMENT_KIND.other is 11, bool 8): see the note on literals in list.ts.
		const kind = this.kind;
		if (kind === 11) return this.type.read(this.heap, at);
		const value = (this.heap[this.heapView] as Indexed)[at >>> this.shift];
		return kind === 8 ? value !== 0 : value;
	}

	/**
	 * @internal Writes a payload at `at`: a value {@link ListState.prepare} returned (the staging buffer
	 * of a struct, union, array or utf8 payload; a scalar as it is).
	 */
	store(at: number, value: unknown): void {
		const kind = this.kind;
		if (kind === K_OTHER)
			copyStaged(this.heap, value as HeapViews, Math.max(8, this.type.align), at, this.type.size);
		else (this.heap[this.heapView] as Indexed)[at >>> this.shift] = kind === K_BOOL ? (value ? 1 : 0) : value;
	}

	/** @internal Whether `value` is a number stored as it is, without conversion (the value check's `fits`). */
	fits(value: unknown): boolean {
		return this.valueCheck.fits(value);
	}

	/**
	 * @internal Reads and checks a payload value before anything changes (the list's state is read
	 * after this, so a value whose getters or `valueOf` change the list is read whole first): a struct,
	 * union, array or utf8 value is written to a staging buffer, where the type checks it, and the buffer
	 * is returned for {@link ListState.store}; a number for an unchecked list is converted as its typed
	 * array converts it; other values are checked as the payload type requires. Throws the TypeError or
	 * RangeError of a value that does not fit.
	 */
	prepare(operation: string, value: unknown): unknown {
		const kind = this.kind;
		if (kind === K_OTHER) return this.stage(value);
		if (this.checked || kind >= K_BOOL) {
			if (!this.fits(value)) this.valueCheck.check(operation, value);
			return value;
		}
		if (typeof value === "number") return value;
		// What the typed array's store would do, done now: bigints and symbols are refused (a typed array
		// would throw the engine's TypeError, with a node taken), anything else converts once.
		if (typeof value === "bigint" || typeof value === "symbol")
			this.valueCheck.refuse(operation, value, true);
		return +(value as number);
	}

	/**
	 * `value` written by the payload type into a zeroed staging buffer (which checks it), at
	 * `max(8, align)`: the buffer, for {@link ListState.store} to copy from.
	 */
	private stage(value: unknown): HeapViews {
		const offset = Math.max(8, this.type.align);
		const size = this.type.size;
		// A getter of the value may push into this list while it is staged: such a nested call gets a
		// buffer of its own.
		let views = this.depth === 0 ? this.staged : undefined;
		if (views === undefined) {
			views = heapViews(new ArrayBuffer(Math.ceil((offset + size) / 8) * 8));
			if (this.depth === 0) this.staged = views;
		}
		zeroStaged(views, offset, size);
		this.depth++;
		try {
			this.type.write(views, offset, value);
		} finally {
			this.depth--;
		}
		return views;
	}
}
