/**
 * The cold paths of every accessor: building and throwing errors. Kept out of the generated and
 * closure accessors so that those stay small enough to inline.
 */
import { describeArgument, InvalidPointerError } from "@offheap/core";
import type { HeapViews } from "../api.ts";
import type { ScalarInfo } from "./scalar-info.ts";

function describe(value: unknown): string {
	if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
	if (typeof value === "bigint") return `${value}n`;
	if (value === null || typeof value !== "object") return String(value);
	return Array.isArray(value) ? "an array" : "an object";
}

/**
 * A view as error paths see it: the view it is nested in (`$up`) and its key there (a field name, or an
 * element index), up to the outermost view, whose type names the path (`S.items[3].x`).
 */
export interface PathView {
	readonly $up: PathView | undefined;
	readonly $key: string | number | undefined;
	readonly $type: { readonly name: string };
}

/** Where a write starts: a view (its path is its chain of parents), or the name of the type written. */
export type Root = PathView | string;

/** A path relative to a {@link Root}: text, or text and element indices (`[".items[", 3, "].x"]`). */
export type RelativePath = string | readonly (string | number)[];

/** The full path of `root` followed by `rel`, for a message: `S.inner.a`, `S.items[3].x`. Cold. */
export function path(root: Root, rel: RelativePath): string {
	let base: string;
	if (typeof root === "string") base = root;
	else {
		const keys: string[] = [];
		let v: PathView = root;
		while (v.$up !== undefined) {
			keys.push(typeof v.$key === "number" ? `[${v.$key}]` : `.${String(v.$key)}`);
			v = v.$up;
		}
		base = v.$type.name + keys.reverse().join("");
	}
	return base + (typeof rel === "string" ? rel : rel.join(""));
}

/**
 * A place where generated code refuses a value: the path to it from the root of the write or the view
 * (`null` for each index, which the generated code passes at run time), and how to throw its error.
 */
export interface FailSite {
	readonly rel: readonly (string | null)[];
	readonly raise: (where: string, value: unknown) => never;
}

/**
 * The one cold function a generated accessor class calls to refuse a value, by site number: a short
 * call at each check keeps the generated functions small enough for V8 to inline.
 */
export function failer(
	sites: readonly FailSite[],
): (root: Root, site: number, value: unknown, ...indices: number[]) => never {
	return (root, site, value, ...indices) => {
		const s = sites[site] as FailSite;
		let k = 0;
		return s.raise(
			path(
				root,
				s.rel.map((part) => part ?? `${indices[k++]}`),
			),
			value,
		);
	};
}

/**
 * A value refused by the validation pass of a closure-built write, before anything was written: how
 * to throw its error, and the path to it from the value checked, collected as the check unwinds
 * (innermost first). Built only on failure.
 */
export class Problem {
	readonly keys: (string | number)[] = [];
	readonly raise: (where: string) => never;
	constructor(raise: (where: string) => never) {
		this.raise = raise;
	}

	/** Adds the field (`".name"`) or element index holding the value checked so far. */
	within(key: string | number): this {
		this.keys.push(key);
		return this;
	}

	/** Throws the error, its path starting at `root`. */
	throwAt(root: Root): never {
		const rel = this.keys.reverse().map((k) => (typeof k === "number" ? `[${k}]` : k));
		return this.raise(path(root, rel));
	}
}

/** Why `ptr` cannot address `size` bytes aligned to `align` in `heap`, or `undefined` when it can. */
export function pointerProblem(
	heap: HeapViews,
	ptr: number,
	size: number,
	align: number,
): string | undefined {
	if (typeof ptr !== "number" || !Number.isInteger(ptr) || ptr < 0) return "not a non-negative integer";
	if (ptr === 0) return "NULL";
	const end = heap.u8.length;
	if (ptr + size > end) return `[${ptr}, ${ptr + size}) is outside the heap of ${end} B`;
	if (ptr % align !== 0) return `not a multiple of the alignment ${align}`;
	return undefined;
}

/**
 * Throws the TypeError for an argument called `name` of `where` (`S.$at`, `array`) that is not a
 * number: a bigint or a symbol would otherwise meet an engine error ("Cannot mix BigInt…").
 */
export function rejectNotNumber(where: string, name: string, value: unknown): never {
	throw new TypeError(`${where}: ${name} must be a number, got ${describeArgument(value)}`);
}

/**
 * Refuses arguments after the `expected` ones of a function that takes no options (`utf8(12, {…})`
 * would otherwise drop the object silently). `signature` lists the parameters: `(type, length)`.
 */
export function checkNoMoreArguments(
	where: string,
	args: ArrayLike<unknown>,
	expected: number,
	signature: string,
): void {
	if (args.length <= expected) return;
	throw new TypeError(
		`${where}: unexpected argument ${expected + 1} (${describeArgument(args[expected])}); ${where} takes ${signature}`,
	);
}

/** Refuses an option `name` that is present but not a boolean. */
export function checkBooleanOption(where: string, name: string, value: unknown): void {
	if (value !== undefined && typeof value !== "boolean") {
		throw new TypeError(`${where}: ${name} must be a boolean, got ${describeArgument(value)}`);
	}
}

/** Throws unless `heap` has the typed-array views accessors read (a `Heap`, or what `heapViews` makes). */
export function checkHeap(where: string, heap: unknown): void {
	if (typeof heap !== "object" || heap === null || !((heap as { u8?: unknown }).u8 instanceof Uint8Array)) {
		throw new TypeError(
			`${where}: heap must be a Heap or the views of heapViews(), got ${describeArgument(heap)}`,
		);
	}
}

/**
 * Throws the InvalidPointerError for `ptr` (a TypeError when it is not a number at all); `operation`
 * names the type and the call (`Vec2.$at`).
 */
export function rejectPointer(
	operation: string,
	heap: HeapViews,
	ptr: number,
	size: number,
	align: number,
): never {
	if (typeof ptr !== "number") rejectNotNumber(operation, "ptr", ptr);
	throw new InvalidPointerError(operation, ptr, pointerProblem(heap, ptr, size, align) ?? "rejected");
}

/**
 * Checks a pointer for the copying `read`/`write` of the type called `name` (any alignment is fine
 * there). The message is only built on failure, so a passing check allocates nothing.
 */
export function checkPointer(name: string, op: string, heap: HeapViews, ptr: number, size: number): void {
	if (typeof ptr !== "number" || ptr >>> 0 !== ptr || ptr === 0 || ptr + size > heap.u8.length)
		rejectPointer(`${name}.${op}`, heap, ptr, size, 1);
}

/** Throws for an array index: a TypeError when it is not a number, else a RangeError. */
export function rejectIndex(where: string, index: unknown, length: number): never {
	if (typeof index !== "number") rejectNotNumber(where, "index", index);
	if (length === Number.POSITIVE_INFINITY) {
		throw new RangeError(
			`${where}: index ${describe(index)} is not a non-negative integer, or its element lies outside the heap`,
		);
	}
	throw new RangeError(`${where}: index ${describe(index)} is not an integer in [0, ${length})`);
}

/** Throws for a value that a scalar field cannot hold: TypeError for a wrong JS type, else RangeError. */
export function rejectScalar(where: string, info: ScalarInfo, value: unknown): never {
	if (typeof value !== info.value) {
		const article = info.value === "bigint" ? "a bigint" : `a ${info.value}`;
		throw new TypeError(
			`${where}: expected ${article} for ${info.name}, got ${describe(value)} (${typeof value})`,
		);
	}
	throw new RangeError(
		`${where}: ${describe(value)} is not ${info.name === "ptr" ? "a pointer" : "an integer"} in [${info.min}, ${info.max}] (${info.name})`,
	);
}

/** Throws for a value outside a bit-field's range. */
export function rejectBits(
	where: string,
	kind: string,
	width: number,
	signed: boolean,
	value: unknown,
): never {
	const w = BigInt(width);
	const min = signed ? -(1n << (w - 1n)) : 0n;
	const max = signed ? (1n << (w - 1n)) - 1n : (1n << w) - 1n;
	if (typeof value !== kind) {
		throw new TypeError(
			`${where}: expected a ${kind} for a ${width}-bit bit-field, got ${describe(value)} (${typeof value})`,
		);
	}
	throw new RangeError(
		`${where}: ${describe(value)} does not fit a ${signed ? "signed" : "unsigned"} ${width}-bit bit-field [${min}, ${max}]`,
	);
}

/** Throws for a string that does not fit a `utf8(maxBytes)` field. */
export function rejectString(where: string, maxBytes: number, value: unknown, bytes: number): never {
	if (typeof value !== "string")
		throw new TypeError(`${where}: expected a string, got ${describe(value)} (${typeof value})`);
	throw new RangeError(
		`${where}: ${describe(value)} is ${bytes} bytes of UTF-8, more than the ${maxBytes} of utf8(${maxBytes})`,
	);
}

/** Throws for a value that is not the object or array an aggregate needs. */
export function rejectAggregate(where: string, expected: string, value: unknown): never {
	throw new TypeError(`${where}: expected ${expected}, got ${describe(value)}`);
}
