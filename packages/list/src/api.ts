import type { Allocator } from "@offheap/core";

/**
 * A node of a {@link List}: its address in the heap, a plain number (so handles cost no allocation).
 * `0` is no node: what {@link List.first}, {@link List.next} and their mirrors return at the ends.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f64 } from "@offheap/struct";
 * import { List, type ListNode } from "@offheap/list";
 * const list = new List(new Heap(), f64);
 * const node: ListNode = list.pushBack(1.5);
 * console.log(typeof node, list.get(node)); // number 1.5
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
	 * `free`. Spares show in the heap as live blocks; {@link List.trim}, {@link List.clear} and
	 * {@link List.free} free them. Set when the list is created (stored in its header).
	 * @defaultValue as many nodes as fit in 16 KiB, at least 1
	 */
	spare?: number;
	/**
	 * Development checks. In both modes a node handle is checked by its owner tag, so another list's
	 * node, a removed node (`DoubleFreeError` while it is spare or its block free) and an address that
	 * is no node are refused. When on, every handle is also validated against the node allocator (a
	 * node freed behind the list's back is caught), and payload values are checked against the payload
	 * type before anything changes; when off, values convert as typed arrays convert them.
	 * @defaultValue the module-wide `checked` setting of `@offheap/struct` (`configure`), which is on unless changed
	 */
	checked?: boolean;
}
