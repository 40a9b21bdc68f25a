import type { Allocator } from "@offheap/core";
import type { Infer, Type, View, WriteValue } from "@offheap/struct";
import type { VectorOptions } from "./api.ts";
import * as layout from "./internal/layout.ts";
import { rejectCount, rejectFreed, rejectIndex, rejectNotAggregate } from "./internal/reject.ts";
import { VectorAccess } from "./vector-access.ts";

// `push` indexes the header with literal numbers (1 data, 2 length, 3 capacity; see layout.ts): V8
// compiles each use of a module constant to a context load and an initialization check, which is
// slower and counts against the bytecode budget under which it inlines `push` into the caller's loop.
const { W_CAPACITY, W_DATA, W_LENGTH } = layout;

/** A typed array as the hot paths index it. */
type Indexed = { [index: number]: unknown };

/**
 * The operations that change the length of a {@link Vector}: push and pop at the end, insertion and
 * removal anywhere, truncation. Every `Vector` is one (a `Vector` extends this class); it is not made
 * on its own.
 *
 * @typeParam T - the element type.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { i32 } from "@offheap/struct";
 * import { Vector, type VectorEdits } from "@offheap/vector";
 * const stack: VectorEdits<typeof i32> = new Vector(new Heap(), i32);
 * stack.push(1);
 * stack.push(2);
 * console.log(stack.pop(), stack.length); // 2 1
 * ```
 */
export class VectorEdits<T extends Type = Type> extends VectorAccess<T> {
	/** @internal Use `new Vector(...)` or `Vector.open(...)`. */
	protected constructor(allocator: Allocator, type: T, options: VectorOptions) {
		super(allocator, type, options);
	}

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
		// The hot path (room left, a number that needs no closer look) is written out in full, small
		// enough for V8 to inline whole; anything else takes pushSlow. The header is read through the i32
		// view (its words are below 2^31): V8 then needs no check that a loaded word fits an int32.
		const hdr = this.hdr;
		const i32 = this.heap.i32;
		const length = i32[hdr + 2] as number;
		const mode = this.pushMode;
		if (
			length === i32[hdr + 3] ||
			typeof value !== "number" ||
			// The store modes of ElementValueCheck.storeMode, compared with literals.
			mode === 0 ||
			(mode !== 1 &&
				(mode === 3
					? value >>> 0 !== value
					: mode === 4
						? (value | 0) !== value
						: !(value >= this.lo && value <= this.hi && Math.floor(value) === value))) ||
			hdr === 0
		)
			return this.pushSlow(value);
		(this.heap[this.heapView] as Indexed)[((i32[hdr + 1] as number) >>> this.shift) + length] = value;
		i32[hdr + 2] = length + 1;
		return length + 1;
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
		if (this.poisoned) this.poisonSpare(length - 1, length);
		return value;
	}

	/**
	 * Appends one zero-filled element and returns the cursor ({@link VectorAccess.cursor}) on it, to fill in
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
		if (this.hdr === 0) rejectFreed("insert");
		const prepared = this.prepare("insert", value);
		const hdr = this.hdr; // the value was read whole before the vector's state is
		if (hdr === 0) rejectFreed("insert");
		const heap = this.heap;
		let u32 = heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		if (typeof index !== "number" || index >>> 0 !== index || index > length)
			rejectIndex("insert", index, length);
		if (length === u32[hdr + W_CAPACITY]) {
			this.grow("insert", length + 1);
			u32 = heap.u32;
		}
		const data = u32[hdr + W_DATA] as number;
		const size = this.size;
		if (index < length)
			heap.u8.copyWithin(data + (index + 1) * size, data + index * size, data + length * size);
		this.store(data, index, prepared);
		u32[hdr + W_LENGTH] = length + 1;
	}

	/**
	 * Removes the element at `index` and returns it (copied out), shifting the elements after it down:
	 * O(length − index). See {@link VectorEdits.swapRemove} for O(1).
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
		if (typeof index !== "number" || index >>> 0 !== index || index >= length || hdr === 0)
			return this.rejectAccess("remove", index);
		const data = u32[hdr + W_DATA] as number;
		const value = this.load(data, index) as Infer<T>;
		const size = this.size;
		heap.u8.copyWithin(data + index * size, data + (index + 1) * size, data + length * size);
		u32[hdr + W_LENGTH] = length - 1;
		if (this.poisoned) this.poisonSpare(length - 1, length);
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
		if (typeof index !== "number" || index >>> 0 !== index || index >= length || hdr === 0)
			return this.rejectAccess("swapRemove", index);
		const data = u32[hdr + W_DATA] as number;
		const value = this.load(data, index) as Infer<T>;
		const last = length - 1;
		if (index !== last) {
			const size = this.size;
			heap.u8.copyWithin(data + index * size, data + last * size, data + length * size);
		}
		u32[hdr + W_LENGTH] = last;
		if (this.poisoned) this.poisonSpare(last, length);
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
		if (typeof length !== "number" || length >>> 0 !== length) rejectCount("truncate", "length", length);
		const u32 = this.heap.u32;
		const old = u32[hdr + W_LENGTH] as number;
		if (length < old) {
			u32[hdr + W_LENGTH] = length;
			if (this.poisoned) this.poisonSpare(length, old);
		}
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
		const u32 = this.heap.u32;
		const old = u32[hdr + W_LENGTH] as number;
		u32[hdr + W_LENGTH] = 0;
		if (this.poisoned) this.poisonSpare(0, old);
	}

	/** `push` when the vector is full or freed, or for a value or element type that needs a closer look. */
	private pushSlow(value: WriteValue<T>): number {
		if (this.hdr === 0) return rejectFreed("push");
		const prepared = this.prepare("push", value);
		const hdr = this.hdr; // the value was read whole before the vector's state is
		if (hdr === 0) return rejectFreed("push");
		const heap = this.heap;
		let u32 = heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		if (length === u32[hdr + W_CAPACITY]) {
			this.grow("push", length + 1);
			u32 = heap.u32;
		}
		this.store(u32[hdr + W_DATA] as number, length, prepared);
		u32[hdr + W_LENGTH] = length + 1;
		return length + 1;
	}
}
