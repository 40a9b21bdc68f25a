/**
 * Bulk operations: `pushMany`, `copyFrom`, `sort`. Values are checked and converted into a staging
 * array before the vector changes, so a bad value changes nothing, and a source that aliases the
 * vector's own storage (its typed array, its views) is read before growth can move that storage.
 * @internal
 */
import { describeArgument, type Heap } from "@offheap/core";
import {
	ELEMENT_KIND,
	type ElementArray,
	elementValueProblem,
	elementView,
	heapViews,
	isBigIntElement,
	isScalarElement,
} from "@offheap/struct";
import { W_DATA, W_LENGTH } from "./layout.ts";
import { rejectCount, rejectFreed, rejectStale, rejectValue } from "./reject.ts";

const { bool: K_BOOL } = ELEMENT_KIND;

/** What the bulk operations need from a vector. */
export interface BulkTarget {
	readonly name: string;
	readonly kind: number;
	readonly checked: boolean;
	readonly heap: Heap;
	readonly hdr: number;
	readonly size: number;
	readonly shift: number;
	readonly align: number;
	write(views: ReturnType<typeof heapViews>, ptr: number, value: unknown): void;
	/** Makes room for `additional` more elements or throws OutOfMemoryError, changing nothing. */
	reserve(operation: string, additional: number): void;
}

type Indexed = { [index: number]: unknown; readonly length: number };

function lengthOf(operation: string, values: unknown): number {
	const n =
		typeof values === "object" && values !== null ? (values as { length?: unknown }).length : undefined;
	if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
		throw new TypeError(
			`Vector.${operation}: expected an array or typed array of values, got ${describeArgument(values)}`,
		);
	}
	return n;
}

function isTypedArray(values: unknown): values is ElementArray {
	return ArrayBuffer.isView(values) && !(values instanceof DataView);
}

/**
 * The values of a scalar vector's source, as a typed array of the element kind (or a typed array the
 * element kind's `set` converts from), never one over the heap's buffer.
 */
function stageScalars(t: BulkTarget, operation: string, values: unknown, n: number): ElementArray {
	const kind = t.kind;
	const view = elementView(t.heap, kind);
	const Ctor = view.constructor as new (length: number) => ElementArray;
	if (isTypedArray(values) && kind !== K_BOOL) {
		const bigSource = values instanceof BigInt64Array || values instanceof BigUint64Array;
		if (bigSource !== isBigIntElement(kind)) {
			throw new TypeError(
				`Vector.${operation}: a ${values.constructor.name} cannot hold ${t.name} elements (${bigSource ? "bigint" : "number"} values)`,
			);
		}
		// A view of the heap may be detached or left over freed memory once the vector grows.
		return values.buffer === t.heap.buffer ? values.slice() : values;
	}
	const source = values as Indexed;
	const out = new Ctor(n) as unknown as { [index: number]: unknown };
	const strict = t.checked;
	for (let i = 0; i < n; i++) {
		let v = source[i];
		if (kind === K_BOOL) {
			if (isTypedArray(values)) v = v !== 0;
			else if (strict && typeof v !== "boolean") rejectValue(operation, t.name, kind, v, strict);
			out[i] = v ? 1 : 0;
		} else {
			if ((strict || isBigIntElement(kind)) && elementValueProblem(kind, v, strict) !== undefined) {
				rejectValue(operation, t.name, kind, v, strict);
			}
			out[i] = v;
		}
	}
	return out as unknown as ElementArray;
}

/** The bytes of `n` elements of another type, each written by the type (which checks it). */
function stageOther(t: BulkTarget, values: unknown, n: number): Uint8Array {
	const base = Math.max(8, t.align);
	const views = heapViews(new ArrayBuffer(Math.ceil((base + n * t.size) / 8) * 8));
	const source = values as Indexed;
	for (let i = 0; i < n; i++) t.write(views, base + i * t.size, source[i]);
	return views.u8.subarray(base, base + n * t.size);
}

/** Writes staged values at element `index` of the storage at `data`. */
function place(t: BulkTarget, staged: ElementArray | Uint8Array, data: number, index: number): void {
	if (isScalarElement(t.kind)) {
		(elementView(t.heap, t.kind) as { set(source: ArrayLike<unknown>, offset: number): void }).set(
			staged as ArrayLike<unknown>,
			(data >>> t.shift) + index,
		);
	} else t.heap.u8.set(staged as Uint8Array, data + index * t.size);
}

export function pushAll(t: BulkTarget, values: unknown): number {
	const n = lengthOf("pushMany", values);
	const staged = isScalarElement(t.kind) ? stageScalars(t, "pushMany", values, n) : stageOther(t, values, n);
	t.reserve("pushMany", n);
	const u32 = t.heap.u32;
	const length = u32[t.hdr + W_LENGTH] as number;
	if (n > 0) place(t, staged, u32[t.hdr + W_DATA] as number, length);
	u32[t.hdr + W_LENGTH] = length + n;
	return length + n;
}

export function copyInto(t: BulkTarget, values: unknown, offset: number): void {
	const n = lengthOf("copyFrom", values);
	if (!Number.isInteger(offset) || offset < 0) rejectCount("copyFrom", "offset", offset);
	fitsIn(t, n, offset);
	const staged = isScalarElement(t.kind) ? stageScalars(t, "copyFrom", values, n) : stageOther(t, values, n);
	// Staging ran the values' getters and conversions, which may have changed the vector: look again.
	fitsIn(t, n, offset);
	if (n > 0) place(t, staged, t.heap.u32[t.hdr + W_DATA] as number, offset);
}

/** Throws the RangeError of `n` values at `offset` that do not fit in the vector's length. */
function fitsIn(t: BulkTarget, n: number, offset: number): void {
	if (t.hdr === 0) rejectFreed("copyFrom");
	const length = t.heap.u32[t.hdr + W_LENGTH] as number;
	if (offset + n > length) {
		throw new RangeError(`Vector.copyFrom: ${n} values at offset ${offset} do not fit in length ${length}`);
	}
}

/** What a sort needs to tell that its comparator changed the vector. */
export interface SortTarget {
	readonly version: number;
	readonly length: number;
	readonly dataAddress: number;
}

/**
 * Sorts `array` (the vector's elements, in place). A comparator is user code: one that grows, moves,
 * shrinks or shortens the vector would have the sort write its result back over storage that is no
 * longer the vector's, so every comparison checks the vector's version and length, and the sort is
 * refused (the typed array's sort writes nothing back when the comparator throws).
 */
export function sortScalars(
	array: ElementArray,
	kind: number,
	compare: ((a: unknown, b: unknown) => number) | undefined,
	target: SortTarget,
): void {
	const sortable = array as unknown as { sort(compare?: (a: unknown, b: unknown) => number): unknown };
	if (compare === undefined) {
		sortable.sort();
		return;
	}
	if (typeof compare !== "function") {
		throw new TypeError(
			`Vector.sort: compare must be a function or undefined, got ${describeArgument(compare)}`,
		);
	}
	const version = target.version;
	const length = target.length;
	const data = target.dataAddress;
	const checked = (a: unknown, b: unknown): number => {
		const order = compare(a, b);
		if (target.version !== version || target.length !== length) {
			rejectStale(
				"Vector.sort",
				data,
				`the comparator changed the vector (storage version ${version}, length ${length} when the sort began; ` +
					`version ${target.version}, length ${target.length} now)`,
			);
		}
		return order;
	};
	if (kind === K_BOOL) sortable.sort((a, b) => checked(a !== 0, b !== 0));
	else sortable.sort(checked);
}
