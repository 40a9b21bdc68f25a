import type { Allocator } from "@offheap/core";
import type { Infer, Type, WriteValue } from "@offheap/struct";
import type { ListNode, ListOptions } from "./api.ts";
import * as layout from "./internal/layout.ts";
import { retireSlow } from "./internal/node-store.ts";
import { outOfMemory, rejectFreed } from "./internal/reject.ts";
import { ListPayloads } from "./list-payloads.ts";

// The hot paths index words with literal numbers (see internal/layout.ts for the names): V8 compiles
// each use of a module constant to a context load and an initialization check, which is slower and
// counts against the bytecode budget under which it inlines these methods into the caller's loop.
//   header words: 1 first, 2 last, 3 length, 4 cell, 8 the top spare's handle, 9 nodes held (linked
//                 and spare: the spares are this less the length)
//   node words:   0 prev, 1 next, 2 owner (cell | generation)
//   spare nodes:  1 the next spare's handle, 2 owner word 1 (SPARE_TAG)
//   masks:        -8 a handle's node address, 7 its generation
// `this.hdr & 0x3fffffff` changes nothing (a u32 index of a heap below 2^31 bytes) but tells V8 that
// `hdr + k` cannot overflow, which spares a check at every header word (about 10% of a push/pop pair).
const { ADDRESS_MASK, GEN_MASK, N_NEXT, N_OWNER, N_PREV, W_CELL, W_FIRST, W_LAST } = layout;
const { NODE_OFFSET, W_LENGTH, W_NODES, W_SERIAL, W_SPARE } = layout;

/** A typed array as the hot paths index it. */
type Indexed = { [index: number]: unknown };

/**
 * The deque operations of a {@link List}: push and pop at both ends and removal at a node, in O(1),
 * taking nodes from the list's spares first. Every `List` is one (a `List` extends this class); it is
 * not made on its own.
 *
 * @typeParam T - the payload type.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { u32 } from "@offheap/struct";
 * import { List, type ListDeque } from "@offheap/list";
 * const queue: ListDeque<typeof u32> = new List(new Heap(), u32);
 * queue.pushBack(1);
 * queue.pushBack(2);
 * console.log(queue.popFront(), queue.length); // 1 1
 * ```
 */
export class ListDeque<T extends Type = Type> extends ListPayloads<T> {
	/** @internal Use `new List(...)` or `List.open(...)`. */
	protected constructor(allocator: Allocator, type: T, options: ListOptions) {
		super(allocator, type, options);
	}

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
		// The hot path (a spare node, a number payload that needs no closer look) is written out in full,
		// small enough for V8 to inline whole into the caller's loop; anything else takes insertSlow.
		const hdr = this.hdr & 0x3fffffff;
		const u32 = this.heap.u32;
		const node = u32[hdr + 8] as number; // the top spare's handle
		const last = u32[hdr + 2] as number;
		const mode = this.pushMode;
		if (
			node === 0 ||
			typeof value !== "number" ||
			// The store modes of ElementValueCheck.storeMode, compared with literals.
			mode === 0 ||
			(mode !== 1 &&
				(mode === 3
					? value >>> 0 !== value
					: mode === 4
						? (value | 0) !== value
						: !(value >= this.lo && value <= this.hi && Math.floor(value) === value))) ||
			hdr === 0
		)
			return this.insertSlow("pushBack", value, 0, 0); // 0: at the back
		const w = (node & -8) >>> 2;
		u32[hdr + 8] = u32[w - 1] as number;
		(this.heap[this.heapView] as Indexed)[((node & -8) + this.offset) >>> this.shift] = value;
		u32[w] = (u32[hdr + 4] as number) | (node & 7); // owner word: the list's cell and the generation
		u32[w - 2] = last;
		u32[w - 1] = 0;
		if (last === 0) u32[hdr + 1] = node;
		else u32[((last & -8) >>> 2) - 1] = node;
		u32[hdr + 2] = node;
		u32[hdr + 3] = (u32[hdr + 3] as number) + 1;
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
		const hdr = this.hdr & 0x3fffffff;
		const u32 = this.heap.u32;
		const node = u32[hdr + 8] as number; // the top spare's handle
		const first = u32[hdr + 1] as number;
		const mode = this.pushMode;
		if (
			node === 0 ||
			typeof value !== "number" ||
			// The store modes of ElementValueCheck.storeMode, compared with literals.
			mode === 0 ||
			(mode !== 1 &&
				(mode === 3
					? value >>> 0 !== value
					: mode === 4
						? (value | 0) !== value
						: !(value >= this.lo && value <= this.hi && Math.floor(value) === value))) ||
			hdr === 0
		)
			return this.insertSlow("pushFront", value, 1, 0); // 1: at the front
		const w = (node & -8) >>> 2;
		u32[hdr + 8] = u32[w - 1] as number;
		(this.heap[this.heapView] as Indexed)[((node & -8) + this.offset) >>> this.shift] = value;
		u32[w] = (u32[hdr + 4] as number) | (node & 7); // owner word: the list's cell and the generation
		u32[w - 2] = 0;
		u32[w - 1] = first;
		if (first === 0) u32[hdr + 2] = node;
		else u32[((first & -8) >>> 2) - 2] = node;
		u32[hdr + 1] = node;
		u32[hdr + 3] = (u32[hdr + 3] as number) + 1;
		return node;
	}

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
		const hdr = this.hdr & 0x3fffffff;
		const u32 = this.heap.u32;
		const node = u32[hdr + 1] as number;
		if (node === 0 || hdr === 0) return hdr === 0 ? rejectFreed("popFront") : undefined;
		const w = (node & -8) >>> 2;
		const value = this.load((node & -8) + this.offset) as Infer<T>;
		const next = u32[w - 1] as number;
		u32[hdr + 1] = next;
		if (next === 0) u32[hdr + 2] = 0;
		else u32[((next & -8) >>> 2) - 2] = 0;
		u32[hdr + 3] = (u32[hdr + 3] as number) - 1;
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
		const hdr = this.hdr & 0x3fffffff;
		const u32 = this.heap.u32;
		const node = u32[hdr + 2] as number;
		if (node === 0 || hdr === 0) return hdr === 0 ? rejectFreed("popBack") : undefined;
		const w = (node & -8) >>> 2;
		const value = this.load((node & -8) + this.offset) as Infer<T>;
		const prev = u32[w - 2] as number;
		u32[hdr + 2] = prev;
		if (prev === 0) u32[hdr + 1] = 0;
		else u32[((prev & -8) >>> 2) - 1] = 0;
		u32[hdr + 3] = (u32[hdr + 3] as number) - 1;
		this.retire(node);
		return value;
	}

	/**
	 * Unlinks `node` and gives it up, in O(1): it becomes a spare node (kept for the next insertion)
	 * or, when the list has as many spares as its `spare` option allows (no limit by default), goes
	 * back to the node allocator. Its handle is dead
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
	 * @internal Links a new node holding `value` (zero-filled when undefined) at the back, at the front,
	 * before or after `anchor` (`where`: 0, 1, 2 or 3, literals at the call sites) and returns it: every insertion the fast paths leave out (no spare node, a value to
	 * check or convert, a freed list), and insertBefore/insertAfter. The value is read whole first (its
	 * getters or `valueOf` may change the list), then the anchor is checked without changing any owner
	 * cell, then the neighbours are read, and only then is a node taken: a call that throws changes
	 * nothing. Written out as one function on purpose: it is larger than what V8 inlines, so that
	 * pushBack's own optimized code does not inline it, which would use up the budget under which
	 * callers inline pushBack into their loops.
	 * @throws OutOfMemoryError when no node can be allocated, TypeError or RangeError for a value that
	 * does not fit, as {@link ListState.next} does for a bad anchor; the list is unchanged then.
	 */
	protected insertSlow(
		operation: string,
		value: WriteValue<T> | undefined,
		where: number,
		anchor: number,
	): ListNode {
		if (this.hdr === 0) return rejectFreed(operation);
		const prepared = value === undefined ? undefined : this.prepare(operation, value);
		const hdr = this.hdr & 0x3fffffff; // read after the value: its getters may have freed the list
		if (hdr === 0) return rejectFreed(operation);
		let u32 = this.heap.u32;
		let prev: number;
		let next: number;
		if (where === 0) {
			prev = u32[hdr + W_LAST] as number;
			next = 0;
		} else if (where === 1) {
			prev = 0;
			next = u32[hdr + W_FIRST] as number;
		} else {
			u32 = this.ownOnly(operation, anchor);
			const w = (anchor & ADDRESS_MASK) >>> 2;
			prev = where === 2 ? (u32[w + N_PREV] as number) : anchor;
			next = where === 2 ? anchor : (u32[w + N_NEXT] as number);
		}
		let node = u32[hdr + W_SPARE] as number;
		if (node !== 0) u32[hdr + W_SPARE] = u32[((node & ADDRESS_MASK) >>> 2) + N_NEXT] as number;
		else {
			const block = this.nodeAllocator.malloc(this.nodeBytes, this.nodeAlign);
			if (block === 0) {
				const length = this.heap.u32[hdr + W_LENGTH] as number;
				throw outOfMemory(operation, this.nodeBytes, `a node of ${this.nodeBytes} B (length ${length})`);
			}
			u32 = this.heap.u32;
			const serial = u32[hdr + W_SERIAL] as number;
			u32[hdr + W_SERIAL] = (serial + 1) >>> 0;
			u32[hdr + W_NODES] = (u32[hdr + W_NODES] as number) + 1;
			node = (block + NODE_OFFSET) | (serial & GEN_MASK); // never the block's start: see layout.ts
		}
		const at = (node & ADDRESS_MASK) + this.offset;
		if (prepared === undefined) this.heap.u8.fill(0, at, at + this.type.size);
		else this.store(at, prepared);
		u32 = this.heap.u32;
		const w = (node & ADDRESS_MASK) >>> 2;
		u32[w + N_OWNER] = (u32[hdr + W_CELL] as number) | (node & GEN_MASK);
		u32[w + N_PREV] = prev;
		u32[w + N_NEXT] = next;
		if (prev === 0) u32[hdr + W_FIRST] = node;
		else u32[((prev & ADDRESS_MASK) >>> 2) + N_NEXT] = node;
		if (next === 0) u32[hdr + W_LAST] = node;
		else u32[((next & ADDRESS_MASK) >>> 2) + N_PREV] = node;
		u32[hdr + W_LENGTH] = (u32[hdr + W_LENGTH] as number) + 1;
		return node;
	}

	/** Unlinks `node` from its neighbours and uncounts it. */
	private unlink(u32: Uint32Array, node: number): void {
		const hdr = this.hdr & 0x3fffffff;
		const w = (node & -8) >>> 2;
		const prev = u32[w - 2] as number;
		const next = u32[w - 1] as number;
		if (prev === 0) u32[hdr + 1] = next;
		else u32[((prev & -8) >>> 2) - 1] = next;
		if (next === 0) u32[hdr + 2] = prev;
		else u32[((next & -8) >>> 2) - 2] = prev;
		u32[hdr + 3] = (u32[hdr + 3] as number) - 1;
	}

	/**
	 * Drops the owner reference of an unlinked node and keeps it as a spare with its next generation
	 * (every handle to it is stale from now on), or frees it when the spares are full.
	 */
	private retire(node: number): void {
		const hdr = this.hdr & 0x3fffffff;
		const u32 = this.heap.u32;
		const w = (node & -8) >>> 2;
		const tag = u32[w] as number;
		// A tag that is not the root cell (in its high bits) takes the slow path, and so does a node beyond
		// a spare limit (0x7fffffff, the default, is none): held nodes (word 9) less the length count the
		// spares and this node (`| 0`: both are below 2^31, so V8 subtracts without checks).
		const limit = this.spareLimit;
		if (
			(tag ^ (u32[hdr + 4] as number)) > 7 ||
			(limit !== 0x7fffffff && (((u32[hdr + 9] as number) - (u32[hdr + 3] as number)) | 0) > limit)
		) {
			retireSlow(this, node, tag);
			return;
		}
		u32[w] = 1; // SPARE_TAG
		u32[w - 1] = u32[hdr + 8] as number;
		u32[hdr + 8] = (node & -8) | ((node + 1) & 7); // the next generation: every handle to it is stale
	}
}
