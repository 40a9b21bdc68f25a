/**
 * Accessors generated with `new Function`: one class per type and variant, with every offset, shift
 * and check inlined as constants, so that each getter is a single typed-array access and each access
 * site in user code sees one class (monomorphic).
 */
import {
	addr,
	bitsLoad,
	bitsStore,
	scalarCheck,
	scalarLoad,
	scalarStore,
	str,
	utf8Store,
} from "./emit-js.ts";
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
		`$at(p) { if ((p >>> 0) !== p || p === 0 || p + ${type.size} > this.$heap.u8.length${misaligned}) ` +
		`rt.rejectPointer(${str(`${type.name}.$at`)}, this.$heap, p, ${type.size}, ${align}); this.$ptr = p; return this; }`
	);
}

function commonMethods(type: AggregateLike, variant: Variant): string {
	return (
		`${atMethod(type, variant)}\n` +
		`$next() { return this.$at(this.$ptr + ${type.size}); }\n` +
		"$read() { return read(this.$heap, this.$ptr); }\n" +
		"$write(v) { write(this.$heap, this.$ptr, v); }\n"
	);
}

/** Code of one value access: a load expression and a store statement for the value at `at`. */
function valueCode(
	access: Exclude<Access, { k: "bits" | "nested" | "flex" }>,
	where: string,
	checked: boolean,
): { load: (h: string, at: string) => string; store: (h: string, at: string, v: string) => string } {
	if (access.k === "utf8") {
		const n = access.maxBytes;
		return {
			load: (h, at) => `decodeUtf8(${h}.u8, ${at}, ${n})`,
			store: (h, at, v) => utf8Store(n, h, at, v, where),
		};
	}
	return {
		load: (h, at) => scalarLoad(access, h, at),
		store: (h, at, v) => `${scalarCheck(access.info, v, where, checked)}${scalarStore(access, h, at, v)}`,
	};
}

export function generateRecord(type: RecordLike, variant: Variant, resolve: Resolve): Accessors {
	const { checked } = variant;
	const members = recordMembers(type, variant.aligned ? type.align : 1);
	const deps = new Deps(type);
	const init: string[] = [];
	const accessors: string[] = [];
	const reads: string[] = [];
	const writes: string[] = [];
	const union = type.kind === "union";
	for (const m of members) {
		const a = m.access;
		const name = m.name;
		let write: string;
		if (a.k === "flex") {
			const C = deps.add("C", resolve(a.type, a.aligned).View);
			init.push(`this.$${C} = new ${C}(h);`);
			accessors.push(
				`get ${name}() { const c = this.$${C}; c.$ptr = ${addr("this.$ptr", a.off)}; return c; }`,
			);
			continue; // no length: read and write leave it out
		}
		if (a.k === "nested") {
			const child = resolve(a.type, a.aligned);
			const C = deps.add("C", child.View);
			const R = deps.add("R", child.read);
			const W = deps.add("W", child.write);
			init.push(`this.$${C} = new ${C}(h);`);
			accessors.push(
				`get ${name}() { const c = this.$${C}; c.$ptr = ${addr("this.$ptr", a.off)}; return c; }`,
			);
			reads.push(`${name}: ${R}(h, ${addr("p", a.off)})`);
			write = `${W}(h, ${addr("p", a.off)}, x);`;
		} else if (a.k === "bits") {
			accessors.push(
				`get ${name}() { const h = this.$heap, p = this.$ptr; return ${bitsLoad(a, "h", "p")}; }`,
			);
			accessors.push(
				`set ${name}(v) { const h = this.$heap, p = this.$ptr; ${bitsStore(a, "h", "p", "v", m.where, checked)} }`,
			);
			reads.push(`${name}: ${bitsLoad(a, "h", "p")}`);
			write = bitsStore(a, "h", "p", "x", m.where, checked);
		} else {
			const code = valueCode(a, m.where, checked);
			accessors.push(`get ${name}() { return ${code.load("this.$heap", addr("this.$ptr", a.off))}; }`);
			accessors.push(
				`set ${name}(v) { const h = this.$heap; ${code.store("h", addr("this.$ptr", a.off), "v")} }`,
			);
			reads.push(`${name}: ${code.load("h", addr("p", a.off))}`);
			write = code.store("h", addr("p", a.off), "x");
		}
		writes.push(
			union
				? `{ const x = v.${name}; if (x !== undefined) { ${write} } }`
				: `{ const x = v.${name}; ${write} }`,
		);
	}
	const body = `
function read(h, p) { return { ${reads.join(", ")} }; }
function write(h, p, v) {
	if (typeof v !== "object" || v === null) rt.rejectAggregate(${str(type.name)}, "an object", v);
	${writes.join("\n\t")}
}
class ${type.name}View {
	constructor(h) { this.$heap = h; this.$ptr = 0; ${init.join(" ")} }
	${commonMethods(type, variant)}
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
	const where = `${type.name}`;
	const a = accessOf(type.element, 0, alignmentAt(variant.aligned ? type.align : 1, stride));
	const deps = new Deps(type);
	const unbounded = type.unbounded === true;
	// A flexible array member has no length: its indices can only be checked against the heap's end.
	const bound = unbounded ? `q + ${stride} > this.$heap.u8.length` : `i >= ${n}`;
	const index = checked
		? `if ((i >>> 0) !== i || ${bound}) rt.rejectIndex(${str(where)}, i, ${unbounded ? "Infinity" : n});`
		: "";
	const q = (p: string): string => `const q = ${p} + i * ${stride};`;
	let init = "";
	let get: string;
	let set: string;
	let cursor: string;
	let load: string;
	let store: string;
	if (a.k === "nested") {
		const child = resolve(a.type, a.aligned);
		const C = deps.add("C", child.View);
		const R = deps.add("R", child.read);
		const W = deps.add("W", child.write);
		init = `this.$c = new ${C}(h);`;
		get = `const c = new ${C}(this.$heap); c.$ptr = q; return c;`;
		set = `${W}(this.$heap, q, v);`;
		cursor = `${q("this.$ptr")} ${index} const c = this.$c; c.$ptr = q; return c;`;
		load = `${R}(h, q)`;
		store = `${W}(h, q, x);`;
	} else {
		const code = valueCode(
			a as Exclude<Access, { k: "bits" | "nested" | "flex" }>,
			`${where} element`,
			checked,
		);
		get = `return ${code.load("this.$heap", "q")};`;
		set = `const h = this.$heap; ${code.store("h", "q", "v")}`;
		cursor = `rt.rejectCursor(${str(where)});`;
		load = code.load("h", "q");
		store = code.store("h", "q", "x");
	}
	const body = `
function read(h, p) { const a = []; for (let i = 0; i < ${n}; i++) { ${q("p")} a.push(${load}); } return a; }
function write(h, p, v) {
	if (typeof v !== "object" || v === null || v.length !== ${n}) rt.rejectAggregate(${str(where)}, "an array of ${n}", v);
	for (let i = 0; i < ${n}; i++) { const x = v[i]; ${q("p")} ${store} }
}
class ArrayView {
	constructor(h) { this.$heap = h; this.$ptr = 0; ${init} }
	get length() { return ${n}; }
	${commonMethods(type, variant)}
	get(i) { ${q("this.$ptr")} ${index} ${get} }
	set(i, v) { ${q("this.$ptr")} ${index} ${set} }
	cursor(i) { ${cursor} }
	addressOf(i) { return this.$ptr + i * ${stride}; }
	*[Symbol.iterator]() { for (let i = 0; i < ${n}; i++) yield this.get(i); }
}
Object.defineProperty(ArrayView.prototype, "$type", { value: T });
return { View: ArrayView, read, write };`;
	return deps.compile(body);
}
