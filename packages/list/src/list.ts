import type { Allocator, Heap, Ptr } from "@offheap/core";
import {
	configure,
	ELEMENT_KIND,
	type Element,
	type ElementViewName,
	elementKind,
	elementNumberRange,
	elementShift,
	elementValueProblem,
	elementViewName,
	type HeapViews,
	heapViews,
	type Infer,
	type Type,
	type View,
	type WriteValue,
} from "@offheap/struct";
import type { ListNode, ListOptions } from "./api.ts";
import { checkSpare, checkType, createHeader, openHeader } from "./internal/header.ts";
import { NodeIterator } from "./internal/iterator.ts";
import * as layout from "./internal/layout.ts";
import { newCell, release, unite } from "./internal/owners.ts";
import { adoptNode, outOfMemory, rejectFreed, rejectNotAggregate, rejectValue } from "./internal/reject.ts";
import { type SpliceSide, spliceRange } from "./internal/splice.ts";

// Module-local copies of the constants: V8 reads these faster than imported bindings, which it must
// check for initialization on every use.
const { C_LIST, C_REFS, N_NEXT, N_OWNER, N_PREV, SPARE_TAG, W_CELL, W_FIRST, W_LAST, W_LENGTH, W_MAGIC } =
	layout;
const { W_SPARE, W_SPARES, W_SPARE_LIMIT } = layout;
const { bool: K_BOOL, f32: K_F32, i64: K_I64, other: K_OTHER } = ELEMENT_KIND;

const OPEN: unique symbol = Symbol("offheap.list.open");
interface OpenOptions extends ListOptions {
	[OPEN]?: number;
}

/** What struct, union and array types add to {@link Type}: in-place views. */
interface AggregateType {
	view(heap: HeapViews, ptr: number, options?: { checked?: boolean }): unknown;
	cursor(heap: HeapViews, options?: { checked?: boolean }): unknown;
}

/** A typed array as the hot paths index it. */
type Indexed = { [index: number]: unknown };

interface Cursor {
	$at(ptr: number): unknown;
}

/** Options of {@link List.splice}. */
export interface SpliceOptions {
	/** The node of this list to insert before; 0 (the default) appends at the end. */
	before?: ListNode;
	/** The first node of the source to move. @defaultValue the source's first node */
	first?: ListNode;
	/** The last node of the source to move (inclusive). @defaultValue the source's last node */
	last?: ListNode;
}

/**
 * A doubly linked list whose nodes live in the heap, one block each: O(1) push and pop at both ends,
 * insertion and removal at a node, moves and whole-list splices. A node handle ({@link ListNode}) is
 * the node's address, a plain number, so walking and editing the list allocates nothing in JS.
 *
 * Each node carries a payload of an `@offheap/struct` type (a scalar read and written as a value, or a
 * struct used in place through {@link List.view} and {@link List.cursor}), and an owner tag that names
 * the list it belongs to: a node of another list, or one already removed, is refused with a named
 * error instead of corrupting either list.
 *
 * The list's header (first, last, length, owner cell, payload type) lives in the heap: the object is a
 * thin view that {@link List.open} recreates. Every allocation failure throws `OutOfMemoryError` and
 * leaves the list and the heap as they were. {@link List.free} walks the nodes iteratively, so a list
 * of any length is freed without recursion.
 *
 * @typeParam T - the payload type.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { u32 } from "@offheap/struct";
 * import { List } from "@offheap/list";
 * const heap = new Heap();
 * const lru = new List(heap, u32);
 * const a = lru.pushBack(1);
 * lru.pushBack(2);
 * lru.pushBack(3);
 * lru.moveToBack(a); // most recently used at the back
 * console.log(lru.toArray(), lru.popFront()); // [ 2, 3, 1 ] 2
 * lru.free();
 * console.log(heap.stats().liveBlocks); // 0
 * ```
 */
export class List<T extends Type = Type> implements Disposable {
	/** Where the header and the owner cells come from. */
	readonly allocator: Allocator;
	/** Where the nodes come from (the allocator unless `options.nodes` was given). */
	readonly nodeAllocator: Allocator;
	/** The heap whose buffer holds the list. */
	readonly heap: Heap;
	/** The payload type. */
	readonly type: T;
	/** Whether development checks are on; see {@link ListOptions.checked}. */
	readonly checked: boolean;
	/** Bytes of one node: links, owner tag, padding and payload. */
	readonly nodeBytes: number;
	/** u32 index of the header; 0 once freed. */
	private hdr: number;
	private readonly kind: number;
	/** The heap view scalar payloads live in, and log2 of their size. */
	private readonly heapView: ElementViewName;
	private readonly shift: number;
	/** Numbers a scalar element takes as they are (checked mode's inline check; see elementNumberRange). */
	private readonly lo: number;
	private readonly hi: number;
	private readonly whole: boolean;
	/** Offset of the payload in a node. */
	private readonly offset: number;
	private readonly nodeAlign: number | undefined;
	/** Spare nodes kept at most (fixed when the list is created, so safe to keep here). */
	private readonly spareLimit: number;
	private readonly aggregate: boolean;
	private cursorView: Cursor | undefined;
	private scratch: HeapViews | undefined;

	/**
	 * Creates an empty list: a 48-byte header and a 20-byte owner cell from `allocator`.
	 * @param allocator - a `Heap`, an arena, or any `Allocator`.
	 * @param type - the payload type: a scalar, `ptr`, struct, union, array or utf8 type.
	 * @param options - where nodes come from, checks; see {@link ListOptions}.
	 * @throws TypeError or RangeError for a bad type or option, `OutOfMemoryError` when the allocator
	 * cannot hold the header (nothing stays allocated then).
	 */
	constructor(allocator: Allocator, type: T, options: ListOptions = {}) {
		checkType("List", type);
		const checked = options.checked ?? configure({}).checked;
		if (typeof checked !== "boolean")
			throw new TypeError(`List: checked must be a boolean, got ${typeof checked}`);
		const nodes = options.nodes ?? allocator;
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
		[this.lo, this.hi, this.whole] = elementNumberRange(this.kind);
		this.offset = layout.payloadOffset(type.align);
		this.nodeBytes = this.offset + type.size;
		this.nodeAlign = type.align > 8 ? type.align : undefined;
		const t = type as unknown as Partial<AggregateType>;
		this.aggregate = typeof t.view === "function" && typeof t.cursor === "function";
		this.cursorView = undefined;
		this.scratch = undefined;
		const opened = (options as OpenOptions)[OPEN];
		const spare = checkSpare(options.spare ?? Math.max(1, Math.floor(layout.SPARE_BYTES / this.nodeBytes)));
		const address =
			opened === undefined ? createHeader(allocator, type, spare) : openHeader(this.heap, opened, type);
		this.hdr = address >>> 2;
		this.spareLimit = this.heap.u32[this.hdr + W_SPARE_LIMIT] as number;
	}

	/**
	 * Recreates the view of the list whose header is at `address` (its {@link List.address}), after
	 * `Heap.open` or in a worker. Give the allocators the list was made with.
	 * @throws `InvalidPointerError` when no list header is at `address`, TypeError when the list holds
	 * another payload type, `HeapCorruptionError` when the header is inconsistent.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const heap = new Heap();
	 * const list = new List(heap, f64);
	 * list.pushBack(0.5);
	 * const again = List.open(heap, f64, list.address);
	 * again.pushBack(1.5);
	 * console.log(list.toArray()); // [ 0.5, 1.5 ]
	 * ```
	 */
	static open<T extends Type>(
		allocator: Allocator,
		type: T,
		address: Ptr,
		options: ListOptions = {},
	): List<T> {
		const open: OpenOptions = { ...options, [OPEN]: address };
		return new List(allocator, type, open);
	}

	/**
	 * The size and alignment of one node for `type`: what a pool of nodes needs
	 * (`new Pool(heap, List.nodeLayout(T))` from `@offheap/pool`).
	 * @example
	 * ```ts
	 * import { f64, struct, u8 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * console.log(List.nodeLayout(f64), List.nodeLayout(u8)); // { size: 24, align: 8 } { size: 13, align: 8 }
	 * ```
	 */
	static nodeLayout(type: Type): { size: number; align: number } {
		checkType("List.nodeLayout", type);
		return { size: layout.payloadOffset(type.align) + type.size, align: Math.max(8, type.align) };
	}

	// ---------------------------------------------------------------- state

	/** Address of the header in the heap: what {@link List.open} takes. 0 once freed. */
	get address(): Ptr {
		return this.hdr * 4;
	}

	/** Removed nodes kept for reuse, at most the `spare` option (see {@link List.trim}). 0 once freed. */
	get spares(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_SPARES] as number);
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
	 * for a removed node whose block is free.
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
		return u32[(node >>> 2) + N_NEXT] as number;
	}

	/**
	 * The node before `node`, or 0 before the first.
	 * @throws as {@link List.next} does.
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
		return u32[(node >>> 2) + N_PREV] as number;
	}

	/**
	 * Whether `node` is a node of this list, in O(1) (O(log) after many whole-list splices), without
	 * throwing: false for 0, for another list's nodes, for removed nodes and for anything else.
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

	// ---------------------------------------------------------------- payloads

	/**
	 * The payload of `node`, copied out: a number, bigint or boolean for scalars, a plain object for a
	 * struct (see {@link List.view} and {@link List.cursor} to work in place).
	 * @throws as {@link List.next} does.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f32, struct } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const P = struct("P", { x: f32, y: f32 });
	 * const list = new List(new Heap(), P);
	 * const n = list.pushBack({ x: 1, y: 2 });
	 * console.log(list.get(n)); // { x: 1, y: 2 }
	 * ```
	 */
	get(node: ListNode): Infer<T> {
		this.own("get", node);
		return this.load(node + this.offset) as Infer<T>;
	}

	/**
	 * Writes the payload of `node`.
	 * @throws as {@link List.next} does; TypeError or RangeError for a value that does not fit (the
	 * payload is then unchanged).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u16 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), u16);
	 * const n = list.pushBack(1);
	 * list.set(n, 7);
	 * console.log(list.get(n)); // 7
	 * ```
	 */
	set(node: ListNode, value: WriteValue<T>): void {
		if (this.checked ? !this.fits(value) : this.kind >= K_I64) this.checkValue("set", value);
		this.own("set", node);
		this.store(node + this.offset, value);
	}

	/**
	 * A view of the struct, union or array payload of `node`, read and written in place (a new object per
	 * call). The payload never moves while the node is in the list.
	 * @throws TypeError for scalar and utf8 payloads; as {@link List.next} does for a bad node.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f32, struct } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const Body = struct("Body", { x: f32, vx: f32 });
	 * const list = new List(new Heap(), Body);
	 * const n = list.pushBack({ x: 0, vx: 3 });
	 * const b = list.view(n);
	 * b.x += b.vx;
	 * console.log(list.get(n).x); // 3
	 * ```
	 */
	view(node: ListNode): View<T> {
		if (!this.aggregate) return rejectNotAggregate("view", this.type.name);
		this.own("view", node);
		return (this.type as unknown as AggregateType).view(this.heap, node + this.offset, {
			checked: this.checked,
		}) as View<T>;
	}

	/**
	 * The list's one cursor over struct, union or array payloads, moved to `node`: the same object on
	 * every call, so loops allocate nothing.
	 * @throws TypeError for scalar and utf8 payloads; as {@link List.next} does for a bad node.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f32, struct } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const P = struct("P", { x: f32 });
	 * const list = new List(new Heap(), P);
	 * for (let i = 0; i < 3; i++) list.pushBack({ x: i });
	 * for (let n = list.first; n !== 0; n = list.next(n)) list.cursor(n).x *= 10;
	 * console.log(list.toArray()); // [ { x: 0 }, { x: 10 }, { x: 20 } ]
	 * ```
	 */
	cursor(node: ListNode): View<T> {
		if (!this.aggregate) return rejectNotAggregate("cursor", this.type.name);
		this.own("cursor", node);
		const cursor = this.cursorView ?? this.makeCursor();
		return cursor.$at(node + this.offset) as View<T>;
	}

	/**
	 * Address of the payload of `node` in the heap, for typed-array access.
	 * @throws as {@link List.next} does.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const heap = new Heap();
	 * const list = new List(heap, f64);
	 * const n = list.pushBack(2.5);
	 * console.log(heap.f64[list.payload(n) >>> 3]); // 2.5
	 * ```
	 */
	payload(node: ListNode): Ptr {
		this.own("payload", node);
		return node + this.offset;
	}

	// ---------------------------------------------------------------- insertion

	/**
	 * Appends a node holding `value` (zero-filled when omitted) and returns it. O(1).
	 * @throws `OutOfMemoryError` when no node can be allocated, TypeError or RangeError for a value that
	 * does not fit; the list is unchanged in both cases.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), u32);
	 * list.pushBack(1);
	 * const zero = list.pushBack();
	 * console.log(list.get(zero), list.length); // 0 2
	 * ```
	 */
	pushBack(value?: WriteValue<T>): ListNode {
		// The hot path (a spare node, a scalar value) is written out in full: V8 inlines it whole.
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const node = u32[hdr + W_SPARE] as number;
		if (node === 0 || value === undefined || hdr === 0 || this.kind >= K_I64)
			return this.pushSlow("pushBack", value, true);
		if (this.checked && !this.fits(value)) this.checkValue("pushBack", value);
		const w = node >>> 2;
		u32[hdr + W_SPARE] = u32[w + N_NEXT] as number;
		u32[hdr + W_SPARES] = (u32[hdr + W_SPARES] as number) - 1;
		this.store(node + this.offset, value);
		const cell = u32[hdr + W_CELL] as number;
		u32[w + N_OWNER] = cell;
		u32[(cell >>> 2) + C_REFS] = (u32[(cell >>> 2) + C_REFS] as number) + 1;
		const last = u32[hdr + W_LAST] as number;
		u32[w + N_PREV] = last;
		u32[w + N_NEXT] = 0;
		if (last === 0) u32[hdr + W_FIRST] = node;
		else u32[(last >>> 2) + N_NEXT] = node;
		u32[hdr + W_LAST] = node;
		u32[hdr + W_LENGTH] = (u32[hdr + W_LENGTH] as number) + 1;
		return node;
	}

	/**
	 * Prepends a node holding `value` (zero-filled when omitted) and returns it. O(1).
	 * @throws as {@link List.pushBack} does.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), u32);
	 * list.pushFront(2);
	 * list.pushFront(1);
	 * console.log(list.toArray()); // [ 1, 2 ]
	 * ```
	 */
	pushFront(value?: WriteValue<T>): ListNode {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const node = u32[hdr + W_SPARE] as number;
		if (node === 0 || value === undefined || hdr === 0 || this.kind >= K_I64)
			return this.pushSlow("pushFront", value, false);
		if (this.checked && !this.fits(value)) this.checkValue("pushFront", value);
		const w = node >>> 2;
		u32[hdr + W_SPARE] = u32[w + N_NEXT] as number;
		u32[hdr + W_SPARES] = (u32[hdr + W_SPARES] as number) - 1;
		this.store(node + this.offset, value);
		const cell = u32[hdr + W_CELL] as number;
		u32[w + N_OWNER] = cell;
		u32[(cell >>> 2) + C_REFS] = (u32[(cell >>> 2) + C_REFS] as number) + 1;
		const first = u32[hdr + W_FIRST] as number;
		u32[w + N_PREV] = 0;
		u32[w + N_NEXT] = first;
		if (first === 0) u32[hdr + W_LAST] = node;
		else u32[(first >>> 2) + N_PREV] = node;
		u32[hdr + W_FIRST] = node;
		u32[hdr + W_LENGTH] = (u32[hdr + W_LENGTH] as number) + 1;
		return node;
	}

	/**
	 * Inserts a node holding `value` (zero-filled when omitted) before `node` and returns it. O(1).
	 * @throws as {@link List.next} does for a bad node, as {@link List.pushBack} does otherwise.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), u32);
	 * const three = list.pushBack(3);
	 * list.insertBefore(three, 2);
	 * console.log(list.toArray()); // [ 2, 3 ]
	 * ```
	 */
	insertBefore(node: ListNode, value?: WriteValue<T>): ListNode {
		this.own("insertBefore", node);
		const added = this.acquire("insertBefore", value);
		const u32 = this.heap.u32;
		this.relink(u32, added, u32[(node >>> 2) + N_PREV] as number, node);
		return added;
	}

	/**
	 * Inserts a node holding `value` (zero-filled when omitted) after `node` and returns it. O(1).
	 * @throws as {@link List.insertBefore} does.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), u32);
	 * const one = list.pushBack(1);
	 * list.pushBack(3);
	 * list.insertAfter(one, 2);
	 * console.log(list.toArray()); // [ 1, 2, 3 ]
	 * ```
	 */
	insertAfter(node: ListNode, value?: WriteValue<T>): ListNode {
		this.own("insertAfter", node);
		const added = this.acquire("insertAfter", value);
		const u32 = this.heap.u32;
		this.relink(u32, added, node, u32[(node >>> 2) + N_NEXT] as number);
		return added;
	}

	// ---------------------------------------------------------------- removal

	/**
	 * Removes the first node and returns its payload (copied out), or `undefined` when the list is
	 * empty. The node is given up as {@link List.remove} does.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const queue = new List(new Heap(), u32);
	 * queue.pushBack(1);
	 * queue.pushBack(2);
	 * console.log(queue.popFront(), queue.popFront(), queue.popFront()); // 1 2 undefined
	 * ```
	 */
	popFront(): Infer<T> | undefined {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const node = u32[hdr + W_FIRST] as number;
		if (node === 0 || hdr === 0) return hdr === 0 ? rejectFreed("popFront") : undefined;
		const value = this.load(node + this.offset) as Infer<T>;
		const next = u32[(node >>> 2) + N_NEXT] as number;
		u32[hdr + W_FIRST] = next;
		if (next === 0) u32[hdr + W_LAST] = 0;
		else u32[(next >>> 2) + N_PREV] = 0;
		u32[hdr + W_LENGTH] = (u32[hdr + W_LENGTH] as number) - 1;
		this.retire(node);
		return value;
	}

	/**
	 * Removes the last node and returns its payload (copied out), or `undefined` when the list is empty.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const stack = new List(new Heap(), u32);
	 * stack.pushBack(1);
	 * stack.pushBack(2);
	 * console.log(stack.popBack(), stack.length); // 2 1
	 * ```
	 */
	popBack(): Infer<T> | undefined {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const node = u32[hdr + W_LAST] as number;
		if (node === 0 || hdr === 0) return hdr === 0 ? rejectFreed("popBack") : undefined;
		const value = this.load(node + this.offset) as Infer<T>;
		const prev = u32[(node >>> 2) + N_PREV] as number;
		u32[hdr + W_LAST] = prev;
		if (prev === 0) u32[hdr + W_FIRST] = 0;
		else u32[(prev >>> 2) + N_NEXT] = 0;
		u32[hdr + W_LENGTH] = (u32[hdr + W_LENGTH] as number) - 1;
		this.retire(node);
		return value;
	}

	/**
	 * Unlinks `node` and gives it up, in O(1): it becomes a spare node (kept for the next insertion)
	 * or, when the list keeps enough of those, goes back to the node allocator. Its handle is dead
	 * afterwards: passing it again is refused with `DoubleFreeError` while the node is spare or its
	 * block free (a handle whose block was reused for a new node of this list names that node).
	 * @throws `InvalidPointerError` for a node of another list or no node at all, `DoubleFreeError`
	 * for a node already removed; the list is unchanged then.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), u32);
	 * const a = list.pushBack(1);
	 * list.pushBack(2);
	 * list.remove(a);
	 * try {
	 *   list.remove(a);
	 * } catch (error) {
	 *   console.log((error as Error).name, list.toArray()); // DoubleFreeError [ 2 ]
	 * }
	 * ```
	 */
	remove(node: ListNode): void {
		const u32 = this.own("remove", node);
		this.unlink(u32, node);
		this.retire(node);
	}

	/**
	 * Frees the spare nodes: removed nodes the list keeps for reuse (see {@link ListOptions.spare}).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const heap = new Heap();
	 * const list = new List(heap, u32, { spare: 8 });
	 * for (let i = 0; i < 10; i++) list.pushBack(i);
	 * while (list.length > 0) list.popBack();
	 * console.log(list.spares, heap.stats().liveBlocks); // 8 10
	 * list.trim();
	 * console.log(list.spares, heap.stats().liveBlocks); // 0 2
	 * ```
	 */
	trim(): void {
		if (this.hdr === 0) rejectFreed("trim");
		this.freeSpares();
	}

	/**
	 * Frees every node (and every spare); the list stays, empty. O(length), iteratively.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u8 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const heap = new Heap();
	 * const list = new List(heap, u8);
	 * for (let i = 0; i < 100; i++) list.pushBack(i);
	 * list.clear();
	 * console.log(list.length, heap.stats().liveBlocks); // 0 2
	 * ```
	 */
	clear(): void {
		if (this.hdr === 0) rejectFreed("clear");
		this.freeNodes();
	}

	// ---------------------------------------------------------------- moves

	/**
	 * Moves `node` to the front, in O(1) (nothing is allocated or freed).
	 * @throws as {@link List.remove} does.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), u32);
	 * list.pushBack(1);
	 * const two = list.pushBack(2);
	 * list.moveToFront(two);
	 * console.log(list.toArray()); // [ 2, 1 ]
	 * ```
	 */
	moveToFront(node: ListNode): void {
		const u32 = this.own("moveToFront", node);
		const hdr = this.hdr;
		const first = u32[hdr + W_FIRST] as number;
		if (first === node) return;
		// Unlink (the node has a predecessor: it is not first), then link in front; the length stays.
		const w = node >>> 2;
		const prev = u32[w + N_PREV] as number;
		const next = u32[w + N_NEXT] as number;
		u32[(prev >>> 2) + N_NEXT] = next;
		if (next === 0) u32[hdr + W_LAST] = prev;
		else u32[(next >>> 2) + N_PREV] = prev;
		u32[w + N_PREV] = 0;
		u32[w + N_NEXT] = first;
		u32[(first >>> 2) + N_PREV] = node;
		u32[hdr + W_FIRST] = node;
	}

	/**
	 * Moves `node` to the back, in O(1) (nothing is allocated or freed).
	 * @throws as {@link List.remove} does.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), u32);
	 * const one = list.pushBack(1);
	 * list.pushBack(2);
	 * list.moveToBack(one);
	 * console.log(list.toArray()); // [ 2, 1 ]
	 * ```
	 */
	moveToBack(node: ListNode): void {
		const u32 = this.own("moveToBack", node);
		const hdr = this.hdr;
		const last = u32[hdr + W_LAST] as number;
		if (last === node) return;
		// Unlink (the node has a successor: it is not last), then link at the back; the length stays.
		const w = node >>> 2;
		const prev = u32[w + N_PREV] as number;
		const next = u32[w + N_NEXT] as number;
		u32[(next >>> 2) + N_PREV] = prev;
		if (prev === 0) u32[hdr + W_FIRST] = next;
		else u32[(prev >>> 2) + N_NEXT] = next;
		u32[w + N_PREV] = last;
		u32[w + N_NEXT] = 0;
		u32[(last >>> 2) + N_NEXT] = node;
		u32[hdr + W_LAST] = node;
	}

	/**
	 * Moves nodes of `source` into this list, before `options.before` (default: at the end), without
	 * allocating or freeing nodes: their handles stay valid and now belong to this list.
	 *
	 * - The whole source (no `first`/`last`): O(1). The source's nodes keep their owner tags; the
	 *   source's owner cell is merged into this list's (union by rank), so later checks of those
	 *   nodes follow at most O(log n) forwards once and then name this list directly.
	 * - A range `first`…`last` (inclusive) of the source, or of this list itself: O(k) for k nodes, to
	 *   count them and to re-tag them.
	 *
	 * The source must have the same payload type and the same allocators.
	 * @throws `InvalidPointerError` (or `DoubleFreeError`) for a node that is not in its list; RangeError
	 * when `last` does not follow `first`, or `before` is inside the range moved; TypeError for a source
	 * of another type or allocator; `OutOfMemoryError` when the source's new owner cell cannot be
	 * allocated (a whole-list splice into a non-empty list needs one). Nothing changes in these cases.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const heap = new Heap();
	 * const a = new List(heap, u32);
	 * const b = new List(heap, u32);
	 * for (const x of [1, 2]) a.pushBack(x);
	 * const three = b.pushBack(3);
	 * b.pushBack(4);
	 * a.splice(b); // O(1)
	 * a.remove(three); // b's old node belongs to a now
	 * console.log(a.toArray(), b.length); // [ 1, 2, 4 ] 0
	 * ```
	 */
	splice(source: List<T>, options: SpliceOptions = {}): void {
		const hdr = this.hdr;
		if (hdr === 0) rejectFreed("splice");
		if (!(source instanceof List) || source.hdr === 0) {
			throw new TypeError("List.splice: the source must be a live List");
		}
		if (
			source.allocator !== this.allocator ||
			source.nodeAllocator !== this.nodeAllocator ||
			source.nodeBytes !== this.nodeBytes
		) {
			throw new TypeError(
				"List.splice: the source must hold the same payload type and use the same allocators",
			);
		}
		if (source.type.name !== this.type.name) {
			throw new TypeError(`List.splice: the source holds ${source.type.name}, not ${this.type.name}`);
		}
		const before = options.before ?? 0;
		if (before !== 0) this.own("splice", before);
		if (options.first === undefined && options.last === undefined && source.hdr !== hdr) {
			this.spliceAll(source, before);
			return;
		}
		spliceRange(this.spliceContext(), source.spliceContext(), options.first, options.last, before);
	}

	// ---------------------------------------------------------------- bulk and iteration

	/**
	 * Copies the payloads out into a JS array, front to back.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { bool } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), bool);
	 * list.pushBack(true);
	 * list.pushFront(false);
	 * console.log(list.toArray()); // [ false, true ]
	 * ```
	 */
	toArray(): Infer<T>[] {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("toArray");
		const out: Infer<T>[] = [];
		for (
			let n = this.heap.u32[hdr + W_FIRST] as number;
			n !== 0;
			n = this.heap.u32[(n >>> 2) + N_NEXT] as number
		) {
			out.push(this.load(n + this.offset) as Infer<T>);
		}
		return out;
	}

	/**
	 * The nodes front to back (or back to front with `reverse`). The iterator reads each node's
	 * neighbour before handing the node out, so removing the node just visited is fine; a node it
	 * was about to visit that is removed meanwhile is caught (`InvalidPointerError` or
	 * `DoubleFreeError`) unless its block was reused for a node of this list.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { i32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), i32);
	 * for (const x of [1, -2, 3, -4]) list.pushBack(x);
	 * for (const n of list.nodes()) if (list.get(n) < 0) list.remove(n);
	 * console.log(list.toArray(), [...list.nodes(true)].map((n) => list.get(n))); // [ 1, 3 ] [ 3, 1 ]
	 * ```
	 */
	nodes(reverse = false): IterableIterator<ListNode> {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("nodes");
		return new NodeIterator<ListNode>(
			this,
			reverse,
			this.heap.u32[hdr + (reverse ? W_LAST : W_FIRST)] as number,
			(n) => n,
		);
	}

	/**
	 * The payloads front to back (or back to front with `reverse`): values for scalars, views for
	 * struct, union and array payloads (a new view per node). Same rules as {@link List.nodes}.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const list = new List(new Heap(), f64);
	 * for (const x of [0.5, 1, 1.5]) list.pushBack(x);
	 * console.log([...list], [...list.values(true)]); // [ 0.5, 1, 1.5 ] [ 1.5, 1, 0.5 ]
	 * ```
	 */
	values(reverse = false): IterableIterator<Element<T>> {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("values");
		const read = this.aggregate
			? (n: number) => this.view(n) as Element<T>
			: (n: number) => this.get(n) as Element<T>;
		return new NodeIterator<Element<T>>(
			this,
			reverse,
			this.heap.u32[hdr + (reverse ? W_LAST : W_FIRST)] as number,
			read,
		);
	}

	/** Same as {@link List.values}: the payloads front to back. */
	[Symbol.iterator](): IterableIterator<Element<T>> {
		return this.values();
	}

	// ---------------------------------------------------------------- lifetime

	/**
	 * Frees every node, the owner cell and the header, walking the nodes iteratively (a list of ten
	 * million nodes needs no stack). The object is then dead: its methods throw `InvalidPointerError`;
	 * calling `free` again does nothing. Other objects opened on the same list must not be used.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const heap = new Heap();
	 * const list = new List(heap, u32);
	 * for (let i = 0; i < 100_000; i++) list.pushBack(i);
	 * list.free();
	 * console.log(heap.stats().liveBlocks); // 0
	 * ```
	 */
	free(): void {
		const hdr = this.hdr;
		if (hdr === 0) return;
		this.freeNodes();
		const u32 = this.heap.u32;
		const cell = u32[hdr + W_CELL] as number;
		u32[hdr + W_MAGIC] = 0;
		this.hdr = 0;
		u32[(cell >>> 2) + C_LIST] = 0;
		release(this.allocator, cell, 1);
		this.allocator.free(hdr * 4);
	}

	/**
	 * Frees the list at the end of a `using` block: same as {@link List.free}.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const heap = new Heap();
	 * {
	 *   using list = new List(heap, u32);
	 *   list.pushBack(1);
	 * }
	 * console.log(heap.stats().liveBlocks); // 0
	 * ```
	 */
	[Symbol.dispose](): void {
		this.free();
	}

	// ---------------------------------------------------------------- internals

	/**
	 * Checks that `node` is a node of this list and returns the heap's u32 view. The fast path is one
	 * comparison of the node's owner tag with the list's cell (and, checked, one `usableSize` of the
	 * node allocator); anything else goes through the full validation.
	 */
	private own(operation: string, node: ListNode): Uint32Array {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const cell = u32[hdr + W_CELL] as number;
		if ((node & 7) !== 0 || u32[(node >>> 2) + N_OWNER] !== cell || hdr === 0 || node >>> 0 !== node) {
			if (hdr === 0) return rejectFreed(operation);
			adoptNode(this, operation, node, cell);
		} else if (this.checked) this.confirm(operation, node, cell);
		return u32;
	}

	/** Checked mode: a node whose tag names this list must also be a live block of the node allocator. */
	private confirm(operation: string, node: ListNode, cell: number): void {
		try {
			this.nodeAllocator.usableSize(node);
		} catch {
			adoptNode(this, operation, node, cell); // throws the error that fits
		}
	}

	/**
	 * A node holding `value` (zero-filled when undefined) and tagged as this list's, not yet linked:
	 * a spare node when there is one, else a new one from the node allocator.
	 */
	private acquire(operation: string, value: WriteValue<T> | undefined): number {
		if (value !== undefined && (this.checked ? !this.fits(value) : this.kind >= K_I64))
			this.checkValue(operation, value);
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const node = u32[hdr + W_SPARE] as number;
		if (node === 0 || value === undefined || this.kind === K_OTHER) return this.acquireSlow(operation, value);
		u32[hdr + W_SPARE] = u32[(node >>> 2) + N_NEXT] as number;
		u32[hdr + W_SPARES] = (u32[hdr + W_SPARES] as number) - 1;
		this.store(node + this.offset, value);
		const cell = u32[hdr + W_CELL] as number;
		u32[(node >>> 2) + N_OWNER] = cell;
		u32[(cell >>> 2) + C_REFS] = (u32[(cell >>> 2) + C_REFS] as number) + 1;
		return node;
	}

	/** {@link List.acquire} from the node allocator, or for a zero-filled or struct payload. */
	private acquireSlow(operation: string, value: WriteValue<T> | undefined): number {
		const hdr = this.hdr;
		let u32 = this.heap.u32;
		let node = u32[hdr + W_SPARE] as number;
		if (node !== 0) {
			u32[hdr + W_SPARE] = u32[(node >>> 2) + N_NEXT] as number;
			u32[hdr + W_SPARES] = (u32[hdr + W_SPARES] as number) - 1;
		} else {
			node =
				this.nodeAlign === undefined
					? this.nodeAllocator.malloc(this.nodeBytes)
					: this.nodeAllocator.malloc(this.nodeBytes, this.nodeAlign);
			if (node === 0) this.exhausted(operation);
			u32 = this.heap.u32;
		}
		if (value === undefined) this.heap.u8.fill(0, node + this.offset, node + this.nodeBytes);
		else if (this.kind !== K_OTHER) this.store(node + this.offset, value);
		else this.storeOrGiveBack(node, value);
		const cell = u32[hdr + W_CELL] as number;
		u32[(node >>> 2) + N_OWNER] = cell;
		u32[(cell >>> 2) + C_REFS] = (u32[(cell >>> 2) + C_REFS] as number) + 1;
		return node;
	}

	/** Writes a struct's payload; if the type refuses the value halfway (unchecked), the node goes back. */
	private storeOrGiveBack(node: number, value: unknown): void {
		try {
			this.store(node + this.offset, value);
		} catch (error) {
			this.heap.u32[(node >>> 2) + N_OWNER] = 0;
			this.stow(node);
			throw error;
		}
	}

	private exhausted(operation: string): never {
		throw outOfMemory(operation, this.nodeBytes, `a node of ${this.nodeBytes} B (length ${this.length})`);
	}

	/** `pushBack` (`back`) or `pushFront` from the node allocator, zero-filled, or with a struct payload. */
	private pushSlow(operation: string, value: WriteValue<T> | undefined, back: boolean): ListNode {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed(operation);
		const node = this.acquire(operation, value);
		const u32 = this.heap.u32;
		if (back) this.relink(u32, node, u32[hdr + W_LAST] as number, 0);
		else this.relink(u32, node, 0, u32[hdr + W_FIRST] as number);
		return node;
	}

	/** Links the unlinked `node` between `prev` and `next` and counts it. */
	private relink(u32: Uint32Array, node: number, prev: number, next: number): void {
		const hdr = this.hdr;
		const w = node >>> 2;
		u32[w + N_PREV] = prev;
		u32[w + N_NEXT] = next;
		if (prev === 0) u32[hdr + W_FIRST] = node;
		else u32[(prev >>> 2) + N_NEXT] = node;
		if (next === 0) u32[hdr + W_LAST] = node;
		else u32[(next >>> 2) + N_PREV] = node;
		u32[hdr + W_LENGTH] = (u32[hdr + W_LENGTH] as number) + 1;
	}

	/** Unlinks `node` from its neighbours and uncounts it. */
	private unlink(u32: Uint32Array, node: number): void {
		const hdr = this.hdr;
		const w = node >>> 2;
		const prev = u32[w + N_PREV] as number;
		const next = u32[w + N_NEXT] as number;
		if (prev === 0) u32[hdr + W_FIRST] = next;
		else u32[(prev >>> 2) + N_NEXT] = next;
		if (next === 0) u32[hdr + W_LAST] = prev;
		else u32[(next >>> 2) + N_PREV] = prev;
		u32[hdr + W_LENGTH] = (u32[hdr + W_LENGTH] as number) - 1;
	}

	/** Drops the owner reference of an unlinked node and keeps it as a spare, or frees it. */
	private retire(node: number): void {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const w = node >>> 2;
		const tag = u32[w + N_OWNER] as number;
		const spares = u32[hdr + W_SPARES] as number;
		if (tag !== u32[hdr + W_CELL] || spares >= this.spareLimit) {
			this.retireSlow(node, tag);
			return;
		}
		u32[(tag >>> 2) + C_REFS] = (u32[(tag >>> 2) + C_REFS] as number) - 1;
		u32[w + N_OWNER] = SPARE_TAG;
		u32[w + N_NEXT] = u32[hdr + W_SPARE] as number;
		u32[hdr + W_SPARE] = node;
		u32[hdr + W_SPARES] = spares + 1;
	}

	/** {@link List.retire} for a node tagged with a forwarding cell, or when the spares are full. */
	private retireSlow(node: number, tag: number): void {
		const u32 = this.heap.u32;
		if (tag === (u32[this.hdr + W_CELL] as number))
			u32[(tag >>> 2) + C_REFS] = (u32[(tag >>> 2) + C_REFS] as number) - 1;
		else release(this.allocator, tag, 1);
		this.stow(node);
	}

	/** Keeps an untagged node as a spare while there is room, else frees it. */
	private stow(node: number): void {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const spares = u32[hdr + W_SPARES] as number;
		const w = node >>> 2;
		if (spares < this.spareLimit) {
			u32[w + N_OWNER] = SPARE_TAG; // a later use of the handle is refused as a removed node
			u32[w + N_NEXT] = u32[hdr + W_SPARE] as number;
			u32[hdr + W_SPARE] = node;
			u32[hdr + W_SPARES] = spares + 1;
		} else {
			u32[w + N_OWNER] = 0;
			this.nodeAllocator.free(node);
		}
	}

	/** Frees the spare nodes. */
	private freeSpares(): void {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		let node = u32[hdr + W_SPARE] as number;
		u32[hdr + W_SPARE] = 0;
		u32[hdr + W_SPARES] = 0;
		while (node !== 0) {
			const next = u32[(node >>> 2) + N_NEXT] as number;
			u32[(node >>> 2) + N_OWNER] = 0;
			this.nodeAllocator.free(node);
			node = next;
		}
	}

	/** Frees every node and every spare, iteratively: one pass, no recursion. */
	private freeNodes(): void {
		this.freeSpares();
		const hdr = this.hdr;
		const nodes = this.nodeAllocator;
		let u32 = this.heap.u32;
		const cell = u32[hdr + W_CELL] as number;
		let direct = 0;
		let node = u32[hdr + W_FIRST] as number;
		u32[hdr + W_FIRST] = 0;
		u32[hdr + W_LAST] = 0;
		u32[hdr + W_LENGTH] = 0;
		while (node !== 0) {
			const w = node >>> 2;
			const next = u32[w + N_NEXT] as number;
			const tag = u32[w + N_OWNER] as number;
			u32[w + N_OWNER] = 0;
			if (tag === cell) direct++;
			else {
				release(this.allocator, tag, 1);
				u32 = this.heap.u32;
			}
			nodes.free(node);
			node = next;
		}
		u32[(cell >>> 2) + C_REFS] = (u32[(cell >>> 2) + C_REFS] as number) - direct;
	}

	/** Moves every node of `source` (another list) before `before`, in O(1). */
	private spliceAll(source: List<T>, before: number): void {
		const u32 = this.heap.u32;
		const hdr = this.hdr;
		const src = source.hdr;
		const count = u32[src + W_LENGTH] as number;
		if (count === 0) return;
		const length = u32[hdr + W_LENGTH] as number;
		let mine = u32[hdr + W_CELL] as number;
		let theirs = u32[src + W_CELL] as number;
		if (length === 0) {
			// Swap the cells: both stay roots, each list keeps its reference.
			u32[hdr + W_CELL] = theirs;
			u32[src + W_CELL] = mine;
			u32[(theirs >>> 2) + C_LIST] = hdr * 4;
			u32[(mine >>> 2) + C_LIST] = src * 4;
		} else {
			const fresh = newCell(this.allocator, src * 4);
			if (fresh === 0)
				throw outOfMemory("splice", layout.CELL_BYTES, "a new owner cell for the emptied source");
			mine = unite(this.allocator, mine, theirs, hdr * 4);
			theirs = fresh;
			const w = this.heap.u32;
			w[hdr + W_CELL] = mine;
			w[src + W_CELL] = theirs;
		}
		const w = this.heap.u32;
		const first = w[src + W_FIRST] as number;
		const last = w[src + W_LAST] as number;
		w[src + W_FIRST] = 0;
		w[src + W_LAST] = 0;
		w[src + W_LENGTH] = 0;
		const prev = before === 0 ? (w[hdr + W_LAST] as number) : (w[(before >>> 2) + N_PREV] as number);
		w[(first >>> 2) + N_PREV] = prev;
		w[(last >>> 2) + N_NEXT] = before;
		if (prev === 0) w[hdr + W_FIRST] = first;
		else w[(prev >>> 2) + N_NEXT] = first;
		if (before === 0) w[hdr + W_LAST] = last;
		else w[(before >>> 2) + N_PREV] = last;
		w[hdr + W_LENGTH] = length + count;
	}

	/** What a range splice needs from a list (cold: one object per splice). */
	private spliceContext(): SpliceSide {
		return {
			allocator: this.allocator,
			hdr: this.hdr,
			own: (operation, node) => {
				this.own(operation, node);
			},
		};
	}

	/**
	 * Writes a payload at `at`. Scalars go through the heap view named by `this.heapView`: one keyed load that
	 * stays monomorphic for a program's payload kind, and small enough for V8 to inline into push and
	 * pop (an eleven-way switch was not, which halved the rate of a push/pop pair).
	 */
	private store(at: number, value: unknown): void {
		const kind = this.kind;
		if (kind === K_OTHER) this.type.write(this.heap, at, value);
		else (this.heap[this.heapView] as Indexed)[at >>> this.shift] = kind === K_BOOL ? (value ? 1 : 0) : value;
	}

	/** Reads the payload at `at`. */
	private load(at: number): unknown {
		const kind = this.kind;
		if (kind === K_OTHER) return this.type.read(this.heap, at);
		const value = (this.heap[this.heapView] as Indexed)[at >>> this.shift];
		return kind === K_BOOL ? value !== 0 : value;
	}

	/** Whether `value` is a number the scalar takes as it is: the inline half of checked mode's check. */
	private fits(value: unknown): boolean {
		return (
			typeof value === "number" &&
			value >= this.lo &&
			value <= this.hi &&
			(!this.whole || Math.floor(value) === value)
		);
	}

	/** Refuses a payload value that does not fit, before anything changes (see Vector's checkValue). */
	private checkValue(operation: string, value: unknown): void {
		const kind = this.kind;
		if (kind <= K_F32) {
			if (typeof value !== "number") rejectValue(operation, this.type.name, kind, value, true);
			return;
		}
		if (kind !== K_OTHER) {
			if (elementValueProblem(kind, value, this.checked) !== undefined)
				rejectValue(operation, this.type.name, kind, value, this.checked);
			return;
		}
		if (!this.checked) return;
		const offset = Math.max(8, this.type.align);
		let scratch = this.scratch;
		if (scratch === undefined) {
			scratch = heapViews(new ArrayBuffer(Math.ceil((offset + this.type.size) / 8) * 8));
			this.scratch = scratch;
		}
		this.type.write(scratch, offset, value);
	}

	private makeCursor(): Cursor {
		const cursor = (this.type as unknown as AggregateType).cursor(this.heap, {
			checked: this.checked,
		}) as Cursor;
		this.cursorView = cursor;
		return cursor;
	}
}
