/**
 * Scalar and string fields of closure-built accessors: the fast per-view property accessors and the
 * generic loads and stores (misaligned fields, booleans, strings, and the copying read/write).
 */
import { path, rejectScalar, rejectString } from "./checks.ts";
import type {
	Base,
	DataViewMethods,
	Getter,
	Indexed,
	LeafOps,
	Load,
	Setter,
	Store,
} from "./closure-types.ts";
import type { Access } from "./plan.ts";
import type { ScalarInfo } from "./scalar-info.ts";
import { decodeUtf8, encodeUtf8, utf8Length } from "./utf8-codec.ts";

/**
 * Getters and setters of aligned scalar fields, written out per view: closures made at one function
 * literal share V8's type feedback, so one literal per view (and per checked mode) keeps every access
 * site monomorphic in practice, and lets V8 inline them into the caller's loop.
 */
interface FastAccess {
	get(o: number): Getter;
	set(o: number, rel: string, info: ScalarInfo): Setter;
	checked(o: number, rel: string, info: ScalarInfo): Setter;
}

const FAST: { readonly [view: string]: FastAccess } = {
	u8: {
		get: (o) =>
			function (this: Base) {
				return this.$heap.u8[this.$ptr + o];
			},
		set: (o) =>
			function (this: Base, v: unknown) {
				this.$heap.u8[this.$ptr + o] = v as number;
			},
		checked: (o, rel, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if (typeof x !== "number" || (x & 255) !== x) rejectScalar(path(this, rel), info, v);
				this.$heap.u8[this.$ptr + o] = x;
			},
	},
	i8: {
		get: (o) =>
			function (this: Base) {
				return this.$heap.i8[this.$ptr + o];
			},
		set: (o) =>
			function (this: Base, v: unknown) {
				this.$heap.i8[this.$ptr + o] = v as number;
			},
		checked: (o, rel, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if (typeof x !== "number" || (x << 24) >> 24 !== x) rejectScalar(path(this, rel), info, v);
				this.$heap.i8[this.$ptr + o] = x;
			},
	},
	u16: {
		get: (o) =>
			function (this: Base) {
				return this.$heap.u16[(this.$ptr + o) >>> 1];
			},
		set: (o) =>
			function (this: Base, v: unknown) {
				this.$heap.u16[(this.$ptr + o) >>> 1] = v as number;
			},
		checked: (o, rel, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if (typeof x !== "number" || (x & 65535) !== x) rejectScalar(path(this, rel), info, v);
				this.$heap.u16[(this.$ptr + o) >>> 1] = x;
			},
	},
	i16: {
		get: (o) =>
			function (this: Base) {
				return this.$heap.i16[(this.$ptr + o) >>> 1];
			},
		set: (o) =>
			function (this: Base, v: unknown) {
				this.$heap.i16[(this.$ptr + o) >>> 1] = v as number;
			},
		checked: (o, rel, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if (typeof x !== "number" || (x << 16) >> 16 !== x) rejectScalar(path(this, rel), info, v);
				this.$heap.i16[(this.$ptr + o) >>> 1] = x;
			},
	},
	u32: {
		get: (o) =>
			function (this: Base) {
				return this.$heap.u32[(this.$ptr + o) >>> 2];
			},
		set: (o) =>
			function (this: Base, v: unknown) {
				this.$heap.u32[(this.$ptr + o) >>> 2] = v as number;
			},
		checked: (o, rel, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if (typeof x !== "number" || x >>> 0 !== x) rejectScalar(path(this, rel), info, v);
				this.$heap.u32[(this.$ptr + o) >>> 2] = x;
			},
	},
	i32: {
		get: (o) =>
			function (this: Base) {
				return this.$heap.i32[(this.$ptr + o) >>> 2];
			},
		set: (o) =>
			function (this: Base, v: unknown) {
				this.$heap.i32[(this.$ptr + o) >>> 2] = v as number;
			},
		checked: (o, rel, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if (typeof x !== "number" || (x | 0) !== x) rejectScalar(path(this, rel), info, v);
				this.$heap.i32[(this.$ptr + o) >>> 2] = x;
			},
	},
	f32: {
		get: (o) =>
			function (this: Base) {
				return this.$heap.f32[(this.$ptr + o) >>> 2];
			},
		set: (o) =>
			function (this: Base, v: unknown) {
				this.$heap.f32[(this.$ptr + o) >>> 2] = v as number;
			},
		checked: (o, rel, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if (typeof x !== "number") rejectScalar(path(this, rel), info, v);
				this.$heap.f32[(this.$ptr + o) >>> 2] = x;
			},
	},
	f64: {
		get: (o) =>
			function (this: Base) {
				return this.$heap.f64[(this.$ptr + o) >>> 3];
			},
		set: (o) =>
			function (this: Base, v: unknown) {
				this.$heap.f64[(this.$ptr + o) >>> 3] = v as number;
			},
		checked: (o, rel, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if (typeof x !== "number") rejectScalar(path(this, rel), info, v);
				this.$heap.f64[(this.$ptr + o) >>> 3] = x;
			},
	},
	i64: {
		get: (o) =>
			function (this: Base) {
				return this.$heap.i64[(this.$ptr + o) >>> 3];
			},
		set: (o, rel, info) =>
			function (this: Base, v: unknown) {
				if (typeof v !== "bigint") rejectScalar(path(this, rel), info, v);
				this.$heap.i64[(this.$ptr + o) >>> 3] = v;
			},
		checked: (o, rel, info) =>
			function (this: Base, v: unknown) {
				if (typeof v !== "bigint" || v < (info.min as bigint) || v > (info.max as bigint))
					rejectScalar(path(this, rel), info, v);
				this.$heap.i64[(this.$ptr + o) >>> 3] = v;
			},
	},
	u64: {
		get: (o) =>
			function (this: Base) {
				return this.$heap.u64[(this.$ptr + o) >>> 3];
			},
		set: (o, rel, info) =>
			function (this: Base, v: unknown) {
				if (typeof v !== "bigint") rejectScalar(path(this, rel), info, v);
				this.$heap.u64[(this.$ptr + o) >>> 3] = v;
			},
		checked: (o, rel, info) =>
			function (this: Base, v: unknown) {
				if (typeof v !== "bigint" || v < (info.min as bigint) || v > (info.max as bigint))
					rejectScalar(path(this, rel), info, v);
				this.$heap.u64[(this.$ptr + o) >>> 3] = v;
			},
	},
};

/** The fast property of an aligned, non-boolean scalar field, or `undefined` for the generic path. */
export function fastScalarProperty(a: Access, rel: string, checked: boolean): PropertyDescriptor | undefined {
	if (a.k !== "scalar" || a.info.value === "boolean" || !(a.aligned || a.info.size === 1)) return undefined;
	const fast = FAST[a.info.view] as FastAccess;
	return { get: fast.get(a.off), set: (checked ? fast.checked : fast.set)(a.off, rel, a.info) };
}

/** Stores of aligned scalars: one function literal per view, so that each store site is monomorphic. */
const PUT: { readonly [view: string]: Store } = {
	u8: (h, q, x) => {
		h.u8[q] = x as number;
	},
	i8: (h, q, x) => {
		h.i8[q] = x as number;
	},
	u16: (h, q, x) => {
		h.u16[q >>> 1] = x as number;
	},
	i16: (h, q, x) => {
		h.i16[q >>> 1] = x as number;
	},
	u32: (h, q, x) => {
		h.u32[q >>> 2] = x as number;
	},
	i32: (h, q, x) => {
		h.i32[q >>> 2] = x as number;
	},
	f32: (h, q, x) => {
		h.f32[q >>> 2] = x as number;
	},
	f64: (h, q, x) => {
		h.f64[q >>> 3] = x as number;
	},
	i64: (h, q, x) => {
		h.i64[q >>> 3] = x as bigint;
	},
	u64: (h, q, x) => {
		h.u64[q >>> 3] = x as bigint;
	},
};

/** The checks of checked mode, one function literal per scalar (64-bit integers: {@link BIGINT_TEST}). */
const TEST: { readonly [name: string]: (v: unknown) => boolean } = {
	i8: (v) => typeof v !== "number" || (v << 24) >> 24 !== v,
	u8: (v) => typeof v !== "number" || (v & 255) !== v,
	i16: (v) => typeof v !== "number" || (v << 16) >> 16 !== v,
	u16: (v) => typeof v !== "number" || (v & 65535) !== v,
	i32: (v) => typeof v !== "number" || (v | 0) !== v,
	u32: (v) => typeof v !== "number" || v >>> 0 !== v,
	ptr: (v) => typeof v !== "number" || v >>> 0 !== v,
	f32: (v) => typeof v !== "number",
	f64: (v) => typeof v !== "number",
	bool: (v) => typeof v !== "boolean",
};

/** The check of a 64-bit integer: a bigint always, in range when checked. */
function bigintTest(info: ScalarInfo, checked: boolean): (v: unknown) => boolean {
	const min = info.min as bigint;
	const max = info.max as bigint;
	return checked ? (v) => typeof v !== "bigint" || v < min || v > max : (v) => typeof v !== "bigint";
}

/** Loading, validating and storing a scalar or string value at an absolute address. */
export function valueOps(
	access: Exclude<Access, { k: "bits" | "nested" | "flex" }>,
	checked: boolean,
): LeafOps {
	if (access.k === "utf8") {
		const n = access.maxBytes;
		return {
			load: (h, q) => decodeUtf8(h.u8, q, n),
			put: (h, q, v) => encodeUtf8(h.u8, q, n, v as string),
			test: (v) => typeof v !== "string" || utf8Length(v) >>> 0 > n,
			reject: (where, v) => rejectString(where, n, v, typeof v === "string" ? utf8Length(v) : 0),
		};
	}
	const info = access.info;
	const view = info.view;
	const shift = info.size === 1 ? 0 : info.shift;
	const boolean = info.value === "boolean";
	let raw: Load;
	let put: Store;
	if (info.size === 1 || access.aligned) {
		raw = (h, q) => (h[view] as Indexed)[q >>> shift];
		put = PUT[view] as Store;
	} else {
		const get = `get${info.dv}`;
		const set = `set${info.dv}`;
		raw = (h, q) => (h.dv as unknown as DataViewMethods)[get]?.(q, true);
		put = (h, q, x) => (h.dv as unknown as DataViewMethods)[set]?.(q, x, true);
	}
	return {
		load: boolean ? (h, q) => raw(h, q) !== 0 : raw,
		put: boolean ? (h, q, v) => put(h, q, v ? 1 : 0) : put,
		test: info.value === "bigint" ? bigintTest(info, checked) : checked ? TEST[info.name] : undefined,
		reject: (where, v) => rejectScalar(where, info, v),
	};
}
