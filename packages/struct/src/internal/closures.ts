/**
 * Accessors built from closures on shared prototypes: the fallback where a content security policy
 * forbids `new Function`. Behaviour is identical to the generated accessors (the tests run the same
 * suite on both); only speed differs, because closures made at one site share V8's type feedback.
 */
import type { HeapViews } from "../api.ts";
import { path, type Root, rejectIndex, rejectPointer } from "./checks.ts";
import { bitsOps } from "./closure-bits.ts";
import type { Base, LeafOps, Load } from "./closure-types.ts";
import { fastScalarProperty, valueOps } from "./closure-values.ts";
import { accessNode, arrayNode, recordNode, type WriteNode, writeChecked } from "./closure-write.ts";
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

/** A nested view class and its key in the view that holds it. */
type Child = readonly [ViewClass, string | number];

/** The class every closure-built view class starts from, with `$at`, `$next`, `$read` and `$write`. */
function baseClass(
	type: AggregateLike,
	variant: Variant,
	children: readonly Child[],
	acc: () => Accessors,
): ViewClass {
	const size = type.size;
	const align = variant.aligned ? type.align : 1;
	const op = `${type.name}.$at`;
	const View = function (this: Base, h: HeapViews, up?: ViewObject, key?: string | number) {
		this.$heap = h;
		this.$ptr = 0;
		this.$up = up;
		this.$key = key;
		this.$c = children.map(([C, k]) => new C(h, this, k));
	} as unknown as ViewClass;
	const proto = View.prototype as Base;
	proto.$at = variant.checked
		? function (this: Base, p: number) {
				if (
					typeof p !== "number" ||
					p >>> 0 !== p ||
					p === 0 ||
					p + size > this.$heap.u8.length ||
					(p & (align - 1)) !== 0
				) {
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
				acc().write(this.$heap, this.$ptr, v, this);
			},
		},
	});
	return View;
}

/** The copying write of a whole value: validate all of it, then store it. */
function writeWith(node: WriteNode): Accessors["write"] {
	return (h: HeapViews, p: number, v: unknown, at: Root): void => writeChecked(node, h, p, v, at);
}

/** A property that reads and writes a value in place, refusing what `ops` refuses. */
function valueProperty(ops: LeafOps, off: number, rel: string): PropertyDescriptor {
	const { load, put, test, reject } = ops;
	return {
		get(this: Base) {
			return load(this.$heap, this.$ptr + off);
		},
		set:
			test === undefined
				? function (this: Base, v: unknown) {
						put(this.$heap, this.$ptr + off, v);
					}
				: function (this: Base, v: unknown) {
						if (test(v)) reject(path(this, rel), v);
						put(this.$heap, this.$ptr + off, v);
					},
	};
}

export function closureRecord(type: RecordLike, variant: Variant, resolve: Resolve): Accessors {
	const guarantee = variant.aligned ? type.align : 1;
	const members = recordMembers(type, guarantee);
	const children: Child[] = [];
	const reads: { name: string; load: Load }[] = [];
	const props: PropertyDescriptorMap = {};
	for (const m of members) {
		const a = m.access;
		if (a.k === "flex" || a.k === "nested") {
			const child = resolve(a.type, a.aligned);
			const k = children.push([child.View, m.name]) - 1;
			const off = a.off;
			// A flexible array member has no length: read and write leave it out.
			if (a.k === "nested") reads.push({ name: m.name, load: (h, p) => child.read(h, p + off) });
			props[m.name] = {
				get(this: Base) {
					const c = this.$c[k] as ViewObject;
					c.$ptr = this.$ptr + off;
					return c;
				},
			};
			continue;
		}
		const rel = `.${m.name}`;
		const off = a.k === "bits" ? 0 : a.off;
		const ops = a.k === "bits" ? bitsOps(a, variant.checked) : valueOps(a, variant.checked);
		reads.push({ name: m.name, load: (h, p) => ops.load(h, p + off) });
		props[m.name] = fastScalarProperty(a, rel, variant.checked) ?? valueProperty(ops, off, rel);
	}
	const accessors: Accessors = {
		View: baseClass(type, variant, children, () => accessors),
		read(h, p) {
			const o: Record<string, unknown> = {};
			for (const r of reads) o[r.name] = r.load(h, p);
			return o;
		},
		write: writeWith(recordNode(type, guarantee, variant.checked)),
	};
	Object.defineProperties(accessors.View.prototype, props);
	return accessors;
}

export function closureArray(type: ArrayTypeLike, variant: Variant, resolve: Resolve): Accessors {
	const n = type.length;
	const stride = type.element.size;
	const checked = variant.checked;
	const guarantee = variant.aligned ? type.align : 1;
	const a = accessOf(type.element, 0, alignmentAt(guarantee, stride));
	const unbounded = type.unbounded === true;
	const checkIndex = (view: Base, i: number): void => {
		if (!checked) return;
		const length = unbounded ? Number.POSITIVE_INFINITY : n;
		if (typeof i !== "number") rejectIndex(path(view, ""), i, length);
		const out = unbounded ? view.$ptr + i * stride + stride > view.$heap.u8.length : i >= n;
		if (i >>> 0 !== i || out) rejectIndex(path(view, ""), i, length);
	};
	const node = accessNode(a, checked);
	let load: Load;
	let element: (view: Base, q: number, i: number) => unknown;
	const children: Child[] = [];
	if (a.k === "nested") {
		const child = resolve(a.type, a.aligned);
		children.push([child.View, 0]);
		load = child.read;
		element = (view, q, i) => {
			const c = new child.View(view.$heap, view, i);
			c.$ptr = q;
			return c;
		};
	} else {
		const value = valueOps(a as Exclude<Access, { k: "bits" | "nested" | "flex" }>, checked).load;
		load = value;
		element = (view, q) => value(view.$heap, q);
	}
	const accessors: Accessors = {
		View: baseClass(type, variant, children, () => accessors),
		read(h, p) {
			const out: unknown[] = [];
			for (let i = 0; i < n; i++) out.push(load(h, p + i * stride));
			return out;
		},
		write: writeWith(arrayNode(type, guarantee, checked)),
	};
	const nested = a.k === "nested";
	Object.defineProperties(accessors.View.prototype, {
		length: { get: () => n },
		get: {
			value(this: Base, i: number) {
				checkIndex(this, i);
				return element(this, this.$ptr + i * stride, i);
			},
		},
		set: {
			value(this: Base, i: number, v: unknown) {
				checkIndex(this, i);
				writeChecked(node, this.$heap, this.$ptr + i * stride, v, this, i);
			},
		},
		cursor: {
			value(this: Base, i: number) {
				if (!nested) rt.rejectCursor(path(this, ""));
				checkIndex(this, i);
				const c = this.$c[0] as ViewObject;
				c.$ptr = this.$ptr + i * stride;
				c.$key = i;
				return c;
			},
		},
		addressOf: {
			value(this: Base, i: number) {
				if (checked && typeof i !== "number")
					rejectIndex(path(this, ""), i, unbounded ? Number.POSITIVE_INFINITY : n);
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
