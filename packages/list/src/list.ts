import { type Allocator, checkOptions, HeapCorruptionError, hex, type Ptr } from "@offheap/core";
import type { Type, WriteValue } from "@offheap/struct";
import type { ListNode, ListOptions, SpliceOptions } from "./api.ts";
import { checkType, OPEN, type OpenOptions } from "./internal/header.ts";
import * as layout from "./internal/layout.ts";
import { checkChains, freeNodes, freeSpares, spliceAll } from "./internal/node-store.ts";
import { release } from "./internal/owners.ts";
import { rejectFreed } from "./internal/reject.ts";
import { type SpliceSide, spliceRange } from "./internal/splice.ts";
import { verifyList } from "./internal/verify.ts";
import { ListDeque } from "./list-deque.ts";

// Literal word numbers in the hot paths: see the note in list-deque.ts.
//   node words: 0 prev, 1 next
const { C_LIST, W_CELL, W_MAGIC } = layout;

/**
 * A doubly linked list whose nodes live in the heap, one block each: O(1) push and pop at both ends,
 * insertion and removal at a node, moves and whole-list splices. A node handle ({@link ListNode}) is
 * a plain number (the node's address with a generation in its low bits), so walking and editing the
 * list allocates nothing in JS.
 *
 * Each node carries a payload of an `@offheap/struct` type (a scalar read and written as a value, or a
 * struct used in place through {@link ListPayloads.view} and {@link ListPayloads.cursor}), and an owner
 * word that names the list it belongs to and the node's generation: a node of another list, or a stale
 * handle (its node was removed, even if its memory now holds a newer node of this list), is refused
 * with a named error instead of corrupting either list.
 *
 * Removed nodes are kept as spares (by default all of them, until {@link List.trim}; see
 * {@link ListOptions.spare}) and reused by the next insertions, as a vector keeps its capacity: steady
 * push/pop traffic then calls neither `malloc` nor `free`, and removing nodes frees none. The list's header (first, last, length, owner cell, spares,
 * payload type) lives in the heap: the object is a thin view that {@link List.open} recreates. Every
 * allocation failure throws `OutOfMemoryError` and leaves the list and the heap as they were.
 * {@link List.free} walks the nodes iteratively, so a list of any length is freed without recursion.
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
export class List<T extends Type = Type> extends ListDeque<T> implements Disposable {
	/**
	 * Creates an empty list: a 64-byte block for its header and a 20-byte owner cell from `allocator`.
	 * @param allocator - a `Heap`, an arena, or any `Allocator`.
	 * @param type - the payload type: a scalar, `ptr`, struct, union, array or utf8 type.
	 * @param options - where nodes come from, checks; see {@link ListOptions}.
	 * @throws TypeError for an allocator that is not one, a bad type or an unknown option (naming it and
	 * every valid one), TypeError or RangeError for a bad option value, `OutOfMemoryError` when the
	 * allocator cannot hold the header (nothing stays allocated then).
	 */
	constructor(allocator: Allocator, type: T, options: ListOptions = {}) {
		super(allocator, type, options);
	}

	/**
	 * Recreates the view of the list whose header is at `address` (its {@link List.address}), after
	 * `Heap.open` or in a worker. Give the allocators the list was made with.
	 * @throws `InvalidPointerError` when no list header is at `address`, TypeError when the list holds
	 * another payload type or for an unknown option, `HeapCorruptionError` when the header is
	 * inconsistent.
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
		checkOptions("List.open", options, ["nodes", "spare", "checked"]); // `spare` is the stored one
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
		return this.insertSlow("insertBefore", value, 2, node); // 2: before the node
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
		return this.insertSlow("insertAfter", value, 3, node); // 3: after the node
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
		checkChains(this, "trim", false);
		freeSpares(this);
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
		checkChains(this, "clear", true);
		freeNodes(this);
	}

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
		const first = u32[hdr + 1] as number;
		if (first === node) return;
		// Unlink (the node has a predecessor: it is not first), then link in front; the length stays.
		const w = (node & -8) >>> 2;
		const prev = u32[w - 2] as number;
		const next = u32[w - 1] as number;
		u32[((prev & -8) >>> 2) - 1] = next;
		if (next === 0) u32[hdr + 2] = prev;
		else u32[((next & -8) >>> 2) - 2] = prev;
		u32[w - 2] = 0;
		u32[w - 1] = first;
		u32[((first & -8) >>> 2) - 2] = node;
		u32[hdr + 1] = node;
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
		const last = u32[hdr + 2] as number;
		if (last === node) return;
		// Unlink (the node has a successor: it is not last), then link at the back; the length stays.
		const w = (node & -8) >>> 2;
		const prev = u32[w - 2] as number;
		const next = u32[w - 1] as number;
		u32[((next & -8) >>> 2) - 2] = prev;
		if (prev === 0) u32[hdr + 1] = next;
		else u32[((prev & -8) >>> 2) - 1] = next;
		u32[w - 2] = last;
		u32[w - 1] = 0;
		u32[((last & -8) >>> 2) - 1] = node;
		u32[hdr + 2] = node;
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
	 * of another type or allocator, or an unknown option; `OutOfMemoryError` when the source's new owner cell cannot be
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
		checkOptions("List.splice", options, ["before", "first", "last"]);
		const before = options.before ?? 0;
		// Checked without compressing owner paths: the splice may still be refused (or fail) below.
		if (before !== 0) this.ownOnly("splice", before);
		if (options.first === undefined && options.last === undefined && source.hdr !== hdr) {
			spliceAll(this, source, before);
			return;
		}
		spliceRange(this.spliceSide(), source.spliceSide(), options.first, options.last, before);
	}

	/**
	 * Verifies the list's invariants in the heap, as `Heap.check()` verifies the heap's: the header
	 * (magic, payload type, root owner cell, counts, its block), every node front to back (inside the
	 * heap, a live block of the node allocator, owned by this list with its handle's generation, its
	 * `prev` link the node before it), the ends and the length (the walk is bounded by the length, so a
	 * cycle is reported rather than followed), the nodes tagged with forwarding cells and each owner
	 * cell's reference count, and the stack of spare nodes. O(length + spares); reads only.
	 * @throws `HeapCorruptionError` naming the node (or the header) and the inconsistency;
	 * `InvalidPointerError` once the list is freed.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { List } from "@offheap/list";
	 * const heap = new Heap();
	 * const list = new List(heap, u32);
	 * const a = list.pushBack(1);
	 * const b = list.pushBack(2);
	 * list.check(); // fine
	 * heap.u32[((b & ~7) >>> 2) - 2] = 0; // b's prev link, overwritten by a stray write
	 * try {
	 *   list.check();
	 * } catch (error) {
	 *   console.log((error as Error).message); // heap corrupted at block …: List.check: list at …: node … (handle …): its prev link is 0x0000, but the node before it is …
	 * }
	 * console.log(a !== 0); // true
	 * ```
	 */
	check(): void {
		if (this.hdr === 0) rejectFreed("check");
		verifyList(this);
	}

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
		checkChains(this, "free", true); // nothing is freed unless all of it can be
		freeNodes(this);
		const u32 = this.heap.u32;
		const cell = u32[hdr + W_CELL] as number;
		u32[hdr + W_MAGIC] = 0;
		this.hdr = 0;
		u32[(cell >>> 2) + C_LIST] = 0;
		release(this.allocator, cell, 1);
		this.allocator.free(hdr * 4 - layout.HEADER_OFFSET);
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

	/** What a range splice needs from a list (cold: one object per splice). */
	private spliceSide(): SpliceSide {
		return {
			allocator: this.allocator,
			hdr: this.hdr,
			own: (operation, node) => {
				this.ownOnly(operation, node);
			},
			corrupt: (operation) => {
				verifyList(this, operation);
				throw new HeapCorruptionError(
					this.address,
					`List.${operation}: list at ${hex(this.address)}: its links are inconsistent`,
				);
			},
		};
	}
}
