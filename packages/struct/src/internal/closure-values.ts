/**
 * Scalar and string fields of closure-built accessors: the fast per-view property accessors and the
 * generic loads and stores (misaligned fields, booleans, strings, and the copying read/write).
 */
import { rejectScalar, rejectString } from "./checks.ts";
import type { Base, DataViewMethods, Getter, Indexed, Load, Setter, Store } from "./closure-types.ts";
import type { Access } from "./plan.ts";
import type { ScalarInfo } from "./scalar-info.ts";
import { decodeUtf8, encodeUtf8, utf8Length } from "./utf8-codec.ts";

/** Whether `v` must be rejected for this scalar: the same conditions as the generated code. */
function scalarRejects(info: ScalarInfo, v: unknown, checked: boolean): boolean {
	if (info.value === "bigint") {
		return typeof v !== "bigint" || (checked && (v < (info.min as bigint) || v > (info.max as bigint)));
	}
	if (!checked) return false;
	if (info.value === "boolean") return typeof v !== "boolean";
	if (!info.integer) return typeof v !== "number";
	const x = v as number;
	switch (info.view) {
		case "i8":
			return (x << 24) >> 24 !== v;
		case "u8":
			return (x & 255) !== v;
		case "i16":
			return (x << 16) >> 16 !== v;
		case "u16":
			return (x & 65535) !== v;
		case "i32":
			return (x | 0) !== v;
		default:
			return x >>> 0 !== v;
	}
}

/**
 * Getters and setters of aligned scalar fields, written out per view: closures made at one function
 * literal share V8's type feedback, so one literal per view (and per checked mode) keeps every access
 * site monomorphic in practice, and lets V8 inline them into the caller's loop.
 */
interface FastAccess {
	get(o: number): Getter;
	set(o: number, where: string, info: ScalarInfo): Setter;
	checked(o: number, where: string, info: ScalarInfo): Setter;
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
		checked: (o, where, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if ((x & 255) !== x) rejectScalar(where, info, v);
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
		checked: (o, where, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if ((x << 24) >> 24 !== x) rejectScalar(where, info, v);
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
		checked: (o, where, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if ((x & 65535) !== x) rejectScalar(where, info, v);
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
		checked: (o, where, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if ((x << 16) >> 16 !== x) rejectScalar(where, info, v);
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
		checked: (o, where, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if (x >>> 0 !== x) rejectScalar(where, info, v);
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
		checked: (o, where, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if ((x | 0) !== x) rejectScalar(where, info, v);
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
		checked: (o, where, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if (typeof x !== "number") rejectScalar(where, info, v);
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
		checked: (o, where, info) =>
			function (this: Base, v: unknown) {
				const x = v as number;
				if (typeof x !== "number") rejectScalar(where, info, v);
				this.$heap.f64[(this.$ptr + o) >>> 3] = x;
			},
	},
	i64: {
		get: (o) =>
			function (this: Base) {
				return this.$heap.i64[(this.$ptr + o) >>> 3];
			},
		set: (o, where, info) =>
			function (this: Base, v: unknown) {
				if (typeof v !== "bigint") rejectScalar(where, info, v);
				this.$heap.i64[(this.$ptr + o) >>> 3] = v;
			},
		checked: (o, where, info) =>
			function (this: Base, v: unknown) {
				if (typeof v !== "bigint" || v < (info.min as bigint) || v > (info.max as bigint))
					rejectScalar(where, info, v);
				this.$heap.i64[(this.$ptr + o) >>> 3] = v;
			},
	},
	u64: {
		get: (o) =>
			function (this: Base) {
				return this.$heap.u64[(this.$ptr + o) >>> 3];
			},
		set: (o, where, info) =>
			function (this: Base, v: unknown) {
				if (typeof v !== "bigint") rejectScalar(where, info, v);
				this.$heap.u64[(this.$ptr + o) >>> 3] = v;
			},
		checked: (o, where, info) =>
			function (this: Base, v: unknown) {
				if (typeof v !== "bigint" || v < (info.min as bigint) || v > (info.max as bigint))
					rejectScalar(where, info, v);
				this.$heap.u64[(this.$ptr + o) >>> 3] = v;
			},
	},
};

/** The fast property of an aligned, non-boolean scalar field, or `undefined` for the generic path. */
export function fastScalarProperty(
	a: Access,
	where: string,
	checked: boolean,
): PropertyDescriptor | undefined {
	if (a.k !== "scalar" || a.info.value === "boolean" || !(a.aligned || a.info.size === 1)) return undefined;
	const fast = FAST[a.info.view] as FastAccess;
	return { get: fast.get(a.off), set: (checked ? fast.checked : fast.set)(a.off, where, a.info) };
}

export function valueOps(
	access: Exclude<Access, { k: "bits" | "nested" | "flex" }>,
	where: string,
	checked: boolean,
): { load: Load; store: Store } {
	if (access.k === "utf8") {
		const n = access.maxBytes;
		return {
			load: (h, q) => decodeUtf8(h.u8, q, n),
			store: (h, q, v) => {
				if (typeof v !== "string") rejectString(where, n, v, 0);
				const bytes = utf8Length(v);
				if (bytes < 0 || bytes > n) rejectString(where, n, v, bytes);
				encodeUtf8(h.u8, q, n, v);
			},
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
		store: (h, q, v) => {
			if (scalarRejects(info, v, checked)) rejectScalar(where, info, v);
			put(h, q, boolean ? (v ? 1 : 0) : v);
		},
	};
}
