import type { ArrayType } from "./array.ts";
import type { BitField, PadBits } from "./bits.ts";
import type { Field } from "./field.ts";
import type { FlexibleArray } from "./flex.ts";
import type { StructType } from "./struct.ts";

/**
 * The typed-array views a type reads and writes through. A `Heap` from `@offheap/core` is one; so is
 * what {@link heapViews} builds over any buffer (a `WebAssembly.Memory`, a file read into memory).
 *
 * Accessors read the views from this object on every access and never keep their own copy, because a
 * `Heap` re-creates its views when it grows.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f32, type HeapViews } from "@offheap/struct";
 * const heap: HeapViews = new Heap();
 * f32.write(heap, 64, 1.5);
 * console.log(f32.read(heap, 64)); // 1.5
 * ```
 */
export interface HeapViews {
	readonly u8: Uint8Array;
	readonly i8: Int8Array;
	readonly u16: Uint16Array;
	readonly i16: Int16Array;
	readonly u32: Uint32Array;
	readonly i32: Int32Array;
	readonly f32: Float32Array;
	readonly f64: Float64Array;
	readonly i64: BigInt64Array;
	readonly u64: BigUint64Array;
	readonly dv: DataView;
}

/**
 * What kind of type a {@link Type} is.
 *
 * @example
 * ```ts
 * import { array, f32, type TypeKind } from "@offheap/struct";
 * const kind: TypeKind = array(f32, 4).kind;
 * console.log(kind); // array
 * ```
 */
export type TypeKind = "scalar" | "ptr" | "utf8" | "array" | "struct" | "union";

/**
 * Names of the scalar types.
 *
 * @example
 * ```ts
 * import { i64, type ScalarName } from "@offheap/struct";
 * const name: ScalarName = i64.name;
 * console.log(name); // i64
 * ```
 */
export type ScalarName = "i8" | "u8" | "i16" | "u16" | "i32" | "u32" | "i64" | "u64" | "f32" | "f64" | "bool";

/**
 * Scalar names that may be the declared type of a bit-field: the integers and `bool`.
 *
 * @example
 * ```ts
 * import { bits, u16, type BitFieldBase } from "@offheap/struct";
 * const base: BitFieldBase = "u16";
 * console.log(bits(u16, 3).base.name === base); // true
 * ```
 */
export type BitFieldBase = Exclude<ScalarName, "f32" | "f64">;

/**
 * The typed array each scalar reads through (`bool` reads bytes).
 *
 * @example
 * ```ts
 * import type { TypedArrays } from "@offheap/struct";
 * const view: TypedArrays["f32"] = new Float32Array(4);
 * console.log(view.BYTES_PER_ELEMENT); // 4
 * ```
 */
export interface TypedArrays {
	i8: Int8Array;
	u8: Uint8Array;
	i16: Int16Array;
	u16: Uint16Array;
	i32: Int32Array;
	u32: Uint32Array;
	i64: BigInt64Array;
	u64: BigUint64Array;
	f32: Float32Array;
	f64: Float64Array;
	bool: Uint8Array;
}

/**
 * What every type shares, and all a container needs to store elements of it: a size and an alignment
 * (C's `sizeof` and `_Alignof`), and a copying `read`/`write` of one element at an address.
 *
 * `V` is the plain value: `number`, `bigint`, `boolean`, `string`, an object or a tuple. {@link Infer}
 * extracts it. `W` is what `write` accepts, which differs for unions (any subset of the members) and
 * arrays (any array-like); {@link WriteValue} extracts it.
 *
 * @typeParam V - the plain JavaScript value of the type.
 * @typeParam W - what `write` accepts.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f64, struct, type Type } from "@offheap/struct";
 * function fill<V>(heap: Heap, type: Type<V>, base: number, count: number, value: V): void {
 *   for (let i = 0; i < count; i++) type.write(heap, base + i * type.size, value);
 * }
 * const heap = new Heap();
 * const Pair = struct("Pair", { a: f64, b: f64 });
 * const p = heap.alloc(Pair.size * 3, Pair.align);
 * fill(heap, Pair, p, 3, { a: 1, b: 2 });
 * console.log(Pair.read(heap, p + Pair.size)); // { a: 1, b: 2 }
 * ```
 */
export interface Type<V = unknown, W = V> {
	/** What kind of type this is. */
	readonly kind: TypeKind;
	/** A readable name: `"f32"`, `"Particle"`, `"f32[4]"`, `"utf8[12]"`, `"ptr<Node>"`. */
	readonly name: string;
	/** Bytes one value occupies, trailing padding included (C `sizeof`). */
	readonly size: number;
	/** Alignment in bytes (C `_Alignof`); addresses of values should be multiples of it. */
	readonly align: number;
	/**
	 * Copies the value at `ptr` out of the heap.
	 * @throws {@link @offheap/core!InvalidPointerError} in checked mode when `[ptr, ptr + size)` is not inside the heap.
	 */
	read(heap: HeapViews, ptr: number): V;
	/**
	 * Copies `value` into the heap at `ptr`. The whole value is checked before anything is written, so
	 * a refused write changes no byte.
	 * @throws TypeError or RangeError naming the field by its path (`Particle.pos.x`) when a value does
	 * not fit its type; and {@link @offheap/core!InvalidPointerError} in checked mode for a pointer
	 * outside the heap.
	 */
	write(heap: HeapViews, ptr: number, value: W): void;
}

/**
 * The plain TypeScript value of a type: nested objects for structs and unions, `bigint` for 64-bit
 * integers, `boolean` for `bool`, `string` for `utf8(n)`, `number` for the rest, and tuples (up to 16
 * elements) or arrays for arrays.
 *
 * @example
 * ```ts
 * import { array, f32, i64, struct, utf8, type Infer } from "@offheap/struct";
 * const Vec2 = struct("Vec2", { x: f32, y: f32 });
 * const Body = struct("Body", { pos: Vec2, id: i64, name: utf8(8), hist: array(f32, 3) });
 * const b: Infer<typeof Body> = { pos: { x: 0, y: 1 }, id: 7n, name: "ship", hist: [0, 0, 0] };
 * console.log(b.hist.length); // 3
 * ```
 */
export type Infer<T> = T extends { read(heap: HeapViews, ptr: number): infer V } ? V : never;

/**
 * What `write` accepts for a type: its {@link Infer}red value, but for a union any subset of its
 * members (written in declaration order).
 *
 * @example
 * ```ts
 * import { f32, u32, union, type WriteValue } from "@offheap/struct";
 * const Bits = union("Bits", { f: f32, u: u32 });
 * const w: WriteValue<typeof Bits> = { f: 1 };
 * console.log(Object.keys(w)); // [ 'f' ]
 * ```
 */
export type WriteValue<T> = T extends { write(heap: HeapViews, ptr: number, value: infer W): void }
	? W
	: never;

/**
 * Per-field layout options, given with {@link field}. They mean what the GCC attributes of the same
 * names mean on a member.
 *
 * @example
 * ```ts
 * import { field, struct, u8 } from "@offheap/struct";
 * const S = struct("S", { c: u8, x: field(u8, { align: 8 }) }); // like _Alignas(8) char x
 * console.log(S.offsetOf("x"), S.size); // 8 16
 * ```
 */
export interface FieldOptions {
	/**
	 * Minimum alignment of the field, a power of two: `__attribute__((aligned(n)))`. It only raises the
	 * field's alignment, except in a packed struct or with `packed`, where it sets it.
	 * @defaultValue the alignment of the field's type (1 when packed)
	 */
	align?: number;
	/**
	 * Pack this one field: `__attribute__((packed))` on the member. Its alignment becomes 1 and a
	 * packed bit-field may straddle storage units.
	 * @defaultValue false
	 */
	packed?: boolean;
}

/**
 * Layout options of {@link struct} and {@link union}. An unknown option is a TypeError naming it and
 * the valid ones.
 *
 * @example
 * ```ts
 * import { i32, i8, i16, struct } from "@offheap/struct";
 * const Wire = struct("Wire", { c: i8, i: i32, s: i16 }, { packed: true });
 * console.log(Wire.size, Wire.align, Wire.offsetOf("s")); // 7 1 5
 * ```
 */
export interface StructOptions {
	/**
	 * `__attribute__((packed))`: every member gets alignment 1 (bit-fields may straddle), so the type
	 * has alignment 1 and no padding. Nested types keep their own inner layout.
	 * @defaultValue false
	 */
	packed?: boolean;
	/**
	 * `__attribute__((aligned(n)))` on the type: raises its alignment to `n` (a power of two), and its
	 * size rounds up to a multiple of it. It never lowers the natural alignment.
	 * @defaultValue the largest alignment of the members (1 when packed)
	 */
	align?: number;
	/**
	 * `#pragma pack(n)` around the declaration, `n` one of 1, 2, 4, 8, 16: every member's alignment is
	 * capped at `n`, and bit-fields may straddle storage units (as GCC does under the pragma).
	 * @defaultValue undefined: no cap
	 */
	pack?: number;
}

/**
 * Options of the accessors: {@link StructType.view}, {@link StructType.cursor} and their array
 * counterparts. An unknown option (a misspelt `check`) is a TypeError naming it and the valid ones.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f32, struct } from "@offheap/struct";
 * const Vec2 = struct("Vec2", { x: f32, y: f32 });
 * const heap = new Heap();
 * const fast = Vec2.cursor(heap, { checked: false }); // no pointer checks in $at
 * fast.$at(heap.alloc(Vec2.size)).x = 3;
 * console.log(fast.x); // 3
 * ```
 */
export interface AccessOptions {
	/**
	 * Check every pointer the view is moved to (inside the heap, not NULL, aligned for a cursor),
	 * every array index, and every value written (integer ranges, number, boolean and bigint types).
	 * Unchecked accessors still reject what the issue calls misuse: a string too long for its
	 * `utf8(n)`, a value out of a bit-field's range, and a non-bigint for a 64-bit integer.
	 * @defaultValue the module-wide setting of {@link configure} (checked unless changed)
	 */
	checked?: boolean;
}

/**
 * Module-wide settings, changed with {@link configure}.
 *
 * @example
 * ```ts
 * import { configure, type Settings } from "@offheap/struct";
 * const now: Settings = configure({});
 * console.log(now.checked); // true
 * ```
 */
export interface Settings {
	/**
	 * Default of {@link AccessOptions.checked} for accessors created from now on, and whether the
	 * copying `read`/`write` of every type check pointers and values.
	 * @defaultValue true
	 */
	checked: boolean;
	/**
	 * Generate accessor classes with `new Function` (fastest). When false, or when a content security
	 * policy forbids `new Function`, accessors are built from closures on shared prototypes: same
	 * behaviour, about half the speed in hot loops. Affects accessors generated from now on.
	 * @defaultValue true when `new Function` works in this environment
	 */
	codegen: boolean;
}

/**
 * One field of a struct or union, as laid out: what {@link StructType.fields} lists.
 *
 * For a bit-field, `offset` is the byte holding its first bit, and `bitOffset` the position of that
 * bit in the byte (0 = least significant), so its first bit is bit `8 * offset + bitOffset` of the
 * struct, counting from the least significant bit of byte 0. Bits are allocated from the low end, as
 * on x86-64 and wasm32.
 *
 * @example
 * ```ts
 * import { bits, i32, struct } from "@offheap/struct";
 * const Flags = struct("Flags", { j: bits(i32, 5), k: bits(i32, 6) });
 * const k = Flags.fields[1];
 * console.log(k?.offset, k?.bitOffset, k?.bitWidth); // 0 5 6
 * ```
 */
export interface FieldInfo {
	/** The key in the schema. */
	readonly name: string;
	/** The field's type; for a bit-field, its declared base type (`i32` in `bits(i32, 5)`). */
	readonly type: Type;
	/** Byte offset from the start of the struct (for a bit-field: of the byte holding its first bit). */
	readonly offset: number;
	/** Bytes the field occupies: `type.size`, or for a bit-field the bytes its bits touch. */
	readonly size: number;
	/** For a bit-field, the position of its first bit within the byte at `offset` (0–7). */
	readonly bitOffset?: number;
	/** For a bit-field, its width in bits (0 for a zero-width `padBits`). */
	readonly bitWidth?: number;
	/** True for an unnamed bit-field ({@link padBits}): it shapes the layout but has no value. */
	readonly padding: boolean;
	/** True for a flexible array member ({@link flex}): `type` is its element type and `size` is 0. */
	readonly flexible?: boolean;
	/** The field's alignment in this struct, after `packed`, `pack` and `align` (1 for bit-fields). */
	readonly align: number;
}

/**
 * What a struct or union schema maps each field name to: a type, a bit-field ({@link bits},
 * {@link padBits}), or either with per-field options ({@link field}).
 *
 * @example
 * ```ts
 * import { bits, f32, field, type FieldSpec, u8 } from "@offheap/struct";
 * const specs: FieldSpec[] = [f32, bits(u8, 3), field(f32, { align: 16 })];
 * console.log(specs.length); // 3
 * ```
 */
export type FieldSpec =
	| Type
	| BitField<BitFieldValue>
	| PadBits
	| FlexibleArray<Type>
	| Field<Type | BitField<BitFieldValue>>;

/**
 * The value types a bit-field can have: `number` (8- to 32-bit bases), `bigint` (64-bit bases) or
 * `boolean` (`bool`).
 *
 * @example
 * ```ts
 * import { bits, type BitFieldValue, i64 } from "@offheap/struct";
 * const v: BitFieldValue = 5n;
 * console.log(typeof v, bits(i64, 40).width); // bigint 40
 * ```
 */
export type BitFieldValue = number | bigint | boolean;

/**
 * A struct or union schema: field names (C identifiers) to field specs, in declaration order.
 *
 * @example
 * ```ts
 * import { f32, type Fields, struct } from "@offheap/struct";
 * const fields = { x: f32, y: f32 } satisfies Fields;
 * console.log(struct("Vec2", fields).size); // 8
 * ```
 */
export type Fields = { readonly [name: string]: FieldSpec };

/**
 * A field spec without its {@link field} options.
 *
 * @example
 * ```ts
 * import { f64, field, type Unwrap } from "@offheap/struct";
 * const spec = field(f64, { align: 16 });
 * const type: Unwrap<typeof spec> = f64;
 * console.log(type.name); // f64
 * ```
 */
export type Unwrap<S> = S extends Field<infer T> ? T : S;

/**
 * `true` for struct, union and array types, which views expose as nested views rather than values.
 *
 * @example
 * ```ts
 * import { array, f32, type IsAggregate } from "@offheap/struct";
 * const yes: IsAggregate<ReturnType<typeof array>> = true;
 * const no: IsAggregate<typeof f32> = false;
 * console.log(yes, no); // true false
 * ```
 */
export type IsAggregate<T> = T extends { readonly kind: "struct" | "union" | "array" } ? true : false;

/**
 * The plain value of one field spec.
 *
 * @example
 * ```ts
 * import { bits, type FieldValue, i64, u8 } from "@offheap/struct";
 * const flags = bits(u8, 3);
 * const small: FieldValue<typeof flags> = 3;
 * const wide: FieldValue<typeof i64> = 3n;
 * console.log(small, wide, flags.width); // 3 3n 3
 * ```
 */
export type FieldValue<S> =
	S extends Field<infer T>
		? FieldValue<T>
		: S extends BitField<infer V>
			? V
			: S extends PadBits | FlexibleArray<Type>
				? never
				: S extends Type<unknown>
					? Infer<S>
					: never;

/**
 * The plain object a struct or union with fields `F` reads as (unnamed {@link padBits} are left out).
 *
 * @example
 * ```ts
 * import { f32, type StructValue, u8 } from "@offheap/struct";
 * const v: StructValue<{ x: typeof f32; k: typeof u8 }> = { x: 1, k: 2 };
 * console.log(v); // { x: 1, k: 2 }
 * ```
 */
export type StructValue<F extends Fields> = {
	-readonly [K in keyof F as F[K] extends PadBits | FlexibleArray<Type> ? never : K]: FieldValue<F[K]>;
};

/**
 * What `write` accepts for one field spec: like {@link FieldValue}, but a union field may be given
 * any subset of its members.
 *
 * @example
 * ```ts
 * import { f32, type FieldInput, u32, union } from "@offheap/struct";
 * const U = union("U", { f: f32, u: u32 });
 * const input: FieldInput<typeof U> = { u: 1 };
 * console.log(input); // { u: 1 }
 * ```
 */
export type FieldInput<S> =
	S extends Field<infer T>
		? FieldInput<T>
		: S extends BitField<infer V>
			? V
			: S extends PadBits | FlexibleArray<Type>
				? never
				: S extends Type<unknown>
					? WriteValue<S>
					: never;

/**
 * What `write` accepts for a struct with fields `F`: every named field, each as {@link FieldInput}.
 *
 * @example
 * ```ts
 * import { f32, type StructInput } from "@offheap/struct";
 * const v: StructInput<{ x: typeof f32 }> = { x: 1 };
 * console.log(v.x); // 1
 * ```
 */
export type StructInput<F extends Fields> = {
	-readonly [K in keyof F as F[K] extends PadBits | FlexibleArray<Type> ? never : K]: FieldInput<F[K]>;
};

/**
 * What every view and cursor has besides its fields. The members start with `$`, which C
 * identifiers (and so field names) cannot, so they never collide with a field.
 *
 * @typeParam T - the type viewed.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f32, struct } from "@offheap/struct";
 * const Vec2 = struct("Vec2", { x: f32, y: f32 });
 * const heap = new Heap();
 * const p = heap.alloc(Vec2.size * 2, Vec2.align);
 * const c = Vec2.cursor(heap).$at(p);
 * c.$write({ x: 1, y: 2 });
 * c.$next().$write({ x: 3, y: 4 });
 * console.log(c.$ptr - p, c.$read()); // 8 { x: 3, y: 4 }
 * ```
 */
export interface ViewBase<T extends Type> {
	/** The heap (or other {@link HeapViews}) the view reads. */
	readonly $heap: HeapViews;
	/** The address viewed. Move with `$at`. */
	readonly $ptr: number;
	/** The type viewed. */
	readonly $type: T;
	/**
	 * Moves the view to `ptr` and returns it. A nested view read from it afterwards (`view.pos`) is the
	 * same object as before, positioned at the new address.
	 * @throws {@link @offheap/core!InvalidPointerError} when checked and `ptr` is NULL, outside the heap, or (for a
	 * cursor) not a multiple of the type's alignment; TypeError when checked and it is not a number.
	 */
	$at(ptr: number): this;
	/** Moves the view to the next element of an array: `$at($ptr + $type.size)`. */
	$next(): this;
	/** Copies the viewed value out. */
	$read(): Infer<T>;
	/**
	 * Copies a plain value in, checking all of it first: a refused value changes no byte, and its error
	 * names the path from the outermost view (`Particle.pos.x`).
	 */
	$write(value: WriteValue<T>): void;
}

/**
 * The view of a struct or union with fields `F`: a property per field, read and written in place.
 * Scalar, `utf8`, `ptr` and bit-fields are values; struct, union and array fields are nested views
 * (write them with `$write`).
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f32, struct, type StructView } from "@offheap/struct";
 * const Vec2 = struct("Vec2", { x: f32, y: f32 });
 * const heap = new Heap();
 * const v: StructView<typeof Vec2.schema> = Vec2.view(heap, heap.alloc(Vec2.size));
 * v.x = 2;
 * console.log(v.x * 2); // 4
 * ```
 */
export type StructView<F extends Fields, T extends Type = StructType<F>> = string extends keyof F
	? ViewBase<T> // the view of a struct whose fields are not known statically
	: ViewBase<T> & {
			-readonly [K in keyof F as F[K] extends PadBits | FlexibleArray<Type>
				? never
				: IsAggregate<Unwrap<F[K]>> extends true
					? never
					: K]: FieldValue<F[K]>;
		} & {
			readonly [K in keyof F as IsAggregate<Unwrap<F[K]>> extends true ? K : never]: View<Unwrap<F[K]>>;
		} & {
			readonly [K in keyof F as F[K] extends FlexibleArray<Type> ? K : never]: F[K] extends FlexibleArray<
				infer E
			>
				? FlexView<E>
				: never;
		};

/**
 * The view of an array: indexed access with `get`/`set`, and for struct elements a moving cursor.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { array, f32, type ArrayView } from "@offheap/struct";
 * const Mat = array(f32, 4);
 * const heap = new Heap();
 * const m: ArrayView<typeof f32, 4> = Mat.view(heap, heap.alloc(Mat.size));
 * m.set(3, 1);
 * console.log(m.length, [...m]); // 4 [ 0, 0, 0, 1 ]
 * ```
 */
export interface ArrayView<E extends Type, N extends number = number> extends ViewBase<ArrayType<E, N>> {
	/** Number of elements. */
	readonly length: N;
	/**
	 * The element at `index`: a value, or for struct, union and array elements a new view.
	 * @throws RangeError when checked and `index` is not an integer in `[0, length)` (TypeError when it
	 * is not a number).
	 */
	get(index: number): Element<E>;
	/**
	 * Writes the element at `index`, checking all of `value` first (a refused value changes no byte).
	 * @throws RangeError when checked and `index` is not an integer in `[0, length)` (TypeError when it
	 * is not a number); TypeError or RangeError naming the element (`S.items[3].x`) for a bad value.
	 */
	set(index: number, value: WriteValue<E>): void;
	/**
	 * For struct, union and array elements: this array view's one element cursor, moved to `index`.
	 * It is the same object on every call (no allocation), so take what you need before the next call;
	 * use `get` for independent views.
	 * @throws TypeError for scalar elements; RangeError when checked and `index` is out of range.
	 */
	cursor(index: number): View<E>;
	/**
	 * Address of the element at `index`. Its range is not checked (`addressOf(length)` is the end);
	 * checked views refuse an index that is not a number with a TypeError.
	 */
	addressOf(index: number): number;
	/** The elements in order, as `get` returns them. */
	[Symbol.iterator](): IterableIterator<Element<E>>;
}

/**
 * The view of a flexible array member ({@link flex}): indexed access to elements whose count the
 * struct itself does not know. In checked mode, indices are checked against the heap's end only.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f32, flex, struct, u16, type FlexView } from "@offheap/struct";
 * const Poly = struct("Poly", { n: u16, xs: flex(f32) });
 * const heap = new Heap();
 * const p = Poly.view(heap, heap.alloc(Poly.sizeWith(4), Poly.align));
 * const xs: FlexView<typeof f32> = p.xs;
 * xs.set(3, 1.5);
 * console.log(xs.get(3), xs.addressOf(1) - p.$ptr); // 1.5 8
 * ```
 */
export interface FlexView<E extends Type> {
	/** The heap the view reads. */
	readonly $heap: HeapViews;
	/** Address of element 0. */
	readonly $ptr: number;
	/**
	 * The element at `index`: a value, or for struct, union and array elements a new view.
	 * @throws RangeError when checked and the element would lie outside the heap.
	 */
	get(index: number): Element<E>;
	/** Writes the element at `index`. */
	set(index: number, value: WriteValue<E>): void;
	/** For struct, union and array elements: one moving element cursor (see {@link ArrayView.cursor}). */
	cursor(index: number): View<E>;
	/** Address of the element at `index`. */
	addressOf(index: number): number;
}

/** What {@link ArrayView.get} returns for element type `E`. */
export type Element<E> = IsAggregate<E> extends true ? View<E> : Infer<E>;

/**
 * The in-place view of a struct, union or array type: what `T.view(heap, ptr)` and `T.cursor(heap)`
 * return.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f32, struct, type View } from "@offheap/struct";
 * const Vec2 = struct("Vec2", { x: f32, y: f32 });
 * const Particle = struct("Particle", { pos: Vec2, vel: Vec2, life: f32 });
 * const heap = new Heap();
 * const p: View<typeof Particle> = Particle.view(heap, heap.alloc(Particle.size));
 * p.vel.x = 2;
 * p.pos.x += p.vel.x;
 * console.log(p.pos.x); // 2
 * ```
 */
export type View<T> =
	T extends StructType<infer F, infer _K>
		? StructView<F, T>
		: T extends ArrayType<infer E, infer N>
			? ArrayView<E, N>
			: never;
