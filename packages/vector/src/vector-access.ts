import { type Allocator, checkOptions } from "@offheap/core";
import {
	ELEMENT_KIND,
	type Element,
	type HeapViews,
	type Infer,
	isScalarElement,
	type Type,
	type View,
	type WriteValue,
} from "@offheap/struct";
import type { TypedArrayOf, VectorAccessOptions, VectorOptions } from "./api.ts";
import { guardArray, StorageGuard } from "./internal/guard.ts";
import { VectorIterator } from "./internal/iterator.ts";
import * as layout from "./internal/layout.ts";
import { rejectFreed, rejectNotBoolean, rejectNotScalar } from "./internal/reject.ts";
import { VectorState } from "./vector-state.ts";

const { W_DATA, W_LENGTH, W_VERSION } = layout;
const K_BOOL = ELEMENT_KIND.bool;

/** What struct, union and array types add to {@link Type}: in-place views. */
interface AggregateType {
	view(heap: HeapViews, ptr: number, options?: { checked?: boolean }): unknown;
	cursor(heap: HeapViews, options?: { checked?: boolean }): unknown;
}

interface Cursor {
	$at(ptr: number): unknown;
}

/**
 * Reading and writing the elements of a {@link Vector} in place: by index, through struct views and
 * a reusable cursor, as one typed array, copied out, iterated. Every `Vector` is one (a `Vector`
 * extends {@link VectorEdits}, which extends this class); it is not made on its own.
 *
 * @typeParam T - the element type.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { u16 } from "@offheap/struct";
 * import { Vector, type VectorAccess } from "@offheap/vector";
 * const v = new Vector(new Heap(), u16);
 * v.pushMany([1, 2, 3]);
 * const access: VectorAccess<typeof u16> = v;
 * console.log(access.get(1), access.toArray()); // 2 [ 1, 2, 3 ]
 * ```
 */
export class VectorAccess<T extends Type = Type> extends VectorState<T> {
	private cursorView: Cursor | undefined;
	private cursorGuard: StorageGuard | undefined;

	/** @internal Use `new Vector(...)` or `Vector.open(...)`. */
	protected constructor(allocator: Allocator, type: T, options: VectorOptions) {
		super(allocator, type, options);
		this.cursorView = undefined;
		this.cursorGuard = undefined;
	}

	/**
	 * The element at `index`, copied out: a number, bigint or boolean for scalars, a plain object for a
	 * struct (use {@link VectorAccess.at} or {@link VectorAccess.cursor} to work in place).
	 * @throws RangeError naming the index and the length when `index` is not an integer in `[0, length)`.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u8 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), u8);
	 * v.pushMany([1, 2, 3]);
	 * console.log(v.get(2)); // 3
	 * ```
	 */
	get(index: number): Infer<T> {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		if (
			typeof index !== "number" ||
			index >>> 0 !== index ||
			index >= (u32[hdr + W_LENGTH] as number) ||
			hdr === 0
		) {
			return this.rejectAccess("get", index);
		}
		return this.load(u32[hdr + W_DATA] as number, index) as Infer<T>;
	}

	/**
	 * Writes `value` at `index`.
	 * @throws RangeError naming the index and the length when `index` is out of bounds; TypeError or
	 * RangeError when `value` does not fit (the element is then unchanged).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { i32 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), i32);
	 * v.push(0);
	 * v.set(0, -5);
	 * console.log(v.get(0)); // -5
	 * ```
	 */
	set(index: number, value: WriteValue<T>): void {
		// The value is read whole (and checked) before the vector's state: see `prepare`.
		const prepared = (this.checked ? this.fits(value) : this.kind < K_BOOL && typeof value === "number")
			? value
			: this.prepare("set", value);
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		if (
			typeof index !== "number" ||
			typeof index !== "number" ||
			index >>> 0 !== index ||
			index >= (u32[hdr + W_LENGTH] as number) ||
			hdr === 0
		) {
			this.rejectAccess("set", index);
		}
		this.store(u32[hdr + W_DATA] as number, index, prepared);
	}

	/**
	 * The element at `index`, counting from the end when negative (as `Array.prototype.at`): for
	 * struct, union and array elements a view that reads and writes the element in place (a new object
	 * per call; see {@link VectorAccess.cursor} for loops), for other types the value, as {@link VectorAccess.get}.
	 *
	 * A view keeps the element's address. In checked mode it throws `InvalidPointerError` when used after
	 * the vector's storage moved or shrank or the vector was freed; unchecked, it then reads whatever is there.
	 * @throws RangeError naming the index and the length when `index` is out of bounds.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f32, struct } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const Body = struct("Body", { x: f32, vx: f32 });
	 * const bodies = new Vector(new Heap(), Body);
	 * bodies.push({ x: 0, vx: 2 });
	 * const last = bodies.at(-1);
	 * last.x += last.vx;
	 * console.log(bodies.get(0).x); // 2
	 * ```
	 */
	at(index: number): Element<T> {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		if (typeof index !== "number") return this.rejectAccess("at", index);
		const i = index < 0 ? index + length : index;
		if (i >>> 0 !== i || i >= length || hdr === 0) return this.rejectAccess("at", index);
		const data = u32[hdr + W_DATA] as number;
		if (!this.aggregate) return this.load(data, i) as Element<T>;
		const type = this.type as unknown as AggregateType;
		const views = this.checked ? new StorageGuard(this, u32[hdr + W_VERSION] as number, data) : this.heap;
		return type.view(views, data + i * this.size, { checked: this.checked }) as Element<T>;
	}

	/**
	 * The vector's one cursor (a struct, union or array view), moved to the element at `index`: the same
	 * object on every call, so loops allocate nothing. Take what you need from it before the next call.
	 * In checked mode it throws `InvalidPointerError` when used after the storage moved or shrank, until the next
	 * call of `cursor` moves it again.
	 * @throws TypeError for scalar or utf8 elements; RangeError naming the index and the length when
	 * `index` is out of bounds.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f32, struct } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const P = struct("P", { x: f32, vx: f32 });
	 * const ps = new Vector(new Heap(), P);
	 * for (let i = 0; i < 3; i++) ps.push({ x: i, vx: 1 });
	 * for (let i = 0; i < ps.length; i++) {
	 *   const p = ps.cursor(i);
	 *   p.x += p.vx;
	 * }
	 * console.log(ps.get(2).x); // 3
	 * ```
	 */
	cursor(index: number): View<T> {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		if (
			typeof index !== "number" ||
			index >>> 0 !== index ||
			index >= (u32[hdr + W_LENGTH] as number) ||
			hdr === 0 ||
			!this.aggregate
		) {
			return this.rejectAccess("cursor", index);
		}
		const data = u32[hdr + W_DATA] as number;
		const cursor = this.cursorView ?? this.makeCursor();
		const guard = this.cursorGuard;
		if (guard !== undefined) {
			guard.version = u32[hdr + W_VERSION] as number;
			guard.data = data;
		}
		return cursor.$at(data + index * this.size) as View<T>;
	}

	/**
	 * The elements of a scalar vector as one typed array over the heap (no copy): reads and writes go
	 * straight to the vector. It covers the elements present when it was taken, and is valid until the
	 * storage moves or shrinks (see {@link Vector.version}) or the heap replaces its buffer on growth.
	 *
	 * Checked (the default), it is a Proxy that throws `InvalidPointerError` on any use after that;
	 * being a Proxy, it is not accepted where a real typed array is required (`ArrayBuffer.isView`,
	 * `postMessage`, WebAssembly). Unchecked (`{ checked: false }`) it is the plain typed array, which
	 * cannot check itself: after the storage moved it silently aliases freed memory, and after the heap
	 * grew it is detached (length 0). Take it again after anything that may allocate.
	 * @param options - `checked` overrides the vector's setting for this array.
	 * @throws TypeError for struct and other non-scalar elements, and for an unknown option.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const heap = new Heap();
	 * const v = new Vector(heap, f64);
	 * v.pushMany([1, 2, 3]);
	 * const a = v.asTypedArray();
	 * a[0] = 10;
	 * console.log(v.get(0), a.reduce((s, x) => s + x, 0)); // 10 15
	 * const neighbour = heap.malloc(64); // now the storage cannot grow in place
	 * v.pushMany(new Float64Array(100)); // so it moves
	 * try {
	 *   console.log(a[0]);
	 * } catch (error) {
	 *   console.log((error as Error).name); // InvalidPointerError
	 * }
	 * heap.free(neighbour);
	 * ```
	 */
	asTypedArray(options: VectorAccessOptions = {}): TypedArrayOf<T> {
		checkOptions("Vector.asTypedArray", options, ["checked"]);
		const checked = options.checked ?? this.checked;
		if (typeof checked !== "boolean") rejectNotBoolean("Vector.asTypedArray", "checked", checked);
		if (this.hdr === 0) return rejectFreed("asTypedArray");
		if (!isScalarElement(this.kind)) return rejectNotScalar("asTypedArray", this.type.name);
		const array = this.rawArray();
		if (!checked) return array as TypedArrayOf<T>;
		return guardArray(array, this, this.version, this.dataAddress) as TypedArrayOf<T>;
	}

	/**
	 * Copies the elements out into a new JS array (values as {@link VectorAccess.get} returns them).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { bool } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), bool);
	 * v.pushMany([true, false]);
	 * console.log(v.toArray()); // [ true, false ]
	 * ```
	 */
	toArray(): Infer<T>[] {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("toArray");
		const u32 = this.heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		const data = u32[hdr + W_DATA] as number;
		const out: Infer<T>[] = [];
		for (let i = 0; i < length; i++) out.push(this.load(data, i) as Infer<T>);
		return out;
	}

	/**
	 * Iterates over the elements as {@link VectorAccess.at} returns them (views for struct elements). The
	 * iterator reads the length at every step; it throws `InvalidPointerError` when used after the
	 * storage moved or shrank or the vector was freed (so `for (const x of v) v.push(x)` fails instead of reading
	 * freed memory).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), u32);
	 * v.pushMany([1, 2, 3]);
	 * let sum = 0;
	 * for (const x of v) sum += x;
	 * console.log(sum, [...v.values()]); // 6 [ 1, 2, 3 ]
	 * ```
	 */
	values(): IterableIterator<Element<T>> {
		if (this.hdr === 0) return rejectFreed("values");
		return new VectorIterator<Element<T>>(this);
	}

	/** Same as {@link VectorAccess.values}. */
	[Symbol.iterator](): IterableIterator<Element<T>> {
		return this.values();
	}

	private makeCursor(): Cursor {
		const type = this.type as unknown as AggregateType;
		let views: HeapViews = this.heap;
		if (this.checked) {
			const guard = new StorageGuard(this, this.version, this.dataAddress);
			this.cursorGuard = guard;
			views = guard;
		}
		const cursor = type.cursor(views, { checked: this.checked }) as Cursor;
		this.cursorView = cursor;
		return cursor;
	}
}
