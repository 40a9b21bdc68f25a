import type { HeapViews, ScalarName, Type, TypedArrays } from "./api.ts";
import { settings } from "./configure.ts";
import { checkPointer, rejectScalar } from "./internal/checks.ts";
import { SCALARS, type ScalarInfo } from "./internal/scalar-info.ts";

type Indexed = { [i: number]: number | bigint };
type DataViewMethods = { [m: string]: (...args: unknown[]) => unknown };

/** Whether `v` fits the scalar (checked mode), or at least has its JS type where that is always checked. */
export function scalarAccepts(info: ScalarInfo, v: unknown, checked: boolean): boolean {
	if (info.value === "bigint") {
		return typeof v === "bigint" && (!checked || (v >= (info.min as bigint) && v <= (info.max as bigint)));
	}
	if (!checked) return true;
	if (info.value === "boolean") return typeof v === "boolean";
	if (typeof v !== "number") return false;
	return !info.integer || (Number.isInteger(v) && v >= (info.min as number) && v <= (info.max as number));
}

/**
 * A fixed-width number, `bool` or (as {@link PtrType}) pointer: the types a container can also treat
 * as a typed array, through {@link ScalarType.typedArray} and {@link ScalarType.shift}.
 *
 * Values are little-endian in the heap. `i64` and `u64` are `bigint`; `bool` is one byte read as
 * `false` when 0 and `true` otherwise.
 *
 * @typeParam V - the JavaScript value: `number`, `bigint` or `boolean`.
 * @typeParam N - the scalar's name.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f64 } from "@offheap/struct";
 * const heap = new Heap();
 * const base = heap.alloc(8 * 100, f64.align);
 * const view = f64.typedArray(heap); // re-read after anything that may grow the heap
 * for (let i = 0; i < 100; i++) view[(base >>> f64.shift) + i] = i / 2;
 * console.log(f64.read(heap, base + 3 * f64.size)); // 1.5
 * ```
 */
export class ScalarType<
	V extends number | bigint | boolean = number | bigint | boolean,
	N extends ScalarName = ScalarName,
> implements Type<V>
{
	/** Always `"scalar"`. */
	readonly kind: "scalar" = "scalar";
	/** `"i8"` … `"f64"`, `"bool"`. */
	readonly name: N;
	/** Bytes: 1, 2, 4 or 8. */
	readonly size: number;
	/** Same as `size` (natural alignment). */
	readonly align: number;
	/** `log2(size)`: a byte address `>>> shift` is the index in {@link ScalarType.typedArray} (when aligned). */
	readonly shift: 0 | 1 | 2 | 3;
	private readonly info: ScalarInfo;

	/** @internal Scalars are the exported constants `i8` … `bool`. */
	constructor(name: N) {
		const info = SCALARS[name];
		this.name = name;
		this.info = info;
		this.size = info.size;
		this.align = info.size;
		this.shift = info.shift;
	}

	/**
	 * The typed array of the heap holding values of this type (for `bool`, the bytes). Index it with
	 * `ptr >>> shift` for an aligned `ptr`. Read it from the heap again after anything that may grow it.
	 */
	typedArray(heap: HeapViews): TypedArrays[N] {
		return heap[this.info.view] as TypedArrays[N];
	}

	/**
	 * Reads the value at `ptr` (any alignment).
	 * @throws {@link @offheap/core!InvalidPointerError} in checked mode when `ptr` is NULL or the value is outside the heap.
	 */
	read(heap: HeapViews, ptr: number): V {
		const info = this.info;
		if (settings.checked) checkPointer(info.name, "read", heap, ptr, info.size);
		let v: unknown;
		if (info.size === 1 || (ptr & (info.size - 1)) === 0)
			v = (heap[info.view] as Indexed)[ptr >>> info.shift];
		else v = (heap.dv as unknown as DataViewMethods)[`get${info.dv}`]?.(ptr, true);
		return (info.value === "boolean" ? v !== 0 : v) as V;
	}

	/**
	 * Writes `value` at `ptr` (any alignment).
	 * @throws TypeError for a value of the wrong JavaScript type (always for 64-bit integers, in checked
	 * mode for the others), RangeError in checked mode for an integer out of range, and
	 * {@link @offheap/core!InvalidPointerError} in checked mode for a bad pointer.
	 */
	write(heap: HeapViews, ptr: number, value: V): void {
		const info = this.info;
		const checked = settings.checked;
		if (checked) checkPointer(info.name, "write", heap, ptr, info.size);
		if (!scalarAccepts(info, value, checked)) rejectScalar(`${info.name}.write`, info, value);
		const x = info.value === "boolean" ? (value ? 1 : 0) : value;
		if (info.size === 1 || (ptr & (info.size - 1)) === 0)
			(heap[info.view] as Indexed)[ptr >>> info.shift] = x as number;
		else (heap.dv as unknown as DataViewMethods)[`set${info.dv}`]?.(ptr, x, true);
	}
}

/**
 * Signed 8-bit integer (`int8_t`).
 * @example
 * ```ts
 * import { i8, struct } from "@offheap/struct";
 * console.log(struct("S", { a: i8 }).size); // 1
 * ```
 */
export const i8: ScalarType<number, "i8"> = new ScalarType("i8");
/**
 * Unsigned 8-bit integer (`uint8_t`).
 * @example
 * ```ts
 * import { u8 } from "@offheap/struct";
 * console.log(u8.size, u8.align); // 1 1
 * ```
 */
export const u8: ScalarType<number, "u8"> = new ScalarType("u8");
/**
 * Signed 16-bit integer (`int16_t`).
 * @example
 * ```ts
 * import { i16 } from "@offheap/struct";
 * console.log(i16.size, i16.shift); // 2 1
 * ```
 */
export const i16: ScalarType<number, "i16"> = new ScalarType("i16");
/**
 * Unsigned 16-bit integer (`uint16_t`).
 * @example
 * ```ts
 * import { u16 } from "@offheap/struct";
 * console.log(u16.align); // 2
 * ```
 */
export const u16: ScalarType<number, "u16"> = new ScalarType("u16");
/**
 * Signed 32-bit integer (`int32_t`).
 * @example
 * ```ts
 * import { i32 } from "@offheap/struct";
 * console.log(i32.size); // 4
 * ```
 */
export const i32: ScalarType<number, "i32"> = new ScalarType("i32");
/**
 * Unsigned 32-bit integer (`uint32_t`).
 * @example
 * ```ts
 * import { u32 } from "@offheap/struct";
 * console.log(u32.shift); // 2
 * ```
 */
export const u32: ScalarType<number, "u32"> = new ScalarType("u32");
/**
 * Signed 64-bit integer (`int64_t`), read and written as a `bigint`.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { i64 } from "@offheap/struct";
 * const heap = new Heap();
 * const p = heap.alloc(8);
 * i64.write(heap, p, -(2n ** 63n));
 * console.log(i64.read(heap, p)); // -9223372036854775808n
 * ```
 */
export const i64: ScalarType<bigint, "i64"> = new ScalarType("i64");
/**
 * Unsigned 64-bit integer (`uint64_t`), read and written as a `bigint`.
 * @example
 * ```ts
 * import { u64 } from "@offheap/struct";
 * console.log(u64.size, u64.align); // 8 8
 * ```
 */
export const u64: ScalarType<bigint, "u64"> = new ScalarType("u64");
/**
 * 32-bit IEEE 754 float (`float`).
 * @example
 * ```ts
 * import { f32 } from "@offheap/struct";
 * console.log(f32.size); // 4
 * ```
 */
export const f32: ScalarType<number, "f32"> = new ScalarType("f32");
/**
 * 64-bit IEEE 754 float (`double`).
 * @example
 * ```ts
 * import { f64 } from "@offheap/struct";
 * console.log(f64.align); // 8
 * ```
 */
export const f64: ScalarType<number, "f64"> = new ScalarType("f64");
/**
 * Boolean stored in one byte (`_Bool`): 0 is `false`, anything else `true`; writes store 0 or 1.
 * @example
 * ```ts
 * import { bool, struct, u8 } from "@offheap/struct";
 * console.log(struct("Flags", { on: bool, level: u8 }).size); // 2
 * ```
 */
export const bool: ScalarType<boolean, "bool"> = new ScalarType("bool");
