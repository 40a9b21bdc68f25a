/**
 * Accessors built from closures on shared prototypes: the fallback where a content security policy
 * forbids `new Function`. Behaviour is identical to the generated accessors (the tests run the same
 * suite on both); only speed differs, because closures made at one site share V8's type feedback.
 */
import type { HeapViews } from "../api.ts";
import { rejectAggregate, rejectIndex, rejectPointer } from "./checks.ts";
import { bitsOps } from "./closure-bits.ts";
import type { Base, Load, Store } from "./closure-types.ts";
import { fastScalarProperty, valueOps } from "./closure-values.ts";
import {
	type Access,
	type AggregateLike,
	type ArrayTypeLike,
	accessOf,
	alignmentAt,
	type RecordLike,
	recordMembers,
} from "./plan.ts";
import { type Accessors, rt, type Variant, type ViewClass, type ViewObject } from "./runtime.ts";

type Resolve = (type: AggregateLike, aligned: boolean) => Accessors;

/** The class every closure-built view class starts from, with `$at`, `$next`, `$read` and `$write`. */
function baseClass(
	type: AggregateLike,
	variant: Variant,
	children: readonly ViewClass[],
	acc: () => Accessors,
): ViewClass {
	const size = type.size;
	const align = variant.aligned ? type.align : 1;
	const op = `${type.name}.$at`;
	const View = function (this: Base, h: HeapViews) {
		this.$heap = h;
		this.$ptr = 0;
		this.$c = children.map((C) => new C(h));
	} as unknown as ViewClass;
	const proto = View.prototype as Base;
	proto.$at = variant.checked
		? function (this: Base, p: number) {
				if (p >>> 0 !== p || p === 0 || p + size > this.$heap.u8.length || (p & (align - 1)) !== 0) {
					rejectPointer(op, this.$heap, p, size, align);
				}
				this.$ptr = p;
				return this;
			}
		: function (this: Base, p: number) {
				this.$ptr = p;
				return this;
			};
	Object.defineProperties(proto, {
		$type: { value: type },
		$next: {
			value(this: Base) {
				return this.$at(this.$ptr + size);
			},
		},
		$read: {
			value(this: Base) {
				return acc().read(this.$heap, this.$ptr);
			},
		},
		$write: {
			value(this: Base, v: unknown) {
				acc().write(this.$heap, this.$ptr, v);
			},
		},
	});
	return View;
}

export function closureRecord(type: RecordLike, variant: Variant, resolve: Resolve): Accessors {
	const members = recordMembers(type, variant.aligned ? type.align : 1);
	const children: ViewClass[] = [];
	const ops: { name: string; load: Load; store: Store }[] = [];
	const props: PropertyDescriptorMap = {};
	for (const m of members) {
		const a = m.access;
		if (a.k === "flex") {
			const k = children.push(resolve(a.type, a.aligned).View) - 1;
			const off = a.off;
			props[m.name] = {
				get(this: Base) {
					const c = this.$c[k] as ViewObject;
					c.$ptr = this.$ptr + off;
					return c;
				},
			};
			continue; // no length: read and write leave it out
		}
		if (a.k === "nested") {
			const child = resolve(a.type, a.aligned);
			const k = children.push(child.View) - 1;
			const off = a.off;
			ops.push({
				name: m.name,
				load: (h, p) => child.read(h, p + off),
				store: (h, p, v) => child.write(h, p + off, v),
			});
			props[m.name] = {
				get(this: Base) {
					const c = this.$c[k] as ViewObject;
					c.$ptr = this.$ptr + off;
					return c;
				},
			};
			continue;
		}
		const off = a.k === "bits" ? 0 : a.off;
		const { load, store } =
			a.k === "bits" ? bitsOps(a, m.where, variant.checked) : valueOps(a, m.where, variant.checked);
		ops.push({ name: m.name, load: (h, p) => load(h, p + off), store: (h, p, v) => store(h, p + off, v) });
		const fast = fastScalarProperty(a, m.where, variant.checked);
		if (fast !== undefined) {
			props[m.name] = fast;
			continue;
		}
		props[m.name] = {
			get(this: Base) {
				return load(this.$heap, this.$ptr + off);
			},
			set(this: Base, v: unknown) {
				store(this.$heap, this.$ptr + off, v);
			},
		};
	}
	const union = type.kind === "union";
	const accessors: Accessors = {
		View: baseClass(type, variant, children, () => accessors),
		read(h, p) {
			const o: Record<string, unknown> = {};
			for (const op of ops) o[op.name] = op.load(h, p);
			return o;
		},
		write(h, p, v) {
			if (typeof v !== "object" || v === null) rejectAggregate(type.name, "an object", v);
			const value = v as Record<string, unknown>;
			for (const op of ops) {
				const x = value[op.name];
				if (!union || x !== undefined) op.store(h, p, x);
			}
		},
	};
	Object.defineProperties(accessors.View.prototype, props);
	return accessors;
}

export function closureArray(type: ArrayTypeLike, variant: Variant, resolve: Resolve): Accessors {
	const n = type.length;
	const stride = type.element.size;
	const where = type.name;
	const checked = variant.checked;
	const a = accessOf(type.element, 0, alignmentAt(variant.aligned ? type.align : 1, stride));
	const unbounded = type.unbounded === true;
	const checkIndex = (h: HeapViews, p: number, i: number): void => {
		if (!checked) return;
		const out = unbounded ? p + i * stride + stride > h.u8.length : i >= n;
		if (i >>> 0 !== i || out) rejectIndex(where, i, unbounded ? Number.POSITIVE_INFINITY : n);
	};
	let load: Load;
	let store: Store;
	let element: Load;
	const children: ViewClass[] = [];
	if (a.k === "nested") {
		const child = resolve(a.type, a.aligned);
		children.push(child.View);
		load = child.read;
		store = child.write;
		element = (h, q) => {
			const c = new child.View(h);
			c.$ptr = q;
			return c;
		};
	} else {
		({ load, store } = valueOps(
			a as Exclude<Access, { k: "bits" | "nested" | "flex" }>,
			`${where} element`,
			checked,
		));
		element = load;
	}
	const accessors: Accessors = {
		View: baseClass(type, variant, children, () => accessors),
		read(h, p) {
			const out: unknown[] = [];
			for (let i = 0; i < n; i++) out.push(load(h, p + i * stride));
			return out;
		},
		write(h, p, v) {
			if (typeof v !== "object" || v === null || (v as ArrayLike<unknown>).length !== n) {
				rejectAggregate(where, `an array of ${n}`, v);
			}
			const values = v as ArrayLike<unknown>;
			for (let i = 0; i < n; i++) store(h, p + i * stride, values[i]);
		},
	};
	Object.defineProperties(accessors.View.prototype, {
		length: { get: () => n },
		get: {
			value(this: Base, i: number) {
				checkIndex(this.$heap, this.$ptr, i);
				return element(this.$heap, this.$ptr + i * stride);
			},
		},
		set: {
			value(this: Base, i: number, v: unknown) {
				checkIndex(this.$heap, this.$ptr, i);
				store(this.$heap, this.$ptr + i * stride, v);
			},
		},
		cursor: {
			value(this: Base, i: number) {
				if (a.k !== "nested") rt.rejectCursor(where);
				checkIndex(this.$heap, this.$ptr, i);
				const c = this.$c[0] as ViewObject;
				c.$ptr = this.$ptr + i * stride;
				return c;
			},
		},
		addressOf: {
			value(this: Base, i: number) {
				return this.$ptr + i * stride;
			},
		},
		[Symbol.iterator]: {
			*value(this: Base & { get(i: number): unknown }) {
				for (let i = 0; i < n; i++) yield this.get(i);
			},
		},
	});
	return accessors;
}
