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

/**
 * Whether `v` must be refused for this scalar: the same conditions as the generated code. One function
 * for every scalar (not one per kind), so that V8 can inline it at the call sites it shares, and then
 * pass numbers to it unboxed: a call it cannot inline takes a double as a new heap number.
 */
function scalarRejects(info: ScalarInfo, v: unknown, checked: boolean): boolean {
	if (info.value === "bigint") {
		return typeof v !== "bigint" || (checked && (v < (info.min as bigint) || v > (info.max as bigint)));
	}
	if (!checked) return false;
	if (info.value === "boolean") return typeof v !== "boolean";
	if (typeof v !== "number") return true;
	if (!info.integer) return false;
	switch (info.view) {
		case "i8":
			return (v << 24) >> 24 !== v;
		case "u8":
			return (v & 255) !== v;
		case "i16":
			return (v << 16) >> 16 !== v;
		case "u16":
			return (v & 65535) !== v;
		case "i32":
			return (v | 0) !== v;
		default:
			return v >>> 0 !== v;
	}
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
		// One function literal for every aligned scalar, for the reason given at scalarRejects.
		raw = (h, q) => (h[view] as Indexed)[q >>> shift];
		put = (h, q, x) => {
			(h[view] as Indexed)[q >>> shift] = x as number;
		};
	} else {
		const get = `get${info.dv}`;
		const set = `set${info.dv}`;
		raw = (h, q) => (h.dv as unknown as DataViewMethods)[get]?.(q, true);
		put = (h, q, x) => (h.dv as unknown as DataViewMethods)[set]?.(q, x, true);
	}
	return {
		load: boolean ? (h, q) => raw(h, q) !== 0 : raw,
		put: boolean ? (h, q, v) => put(h, q, v ? 1 : 0) : put,
		test: info.value === "bigint" || checked ? (v) => scalarRejects(info, v, checked) : undefined,
		reject: (where, v) => rejectScalar(where, info, v),
	};
}
