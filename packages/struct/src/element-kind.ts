import type { HeapViews, Type } from "./api.ts";

/**
 * How a container stores an element of a type, as a small integer: one kind per typed array of the heap
 * (pointers are `u32`), and `other` for structs, unions, arrays and `utf8`, which are read and written
 * through the type's own `read`/`write`. Containers switch on these integers in their hot paths, so each
 * `case` keeps one monomorphic typed-array access. The order is part of the meaning: kinds up to `f32`
 * are floats, kinds from `i64` on need a bigint or are not scalars.
 *
 * @example
 * ```ts
 * import { ELEMENT_KIND, elementKind, f64, struct, u8 } from "@offheap/struct";
 * const Pair = struct("Pair", { a: u8, b: u8 });
 * console.log(elementKind(f64) === ELEMENT_KIND.f64, elementKind(Pair) === ELEMENT_KIND.other); // true true
 * ```
 */
export const ELEMENT_KIND: {
	readonly f64: 0;
	readonly f32: 1;
	readonly i32: 2;
	readonly u32: 3;
	readonly u8: 4;
	readonly i8: 5;
	readonly u16: 6;
	readonly i16: 7;
	readonly bool: 8;
	readonly i64: 9;
	readonly u64: 10;
	readonly other: 11;
} = { f64: 0, f32: 1, i32: 2, u32: 3, u8: 4, i8: 5, u16: 6, i16: 7, bool: 8, i64: 9, u64: 10, other: 11 };

const BY_NAME: { readonly [name: string]: number } = ELEMENT_KIND;
const SHIFT = [3, 2, 2, 2, 0, 0, 1, 1, 0, 3, 3];

/**
 * The heap view an element kind is read and written through (`bool` through the bytes).
 *
 * @example
 * ```ts
 * import { elementKind, elementViewName, type ElementViewName, bool } from "@offheap/struct";
 * const name: ElementViewName = elementViewName(elementKind(bool));
 * console.log(name); // u8
 * ```
 */
export type ElementViewName = "f64" | "f32" | "i32" | "u32" | "u8" | "i8" | "u16" | "i16" | "i64" | "u64";

const VIEW: readonly ElementViewName[] = [
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

/**
 * A typed array that holds scalar elements.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { type ElementArray, elementKind, elementView, f32 } from "@offheap/struct";
 * const view: ElementArray = elementView(new Heap(), elementKind(f32));
 * console.log(view instanceof Float32Array); // true
 * ```
 */
export type ElementArray =
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

/**
 * The {@link ELEMENT_KIND} of a type: its typed array's kind for scalars and pointers, else `other`.
 * @example
 * ```ts
 * import { ELEMENT_KIND, elementKind, f64, ptr, utf8 } from "@offheap/struct";
 * console.log(elementKind(ptr(f64)) === ELEMENT_KIND.u32, elementKind(utf8(4)) === ELEMENT_KIND.other); // true true
 * ```
 */
export function elementKind(type: Type): number {
	if (type.kind === "ptr") return ELEMENT_KIND.u32;
	if (type.kind !== "scalar") return ELEMENT_KIND.other;
	return BY_NAME[type.name] ?? ELEMENT_KIND.other;
}

/**
 * log2 of the element size of a scalar kind: the shift from an address to an index of its view.
 * @example
 * ```ts
 * import { elementKind, elementShift, f64, u16 } from "@offheap/struct";
 * console.log(elementShift(elementKind(f64)), elementShift(elementKind(u16))); // 3 1
 * ```
 */
export function elementShift(kind: number): number {
	return SHIFT[kind] ?? 0;
}

/**
 * The name of the heap view holding elements of a scalar kind (`u8` for `other`, where it is unused).
 * @example
 * ```ts
 * import { elementKind, elementViewName, i64 } from "@offheap/struct";
 * console.log(elementViewName(elementKind(i64))); // i64
 * ```
 */
export function elementViewName(kind: number): ElementViewName {
	return VIEW[kind] ?? "u8";
}

/**
 * Whether elements of this kind live in a typed array (every kind but `other`).
 * @example
 * ```ts
 * import { elementKind, f32, isScalarElement, struct } from "@offheap/struct";
 * console.log(isScalarElement(elementKind(f32)), isScalarElement(elementKind(struct("S", { x: f32 })))); // true false
 * ```
 */
export function isScalarElement(kind: number): boolean {
	return kind < ELEMENT_KIND.other;
}

/**
 * Whether elements of this kind are bigints (`i64`, `u64`).
 * @example
 * ```ts
 * import { elementKind, isBigIntElement, u64 } from "@offheap/struct";
 * console.log(isBigIntElement(elementKind(u64))); // true
 * ```
 */
export function isBigIntElement(kind: number): boolean {
	return kind === ELEMENT_KIND.i64 || kind === ELEMENT_KIND.u64;
}

/**
 * The heap's typed array for a scalar kind (`bool` elements are bytes). Read it again after anything
 * that may grow the heap.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { elementKind, elementView, u16 } from "@offheap/struct";
 * const heap = new Heap();
 * console.log(elementView(heap, elementKind(u16)) === heap.u16); // true
 * ```
 */
export function elementView(heap: HeapViews, kind: number): ElementArray {
	switch (kind) {
		case ELEMENT_KIND.f64:
			return heap.f64;
		case ELEMENT_KIND.f32:
			return heap.f32;
		case ELEMENT_KIND.i32:
			return heap.i32;
		case ELEMENT_KIND.u32:
			return heap.u32;
		case ELEMENT_KIND.u8:
		case ELEMENT_KIND.bool:
			return heap.u8;
		case ELEMENT_KIND.i8:
			return heap.i8;
		case ELEMENT_KIND.u16:
			return heap.u16;
		case ELEMENT_KIND.i16:
			return heap.i16;
		case ELEMENT_KIND.i64:
			return heap.i64;
		default:
			return heap.u64;
	}
}

const INT_RANGE: { readonly [kind: number]: readonly [number, number] } = {
	[ELEMENT_KIND.i32]: [-(2 ** 31), 2 ** 31 - 1],
	[ELEMENT_KIND.u32]: [0, 2 ** 32 - 1],
	[ELEMENT_KIND.u8]: [0, 255],
	[ELEMENT_KIND.i8]: [-128, 127],
	[ELEMENT_KIND.u16]: [0, 65535],
	[ELEMENT_KIND.i16]: [-32768, 32767],
};

/**
 * The numbers an element of `kind` takes without conversion, as `[lo, hi, whole]`, for a container's
 * inline fast check of values. Kinds whose values are not numbers get an empty range, so that check
 * always falls through to {@link elementValueProblem}.
 * @example
 * ```ts
 * import { elementKind, elementNumberRange, u8 } from "@offheap/struct";
 * console.log(elementNumberRange(elementKind(u8))); // [ 0, 255, true ]
 * ```
 */
export function elementNumberRange(kind: number): readonly [number, number, boolean] {
	if (kind === ELEMENT_KIND.f64 || kind === ELEMENT_KIND.f32) {
		return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, false];
	}
	const range = INT_RANGE[kind];
	return range === undefined
		? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, true]
		: [range[0], range[1], true];
}

/**
 * Why `value` cannot be stored in an element of a scalar kind, or `undefined` when it can. `strict`
 * (checked mode) also checks integer ranges and JS types; otherwise only what a typed array cannot
 * convert at all (a non-bigint for a 64-bit integer) is refused.
 * @example
 * ```ts
 * import { elementKind, elementValueProblem, u8 } from "@offheap/struct";
 * console.log(elementValueProblem(elementKind(u8), 256, true)); // 256 is not an integer in [0, 255]
 * console.log(elementValueProblem(elementKind(u8), 256, false)); // undefined
 * ```
 */
export function elementValueProblem(kind: number, value: unknown, strict: boolean): string | undefined {
	if (kind === ELEMENT_KIND.i64 || kind === ELEMENT_KIND.u64) {
		if (typeof value !== "bigint") return `expected a bigint, got ${describeValue(value)}`;
		if (!strict) return undefined;
		const signed = kind === ELEMENT_KIND.i64;
		const ok = signed ? BigInt.asIntN(64, value) === value : BigInt.asUintN(64, value) === value;
		return ok ? undefined : `${value}n is out of range for ${signed ? "i64" : "u64"}`;
	}
	if (!strict) return undefined;
	if (kind === ELEMENT_KIND.bool) {
		return typeof value === "boolean" ? undefined : `expected a boolean, got ${describeValue(value)}`;
	}
	if (typeof value !== "number") return `expected a number, got ${describeValue(value)}`;
	const range = INT_RANGE[kind];
	if (range === undefined) return undefined;
	if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
		return `${value} is not an integer in [${range[0]}, ${range[1]}]`;
	}
	return undefined;
}

/**
 * A short description of any value for error messages: `"abc" (string)`, `5n (bigint)`, `an object`.
 * @example
 * ```ts
 * import { describeValue } from "@offheap/struct";
 * console.log(describeValue("x"), describeValue(null)); // "x" (string) null (object)
 * ```
 */
export function describeValue(value: unknown): string {
	if (typeof value === "string") {
		return `${JSON.stringify(value.length > 24 ? `${value.slice(0, 24)}…` : value)} (string)`;
	}
	if (typeof value === "bigint") return `${value}n (bigint)`;
	if (value === null || typeof value !== "object") return `${String(value)} (${typeof value})`;
	return Array.isArray(value) ? "an array" : "an object";
}
