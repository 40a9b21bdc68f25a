/**
 * Accessors generated with `new Function`: one class per type and variant, with every offset, shift
 * and check inlined as constants, so that each getter is a single typed-array access and each access
 * site in user code sees one class (monomorphic).
 */
import { addr, bitsLoad, scalarLoad, str } from "./emit-js.ts";
import { WriteEmitter } from "./emit-write.ts";
import {
	type Access,
	type AggregateLike,
	type ArrayTypeLike,
	accessOf,
	alignmentAt,
	type RecordLike,
	recordMembers,
} from "./plan.ts";
import { type Accessors, helpers, rt, type Variant } from "./runtime.ts";

type Resolve = (type: AggregateLike, aligned: boolean) => Accessors;

/** Collects the values a generated function closes over, as named parameters. */
class Deps {
	readonly names: string[] = ["T", "rt", "decodeUtf8", "encodeUtf8", "utf8Length"];
	readonly values: unknown[];
	constructor(type: AggregateLike) {
		this.values = [type, rt, helpers.decodeUtf8, helpers.encodeUtf8, helpers.utf8Length];
	}
	add(prefix: string, value: unknown): string {
		const name = `${prefix}${this.names.length}`;
		this.names.push(name);
		this.values.push(value);
		return name;
	}
	compile(body: string): Accessors {
		return new Function(...this.names, `"use strict";\n${body}`)(...this.values) as Accessors;
	}
}

function atMethod(type: AggregateLike, variant: Variant): string {
	if (!variant.checked) return "$at(p) { this.$ptr = p; return this; }";
	const align = variant.aligned ? type.align : 1;
	const misaligned = align > 1 ? ` || (p & ${align - 1}) !== 0` : "";
	return (
		`$at(p) { if (typeof p !== "number" || (p >>> 0) !== p || p === 0 || p + ${type.size} > this.$heap.u8.length${misaligned}) ` +
		`rt.rejectPointer(${str(`${type.name}.$at`)}, this.$heap, p, ${type.size}, ${align}); this.$ptr = p; return this; }`
	);
}

/** The constructor and the members every view class has. */
function commonMethods(type: AggregateLike, variant: Variant, init: string): string {
	return (
		`constructor(h, up, key) { this.$heap = h; this.$ptr = 0; this.$up = up; this.$key = key; ${init} }\n` +
		`${atMethod(type, variant)}\n` +
		`$next() { return this.$at(this.$ptr + ${type.size}); }\n` +
		"$read() { return read(this.$heap, this.$ptr); }\n" +
		"$write(v) { write(this.$heap, this.$ptr, v, this); }\n"
	);
}

/** The load expression of a scalar or string at the address expression `at`. */
function valueLoad(access: Extract<Access, { k: "scalar" | "utf8" }>, h: string, at: string): string {
	return access.k === "utf8" ? `decodeUtf8(${h}.u8, ${at}, ${access.maxBytes})` : scalarLoad(access, h, at);
}

export function generateRecord(type: RecordLike, variant: Variant, resolve: Resolve): Accessors {
	const { checked } = variant;
	const guarantee = variant.aligned ? type.align : 1;
	const members = recordMembers(type, guarantee);
	const deps = new Deps(type);
	const emitter = new WriteEmitter(checked, deps);
	const init: string[] = [];
	const accessors: string[] = [];
	const reads: string[] = [];
	for (const m of members) {
		const a = m.access;
		const name = m.name;
		if (a.k === "flex" || a.k === "nested") {
			const child = resolve(a.type, a.aligned);
			const C = deps.add("C", child.View);
			init.push(`this.$${C} = new ${C}(h, this, ${str(name)});`);
			accessors.push(
				`get ${name}() { const c = this.$${C}; c.$ptr = ${addr("this.$ptr", a.off)}; return c; }`,
			);
			// A flexible array member has no length: read and write leave it out.
			if (a.k === "nested") reads.push(`${name}: ${deps.add("R", child.read)}(h, ${addr("p", a.off)})`);
			continue;
		}
		const setter = emitter.access(a, "v", { base: "p", off: 0 }, [{ text: `.${name}` }], "this");
		accessors.push(`set ${name}(v) { const h = this.$heap, p = this.$ptr; ${setter.check} ${setter.store} }`);
		if (a.k === "bits") {
			accessors.push(
				`get ${name}() { const h = this.$heap, p = this.$ptr; return ${bitsLoad(a, "h", "p")}; }`,
			);
			reads.push(`${name}: ${bitsLoad(a, "h", "p")}`);
		} else {
			accessors.push(`get ${name}() { return ${valueLoad(a, "this.$heap", addr("this.$ptr", a.off))}; }`);
			reads.push(`${name}: ${valueLoad(a, "h", addr("p", a.off))}`);
		}
	}
	const write = emitter.record(type, guarantee, "v", { base: "p", off: 0 }, [], "at");
	const body = `
function read(h, p) { return { ${reads.join(", ")} }; }
function write(h, p, v, at) {
	${write.check}
	${write.store}
}
class ${type.name}View {
	${commonMethods(type, variant, init.join(" "))}
	${accessors.join("\n\t")}
}
Object.defineProperty(${type.name}View.prototype, "$type", { value: T });
return { View: ${type.name}View, read, write };`;
	return deps.compile(body);
}

export function generateArray(type: ArrayTypeLike, variant: Variant, resolve: Resolve): Accessors {
	const { checked } = variant;
	const n = type.length;
	const stride = type.element.size;
	const guarantee = variant.aligned ? type.align : 1;
	const a = accessOf(type.element, 0, alignmentAt(guarantee, stride));
	const deps = new Deps(type);
	const unbounded = type.unbounded === true;
	// A flexible array member has no length: its indices can only be checked against the heap's end.
	// Checked before the address is computed from it: a bigint index would throw there.
	const bound = unbounded ? `this.$ptr + i * ${stride} + ${stride} > this.$heap.u8.length` : `i >= ${n}`;
	const reject = `rt.rejectIndex(rt.path(this, ""), i, ${unbounded ? "Infinity" : n});`;
	const index = checked ? `if (typeof i !== "number" || (i >>> 0) !== i || ${bound}) ${reject}` : "";
	const q = (p: string): string => `const q = ${p} + i * ${stride};`;
	const emitter = new WriteEmitter(checked, deps);
	const element = emitter.access(
		a,
		"v",
		{ base: "q", off: 0 },
		[{ text: "[" }, { index: "i" }, { text: "]" }],
		"this",
	);
	const set = `const h = this.$heap; ${element.check} ${element.store}`;
	let init = "";
	let get: string;
	let cursor: string;
	let load: string;
	if (a.k === "nested") {
		const child = resolve(a.type, a.aligned);
		const C = deps.add("C", child.View);
		const R = deps.add("R", child.read);
		init = `this.$c = new ${C}(h, this, 0);`;
		get = `const c = new ${C}(this.$heap, this, i); c.$ptr = q; return c;`;
		cursor = `${index} ${q("this.$ptr")} const c = this.$c; c.$ptr = q; c.$key = i; return c;`;
		load = `${R}(h, q)`;
	} else {
		const value = a as Extract<Access, { k: "scalar" | "utf8" }>;
		get = `return ${valueLoad(value, "this.$heap", "q")};`;
		cursor = `rt.rejectCursor(rt.path(this, ""));`;
		load = valueLoad(value, "h", "q");
	}
	const write = emitter.array(type, guarantee, "v", { base: "p", off: 0 }, [], "at");
	const body = `
function read(h, p) { const a = []; for (let i = 0; i < ${n}; i++) { ${q("p")} a.push(${load}); } return a; }
function write(h, p, v, at) {
	${write.check}
	${write.store}
}
class ArrayView {
	${commonMethods(type, variant, init)}
	get length() { return ${n}; }
	get(i) { ${index} ${q("this.$ptr")} ${get} }
	set(i, v) { ${index} ${q("this.$ptr")} ${set} }
	cursor(i) { ${cursor} }
	addressOf(i) { ${checked ? `if (typeof i !== "number") ${reject}` : ""} return this.$ptr + i * ${stride}; }
	*[Symbol.iterator]() { for (let i = 0; i < ${n}; i++) yield this.get(i); }
}
Object.defineProperty(ArrayView.prototype, "$type", { value: T });
return { View: ArrayView, read, write };`;
	return deps.compile(body);
}
