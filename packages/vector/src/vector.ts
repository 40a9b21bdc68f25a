import { type Allocator, checkOptions, type Ptr } from "@offheap/core";
import { type Infer, isScalarElement, type Type, type WriteValue } from "@offheap/struct";
import type { TypedArrayOf, VectorAccessOptions, VectorOptions } from "./api.ts";
import { type BulkTarget, copyInto, pushAll, sortScalars } from "./internal/bulk.ts";
import { OPEN, type OpenOptions } from "./internal/header.ts";
import * as layout from "./internal/layout.ts";
import { outOfMemory, rejectFreed, rejectNotScalar } from "./internal/reject.ts";
import { verifySpare } from "./internal/spare-poison.ts";
import { verifyStorage } from "./internal/storage.ts";
import { VectorEdits } from "./vector-edits.ts";

const { HEADER_OFFSET, storageOffset, W_CAPACITY, W_DATA, W_LENGTH, W_MAGIC } = layout;

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
 * as they were. No address the vector hands out ({@link Vector.address}, {@link Vector.dataAddress},
 * an element's view) is the start of a heap block, so `heap.free` of one is refused with
 * `InvalidPointerError` instead of freeing memory the vector still uses.
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
export class Vector<T extends Type = Type> extends VectorEdits<T> implements Disposable {
	/**
	 * Creates an empty vector: a header from `allocator`, and storage when `options.capacity` is given.
	 * @param allocator - a `Heap`, an arena, or any `Allocator`.
	 * @param type - the element type: a scalar, `ptr`, struct, union, array or utf8 type.
	 * @param options - initial capacity, growth factor, checks; see {@link VectorOptions}.
	 * @throws TypeError for an allocator that is not one, a bad type or an unknown option (naming it and
	 * every valid one), TypeError or RangeError for a bad option value, and `OutOfMemoryError` when the
	 * allocator cannot hold the header and the initial capacity (nothing stays allocated then).
	 */
	constructor(allocator: Allocator, type: T, options: VectorOptions = {}) {
		super(allocator, type, options);
	}

	/**
	 * Recreates the view of the vector whose header is at `address` (its {@link Vector.address}), for
	 * instance in a worker or after `Heap.open`. Give the allocator the vector was made with (a `Heap`
	 * is its own allocator) so it can go on growing.
	 * @throws `InvalidPointerError` when no vector header is at `address`, TypeError when the vector holds
	 * another element type or for an unknown option (only `checked` is one), `HeapCorruptionError` when
	 * the header is inconsistent.
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
		checkOptions("Vector.open", options, ["checked"]);
		const open: OpenOptions = { ...options, [OPEN]: address };
		return new Vector(allocator, type, open);
	}

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
	 * vector is empty). Keeps the storage as it is when the allocator cannot shrink it. When the capacity
	 * goes down, the {@link Vector.version} changes: typed arrays, views and iterators taken before are
	 * stale (checked ones throw `InvalidPointerError`), since the tail they may cover is no longer the
	 * vector's.
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
		if ((u32[hdr + W_CAPACITY] as number) > length) this.resizeTo("shrinkToFit", length);
	}

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
		sortScalars(
			this.rawArray(),
			this.kind,
			compare as ((a: unknown, b: unknown) => number) | undefined,
			this,
		);
		return this;
	}

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
		// Nothing is freed before both checks pass: a storage that is not this vector's is left alone.
		verifyStorage(this.heap, hdr, "free");
		if (this.poisoned) verifySpare(this, this.size, "free");
		const u32 = this.heap.u32;
		const data = u32[hdr + W_DATA] as number;
		u32[hdr + W_MAGIC] = 0;
		this.hdr = 0;
		if (data !== 0) {
			u32[(data >>> 2) - 2] = 0; // the storage's mark: see layout.ts
			this.allocator.free(data - storageOffset(this.align));
		}
		this.allocator.free(hdr * 4 - HEADER_OFFSET);
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

	/** What the bulk operations need, bound to this vector (cold: one object per bulk call). */
	private bulkTarget(): BulkTarget {
		const type = this.type;
		const vector = this;
		return {
			name: type.name,
			kind: this.kind,
			checked: this.checked,
			heap: this.heap,
			// Read again at every use: the values' getters, run while staging, may free the vector.
			get hdr() {
				return vector.hdr;
			},
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
}
