/**
 * The copying write of generated accessors, as JavaScript source: one flat function per type that
 * first loads every value of the plain object into locals and validates all of them, and only then
 * stores them, so a refused value changes no byte. Nested structs, unions and arrays are inlined, so
 * each value is read once (elements of arrays are read again by the store loop) and the error of a
 * value deep inside names its whole path: `S.items[3].x`.
 */
import { type FailSite, failer, rejectAggregate, rejectBits, rejectScalar, rejectString } from "./checks.ts";
import { bitsReject, bitsStore, scalarReject, scalarStore, utf8Reject, utf8Store } from "./emit-js.ts";
import {
	type Access,
	type ArrayTypeLike,
	accessOf,
	alignmentAt,
	type RecordLike,
	recordMembers,
} from "./plan.ts";
import { utf8Length } from "./utf8-codec.ts";

/** One step of a path relative to the root of the write: text, or the name of an index variable. */
export type Step = { readonly text: string } | { readonly index: string };

/** An address: a variable plus a constant, so nested offsets add up at generation time. */
export interface Address {
	readonly base: string;
	readonly off: number;
}

/** Source of one value's write, in three parts that callers arrange. */
export interface WriteCode {
	/** Loads the value (and what it contains) into locals and validates them: throws before any store. */
	readonly check: string;
	/** The same loads without the checks, for a store loop that reads the elements again. */
	readonly load: string;
	/** Stores the loaded values. */
	readonly store: string;
	/** Whether `check` checks anything (else a loop of it can be left out). */
	readonly checks: boolean;
}

/**
 * Emits the writes of one generated class. Refusals are calls of one cold function (named `fail` in
 * the generated code) with a site number, collected in {@link WriteEmitter.sites}.
 */
export class WriteEmitter {
	readonly checked: boolean;
	/** The places that refuse a value, by the number the generated code passes. */
	readonly sites: FailSite[] = [];
	private readonly fail: string;
	private count = 0;

	/** @param deps - where the generated code gets its dependencies; the fail function is added to it. */
	constructor(checked: boolean, deps: { add(prefix: string, value: unknown): string }) {
		this.checked = checked;
		this.fail = deps.add("F", failer(this.sites));
	}

	private fresh(prefix: string): string {
		return `${prefix}${this.count++}`;
	}

	/** `if (cond) fail(root, site, v, indices…);`, or "" for no condition. */
	private refuse(
		cond: string,
		v: string,
		root: string,
		path: readonly Step[],
		raise: (where: string, value: unknown) => never,
	): string {
		if (cond === "") return "";
		const rel: (string | null)[] = [];
		const indices: string[] = [];
		let text = "";
		for (const step of path) {
			if ("text" in step) text += step.text;
			else {
				rel.push(text, null);
				indices.push(step.index);
				text = "";
			}
		}
		rel.push(text);
		const site = this.sites.push({ rel, raise }) - 1;
		const args = [root, String(site), v, ...indices].join(", ");
		return `if (${cond}) ${this.fail}(${args});`;
	}

	/**
	 * The write of the value of `access` (a member or element), read from the expression `value`, at
	 * `at`; errors name `path` from `root` (the expression of a view, or of a type's name).
	 */
	access(a: Access, value: string, at: Address, path: readonly Step[], root: string): WriteCode {
		if (a.k === "nested") {
			const guarantee = a.aligned ? a.type.align : 1;
			const inner = { base: at.base, off: at.off + a.off };
			return a.type.kind === "array"
				? this.array(a.type as ArrayTypeLike, guarantee, value, inner, path, root)
				: this.record(a.type as RecordLike, guarantee, value, inner, path, root);
		}
		if (a.k === "flex") throw new Error("a flexible array member has no value to write");
		const x = this.fresh("x");
		const load = `const ${x} = ${value};`;
		let check: string;
		let store: string;
		if (a.k === "bits") {
			const { info, width } = a;
			check = this.refuse(bitsReject(a, x, this.checked), x, root, path, (where, v) =>
				rejectBits(where, info.value, width, info.signed, v),
			);
			store = bitsStore(a, "h", address(at, 0), x);
		} else if (a.k === "utf8") {
			const n = a.maxBytes;
			check = this.refuse(utf8Reject(n, x), x, root, path, (where, v) =>
				rejectString(where, n, v, typeof v === "string" ? utf8Length(v) : 0),
			);
			store = utf8Store(n, "h", address(at, a.off), x);
		} else {
			const info = a.info;
			check = this.refuse(scalarReject(info, x, this.checked), x, root, path, (where, v) =>
				rejectScalar(where, info, v),
			);
			store = scalarStore(a, "h", address(at, a.off), x);
		}
		return { check: load + check, load, store, checks: check !== "" };
	}

	/** The write of a struct or union value, at an address known to be a multiple of `guarantee`. */
	record(
		type: RecordLike,
		guarantee: number,
		value: string,
		at: Address,
		path: readonly Step[],
		root: string,
	): WriteCode {
		const o = this.fresh("o");
		let load = `const ${o} = ${value};`;
		let check =
			load +
			this.refuse(`typeof ${o} !== "object" || ${o} === null`, o, root, path, (where, v) =>
				rejectAggregate(where, "an object", v),
			);
		let store = "";
		for (const m of recordMembers(type, guarantee)) {
			if (m.access.k === "flex") continue; // no length: read and write leave it out
			const inner = [...path, { text: `.${m.name}` }];
			if (type.kind === "struct") {
				const code = this.access(m.access, `${o}.${m.name}`, at, inner, root);
				check += code.check;
				load += code.load;
				store += code.store;
				continue;
			}
			// A union writes the members present, in declaration order.
			const x = this.fresh("m");
			const code = this.access(m.access, x, at, inner, root);
			const get = `const ${x} = ${o}.${m.name};`;
			check += code.checks ? `${get} if (${x} !== undefined) { ${code.check} }` : get;
			load += get;
			store += `if (${x} !== undefined) { ${code.load} ${code.store} }`;
		}
		return { check, load, store, checks: true };
	}

	/** The write of an array value (any array-like of the right length). */
	array(
		type: ArrayTypeLike,
		guarantee: number,
		value: string,
		at: Address,
		path: readonly Step[],
		root: string,
	): WriteCode {
		const n = type.length;
		const stride = type.element.size;
		const a = this.fresh("a");
		const i = this.fresh("i");
		const q = this.fresh("q");
		const element = this.access(
			accessOf(type.element, 0, alignmentAt(guarantee, stride)),
			`${a}[${i}]`,
			{ base: q, off: 0 },
			[...path, { text: "[" }, { index: i }, { text: "]" }],
			root,
		);
		const load = `const ${a} = ${value};`;
		let check =
			load +
			this.refuse(
				`typeof ${a} !== "object" || ${a} === null || ${a}.length !== ${n}`,
				a,
				root,
				path,
				(where, v) => rejectAggregate(where, `an array of ${n}`, v),
			);
		if (element.checks) check += `for (let ${i} = 0; ${i} < ${n}; ${i}++) { ${element.check} }`;
		const store = `for (let ${i} = 0; ${i} < ${n}; ${i}++) { const ${q} = ${address(at, 0)} + ${i} * ${stride}; ${element.load} ${element.store} }`;
		return { check, load, store, checks: true };
	}
}

function address(at: Address, off: number): string {
	const total = at.off + off;
	return total === 0 ? at.base : `${at.base} + ${total}`;
}
