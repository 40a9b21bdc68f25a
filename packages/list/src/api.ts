import type { Allocator } from "@offheap/core";

/**
 * A node of a {@link List}: a plain number (so handles cost no allocation), the node's address in the
 * heap with the node's 3-bit generation in its low bits (`handle & ~7` is the address). Removing a
 * node advances its generation, so an old handle is refused even once the memory holds a newer node.
 * `0` is no node: what {@link ListState.first}, {@link ListState.next} and their mirrors return at the ends.
 * A node's address is never the start of a heap block (it is 8 bytes into its node's block), so
 * `heap.free(node)` is refused with `InvalidPointerError` instead of freeing a node the list still links.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f64 } from "@offheap/struct";
 * import { List, type ListNode } from "@offheap/list";
 * const heap = new Heap();
 * const list = new List(heap, f64);
 * const node: ListNode = list.pushBack(1.5);
 * console.log(typeof node, list.get(node)); // number 1.5
 * try {
 *   heap.free(node);
 * } catch (error) {
 *   console.log((error as Error).name, list.length); // InvalidPointerError 1
 * }
 * ```
 */
export type ListNode = number;

/**
 * Options of a new {@link List} and of {@link List.open}.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { u32 } from "@offheap/struct";
 * import { List, type ListOptions } from "@offheap/list";
 * const heap = new Heap();
 * const options: ListOptions = { nodes: heap, checked: false };
 * const list = new List(heap, u32, options);
 * console.log(list.checked, List.open(heap, u32, list.address, options).checked); // false false
 * ```
 */
export interface ListOptions {
	/**
	 * Where nodes come from: a pool with slots of {@link List.nodeLayout} fits them best. The header
	 * and the list's small owner cells come from the list's allocator. Reopen a list with the same one.
	 * @defaultValue the list's allocator
	 */
	nodes?: Allocator;
	/**
	 * Removed nodes to keep for reuse instead of freeing them. A list that shrinks and grows again then
	 * takes its nodes from these, so steady push/pop or remove/insert traffic calls neither `malloc` nor
	 * `free`. By default there is no limit: a list keeps every node it removes, so it goes on holding as
	 * many nodes as it had at its peak (as a vector keeps its capacity) and removing nodes never hands
	 * them back to the heap one by one. A count caps the spares (`spare: 0` frees every removed node;
	 * `Infinity` is no limit). Spares show in the heap as live blocks; {@link List.trim},
	 * {@link List.clear} and {@link List.free} free them. Set when the list is created (stored in its
	 * header). On a checked heap (`new Heap({ checked: true })`) no spares are kept: removed nodes go
	 * back to the heap, whose checker can then say where a stale handle's node was allocated and freed.
	 * @defaultValue no limit: every removed node is kept until `trim`, `clear` or `free`
	 */
	spare?: number;
	/**
	 * Checks of payload values: when on, they are checked against the payload type before anything
	 * changes (a few compares, inlined); when off, values convert as typed arrays convert them. Either
	 * way a value is read whole before the list changes (struct, union, array and utf8 values through a
	 * staging buffer), so a value the payload type refuses, or a bigint for a number payload, takes no
	 * node and changes nothing. In both
	 * modes a node handle is checked against the node's owner word, so another list's node, a stale
	 * handle (`DoubleFreeError`, also when the node's memory holds a newer node of this list) and an
	 * address that is no node are refused. On a checked heap every handle is also validated against
	 * the node allocator (a node freed behind the list's back is caught).
	 * @defaultValue the module-wide `checked` setting of `@offheap/struct` (`configure`), which is on unless changed
	 */
	checked?: boolean;
}

/**
 * Options of {@link List.splice}: which nodes of the source to move, and where to.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { u32 } from "@offheap/struct";
 * import { List, type SpliceOptions } from "@offheap/list";
 * const heap = new Heap();
 * const a = new List(heap, u32);
 * const b = new List(heap, u32);
 * const one = a.pushBack(1);
 * const two = b.pushBack(2);
 * b.pushBack(3);
 * const options: SpliceOptions = { before: one, first: two, last: two };
 * a.splice(b, options);
 * console.log(a.toArray(), b.toArray()); // [ 2, 1 ] [ 3 ]
 * ```
 */
export interface SpliceOptions {
	/** The node of this list to insert before; 0 appends at the end. @defaultValue 0 */
	before?: ListNode;
	/** The first node of the source to move. @defaultValue the source's first node */
	first?: ListNode;
	/** The last node of the source to move (inclusive). @defaultValue the source's last node */
	last?: ListNode;
}
