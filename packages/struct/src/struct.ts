import { describeArgument } from "@offheap/core";
import type {
	AccessOptions,
	FieldInfo,
	Fields,
	HeapViews,
	StructInput,
	StructOptions,
	StructValue,
	StructView,
	Type,
} from "./api.ts";
import { AggregateAccess } from "./internal/accessors.ts";
import { rejectNotNumber } from "./internal/checks.ts";
import { describeRecord } from "./internal/record.ts";
import { type ToCOptions, toC } from "./to-c.ts";

/**
 * What `write` of a struct (`K` = `"struct"`) or union (`K` = `"union"`) with fields `F` accepts: all
 * fields for a struct, any subset of the members for a union.
 *
 * @example
 * ```ts
 * import { f32, type RecordInput, u32 } from "@offheap/struct";
 * const some: RecordInput<{ f: typeof f32; u: typeof u32 }, "union"> = { u: 7 };
 * console.log(some); // { u: 7 }
 * ```
 */
export type RecordInput<F extends Fields, K extends "struct" | "union"> = K extends "union"
	? Partial<StructInput<F>>
	: StructInput<F>;

/**
 * A C struct (or, with `K` = `"union"`, a {@link UnionType}): its layout, its C declaration, and
 * accessors that read and write it in the heap.
 *
 * Layout is what GCC produces on x86-64 System V (and clang on wasm32): members in declaration order
 * at their natural alignment, padding between them and at the end so the size is a multiple of the
 * alignment, bit-fields packed into storage units, and the `packed`, `align` and `pack` options.
 *
 * A union has every member at offset 0 and the size of its largest member rounded up to the largest
 * alignment; reading gives every member's interpretation of the bytes, and writing takes any subset
 * of the members, written in declaration order.
 *
 * @typeParam F - the schema: field names to types.
 * @typeParam K - `"struct"` or `"union"`.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f64, struct, u16, u8 } from "@offheap/struct";
 * const S = struct("S", { a: u8, b: f64, c: u16 });
 * console.log(S.size, S.align, S.offsetOf("b"), S.offsetOf("c")); // 24 8 8 16
 * const heap = new Heap();
 * const p = heap.alloc(S.size, S.align);
 * S.write(heap, p, { a: 1, b: 0.5, c: 3 });
 * console.log(S.view(heap, p).b); // 0.5
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the default makes `StructType` mean "any struct", to which every struct type is assignable
export class StructType<F extends Fields = any, K extends "struct" | "union" = "struct" | "union">
	implements Type<StructValue<F>, RecordInput<F, K>>
{
	/** `"struct"`, or `"union"` for a {@link UnionType}. */
	readonly kind: K;
	/** The C name (a C identifier), used by {@link StructType.toC} and in error messages. */
	readonly name: string;
	/** `sizeof`: bytes, trailing padding included. */
	readonly size: number;
	/** `_Alignof`: the largest member alignment, or the `align` option, or 1 when packed. */
	readonly align: number;
	/** Every field in declaration order, with its offset (and bit position for bit-fields). */
	readonly fields: readonly FieldInfo[];
	/** The schema the type was declared with. */
	readonly schema: F;
	/** The layout options it was declared with. */
	readonly options: Readonly<StructOptions>;
	/**
	 * Whether the last field is a flexible array member ({@link flex}). Such a struct cannot be a
	 * member of another struct or an array element, as in C.
	 */
	readonly flexible: boolean;
	private readonly access: AggregateAccess;
	private readonly byName: ReadonlyMap<string, FieldInfo>;

	/** @internal Use {@link struct} or {@link union}. */
	constructor(kind: K, name: string, schema: F, options: StructOptions) {
		const d = describeRecord(kind, name, schema, options);
		this.kind = kind;
		this.name = name;
		this.size = d.size;
		this.align = d.align;
		this.fields = d.fields;
		this.schema = schema;
		this.options = d.options;
		this.flexible = d.flexible;
		this.byName = new Map(d.fields.map((f) => [f.name, f]));
		this.access = new AggregateAccess(this);
	}

	/**
	 * The field called `name`, as laid out.
	 * @throws TypeError when there is no such field.
	 */
	field(name: keyof F & string): FieldInfo {
		const f = this.byName.get(name);
		if (f === undefined) {
			const described = typeof name === "string" ? JSON.stringify(name) : describeArgument(name);
			throw new TypeError(`${this.name} has no field ${described}`);
		}
		return f;
	}

	/**
	 * C's `offsetof`: the byte offset of field `name`.
	 * @throws TypeError when there is no such field, or it is a bit-field (which has no address; its
	 * position is in {@link StructType.fields}).
	 */
	offsetOf(name: keyof F & string): number {
		const f = this.field(name);
		if (f.bitWidth !== undefined) {
			throw new TypeError(
				`${this.name}.${name} is a bit-field: it has no byte offset (see ${this.name}.fields for its bits)`,
			);
		}
		return f.offset;
	}

	/**
	 * Bytes for one value whose flexible array member ({@link flex}) holds `count` elements:
	 * `max(size, offsetOf(member) + count * element.size)`. (The struct's size can exceed the offset of
	 * the member, because trailing padding is included in it.)
	 * @throws TypeError when the struct has no flexible array member or `count` is not a number;
	 * RangeError for a count that is not a non-negative integer.
	 */
	sizeWith(count: number): number {
		const last = this.fields[this.fields.length - 1];
		if (!this.flexible || last === undefined)
			throw new TypeError(`${this.name} has no flexible array member`);
		if (typeof count !== "number") rejectNotNumber(`${this.name}.sizeWith`, "count", count);
		if (!Number.isInteger(count) || count < 0)
			throw new RangeError(`${this.name}.sizeWith: count must be a non-negative integer, got ${count}`);
		return Math.max(this.size, last.offset + count * last.type.size);
	}

	/**
	 * A view of the value at `ptr`: a property per field, read and written in place in the heap. Nested
	 * structs, unions and arrays are views too: one object per field of this view, positioned at the
	 * field each time the property is read (so after `$at`, read the property again).
	 * Any alignment of `ptr` works (a misaligned one is read with a `DataView`).
	 *
	 * @param options - see {@link AccessOptions}.
	 * @throws {@link @offheap/core!InvalidPointerError} when checked and `ptr` is NULL or `[ptr, ptr + size)` is
	 * outside the heap; TypeError when `heap` has no typed-array views, `ptr` is not a number, or an
	 * option is unknown or not of its type.
	 */
	view(heap: HeapViews, ptr: number, options?: AccessOptions): StructView<F, StructType<F, K>> {
		return this.access.view(heap, ptr, options) as unknown as StructView<F, StructType<F, K>>;
	}

	/**
	 * A cursor: a view to move with `$at(ptr)` or `$next()`, for loops over many values without
	 * allocating. It starts at no address: move it before use. Addresses must be multiples of
	 * {@link StructType.align} (checked mode checks; use {@link StructType.view} for misaligned data).
	 *
	 * @param options - see {@link AccessOptions}.
	 * @throws TypeError when `heap` has no typed-array views, or an option is unknown or not of its type.
	 */
	cursor(heap: HeapViews, options?: AccessOptions): StructView<F, StructType<F, K>> {
		return this.access.cursor(heap, options) as unknown as StructView<F, StructType<F, K>>;
	}

	/**
	 * Copies the value at `ptr` into a plain object (nested objects, arrays, `bigint`s…).
	 * @throws {@link @offheap/core!InvalidPointerError} in checked mode for a bad pointer.
	 */
	read(heap: HeapViews, ptr: number): StructValue<F> {
		return this.access.read(heap, ptr) as StructValue<F>;
	}

	/**
	 * Copies a plain object into the heap at `ptr`: every field for a struct, the members present (in
	 * declaration order) for a union. Padding bytes are left as they were. The whole value is checked
	 * before anything is written, so a refused write changes no byte.
	 * @throws TypeError or RangeError naming the field by its path (`S.inner.a`, `S.items[3].x`) for a
	 * value that does not fit. {@link @offheap/core!InvalidPointerError} in checked mode for a bad pointer.
	 */
	write(heap: HeapViews, ptr: number, value: RecordInput<F, K>): void {
		this.access.write(heap, ptr, value);
	}

	/**
	 * The C declaration of this type, preceded by those of the types it contains, and `_Static_assert`s
	 * of its size, alignment and offsets: compile it to get exactly this layout. See {@link toC}.
	 * @param options - see {@link ToCOptions}.
	 */
	toC(options?: ToCOptions): string {
		return toC(this, options);
	}
}

/**
 * Declares a struct type. Fields are laid out in the order of the keys, as a C compiler would.
 *
 * @param name - the C name: a C identifier, not a keyword.
 * @param fields - field names (C identifiers) to types, bit-fields, or {@link field}s with options.
 * @param options - `packed`, `align` and `pack`; see {@link StructOptions}.
 * @throws TypeError for a bad name or field, or an option that is unknown (the message lists the
 * valid ones) or not of its type; RangeError for a bad alignment or a size of
 * 2^31 bytes or more.
 * @example
 * ```ts
 * import { f32, struct, u8, utf8 } from "@offheap/struct";
 * const Vec2 = struct("Vec2", { x: f32, y: f32 });
 * const Particle = struct("Particle", { pos: Vec2, vel: Vec2, life: f32, kind: u8, tag: utf8(12) });
 * console.log(Particle.size, Particle.align, Particle.offsetOf("vel")); // 36 4 8
 * ```
 */
export function struct<F extends Fields>(
	name: string,
	fields: F,
	options: StructOptions = {},
): StructType<F, "struct"> {
	return new StructType("struct", name, fields, options);
}
