/**
 * Element kinds: which typed array of the heap holds a scalar element, as a small integer so that the
 * hot paths switch on it and each `case` keeps its own monomorphic typed-array access.
 * @internal
 */
import type { Heap } from "@offheap/core";
import type { Type } from "@offheap/struct";

export const K_F64 = 0;
export const K_F32 = 1;
export const K_I32 = 2;
export const K_U32 = 3;
export const K_U8 = 4;
export const K_I8 = 5;
export const K_U16 = 6;
export const K_I16 = 7;
export const K_BOOL = 8;
export const K_I64 = 9;
export const K_U64 = 10;
/** Structs, unions, arrays, utf8: read and written through the type's own accessors. */
export const K_OTHER = 11;

const BY_NAME: { readonly [name: string]: number } = {
	f64: K_F64,
	f32: K_F32,
	i32: K_I32,
	u32: K_U32,
	u8: K_U8,
	i8: K_I8,
	u16: K_U16,
	i16: K_I16,
	bool: K_BOOL,
	i64: K_I64,
	u64: K_U64,
};

const SHIFT = [3, 2, 2, 2, 0, 0, 1, 1, 0, 3, 3];

/** The heap view each scalar kind is read and written through (`bool` through the bytes). */
export type ScalarView = "f64" | "f32" | "i32" | "u32" | "u8" | "i8" | "u16" | "i16" | "i64" | "u64";
const VIEW: readonly ScalarView[] = [
	"f64",
	"f32",
	"i32",
	"u32",
	"u8",
	"i8",
	"u16",
	"i16",
	"u8",
	"i64",
	"u64",
];

/** The name of the heap view holding elements of a scalar kind (`u8` for other kinds, unused there). */
export function viewNameOf(kind: number): ScalarView {
	return VIEW[kind] ?? "u8";
}

/** The kind of an element type: a typed-array kind for scalars and pointers, else {@link K_OTHER}. */
export function kindOf(type: Type): number {
	if (type.kind === "ptr") return K_U32;
	if (type.kind !== "scalar") return K_OTHER;
	return BY_NAME[type.name] ?? K_OTHER;
}

/** log2 of the element size of a scalar kind. */
export function shiftOf(kind: number): number {
	return SHIFT[kind] ?? 0;
}

export function isScalarKind(kind: number): boolean {
	return kind < K_OTHER;
}

export function isBigIntKind(kind: number): boolean {
	return kind === K_I64 || kind === K_U64;
}

export type ScalarArray =
	| Float64Array
	| Float32Array
	| Int32Array
	| Uint32Array
	| Uint8Array
	| Int8Array
	| Uint16Array
	| Int16Array
	| BigInt64Array
	| BigUint64Array;

/** The heap's typed array for a scalar kind (`bool` elements are bytes). Re-read after any allocation. */
export function viewOf(heap: Heap, kind: number): ScalarArray {
	switch (kind) {
		case K_F64:
			return heap.f64;
		case K_F32:
			return heap.f32;
		case K_I32:
			return heap.i32;
		case K_U32:
			return heap.u32;
		case K_U8:
		case K_BOOL:
			return heap.u8;
		case K_I8:
			return heap.i8;
		case K_U16:
			return heap.u16;
		case K_I16:
			return heap.i16;
		case K_I64:
			return heap.i64;
		default:
			return heap.u64;
	}
}

const INT_RANGE: { readonly [kind: number]: readonly [number, number] } = {
	[K_I32]: [-(2 ** 31), 2 ** 31 - 1],
	[K_U32]: [0, 2 ** 32 - 1],
	[K_U8]: [0, 255],
	[K_I8]: [-128, 127],
	[K_U16]: [0, 65535],
	[K_I16]: [-32768, 32767],
};

/**
 * The numbers an element of `kind` takes without conversion, for the inline fast check of checked
 * mode: `[lo, hi, whole]`. Kinds whose values are not numbers get an empty range, so the fast check
 * always sends them to {@link valueProblem}.
 */
export function numberRange(kind: number): readonly [number, number, boolean] {
	if (kind === K_F64 || kind === K_F32) return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, false];
	const range = INT_RANGE[kind];
	return range === undefined
		? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, true]
		: [range[0], range[1], true];
}

/**
 * Why `value` cannot be stored in an element of a scalar kind, or `undefined` when it can. `strict`
 * (checked mode) also checks integer ranges; otherwise only what a typed array cannot convert at all
 * (a non-bigint for a 64-bit integer) is refused.
 */
export function valueProblem(kind: number, value: unknown, strict: boolean): string | undefined {
	if (kind === K_I64 || kind === K_U64) {
		if (typeof value !== "bigint") return `expected a bigint, got ${describe(value)}`;
		if (!strict) return undefined;
		const ok = kind === K_I64 ? BigInt.asIntN(64, value) === value : BigInt.asUintN(64, value) === value;
		return ok ? undefined : `${value}n is out of range for ${kind === K_I64 ? "i64" : "u64"}`;
	}
	if (!strict) return undefined;
	if (kind === K_BOOL)
		return typeof value === "boolean" ? undefined : `expected a boolean, got ${describe(value)}`;
	if (typeof value !== "number") return `expected a number, got ${describe(value)}`;
	const range = INT_RANGE[kind];
	if (range === undefined) return undefined;
	if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
		return `${value} is not an integer in [${range[0]}, ${range[1]}]`;
	}
	return undefined;
}

export function describe(value: unknown): string {
	if (typeof value === "string")
		return `${JSON.stringify(value.length > 24 ? `${value.slice(0, 24)}…` : value)} (string)`;
	if (typeof value === "bigint") return `${value}n (bigint)`;
	if (value === null || typeof value !== "object") return `${String(value)} (${typeof value})`;
	return Array.isArray(value) ? "an array" : "an object";
}
