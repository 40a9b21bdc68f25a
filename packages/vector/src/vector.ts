import type { Allocator, Heap, Ptr } from "@offheap/core";
import {
	configure,
	ELEMENT_KIND,
	type Element,
	type ElementViewName,
	elementKind,
	elementNumberRange,
	elementShift,
	elementValueProblem,
	elementView,
	elementViewName,
	type HeapViews,
	heapViews,
	type Infer,
	isScalarElement,
	type Type,
	type View,
	type WriteValue,
} from "@offheap/struct";
import type { TypedArrayOf, VectorAccessOptions, VectorOptions } from "./api.ts";
import { type BulkTarget, copyInto, pushAll, sortScalars } from "./internal/bulk.ts";
import { guardArray, StorageGuard } from "./internal/guard.ts";
import { checkGrowth, checkType, createHeader, openHeader } from "./internal/header.ts";
import { VectorIterator } from "./internal/iterator.ts";
import * as layout from "./internal/layout.ts";
import {
	outOfMemory,
	rejectCount,
	rejectFreed,
	rejectIndex,
	rejectNotAggregate,
	rejectNotScalar,
	rejectValue,
} from "./internal/reject.ts";
import { grownCapacity, resize } from "./internal/storage.ts";

// Module-local copies of the constants: V8 reads these faster than imported bindings, which it must
// check for initialization on every use (about 1.3x the pushes per second, measured).
const { W_CAPACITY, W_DATA, W_GROWTH, W_LENGTH, W_MAGIC, W_VERSION } = layout;
const { bool: K_BOOL, f32: K_F32, i64: K_I64, other: K_OTHER } = ELEMENT_KIND;

const OPEN: unique symbol = Symbol("offheap.vector.open");
interface OpenOptions extends VectorOptions {
	[OPEN]?: number;
}

/** What struct, union and array types add to {@link Type}: in-place views. */
interface AggregateType {
	view(heap: HeapViews, ptr: number, options?: { checked?: boolean }): unknown;
	cursor(heap: HeapViews, options?: { checked?: boolean }): unknown;
}

/** A typed array as the hot paths index it. */
type Indexed = { [index: number]: unknown };

interface Cursor {
	$at(ptr: number): unknown;
}

const DEFAULT_GROWTH = 1.5;

/**
 * A growable array of elements of one `@offheap/struct` type, stored back to back in one block of an
 * allocator's heap, like Rust's `Vec<T>` or C++'s `std::vector<T>`: amortized O(1) `push`, O(1)
 * indexed access, geometric growth through `realloc` (in place when the next block is free).
 *
 * Scalar elements (`f64`, `u32`, `bool`, `ptr(...)`, …) are read and written through the heap's typed
 * arrays without allocating, and can be seen as one typed array ({@link Vector.asTypedArray}). Struct,
 * union and array elements are copied in and out as plain objects (`get`, `set`, `push`) or used in
 * place through views ({@link Vector.at}) and a reusable cursor ({@link Vector.cursor}).
 *
 * The vector's state (data pointer, length, capacity, element size and alignment, growth factor and a
 * storage version) lives in a 40-byte header in the heap, read on every call: the object is a thin view
 * that {@link Vector.open} recreates from `(allocator, type, address)`, after `Heap.open` or in a
 * worker. Any allocation failure throws `OutOfMemoryError` and leaves the vector and the heap exactly
 * as they were.
 *
 * @typeParam T - the element type.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f32, f64, struct } from "@offheap/struct";
 * import { Vector } from "@offheap/vector";
 * const heap = new Heap();
 * const samples = new Vector(heap, f64);
 * for (let i = 0; i < 1000; i++) samples.push(i / 10);
 * console.log(samples.length, samples.get(999)); // 1000 99.9
 *
 * const Vec2 = struct("Vec2", { x: f32, y: f32 });
 * const points = new Vector(heap, Vec2);
 * points.push({ x: 1, y: 2 });
 * points.at(0).x += 10; // in place
 * console.log(points.get(0)); // { x: 11, y: 2 }
 * samples.free();
 * points.free();
 * ```
 */
export class Vector<T extends Type = Type> implements Disposable {
	/** Where the header and the elements' block come from. */
	readonly allocator: Allocator;
	/** The heap whose buffer holds the vector (the allocator's heap). */
	readonly heap: Heap;
	/** The element type. */
	readonly type: T;
	/** Whether development checks are on; see {@link VectorAccessOptions.checked}. */
	readonly checked: boolean;
	/** u32 index of the header; 0 once freed. */
	private hdr: number;
	private readonly kind: number;
	/** Numbers a scalar element takes as they are (checked mode's inline check; see elementNumberRange). */
	private readonly lo: number;
	private readonly hi: number;
	private readonly whole: boolean;
	private readonly size: number;
	private readonly align: number;
	private readonly shift: number;
	/** The heap view scalar elements live in. */
	private readonly heapView: ElementViewName;
	private readonly aggregate: boolean;
	private cursorView: Cursor | undefined;
	private cursorGuard: StorageGuard | undefined;
	private scratch: HeapViews | undefined;

	/**
	 * Creates an empty vector: a header from `allocator`, and storage when `options.capacity` is given.
	 * @param allocator - a `Heap`, an arena, or any `Allocator`.
	 * @param type - the element type: a scalar, `ptr`, struct, union, array or utf8 type.
	 * @param options - initial capacity, growth factor, checks; see {@link VectorOptions}.
	 * @throws TypeError or RangeError for a bad type or option, and `OutOfMemoryError` when the
	 * allocator cannot hold the header and the initial capacity (nothing stays allocated then).
	 */
	constructor(allocator: Allocator, type: T, options: VectorOptions = {}) {
		checkType("Vector", type);
		const checked = options.checked ?? configure({}).checked;
		if (typeof checked !== "boolean")
			throw new TypeError(`Vector: checked must be a boolean, got ${typeof checked}`);
		this.allocator = allocator;
		this.heap = allocator.heap;
		this.type = type;
		this.checked = checked;
		this.kind = elementKind(type);
		[this.lo, this.hi, this.whole] = elementNumberRange(this.kind);
		this.size = type.size;
		this.align = type.align;
		this.shift = elementShift(this.kind);
		this.heapView = elementViewName(this.kind);
		const t = type as unknown as Partial<AggregateType>;
		this.aggregate = typeof t.view === "function" && typeof t.cursor === "function";
		this.cursorView = undefined;
		this.cursorGuard = undefined;
		this.scratch = undefined;
		const opened = (options as OpenOptions)[OPEN];
		let address: number;
		if (opened !== undefined) address = openHeader(this.heap, opened, type);
		else {
			const capacity = options.capacity ?? 0;
			if (!Number.isInteger(capacity) || capacity < 0) rejectCount("constructor", "capacity", capacity);
			address = createHeader(
				allocator,
				type,
				checkGrowth("Vector", options.growthFactor ?? DEFAULT_GROWTH),
				capacity,
			);
		}
		this.hdr = address >>> 2;
	}

	/**
	 * Recreates the view of the vector whose header is at `address` (its {@link Vector.address}), for
	 * instance in a worker or after `Heap.open`. Give the allocator the vector was made with (a `Heap`
	 * is its own allocator) so it can go on growing.
	 * @throws `InvalidPointerError` when no vector header is at `address`, TypeError when the vector holds
	 * another element type, `HeapCorruptionError` when the header is inconsistent.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u32 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const heap = new Heap();
	 * const ids = new Vector(heap, u32);
	 * ids.push(7);
	 * const copy = Heap.open(new Uint8Array(heap.u8).buffer); // e.g. saved and loaded again
	 * const again = Vector.open(copy, u32, ids.address);
	 * console.log(again.length, again.get(0)); // 1 7
	 * ```
	 */
	static open<T extends Type>(
		allocator: Allocator,
		type: T,
		address: Ptr,
		options: VectorAccessOptions = {},
	): Vector<T> {
		const open: OpenOptions = { ...options, [OPEN]: address };
		return new Vector(allocator, type, open);
	}

	// ---------------------------------------------------------------- state

	/** Address of the header in the heap: what {@link Vector.open} takes. 0 once freed. */
	get address(): Ptr {
		return this.hdr * 4;
	}

	/** Number of elements. 0 once freed. */
	get length(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_LENGTH] as number);
	}

	/** Elements the storage holds before the vector must grow. 0 once freed. */
	get capacity(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_CAPACITY] as number);
	}

	/**
	 * The storage generation: it changes whenever the elements move to another address (growth that
	 * could not happen in place, {@link Vector.shrinkToFit}, storage freed). A typed array or address
	 * taken at one version is valid while the version stays the same and the heap's buffer is the
	 * same. 0 once freed.
	 */
	get version(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_VERSION] as number);
	}

	/** Address of element 0 in the heap (0 while the capacity is 0); it changes with {@link Vector.version}. */
	get dataAddress(): Ptr {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_DATA] as number);
	}

	/** Factor by which the capacity grows (as stored in the header, to 1/256). */
	get growthFactor(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_GROWTH] as number) / 256;
	}

	// ---------------------------------------------------------------- hot paths

	/**
	 * Appends `value` and returns the new length. Amortized O(1): a full vector grows by its growth
	 * factor, in place when the allocator can.
	 * @throws `OutOfMemoryError` when the vector must grow and cannot (nothing changes), TypeError or
	 * RangeError when `value` does not fit the element type (checked mode, and always for 64-bit integers).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), f64);
	 * v.push(1.5);
	 * console.log(v.push(2.5), v.get(1)); // 2 2.5
	 * ```
	 */
	push(value: WriteValue<T>): number {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("push");
		if (this.checked ? !this.fits(value) : this.kind >= K_I64) this.checkValue("push", value);
		const heap = this.heap;
		let u32 = heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		if (length === u32[hdr + W_CAPACITY]) {
			this.grow("push", length + 1);
			u32 = heap.u32;
		}
		this.store(u32[hdr + W_DATA] as number, length, value);
		u32[hdr + W_LENGTH] = length + 1;
		return length + 1;
	}

	/**
	 * The element at `index`, copied out: a number, bigint or boolean for scalars, a plain object for a
	 * struct (use {@link Vector.at} or {@link Vector.cursor} to work in place).
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
		if (index >>> 0 !== index || index >= (u32[hdr + W_LENGTH] as number) || hdr === 0) {
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
		const hdr = this.hdr;
		if (this.checked ? !this.fits(value) : this.kind >= K_I64) this.checkValue("set", value);
		const u32 = this.heap.u32;
		if (index >>> 0 !== index || index >= (u32[hdr + W_LENGTH] as number) || hdr === 0) {
			this.rejectAccess("set", index);
		}
		this.store(u32[hdr + W_DATA] as number, index, value);
	}

	/**
	 * Removes the last element and returns it (copied out), or `undefined` when the vector is empty.
	 * The capacity stays.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f32 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), f32);
	 * v.push(0.5);
	 * console.log(v.pop(), v.pop()); // 0.5 undefined
	 * ```
	 */
	pop(): Infer<T> | undefined {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("pop");
		const u32 = this.heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		if (length === 0) return undefined;
		const value = this.load(u32[hdr + W_DATA] as number, length - 1) as Infer<T>;
		u32[hdr + W_LENGTH] = length - 1;
		return value;
	}

	/**
	 * The element at `index`, counting from the end when negative (as `Array.prototype.at`): for
	 * struct, union and array elements a view that reads and writes the element in place (a new object
	 * per call; see {@link Vector.cursor} for loops), for other types the value, as {@link Vector.get}.
	 *
	 * A view keeps the element's address. In checked mode it throws `InvalidPointerError` when used after
	 * the vector's storage moved or the vector was freed; unchecked, it then reads whatever is there.
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
	 * In checked mode it throws `InvalidPointerError` when used after the storage moved, until the next
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
		if (index >>> 0 !== index || index >= (u32[hdr + W_LENGTH] as number) || hdr === 0 || !this.aggregate) {
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
	 * Appends one zero-filled element and returns the cursor ({@link Vector.cursor}) on it, to fill in
	 * place: the allocation-free way to push structs.
	 * @throws TypeError for scalar or utf8 elements; `OutOfMemoryError` when the vector must grow and
	 * cannot (nothing changes).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f32, struct } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const P = struct("P", { x: f32, y: f32 });
	 * const ps = new Vector(new Heap(), P);
	 * const p = ps.emplace();
	 * p.y = 4;
	 * console.log(ps.length, ps.get(0)); // 1 { x: 0, y: 4 }
	 * ```
	 */
	emplace(): View<T> {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("emplace");
		if (!this.aggregate) return rejectNotAggregate("emplace", this.type.name);
		const heap = this.heap;
		let u32 = heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		if (length === u32[hdr + W_CAPACITY]) {
			this.grow("emplace", length + 1);
			u32 = heap.u32;
		}
		const size = this.size;
		const at = (u32[hdr + W_DATA] as number) + length * size;
		// Word stores beat a call to fill for small elements (most structs).
		if (((at | size) & 3) === 0 && size <= 64)
			for (let w = at >>> 2, end = (at + size) >>> 2; w < end; w++) u32[w] = 0;
		else heap.u8.fill(0, at, at + size);
		u32[hdr + W_LENGTH] = length + 1;
		return this.cursor(length);
	}

	// ---------------------------------------------------------------- structural changes

	/**
	 * Inserts `value` at `index` (0 ≤ index ≤ length), shifting the elements after it up: O(length − index).
	 * @throws RangeError naming the index and the length when `index` is out of bounds,
	 * `OutOfMemoryError` when the vector must grow and cannot, TypeError or RangeError for a value that
	 * does not fit; nothing changes in any of these cases.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u16 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), u16);
	 * v.pushMany([1, 3]);
	 * v.insert(1, 2);
	 * console.log(v.toArray()); // [ 1, 2, 3 ]
	 * ```
	 */
	insert(index: number, value: WriteValue<T>): void {
		const hdr = this.hdr;
		if (hdr === 0) rejectFreed("insert");
		if (this.checked ? !this.fits(value) : this.kind >= K_I64) this.checkValue("insert", value);
		const heap = this.heap;
		let u32 = heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		if (index >>> 0 !== index || index > length) rejectIndex("insert", index, length);
		if (length === u32[hdr + W_CAPACITY]) {
			this.grow("insert", length + 1);
			u32 = heap.u32;
		}
		const data = u32[hdr + W_DATA] as number;
		const size = this.size;
		if (index < length)
			heap.u8.copyWithin(data + (index + 1) * size, data + index * size, data + length * size);
		this.store(data, index, value);
		u32[hdr + W_LENGTH] = length + 1;
	}

	/**
	 * Removes the element at `index` and returns it (copied out), shifting the elements after it down:
	 * O(length − index). See {@link Vector.swapRemove} for O(1).
	 * @throws RangeError naming the index and the length when `index` is out of bounds.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u16 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), u16);
	 * v.pushMany([1, 2, 3]);
	 * console.log(v.remove(0), v.toArray()); // 1 [ 2, 3 ]
	 * ```
	 */
	remove(index: number): Infer<T> {
		const hdr = this.hdr;
		const heap = this.heap;
		const u32 = heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		if (index >>> 0 !== index || index >= length || hdr === 0) return this.rejectAccess("remove", index);
		const data = u32[hdr + W_DATA] as number;
		const value = this.load(data, index) as Infer<T>;
		const size = this.size;
		heap.u8.copyWithin(data + index * size, data + (index + 1) * size, data + length * size);
		u32[hdr + W_LENGTH] = length - 1;
		return value;
	}

	/**
	 * Removes the element at `index` and returns it (copied out), moving the last element into its
	 * place: O(1), but the order changes.
	 * @throws RangeError naming the index and the length when `index` is out of bounds.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u16 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), u16);
	 * v.pushMany([1, 2, 3, 4]);
	 * console.log(v.swapRemove(0), v.toArray()); // 1 [ 4, 2, 3 ]
	 * ```
	 */
	swapRemove(index: number): Infer<T> {
		const hdr = this.hdr;
		const heap = this.heap;
		const u32 = heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		if (index >>> 0 !== index || index >= length || hdr === 0) return this.rejectAccess("swapRemove", index);
		const data = u32[hdr + W_DATA] as number;
		const value = this.load(data, index) as Infer<T>;
		const last = length - 1;
		if (index !== last) {
			const size = this.size;
			heap.u8.copyWithin(data + index * size, data + last * size, data + length * size);
		}
		u32[hdr + W_LENGTH] = last;
		return value;
	}

	/**
	 * Shortens the vector to `length` elements; does nothing when it is not longer. The capacity stays.
	 * @throws RangeError when `length` is not a non-negative integer.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { u8 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), u8);
	 * v.pushMany([1, 2, 3]);
	 * v.truncate(1);
	 * console.log(v.toArray(), v.capacity >= 3); // [ 1 ] true
	 * ```
	 */
	truncate(length: number): void {
		const hdr = this.hdr;
		if (hdr === 0) rejectFreed("truncate");
		if (length >>> 0 !== length) rejectCount("truncate", "length", length);
		const u32 = this.heap.u32;
		if (length < (u32[hdr + W_LENGTH] as number)) u32[hdr + W_LENGTH] = length;
	}

	/**
	 * Removes every element; the capacity stays (see {@link Vector.shrinkToFit}).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), f64, { capacity: 8 });
	 * v.push(1);
	 * v.clear();
	 * console.log(v.length, v.capacity >= 8); // 0 true
	 * ```
	 */
	clear(): void {
		const hdr = this.hdr;
		if (hdr === 0) rejectFreed("clear");
		this.heap.u32[hdr + W_LENGTH] = 0;
	}

	// ---------------------------------------------------------------- capacity

	/**
	 * Makes room for at least `additional` more elements, growing geometrically (as a push would) so
	 * that a sequence of reserves stays amortized O(1). Does nothing when the room is there.
	 * @throws `OutOfMemoryError` when the allocator cannot provide the storage or the byte count is
	 * beyond any heap (nothing changes); RangeError when `additional` is not a non-negative integer.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), f64);
	 * v.reserve(100);
	 * const before = v.dataAddress;
	 * for (let i = 0; i < 100; i++) v.push(i);
	 * console.log(v.dataAddress === before); // true: no growth during the pushes
	 * ```
	 */
	reserve(additional: number): void {
		if (!this.tryReserveFor("reserve", additional)) {
			const u32 = this.heap.u32;
			const length = u32[this.hdr + W_LENGTH] as number;
			const capacity = u32[this.hdr + W_CAPACITY] as number;
			throw outOfMemory("reserve", (length + additional) * this.size, length + additional, length, capacity);
		}
	}

	/**
	 * Like {@link Vector.reserve}, but answers `false` instead of throwing when the storage cannot be
	 * had (the vector is then unchanged).
	 * @throws RangeError when `additional` is not a non-negative integer.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
	 * const v = new Vector(heap, f64);
	 * console.log(v.tryReserve(100), v.tryReserve(1_000_000), v.capacity >= 100); // true false true
	 * ```
	 */
	tryReserve(additional: number): boolean {
		return this.tryReserveFor("tryReserve", additional);
	}

	/**
	 * Gives back the capacity beyond the length: the storage shrinks in place (and is freed when the
	 * vector is empty). Keeps the storage as it is when the allocator cannot shrink it.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), f64, { capacity: 1000 });
	 * v.push(1);
	 * v.shrinkToFit();
	 * console.log(v.capacity); // 1
	 * ```
	 */
	shrinkToFit(): void {
		const hdr = this.hdr;
		if (hdr === 0) rejectFreed("shrinkToFit");
		const u32 = this.heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		if ((u32[hdr + W_CAPACITY] as number) > length)
			resize(this.allocator, hdr, this.size, this.align, length);
	}

	// ---------------------------------------------------------------- bulk and views

	/**
	 * Appends every element of `values`: for scalar elements a typed array (converted as
	 * `TypedArray.prototype.set` converts, in one copy) or any array-like of values; for other types an
	 * array-like of values. Grows at most once. Returns the new length.
	 * @throws `OutOfMemoryError` when the vector cannot grow, TypeError or RangeError for a value that
	 * does not fit; nothing changes in any of these cases.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f32 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), f32);
	 * v.pushMany(new Float32Array([0.5, 1.5]));
	 * console.log(v.pushMany([2.5]), v.toArray()); // 3 [ 0.5, 1.5, 2.5 ]
	 * ```
	 */
	pushMany(values: ArrayLike<WriteValue<T>> | TypedArrayOf<T>): number {
		if (this.hdr === 0) return rejectFreed("pushMany");
		return pushAll(this.bulkTarget(), values as ArrayLike<unknown>);
	}

	/**
	 * Overwrites the elements from `offset` on with `values` (a typed array for scalar elements, or an
	 * array-like of values), as `TypedArray.prototype.set` does: they must fit in the current length.
	 * @throws RangeError naming the offset, the count and the length when they do not fit; TypeError or
	 * RangeError for a value that does not fit its type; nothing changes in these cases.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { i32 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), i32);
	 * v.pushMany([0, 0, 0, 0]);
	 * v.copyFrom(new Int32Array([7, 8]), 1);
	 * console.log(v.toArray()); // [ 0, 7, 8, 0 ]
	 * ```
	 */
	copyFrom(values: ArrayLike<WriteValue<T>> | TypedArrayOf<T>, offset = 0): void {
		if (this.hdr === 0) rejectFreed("copyFrom");
		copyInto(this.bulkTarget(), values as ArrayLike<unknown>, offset);
	}

	/**
	 * Sorts scalar elements in place: numerically by default (as typed arrays sort: -0 before +0, NaN
	 * last; `false` before `true`), or by `compare`. Returns this vector.
	 * @throws TypeError for struct and other non-scalar elements.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap(), f64);
	 * v.pushMany([3, -1, 2]);
	 * console.log(v.sort().toArray(), v.sort((a, b) => b - a).toArray()); // [ -1, 2, 3 ] [ 3, 2, -1 ]
	 * ```
	 */
	sort(compare?: (a: Infer<T>, b: Infer<T>) => number): this {
		if (this.hdr === 0) return rejectFreed("sort");
		if (!isScalarElement(this.kind)) return rejectNotScalar("sort", this.type.name);
		sortScalars(this.rawArray(), this.kind, compare as ((a: unknown, b: unknown) => number) | undefined);
		return this;
	}

	/**
	 * The elements of a scalar vector as one typed array over the heap (no copy): reads and writes go
	 * straight to the vector. It covers the elements present when it was taken, and is valid until the
	 * storage moves (see {@link Vector.version}) or the heap replaces its buffer on growth.
	 *
	 * Checked (the default), it is a Proxy that throws `InvalidPointerError` on any use after that;
	 * being a Proxy, it is not accepted where a real typed array is required (`ArrayBuffer.isView`,
	 * `postMessage`, WebAssembly). Unchecked (`{ checked: false }`) it is the plain typed array, which
	 * cannot check itself: after the storage moved it silently aliases freed memory, and after the heap
	 * grew it is detached (length 0). Take it again after anything that may allocate.
	 * @param options - `checked` overrides the vector's setting for this array.
	 * @throws TypeError for struct and other non-scalar elements.
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
		if (this.hdr === 0) return rejectFreed("asTypedArray");
		if (!isScalarElement(this.kind)) return rejectNotScalar("asTypedArray", this.type.name);
		const array = this.rawArray();
		if (!(options.checked ?? this.checked)) return array as TypedArrayOf<T>;
		return guardArray(array, this, this.version, this.dataAddress) as TypedArrayOf<T>;
	}

	/**
	 * Copies the elements out into a new JS array (values as {@link Vector.get} returns them).
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
	 * Iterates over the elements as {@link Vector.at} returns them (views for struct elements). The
	 * iterator reads the length at every step; it throws `InvalidPointerError` when used after the
	 * storage moved or the vector was freed (so `for (const x of v) v.push(x)` fails instead of reading
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

	/** Same as {@link Vector.values}. */
	[Symbol.iterator](): IterableIterator<Element<T>> {
		return this.values();
	}

	// ---------------------------------------------------------------- lifetime

	/**
	 * Frees the storage and the header. This object is then dead: its methods throw
	 * `InvalidPointerError`, and so do the checked views, typed arrays and iterators taken from it.
	 * Calling `free` again does nothing. Other objects opened on the same vector ({@link Vector.open})
	 * cannot know: like any pointer to freed memory, they must not be used any more.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const heap = new Heap();
	 * const v = new Vector(heap, f64);
	 * v.pushMany([1, 2, 3]);
	 * v.free();
	 * console.log(heap.stats().liveBlocks, v.length); // 0 0
	 * ```
	 */
	free(): void {
		const hdr = this.hdr;
		if (hdr === 0) return;
		const u32 = this.heap.u32;
		const data = u32[hdr + W_DATA] as number;
		u32[hdr + W_MAGIC] = 0;
		this.hdr = 0;
		this.allocator.free(data);
		this.allocator.free(hdr * 4);
	}

	/**
	 * Frees the vector at the end of a `using` block: same as {@link Vector.free}.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const heap = new Heap();
	 * {
	 *   using v = new Vector(heap, f64);
	 *   v.push(1);
	 * }
	 * console.log(heap.stats().liveBlocks); // 0
	 * ```
	 */
	[Symbol.dispose](): void {
		this.free();
	}

	// ---------------------------------------------------------------- internals

	/**
	 * Writes element `index` of the storage at `data`. Scalars go through the heap view named by
	 * `this.heapView`: one keyed load that stays monomorphic for a program's element kind, and small enough
	 * for V8 to inline into every caller (an eleven-way switch was not, and halved the push rate).
	 */
	private store(data: number, index: number, value: unknown): void {
		const kind = this.kind;
		if (kind === K_OTHER) this.type.write(this.heap, data + index * this.size, value);
		else
			(this.heap[this.heapView] as Indexed)[(data >>> this.shift) + index] =
				kind === K_BOOL ? (value ? 1 : 0) : value;
	}

	/** Reads element `index` of the storage at `data`. */
	private load(data: number, index: number): unknown {
		const kind = this.kind;
		if (kind === K_OTHER) return this.type.read(this.heap, data + index * this.size);
		const value = (this.heap[this.heapView] as Indexed)[(data >>> this.shift) + index];
		return kind === K_BOOL ? value !== 0 : value;
	}

	/** Whether `value` is a number the scalar takes as it is: the inline half of checked mode's check. */
	private fits(value: unknown): boolean {
		return (
			typeof value === "number" &&
			value >= this.lo &&
			value <= this.hi &&
			(!this.whole || Math.floor(value) === value)
		);
	}

	/**
	 * Refuses a value that does not fit the element type, before anything changes. Scalars are checked
	 * by kind; other types are written into a scratch buffer first, so that a value their `write`
	 * rejects halfway leaves the heap untouched.
	 */
	private checkValue(operation: string, value: unknown): void {
		const kind = this.kind;
		if (kind <= K_F32) {
			if (typeof value !== "number") rejectValue(operation, this.type.name, kind, value, true);
			return;
		}
		if (kind !== K_OTHER) {
			if (elementValueProblem(kind, value, this.checked) !== undefined) {
				rejectValue(operation, this.type.name, kind, value, this.checked);
			}
			return;
		}
		if (!this.checked) return;
		const offset = Math.max(8, this.align);
		let scratch = this.scratch;
		if (scratch === undefined) {
			scratch = heapViews(new ArrayBuffer(Math.ceil((offset + this.size) / 8) * 8));
			this.scratch = scratch;
		}
		this.type.write(scratch, offset, value);
	}

	/** Grows for a push or insert that needs `needed` elements; throws having changed nothing. */
	private grow(operation: string, needed: number): void {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const capacity = u32[hdr + W_CAPACITY] as number;
		const length = u32[hdr + W_LENGTH] as number;
		const target = grownCapacity(capacity, needed, (u32[hdr + W_GROWTH] as number) / 256, this.size);
		if (target < 0 || !resize(this.allocator, hdr, this.size, this.align, target)) {
			throw outOfMemory(
				operation,
				Math.max(target, needed) * this.size,
				Math.max(target, needed),
				length,
				capacity,
			);
		}
	}

	private tryReserveFor(operation: string, additional: number): boolean {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed(operation);
		if (!Number.isInteger(additional) || additional < 0)
			return rejectCount(operation, "additional", additional);
		const u32 = this.heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		const capacity = u32[hdr + W_CAPACITY] as number;
		if (capacity - length >= additional) return true;
		const target = grownCapacity(
			capacity,
			length + additional,
			(u32[hdr + W_GROWTH] as number) / 256,
			this.size,
		);
		return target >= 0 && resize(this.allocator, hdr, this.size, this.align, target);
	}

	/** The plain typed array over the elements of a scalar vector. */
	private rawArray(): ReturnType<typeof elementView> {
		const u32 = this.heap.u32;
		const start = (u32[this.hdr + W_DATA] as number) >>> this.shift;
		return elementView(this.heap, this.kind).subarray(start, start + (u32[this.hdr + W_LENGTH] as number));
	}

	/** What the bulk operations need, bound to this vector (cold: one object per bulk call). */
	private bulkTarget(): BulkTarget {
		const type = this.type;
		return {
			name: type.name,
			kind: this.kind,
			checked: this.checked,
			heap: this.heap,
			hdr: this.hdr,
			size: this.size,
			shift: this.shift,
			align: this.align,
			write: (views, ptr, value) => type.write(views, ptr, value),
			reserve: (operation, additional) => {
				if (!this.tryReserveFor(operation, additional)) {
					const u32 = this.heap.u32;
					const length = u32[this.hdr + W_LENGTH] as number;
					const capacity = u32[this.hdr + W_CAPACITY] as number;
					throw outOfMemory(
						operation,
						(length + additional) * this.size,
						length + additional,
						length,
						capacity,
					);
				}
			},
		};
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

	/** Throws the error of a failed index check: freed vector, not an aggregate, or index out of bounds. */
	private rejectAccess(operation: string, index: unknown): never {
		if (this.hdr === 0) return rejectFreed(operation);
		if (operation === "cursor" && !this.aggregate) return rejectNotAggregate(operation, this.type.name);
		return rejectIndex(operation, index, this.heap.u32[this.hdr + W_LENGTH] as number);
	}
}
