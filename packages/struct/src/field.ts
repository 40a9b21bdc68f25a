import { checkOptions, describeArgument } from "@offheap/core";
import type { BitFieldValue, FieldOptions, Type } from "./api.ts";
import type { BitField } from "./bits.ts";
import { checkBooleanOption, rejectNotNumber } from "./internal/checks.ts";

/** Checks an alignment given in options: a power of two from 1 to 2^28 (GCC's limit). */
export function checkAlignOption(where: string, align: unknown): void {
	if (typeof align !== "number") rejectNotNumber(where, "align", align);
	if (!Number.isInteger(align) || align < 1 || align > 2 ** 28 || (align & (align - 1)) !== 0) {
		throw new RangeError(`${where}: align must be a power of two from 1 to 2^28, got ${String(align)}`);
	}
}

/**
 * A field spec with per-field layout options: what {@link field} returns.
 *
 * @typeParam S - the wrapped type or bit-field.
 * @example
 * ```ts
 * import { f64, field } from "@offheap/struct";
 * const spec = field(f64, { packed: true });
 * console.log(spec.kind, spec.options.packed); // field true
 * ```
 */
export class Field<S extends Type | BitField<BitFieldValue> = Type | BitField<BitFieldValue>> {
	/** Always `"field"`. */
	readonly kind: "field" = "field";
	/** The wrapped type or bit-field. */
	readonly spec: S;
	/** The options. */
	readonly options: Readonly<FieldOptions>;

	/** @internal Use {@link field}. */
	constructor(spec: S, options: FieldOptions) {
		this.spec = spec;
		this.options = options;
	}
}

/** The options of {@link field}. */
const FIELD_OPTIONS: readonly (keyof FieldOptions)[] = ["align", "packed"];

/**
 * Gives a field layout options: `align` (like `__attribute__((aligned(n)))` or C11 `_Alignas`) and
 * `packed` (like `__attribute__((packed))` on the member).
 *
 * @param spec - the field's type or bit-field.
 * @param options - see {@link FieldOptions}.
 * @throws RangeError for an alignment that is not a power of two; TypeError for unknown options.
 * @example
 * ```ts
 * import { field, i32, struct, u8 } from "@offheap/struct";
 * const S = struct("S", { c: u8, x: field(i32, { align: 16 }) });
 * console.log(S.offsetOf("x"), S.size, S.align); // 16 32 16
 * ```
 */
export function field<S extends Type | BitField<BitFieldValue>>(spec: S, options: FieldOptions): Field<S> {
	if (options === undefined) {
		throw new TypeError(`field: options must be an object, got ${describeArgument(options)}`);
	}
	checkOptions("field", options, FIELD_OPTIONS);
	if (options.align !== undefined) checkAlignOption("field", options.align);
	checkBooleanOption("field", "packed", options.packed);
	const kind = (spec as { kind?: unknown } | null)?.kind;
	if (kind === "field" || kind === "padBits" || kind === "flex" || kind === undefined) {
		throw new TypeError(`field: expected a type or a bit-field, got ${String(kind ?? spec)}`);
	}
	return new Field(spec, { ...options });
}
