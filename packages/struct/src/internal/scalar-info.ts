import type { HeapViews, ScalarName } from "../api.ts";

/** Everything the layout, the accessors and `toC()` need to know about a scalar. */
export interface ScalarInfo {
	readonly name: ScalarName | "ptr";
	readonly size: 1 | 2 | 4 | 8;
	/** log2(size): the shift from a byte address to a typed-array index. */
	readonly shift: 0 | 1 | 2 | 3;
	/** The view of {@link HeapViews} it reads through. */
	readonly view: keyof HeapViews &
		("u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "f64" | "i64" | "u64");
	/** DataView method suffix: `getFloat32`, `setBigInt64`, … */
	readonly dv:
		| "Int8"
		| "Uint8"
		| "Int16"
		| "Uint16"
		| "Int32"
		| "Uint32"
		| "BigInt64"
		| "BigUint64"
		| "Float32"
		| "Float64";
	readonly value: "number" | "bigint" | "boolean";
	readonly integer: boolean;
	readonly signed: boolean;
	/** Smallest and largest value (integers only; bigint for 64-bit). */
	readonly min: number | bigint;
	readonly max: number | bigint;
	/** The C type `toC()` declares. */
	readonly c: string;
}

function int(name: ScalarName, size: 1 | 2 | 4, signed: boolean): ScalarInfo {
	const bits = size * 8;
	const shift = size === 1 ? 0 : size === 2 ? 1 : 2;
	const view = `${signed ? "i" : "u"}${bits}` as ScalarInfo["view"];
	const dv = `${signed ? "Int" : "Uint"}${bits}` as ScalarInfo["dv"];
	return {
		name,
		size,
		shift,
		view,
		dv,
		value: "number",
		integer: true,
		signed,
		min: signed ? -(2 ** (bits - 1)) : 0,
		max: signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1,
		c: `${signed ? "" : "u"}int${bits}_t`,
	};
}

export const SCALARS: { readonly [N in ScalarName]: ScalarInfo } = {
	i8: int("i8", 1, true),
	u8: int("u8", 1, false),
	i16: int("i16", 2, true),
	u16: int("u16", 2, false),
	i32: int("i32", 4, true),
	u32: int("u32", 4, false),
	i64: {
		name: "i64",
		size: 8,
		shift: 3,
		view: "i64",
		dv: "BigInt64",
		value: "bigint",
		integer: true,
		signed: true,
		min: -(2n ** 63n),
		max: 2n ** 63n - 1n,
		c: "int64_t",
	},
	u64: {
		name: "u64",
		size: 8,
		shift: 3,
		view: "u64",
		dv: "BigUint64",
		value: "bigint",
		integer: true,
		signed: false,
		min: 0n,
		max: 2n ** 64n - 1n,
		c: "uint64_t",
	},
	f32: {
		name: "f32",
		size: 4,
		shift: 2,
		view: "f32",
		dv: "Float32",
		value: "number",
		integer: false,
		signed: true,
		min: Number.NEGATIVE_INFINITY,
		max: Number.POSITIVE_INFINITY,
		c: "float",
	},
	f64: {
		name: "f64",
		size: 8,
		shift: 3,
		view: "f64",
		dv: "Float64",
		value: "number",
		integer: false,
		signed: true,
		min: Number.NEGATIVE_INFINITY,
		max: Number.POSITIVE_INFINITY,
		c: "double",
	},
	bool: {
		name: "bool",
		size: 1,
		shift: 0,
		view: "u8",
		dv: "Uint8",
		value: "boolean",
		integer: true,
		signed: false,
		min: 0,
		max: 1,
		c: "_Bool",
	},
};

/** The u32 a `ptr(T)` is stored as. */
export const PTR_INFO: ScalarInfo = { ...SCALARS.u32, name: "ptr" };
