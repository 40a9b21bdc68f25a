/**
 * Builds and caches the accessors of aggregate types: once per type, alignment variant and checked
 * mode, with the strategy (generated code or closures) chosen when first built.
 */

import { checkOptions } from "@offheap/core";
import type { AccessOptions, HeapViews } from "../api.ts";
import { settings, useCodegen } from "../configure.ts";
import { checkBooleanOption, checkHeap, checkPointer, rejectNotNumber } from "./checks.ts";
import { closureArray, closureRecord } from "./closures.ts";
import { generateArray, generateRecord } from "./codegen.ts";
import type { AggregateLike, ArrayTypeLike, RecordLike } from "./plan.ts";
import type { Accessors, Variant, ViewObject } from "./runtime.ts";

export type Strategy = "codegen" | "closures";

const cache = new WeakMap<AggregateLike, (Accessors | undefined)[]>();

function slot(variant: Variant): number {
	return (variant.aligned ? 2 : 0) + (variant.checked ? 1 : 0);
}

/**
 * Builds accessors for `type` with the given strategy. Nested types get the cached accessors when
 * `cached`, else fresh ones of the same strategy (tests call this to compare the two strategies).
 */
export function buildAccessors(
	type: AggregateLike,
	variant: Variant,
	strategy: Strategy,
	cached = false,
): Accessors {
	const resolve = (child: AggregateLike, aligned: boolean): Accessors => {
		const v = { aligned, checked: variant.checked };
		return cached ? accessorsOf(child, v) : buildAccessors(child, v, strategy);
	};
	if (type.kind === "array") {
		return strategy === "codegen"
			? generateArray(type as ArrayTypeLike, variant, resolve)
			: closureArray(type as ArrayTypeLike, variant, resolve);
	}
	return strategy === "codegen"
		? generateRecord(type as RecordLike, variant, resolve)
		: closureRecord(type as RecordLike, variant, resolve);
}

/** The accessors of `type` for `variant`, built on first use. */
export function accessorsOf(type: AggregateLike, variant: Variant): Accessors {
	let entries = cache.get(type);
	if (entries === undefined) {
		entries = [undefined, undefined, undefined, undefined];
		cache.set(type, entries);
	}
	const i = slot(variant);
	let acc = entries[i];
	if (acc === undefined) {
		acc = buildAccessors(type, variant, useCodegen() ? "codegen" : "closures", true);
		entries[i] = acc;
	}
	return acc;
}

/** The options of views and cursors. */
const ACCESS_OPTIONS: readonly (keyof AccessOptions)[] = ["checked"];

/** Whether a view made with `options` is checked; refuses unknown and mistyped options. */
function checkedOption(where: string, options: AccessOptions | undefined): boolean {
	if (options === undefined) return settings.checked;
	checkOptions(where, options, ACCESS_OPTIONS);
	checkBooleanOption(where, "checked", options.checked);
	return options.checked ?? settings.checked;
}

/**
 * The per-type entry points behind `T.view`, `T.cursor`, `T.read` and `T.write`, holding the four
 * variants in fields so that the copying `read`/`write` cost one property load, not a map lookup.
 */
export class AggregateAccess {
	private readonly type: AggregateLike;
	private readonly variants: (Accessors | undefined)[] = [undefined, undefined, undefined, undefined];

	constructor(type: AggregateLike) {
		this.type = type;
	}

	private get(aligned: boolean, checked: boolean): Accessors {
		const i = (aligned ? 2 : 0) + (checked ? 1 : 0);
		return this.variants[i] ?? this.build(aligned, checked, i);
	}

	private build(aligned: boolean, checked: boolean, i: number): Accessors {
		const acc = accessorsOf(this.type, { aligned, checked });
		this.variants[i] = acc;
		return acc;
	}

	view(heap: HeapViews, ptr: number, options: AccessOptions | undefined): ViewObject {
		const c = checkedOption(`${this.type.name}.view`, options);
		checkHeap(`${this.type.name}.view`, heap);
		if (typeof ptr !== "number") rejectNotNumber(`${this.type.name}.view`, "ptr", ptr);
		const aligned = ptr % this.type.align === 0;
		return new (this.get(aligned, c).View)(heap).$at(ptr);
	}

	cursor(heap: HeapViews, options: AccessOptions | undefined): ViewObject {
		const checked = checkedOption(`${this.type.name}.cursor`, options);
		checkHeap(`${this.type.name}.cursor`, heap);
		return new (this.get(true, checked).View)(heap);
	}

	read(heap: HeapViews, ptr: number): unknown {
		const checked = settings.checked;
		if (checked) checkPointer(this.type.name, "read", heap, ptr, this.type.size);
		return this.get((ptr & (this.type.align - 1)) === 0, checked).read(heap, ptr);
	}

	write(heap: HeapViews, ptr: number, value: unknown): void {
		const checked = settings.checked;
		if (checked) checkPointer(this.type.name, "write", heap, ptr, this.type.size);
		this.get((ptr & (this.type.align - 1)) === 0, checked).write(heap, ptr, value, this.type.name);
	}
}
