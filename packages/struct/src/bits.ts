import type { BitFieldBase, BitFieldValue } from "./api.ts";
import { checkNoMoreArguments, rejectNotNumber } from "./internal/checks.ts";
import type { ScalarType } from "./scalar.ts";

function checkBase(where: string, base: unknown): asserts base is ScalarType<BitFieldValue, BitFieldBase> {
	const name = (base as { name?: unknown } | null)?.name;
	if (
		typeof base !== "object" ||
		base === null ||
		(base as { kind?: unknown }).kind !== "scalar" ||
		name === "f32" ||
		name === "f64"
	) {
		throw new TypeError(
			`${where}: the base of a bit-field must be an integer scalar or bool, got ${String(name ?? base)}`,
		);
	}
}

function checkWidth(
	where: string,
	base: ScalarType<BitFieldValue, BitFieldBase>,
	width: number,
	min: number,
): void {
	const max = base.name === "bool" ? 1 : base.size * 8;
	if (typeof width !== "number") rejectNotNumber(where, "width", width);
	if (!Number.isInteger(width) || width < min || width > max) {
		throw new RangeError(
			`${where}: the width of a ${base.name} bit-field must be an integer in [${min}, ${max}], got ${width}`,
		);
	}
}

/**
 * A named bit-field: `width` bits of an integer (or `bool`) `base` type, as C's `T name : width`.
 * Reads give `number` (`bigint` for 64-bit bases, `boolean` for `bool`); a signed base gives signed
 * values (GCC's default for plain `int` bit-fields). Writing a value outside the range throws.
 *
 * @typeParam V - the value type.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { bits, i32, struct } from "@offheap/struct";
 * const S = struct("S", { j: bits(i32, 5), k: bits(i32, 6), m: bits(i32, 7) });
 * const heap = new Heap();
 * const s = S.view(heap, heap.alloc(S.size));
 * s.j = -1;
 * s.k = 31;
 * console.log(s.j, s.k, heap.u32[s.$ptr >>> 2]?.toString(2)); // -1 31 1111111111
 * ```
 */
export class BitField<V extends BitFieldValue = BitFieldValue> {
	/** Always `"bits"`. */
	readonly kind: "bits" = "bits";
	/** The declared type of the bit-field. */
	readonly base: ScalarType<V, BitFieldBase>;
	/** Width in bits (at least 1). */
	readonly width: number;

	/** @internal Use {@link bits}. */
	constructor(base: ScalarType<V, BitFieldBase>, width: number) {
		this.base = base;
		this.width = width;
	}
}

/**
 * An unnamed bit-field (C `T : width;`): it takes `width` bits, or with width 0 moves the next field
 * to the next `base`-aligned unit, and it has no value. Unlike named bit-fields it does not raise the
 * struct's alignment. Its key in the schema is only a label.
 *
 * @example
 * ```ts
 * import { bits, i32, padBits, struct, u8 } from "@offheap/struct";
 * const S = struct("S", { a: bits(u8, 3), _: padBits(i32, 0), b: u8 });
 * console.log(S.offsetOf("b"), S.size, S.align); // 4 5 1
 * ```
 */
export class PadBits {
	/** Always `"padBits"`. */
	readonly kind: "padBits" = "padBits";
	/** The declared type. */
	readonly base: ScalarType<BitFieldValue, BitFieldBase>;
	/** Width in bits (0 to the base's width). */
	readonly width: number;

	/** @internal Use {@link padBits}. */
	constructor(base: ScalarType<BitFieldValue, BitFieldBase>, width: number) {
		this.base = base;
		this.width = width;
	}
}

/**
 * A bit-field of `width` bits declared as `base` (C `base name : width`), laid out as GCC does:
 * allocated from the least significant bit, packed with its neighbours into storage units of the
 * base type, moved to the next unit rather than straddling one (unless packed).
 *
 * @param base - an integer scalar (`i8` … `u64`) or `bool`.
 * @param width - bits, from 1 to the base's width (1 for `bool`).
 * @throws TypeError for a float or non-scalar base, a width that is not a number, or a third argument
 * (there are no options); RangeError for a bad width.
 * @example
 * ```ts
 * import { bits, struct, u8 } from "@offheap/struct";
 * const Color = struct("Color", { r: bits(u8, 5), g: bits(u8, 6), b: bits(u8, 5) });
 * console.log(Color.size, Color.fields.map((f) => f.offset * 8 + (f.bitOffset ?? 0))); // 3 [ 0, 8, 16 ]
 * ```
 */
export function bits<V extends BitFieldValue>(base: ScalarType<V, BitFieldBase>, width: number): BitField<V> {
	// biome-ignore lint/complexity/noArguments: counts what the signature leaves out (an options object passed by mistake)
	checkNoMoreArguments("bits", arguments, 2, "(base, width)");
	checkBase("bits", base);
	checkWidth("bits", base, width, 1);
	return new BitField(base, width);
}

/**
 * An unnamed bit-field (C `base : width;`): padding bits, or with `width` 0 a jump to the next
 * storage unit of `base`.
 *
 * @param base - an integer scalar or `bool`.
 * @param width - bits, from 0 to the base's width.
 * @throws TypeError for a float or non-scalar base, a width that is not a number, or a third argument
 * (there are no options); RangeError for a bad width.
 * @example
 * ```ts
 * import { bits, i32, padBits, struct } from "@offheap/struct";
 * const S = struct("S", { a: bits(i32, 3), _: padBits(i32, 0), b: bits(i32, 3) });
 * console.log(S.fields[2]?.offset, S.size); // 4 8
 * ```
 */
export function padBits(base: ScalarType<BitFieldValue, BitFieldBase>, width: number): PadBits {
	// biome-ignore lint/complexity/noArguments: counts what the signature leaves out (an options object passed by mistake)
	checkNoMoreArguments("padBits", arguments, 2, "(base, width)");
	checkBase("padBits", base);
	checkWidth("padBits", base, width, 0);
	return new PadBits(base, width);
}
