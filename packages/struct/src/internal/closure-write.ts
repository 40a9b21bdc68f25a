/**
 * The copying write of closure-built accessors: a tree of nodes mirroring the type, whose `check`
 * validates a whole value before `put` stores any of it, so a refused value changes no byte (as the
 * generated write does). A refused value comes back as a {@link Problem} naming its path.
 */
import type { HeapViews } from "../api.ts";
import { Problem, type Root, rejectAggregate } from "./checks.ts";
import { bitsOps } from "./closure-bits.ts";
import type { LeafOps } from "./closure-types.ts";
import { valueOps } from "./closure-values.ts";
import {
	type Access,
	type ArrayTypeLike,
	accessOf,
	alignmentAt,
	type RecordLike,
	recordMembers,
} from "./plan.ts";

export interface WriteNode {
	/** Whether `check` can refuse anything (else callers skip it). */
	readonly checks: boolean;
	/** For a scalar, string or bit-field, its ops (a record calls their test directly). */
	readonly leaf?: LeafOps;
	/** `undefined` when `v` can be written, else what is wrong with it. Writes nothing. */
	check(v: unknown): Problem | undefined;
	/**
	 * Writes a value `check` accepted, reading it again: collecting the values during the check would
	 * box every number (an allocation per field).
	 */
	put(h: HeapViews, q: number, v: unknown): void;
}

/**
 * The problem of a value `raise` refuses. Made here rather than where the value is checked: a closure
 * there would capture the checked value, and V8 would then allocate a context on every check.
 */
function problemOf(raise: (where: string, v: unknown) => never, v: unknown): Problem {
	return new Problem((where) => raise(where, v));
}

/** The problem of a value that is not the object or array an aggregate needs (see {@link problemOf}). */
function shapeProblem(expected: string, v: unknown): Problem {
	return new Problem((where) => rejectAggregate(where, expected, v));
}

/** The node of a scalar, string or bit-field value. */
export function leafNode(ops: LeafOps): WriteNode {
	const test = ops.test;
	if (test === undefined) return { checks: false, leaf: ops, check: () => undefined, put: ops.put };
	return {
		checks: true,
		leaf: ops,
		check: (v) => (test(v) ? problemOf(ops.reject, v) : undefined),
		put: ops.put,
	};
}

/** The node of the value of a member or element accessed as `a`. */
export function accessNode(a: Access, checked: boolean): WriteNode {
	switch (a.k) {
		case "nested": {
			const guarantee = a.aligned ? a.type.align : 1;
			return a.type.kind === "array"
				? arrayNode(a.type as ArrayTypeLike, guarantee, checked)
				: recordNode(a.type as RecordLike, guarantee, checked);
		}
		case "bits":
			return leafNode(bitsOps(a, checked));
		case "flex":
			throw new Error("a flexible array member has no value to write");
		default:
			return leafNode(valueOps(a, checked));
	}
}

/** The node of a struct or union value, at addresses known to be multiples of `guarantee`. */
export function recordNode(type: RecordLike, guarantee: number, checked: boolean): WriteNode {
	const fields = recordMembers(type, guarantee)
		.filter((m) => m.access.k !== "flex") // no length: read and write leave it out
		.map((m) => ({
			name: m.name,
			key: `.${m.name}`,
			off: m.access.k === "bits" ? 0 : (m.access as { off: number }).off,
			node: accessNode(m.access, checked),
		}));
	const checking = fields
		.filter((f) => f.node.checks)
		.map((f) => ({ ...f, test: f.node.leaf?.test, reject: f.node.leaf?.reject }));
	const union = type.kind === "union";
	return {
		checks: true,
		check(v) {
			if (typeof v !== "object" || v === null) return shapeProblem("an object", v);
			const o = v as Record<string, unknown>;
			for (const f of checking) {
				const x = o[f.name];
				if (union && x === undefined) continue; // a union writes the members present
				const { test, reject } = f;
				if (test !== undefined && reject !== undefined) {
					if (test(x)) return problemOf(reject, x).within(f.key);
					continue;
				}
				const problem = f.node.check(x);
				if (problem !== undefined) return problem.within(f.key);
			}
			return undefined;
		},
		put(h, q, v) {
			const o = v as Record<string, unknown>;
			for (const f of fields) {
				const x = o[f.name];
				if (!union || x !== undefined) f.node.put(h, q + f.off, x);
			}
		},
	};
}

/** The node of an array value (any array-like of the right length). */
export function arrayNode(type: ArrayTypeLike, guarantee: number, checked: boolean): WriteNode {
	const n = type.length;
	const stride = type.element.size;
	const element = accessNode(accessOf(type.element, 0, alignmentAt(guarantee, stride)), checked);
	const expected = `an array of ${n}`;
	return {
		checks: true,
		check(v) {
			if (typeof v !== "object" || v === null || (v as ArrayLike<unknown>).length !== n) {
				return shapeProblem(expected, v);
			}
			if (!element.checks) return undefined;
			const values = v as ArrayLike<unknown>;
			for (let i = 0; i < n; i++) {
				const problem = element.check(values[i]);
				if (problem !== undefined) return problem.within(i);
			}
			return undefined;
		},
		put(h, q, v) {
			const values = v as ArrayLike<unknown>;
			for (let i = 0; i < n; i++) element.put(h, q + i * stride, values[i]);
		},
	};
}

/**
 * Validates all of `v`, then writes it at `q`; or throws the error of what is wrong with it, naming
 * its path from `root` (after element `index` of `root`, when given), before changing any byte.
 */
export function writeChecked(
	node: WriteNode,
	h: HeapViews,
	q: number,
	v: unknown,
	root: Root,
	index?: number,
): void {
	const problem = node.check(v);
	if (problem !== undefined) {
		if (index !== undefined) problem.within(index);
		problem.throwAt(root);
	}
	node.put(h, q, v);
}
