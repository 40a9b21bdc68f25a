import type { ScalarName, Type, TypedArrays } from "@offheap/struct";

/**
 * What a vector can hold: any type of `@offheap/struct` (a scalar such as `f64`, a `ptr(...)`, a
 * `struct(...)`, a `union(...)`, an `array(...)`, a `utf8(n)`).
 *
 * @example
 * ```ts
 * import { f32, struct } from "@offheap/struct";
 * import type { ElementType } from "@offheap/vector";
 * const Vec2 = struct("Vec2", { x: f32, y: f32 });
 * const kinds: ElementType[] = [f32, Vec2];
 * console.log(kinds.map((t) => t.size)); // [ 4, 8 ]
 * ```
 */
export type ElementType = Type;

/**
 * The typed array that holds the elements of a scalar type `T` (bytes for `bool`, `Uint32Array` for
 * pointers): what {@link Vector.asTypedArray} returns. `never` for structs and other aggregates.
 *
 * @example
 * ```ts
 * import { f64 } from "@offheap/struct";
 * import type { TypedArrayOf } from "@offheap/vector";
 * const view: TypedArrayOf<typeof f64> = new Float64Array(4);
 * console.log(view.BYTES_PER_ELEMENT); // 8
 * ```
 */
export type TypedArrayOf<T> = T extends { readonly kind: "scalar"; readonly name: infer N extends ScalarName }
	? TypedArrays[N]
	: T extends { readonly kind: "ptr" }
		? Uint32Array
		: never;

/**
 * Options of a new {@link Vector}.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f64 } from "@offheap/struct";
 * import { Vector, type VectorOptions } from "@offheap/vector";
 * const samples: VectorOptions = { capacity: 1024, growthFactor: 2 };
 * const v = new Vector(new Heap(), f64, samples);
 * console.log(v.capacity >= 1024, v.growthFactor); // true 2
 * ```
 */
export interface VectorOptions extends VectorAccessOptions {
	/**
	 * Elements to make room for at once (the storage is allocated when this is not 0). The capacity may
	 * come out a little higher when the allocator's block has room to spare.
	 * @defaultValue 0: nothing is allocated until the first element arrives
	 */
	capacity?: number;
	/**
	 * Factor by which the capacity grows when a push or insert finds the vector full, between 1.125
	 * and 4. Stored in the vector's header, so reopened views grow the same way. Measured in our heap
	 * over five mixes of growing vectors (guide "Vector"), 1.5 leaves 3–16% less of the heap unused
	 * than 2 (blocks freed by earlier growth steps can be reused, which with 2 they never can), for up
	 * to about 1.5× the time spent growing. Choose 2 when growth time matters more than footprint.
	 * @defaultValue 1.5
	 */
	growthFactor?: number;
}

/**
 * Options of {@link Vector.open} and of the checks a vector makes.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f32 } from "@offheap/struct";
 * import { Vector, type VectorAccessOptions } from "@offheap/vector";
 * const fast: VectorAccessOptions = { checked: false };
 * const heap = new Heap();
 * const v = new Vector(heap, f32, fast);
 * console.log(Vector.open(heap, f32, v.address, fast).checked); // false
 * ```
 */
export interface VectorAccessOptions {
	/**
	 * Development checks. When on, element values are checked against the element type before anything
	 * is written (integer ranges, number/boolean/bigint), and every struct view, typed array and iterator
	 * taken from the vector throws `InvalidPointerError` when used after the vector's storage moved or shrank or the
	 * vector was freed (the typed array is then a Proxy). When off, views are plain and do no work, and
	 * values are converted as a typed array converts them (struct types still refuse some values, such
	 * as a string too long for its `utf8(n)`). In both modes a value is read whole, converted and checked
	 * before the vector changes: struct, union, array and utf8 values are written to a staging buffer
	 * first and then copied in, so a refused value changes nothing, and a value that is a view of one of
	 * the vector's own elements is read before growth or a shift moves that element. Index bounds are
	 * always checked.
	 * @defaultValue the module-wide `checked` setting of `@offheap/struct` (`configure`), which is on unless changed
	 */
	checked?: boolean;
}
