//! Argument checks shared by every offheap package and by users who write their own containers:
//! one way to describe a bad value in a message, and one way to refuse an options object that holds
//! a key nobody reads (a misspelt `maxbytes` must not silently fall back to a default), and one test of
//! what an Allocator looks like.

import type { Allocator } from "./api.ts";

/**
 * Describes a value for an error message: numbers as written (`-1`, `NaN`, `1.5`), bigints with an `n`
 * suffix, strings quoted, everything else with its type. Never throws (symbols, objects with a throwing
 * `toString`, revoked proxies).
 *
 * @example
 * ```ts
 * import { describeArgument } from "@offheap/core";
 * console.log(describeArgument(1.5), describeArgument(2n), describeArgument("8"), describeArgument(Symbol("s")));
 * // 1.5 bigint 2n string "8" symbol Symbol(s)
 * ```
 */
export function describeArgument(value: unknown): string {
	switch (typeof value) {
		case "number":
			return Object.is(value, -0) ? "-0" : String(value);
		case "bigint":
			return `bigint ${value}n`;
		case "string":
			return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
		case "symbol":
			return `symbol ${value.toString()}`;
		case "undefined":
			return "undefined";
		case "boolean":
			return `boolean ${value}`;
		case "function":
			return `function ${value.name || "(anonymous)"}`;
		default:
			if (value === null) return "null";
			try {
				return Array.isArray(value)
					? `array of ${value.length}`
					: `object ${Object.prototype.toString.call(value)}`;
			} catch {
				return "object";
			}
	}
}

/**
 * Refuses an options argument that is not a plain object, or that holds a key not in `known`, with a
 * `TypeError` naming the key, the nearest valid name when one differs only in case, and every valid
 * option. `undefined` is accepted (no options). Keys whose value is `undefined` count as present.
 *
 * @param what - who is checking, for the message (`"Heap"`, `"Vector.create"` …)
 * @param options - the caller's argument
 * @param known - every option the caller reads
 *
 * @example
 * ```ts
 * import { checkOptions } from "@offheap/core";
 * try {
 *   checkOptions("Ring", { capacty: 8 }, ["capacity", "checked"]);
 * } catch (error) {
 *   console.log((error as TypeError).message);
 *   // Ring: unknown option "capacty" (valid options: capacity, checked)
 * }
 * ```
 */
export function checkOptions(what: string, options: unknown, known: readonly string[]): void {
	if (options === undefined) return;
	if (typeof options !== "object" || options === null || Array.isArray(options)) {
		throw new TypeError(`${what}: options must be an object, got ${describeArgument(options)}`);
	}
	for (const key of Object.keys(options)) {
		if (!known.includes(key)) rejectOption(what, key, known);
	}
	for (const key of Object.getOwnPropertySymbols(options)) rejectOption(what, key, known);
}

function rejectOption(what: string, key: string | symbol, known: readonly string[]): never {
	const name = typeof key === "string" ? JSON.stringify(key) : key.toString();
	const lower = typeof key === "string" ? key.toLowerCase() : "";
	const near = known.find((k) => k.toLowerCase() === lower);
	const hint = near === undefined ? "" : `; did you mean "${near}"?`;
	throw new TypeError(`${what}: unknown option ${name}${hint} (valid options: ${known.join(", ")})`);
}

/**
 * Whether `value` looks like an {@link Allocator}: an object with `malloc`, `realloc`, `free` and
 * `usableSize`, and a `heap` with its typed-array views. Containers call it on the allocator they are
 * given, before they read anything from it, and throw their own `TypeError` naming the argument.
 *
 * @example
 * ```ts
 * import { Heap, isAllocator } from "@offheap/core";
 * console.log(isAllocator(new Heap()), isAllocator({ malloc: () => 0 })); // true false
 * ```
 */
export function isAllocator(value: unknown): value is Allocator {
	const a = value as Partial<Allocator> | null;
	return (
		typeof a === "object" &&
		a !== null &&
		typeof a.malloc === "function" &&
		typeof a.realloc === "function" &&
		typeof a.free === "function" &&
		typeof a.usableSize === "function" &&
		typeof a.heap === "object" &&
		a.heap !== null &&
		a.heap.u32 instanceof Uint32Array
	);
}
