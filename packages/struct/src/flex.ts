import type { Type } from "./api.ts";
import { checkNoMoreArguments } from "./internal/checks.ts";
import { isType } from "./internal/record.ts";

/**
 * A flexible array member (C `E name[]`): the last member of a struct, with no length of its own. It
 * adds its element's alignment to the struct but nothing to its size; the elements start at
 * {@link StructType.offsetOf}, and a block for `n` of them takes {@link StructType.sizeWith}`(n)`
 * bytes.
 *
 * @typeParam E - the element type.
 * @example
 * ```ts
 * import { f64, flex, struct, u8 } from "@offheap/struct";
 * const Msg = struct("Msg", { d: f64, c: u8, tail: flex(u8) });
 * console.log(Msg.offsetOf("tail"), Msg.size, Msg.sizeWith(10)); // 9 16 19
 * ```
 */
export class FlexibleArray<E extends Type = Type> {
	/** Always `"flex"`. */
	readonly kind: "flex" = "flex";
	/** The element type. */
	readonly element: E;

	/** @internal Use {@link flex}. */
	constructor(element: E) {
		this.element = element;
	}
}

/**
 * Declares a flexible array member `E name[]`, for the last field of a struct: a header followed by a
 * run of elements whose count is known only at run time (a length field, a terminator). Views give
 * access by index ({@link FlexView}); `read` and `write` leave it out, having no length.
 *
 * @param element - the element type (not a struct that itself ends in a flexible array).
 * @throws TypeError when `element` is not a type, or for a second argument (there are no options).
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { flex, struct, u32 } from "@offheap/struct";
 * const Bag = struct("Bag", { count: u32, items: flex(u32) });
 * const heap = new Heap();
 * const bag = Bag.view(heap, heap.alloc(Bag.sizeWith(3), Bag.align));
 * bag.count = 3;
 * for (let i = 0; i < bag.count; i++) bag.items.set(i, i * 10);
 * console.log(bag.items.get(2), Bag.read(heap, bag.$ptr)); // 20 { count: 3 }
 * ```
 */
export function flex<E extends Type>(element: E): FlexibleArray<E> {
	// biome-ignore lint/complexity/noArguments: counts what the signature leaves out (an options object passed by mistake)
	checkNoMoreArguments("flex", arguments, 1, "(element)");
	if (!isType(element)) throw new TypeError(`flex: expected an element type, got ${String(element)}`);
	if ((element as { flexible?: unknown }).flexible === true) {
		throw new TypeError(
			`flex: ${element.name} ends in a flexible array member, so it cannot be an element (C forbids it)`,
		);
	}
	return new FlexibleArray(element);
}
