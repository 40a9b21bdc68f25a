/**
 * Iterators over a list's nodes or payloads, in either direction. Each step asks the list for the
 * neighbour of the node it hands out (which checks that the node is still in the list), so the node
 * just handed out may be removed, and a node removed before its turn is caught.
 * @internal
 */

/** What the iterator needs from its list. */
export interface IteratedList {
	next(node: number): number;
	prev(node: number): number;
}

export class NodeIterator<V> implements IterableIterator<V> {
	private readonly list: IteratedList;
	private readonly reverse: boolean;
	private readonly read: (node: number) => V;
	private current: number;

	constructor(list: IteratedList, reverse: boolean, start: number, read: (node: number) => V) {
		this.list = list;
		this.reverse = reverse;
		this.read = read;
		this.current = start;
	}

	next(): IteratorResult<V> {
		const node = this.current;
		if (node === 0) return { done: true, value: undefined };
		this.current = this.reverse ? this.list.prev(node) : this.list.next(node);
		return { done: false, value: this.read(node) };
	}

	[Symbol.iterator](): this {
		return this;
	}
}
