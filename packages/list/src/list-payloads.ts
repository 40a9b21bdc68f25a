import type { Allocator, Ptr } from "@offheap/core";
import {
	ELEMENT_KIND,
	type Element,
	type HeapViews,
	type Infer,
	type Type,
	type View,
	type WriteValue,
} from "@offheap/struct";
import type { ListNode, ListOptions } from "./api.ts";
import { NodeIterator } from "./internal/iterator.ts";
import * as layout from "./internal/layout.ts";
import { rejectFreed, rejectNotAggregate } from "./internal/reject.ts";
import { ListState } from "./list-state.ts";

const { ADDRESS_MASK, N_NEXT, W_FIRST, W_LAST } = layout;
const K_BOOL = ELEMENT_KIND.bool;

/** What struct, union and array types add to {@link Type}: in-place views. */
interface AggregateType {
	view(heap: HeapViews, ptr: number, options?: { checked?: boolean }): unknown;
	cursor(heap: HeapViews, options?: { checked?: boolean }): unknown;
}

interface Cursor {
	$at(ptr: number): unknown;
}

/**
 * The payloads of a {@link List}: read, written and viewed in place at a node, copied out, iterated.
 * Every `List` is one (a `List` extends this class); it is not made on its own.
 *
 * @typeParam T - the payload type.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f64 } from "@offheap/struct";
 * import { List, type ListPayloads } from "@offheap/list";
 * const list = new List(new Heap(), f64);
 * list.pushBack(0.25);
 * const payloads: ListPayloads<typeof f64> = list;
 * console.log(payloads.get(payloads.first), payloads.toArray()); // 0.25 [ 0.25 ]
 * ```
 */
export class ListPayloads<T extends Type = Type> extends ListState<T> {
	declare private cursorView: Cursor | undefined;

	/** @internal Use `new List(...)` or `List.open(...)`. */
	protected constructor(allocator: Allocator, type: T, options: ListOptions) {
		super(allocator, type, options);
		this.cursorView = undefined;
	}

	/**
	 * The payload of `node`, copied out: a number, bigint or boolean for scalars, a plain object for a
	 * struct (see {@link ListPayloads.view} and {@link ListPayloads.cursor} to work in place).
	 * @throws as {@link ListState.next} does.
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
		return this.load((node & ADDRESS_MASK) + this.offset) as Infer<T>;
	}

	/**
	 * Writes the payload of `node`.
	 * @throws as {@link ListState.next} does; TypeError or RangeError for a value that does not fit
	 * (the payload is then unchanged).
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
		// The value is read whole (and checked) before the node: see `prepare`.
		const prepared = (this.checked ? this.fits(value) : this.kind < K_BOOL && typeof value === "number")
			? value
			: this.prepare("set", value);
		this.own("set", node);
		this.store((node & ADDRESS_MASK) + this.offset, prepared);
	}

	/**
	 * A view of the struct, union or array payload of `node`, read and written in place (a new object per
	 * call). The payload never moves while the node is in the list.
	 * @throws TypeError for scalar and utf8 payloads; as {@link ListState.next} does for a bad node.
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
		return (this.type as unknown as AggregateType).view(this.heap, (node & ADDRESS_MASK) + this.offset, {
			checked: this.checked,
		}) as View<T>;
	}

	/**
	 * The list's one cursor over struct, union or array payloads, moved to `node`: the same object on
	 * every call, so loops allocate nothing.
	 * @throws TypeError for scalar and utf8 payloads; as {@link ListState.next} does for a bad node.
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
		return cursor.$at((node & ADDRESS_MASK) + this.offset) as View<T>;
	}

	/**
	 * Address of the payload of `node` in the heap, for typed-array access.
	 * @throws as {@link ListState.next} does.
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
		return (node & ADDRESS_MASK) + this.offset;
	}

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
		const u32 = this.heap.u32;
		for (
			let n = u32[hdr + W_FIRST] as number;
			n !== 0;
			n = u32[((n & ADDRESS_MASK) >>> 2) + N_NEXT] as number
		) {
			out.push(this.load((n & ADDRESS_MASK) + this.offset) as Infer<T>);
		}
		return out;
	}

	/**
	 * The nodes front to back (or back to front with `reverse`). The iterator reads each node's
	 * neighbour before handing the node out, so removing the node just visited is fine; a node it
	 * was about to visit that is removed meanwhile is caught (`DoubleFreeError`).
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
		const start = this.heap.u32[hdr + (reverse ? W_LAST : W_FIRST)] as number;
		return new NodeIterator<ListNode>(this, reverse, start, (n) => n);
	}

	/**
	 * The payloads front to back (or back to front with `reverse`): values for scalars, views for
	 * struct, union and array payloads (a new view per node). Same rules as {@link ListPayloads.nodes}.
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
		const start = this.heap.u32[hdr + (reverse ? W_LAST : W_FIRST)] as number;
		return new NodeIterator<Element<T>>(this, reverse, start, read);
	}

	/** Same as {@link ListPayloads.values}: the payloads front to back. */
	[Symbol.iterator](): IterableIterator<Element<T>> {
		return this.values();
	}

	private makeCursor(): Cursor {
		const cursor = (this.type as unknown as AggregateType).cursor(this.heap, {
			checked: this.checked,
		}) as Cursor;
		this.cursorView = cursor;
		return cursor;
	}
}
