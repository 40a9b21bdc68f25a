import type { AccessOptions, ArrayView, HeapViews, Infer, Type, WriteValue } from "./api.ts";
import { AggregateAccess } from "./internal/accessors.ts";
import { checkNoMoreArguments, rejectNotNumber } from "./internal/checks.ts";
import { isType } from "./internal/record.ts";

/**
 * A tuple of `N` elements of `V` when `N` is a literal up to 16, otherwise `V[]`: how arrays read.
 *
 * @example
 * ```ts
 * import type { Tuple } from "@offheap/struct";
 * const rgb: Tuple<number, 3> = [255, 128, 0];
 * const many: Tuple<number, 100> = [1, 2];
 * console.log(rgb.length, many.length); // 3 2
 * ```
 */
export type Tuple<V, N extends number, Acc extends V[] = []> = number extends N
	? V[]
	: Acc["length"] extends N
		? Acc
		: Acc["length"] extends 16
			? V[]
			: Tuple<V, N, [...Acc, V]>;

/**
 * A fixed-length C array `E name[N]`: `N` elements back to back, each `element.size` bytes apart
 * (the element size already includes its trailing padding). Its alignment is the element's.
 *
 * @typeParam E - the element type.
 * @typeParam N - the length.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { array, f32, struct } from "@offheap/struct";
 * const Vec2 = struct("Vec2", { x: f32, y: f32 });
 * const Path = array(Vec2, 3);
 * const heap = new Heap();
 * const path = Path.view(heap, heap.alloc(Path.size, Path.align));
 * path.$write([{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }]);
 * let length = 0;
 * for (let i = 1; i < path.length; i++) {
 *   const a = path.get(i - 1);
 *   const b = path.cursor(i); // moving cursor: no allocation
 *   length += Math.hypot(b.x - a.x, b.y - a.y);
 * }
 * console.log(length); // 2
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the defaults make `ArrayType` mean "any array type", to which every array type is assignable
export class ArrayType<E extends Type = any, N extends number = any>
	implements Type<Tuple<Infer<E>, N>, ArrayLike<WriteValue<E>>>
{
	/** Always `"array"`. */
	readonly kind: "array" = "array";
	/** `element[length]`, e.g. `f32[4]`. */
	readonly name: string;
	/** `length * element.size`. */
	readonly size: number;
	/** The element's alignment. */
	readonly align: number;
	/** The element type. */
	readonly element: E;
	/** Number of elements. */
	readonly length: N;
	private readonly access: AggregateAccess;

	/** @internal Use {@link array}. */
	constructor(element: E, length: N) {
		this.element = element;
		this.length = length;
		this.name = `${element.name}[${length}]`;
		this.size = element.size * length;
		this.align = element.align;
		this.access = new AggregateAccess(this);
	}

	/**
	 * A view of the array at `ptr`, with `get`/`set` by index. Any alignment of `ptr` works.
	 * @param options - see {@link AccessOptions}.
	 * @throws {@link @offheap/core!InvalidPointerError} when checked and the array is not inside the heap;
	 * TypeError when `heap` has no typed-array views, `ptr` is not a number, or an option is unknown or
	 * not of its type.
	 */
	view(heap: HeapViews, ptr: number, options?: AccessOptions): ArrayView<E, N> {
		return this.access.view(heap, ptr, options) as unknown as ArrayView<E, N>;
	}

	/**
	 * A view to move with `$at(ptr)` between arrays of this type (addresses aligned to
	 * {@link ArrayType.align}).
	 * @param options - see {@link AccessOptions}.
	 * @throws TypeError when `heap` has no typed-array views, or an option is unknown or not of its type.
	 */
	cursor(heap: HeapViews, options?: AccessOptions): ArrayView<E, N> {
		return this.access.cursor(heap, options) as unknown as ArrayView<E, N>;
	}

	/**
	 * Copies the array at `ptr` into a plain array.
	 * @throws {@link @offheap/core!InvalidPointerError} in checked mode for a bad pointer.
	 */
	read(heap: HeapViews, ptr: number): Tuple<Infer<E>, N> {
		return this.access.read(heap, ptr) as Tuple<Infer<E>, N>;
	}

	/**
	 * Copies `value` (an array or typed array of exactly `length` elements) into the heap at `ptr`. All
	 * elements are checked before any is written, so a refused write changes no byte.
	 * @throws TypeError for a value that is not an array of `length`, and as the element type's `write`
	 * (naming the element: `f32[4][3]`, `Vec2[8][2].x`).
	 */
	write(heap: HeapViews, ptr: number, value: ArrayLike<WriteValue<E>>): void {
		this.access.write(heap, ptr, value);
	}
}

/**
 * Declares a fixed-length array type `type[length]`: of scalars, strings, structs, unions or arrays.
 *
 * @param type - the element type.
 * @param length - the number of elements (a positive integer).
 * @throws TypeError when `type` is not a type (bit-fields cannot be array elements), `length` is not
 * a number, or for a third argument (there are no options); RangeError for a bad length or a size of 2^31 bytes or more.
 * @example
 * ```ts
 * import { array, f32, type Infer } from "@offheap/struct";
 * const Mat3 = array(array(f32, 3), 3);
 * const identity: Infer<typeof Mat3> = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
 * console.log(Mat3.size, Mat3.name, identity.length); // 36 f32[3][3] 3
 * ```
 */
export function array<E extends Type, N extends number>(type: E, length: N): ArrayType<E, N> {
	// biome-ignore lint/complexity/noArguments: counts what the signature leaves out (an options object passed by mistake)
	checkNoMoreArguments("array", arguments, 2, "(type, length)");
	if (!isType(type)) throw new TypeError(`array: expected an element type, got ${String(type)}`);
	if ((type as { flexible?: unknown }).flexible === true) {
		throw new TypeError(
			`array: ${type.name} ends in a flexible array member, so it cannot be an element (C forbids it)`,
		);
	}
	if (typeof length !== "number") rejectNotNumber("array", "length", length);
	if (!Number.isInteger(length) || length < 1)
		throw new RangeError(`array: length must be a positive integer, got ${length}`);
	if (type.size * length >= 2 ** 31) {
		throw new RangeError(
			`array: ${type.name}[${length}] would take ${type.size * length} bytes (at most 2^31 - 1)`,
		);
	}
	return new ArrayType(type, length);
}
