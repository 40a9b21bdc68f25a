/**
 * Creating, validating and reopening a vector's header: cold code.
 * @internal
 */
import {
	type Allocator,
	describeArgument,
	type Heap,
	HeapCorruptionError,
	hex,
	InvalidPointerError,
	isAllocator,
	OutOfMemoryError,
} from "@offheap/core";
import type { Type } from "@offheap/struct";
import type { VectorOptions } from "../api.ts";
import {
	HEADER_BYTES,
	HEADER_OFFSET,
	MAGIC,
	MAX_GROWTH,
	MIN_GROWTH,
	storageOffset,
	typeHash,
	W_CAPACITY,
	W_DATA,
	W_ELEM_ALIGN,
	W_ELEM_SIZE,
	W_GROWTH,
	W_LENGTH,
	W_MAGIC,
	W_RESERVED,
	W_TYPE_HASH,
	W_VERSION,
} from "./layout.ts";
import { outOfMemory } from "./reject.ts";
import { adoptStorage, allocateStorage, maxCapacity, storageProblem } from "./storage.ts";

/** The option key by which `Vector.open` hands the constructor the address of an existing header. */
export const OPEN: unique symbol = Symbol("offheap.vector.open");
export interface OpenOptions extends VectorOptions {
	[OPEN]?: number;
}

/** Checks that `type` can be an element type; returns its size. */
export function checkType(operation: string, type: Type): void {
	if (typeof type !== "object" || type === null) {
		throw new TypeError(
			`${operation}: expected an element type (such as f64 or a struct), got ${String(type)}`,
		);
	}
	const { size, align } = type;
	if (!Number.isInteger(size) || size < 1 || size > 2 ** 30) {
		throw new RangeError(
			`${operation}: element type ${type.name} has size ${size}; expected an integer in [1, 2^30]`,
		);
	}
	if (!Number.isInteger(align) || align < 1 || align > 4096 || (align & (align - 1)) !== 0) {
		throw new RangeError(
			`${operation}: element type ${type.name} has alignment ${align}; expected a power of two up to 4096`,
		);
	}
}

export function checkGrowth(operation: string, factor: unknown): number {
	if (typeof factor !== "number") {
		throw new TypeError(`${operation}: growthFactor must be a number, got ${describeArgument(factor)}`);
	}
	if (!(factor >= MIN_GROWTH && factor <= MAX_GROWTH)) {
		throw new RangeError(
			`${operation}: growthFactor ${describeArgument(factor)} is not in [${MIN_GROWTH}, ${MAX_GROWTH}]`,
		);
	}
	return factor;
}

/** Checks that `allocator` looks like an {@link Allocator}: the C calls and the heap that holds its blocks. */
export function checkAllocator(operation: string, allocator: unknown): void {
	if (!isAllocator(allocator)) {
		throw new TypeError(
			`${operation}: allocator must be an Allocator (a Heap, an arena, a pool…), got ${describeArgument(allocator)}`,
		);
	}
}

/**
 * Allocates and fills a header, and storage for `capacity` elements when that is not 0. Throws
 * OutOfMemoryError having allocated nothing when either allocation fails. Returns the header's address.
 * The storage, the larger block, is allocated first: on an exhausted heap it is the one that fails,
 * before anything changed. Only when it fits and the 48-byte header then does not is it freed again,
 * which the heap's lifetime counters (allocations, frees) remember.
 */
export function createHeader(allocator: Allocator, type: Type, growth: number, capacity: number): number {
	const size = type.size;
	if (capacity > maxCapacity(size)) {
		throw outOfMemory("constructor", capacity * size, capacity, 0, 0);
	}
	const storage = capacity > 0 ? allocateStorage(allocator, size, type.align, capacity) : 0;
	if (capacity > 0 && storage === 0) {
		throw outOfMemory("constructor", storageOffset(type.align) + capacity * size, capacity, 0, 0);
	}
	const block = allocator.malloc(HEADER_OFFSET + HEADER_BYTES);
	if (block === 0) {
		allocator.free(storage);
		throw new OutOfMemoryError(HEADER_OFFSET + HEADER_BYTES, "Vector.constructor: the vector's header");
	}
	const address = block + HEADER_OFFSET; // never the block's start: see layout.ts
	const u32 = allocator.heap.u32;
	const hdr = address >>> 2;
	u32[hdr - 2] = 0;
	u32[hdr - 1] = 0;
	u32[hdr + W_MAGIC] = MAGIC;
	u32[hdr + W_DATA] = 0;
	u32[hdr + W_LENGTH] = 0;
	u32[hdr + W_CAPACITY] = 0;
	u32[hdr + W_ELEM_SIZE] = size;
	u32[hdr + W_ELEM_ALIGN] = type.align;
	u32[hdr + W_VERSION] = 0;
	u32[hdr + W_GROWTH] = Math.round(growth * 256);
	u32[hdr + W_TYPE_HASH] = typeHash(type);
	u32[hdr + W_RESERVED] = 0;
	if (storage !== 0) {
		const adopted = adoptStorage(allocator, storage, address, size, type.align, capacity);
		u32[hdr + W_DATA] = adopted.data;
		u32[hdr + W_CAPACITY] = adopted.capacity;
	}
	return address;
}

/** Checks that a vector of `type` has its header at `address`; returns the address. */
export function openHeader(heap: Heap, address: number, type: Type): number {
	const u32 = heap.u32;
	if (typeof address !== "number") {
		throw new InvalidPointerError(
			"Vector.open",
			address,
			`expected a number, got ${describeArgument(address)}`,
		);
	}
	if (
		address >>> 0 !== address ||
		address === 0 ||
		(address & 7) !== 0 ||
		address + HEADER_BYTES > heap.u8.length
	) {
		throw new InvalidPointerError(
			"Vector.open",
			address,
			"not the 8-aligned address of a header inside the heap",
		);
	}
	const hdr = address >>> 2;
	if (u32[hdr + W_MAGIC] !== MAGIC) {
		throw new InvalidPointerError(
			"Vector.open",
			address,
			`no vector header there (found ${hex(u32[hdr + W_MAGIC] as number)}; the vector may have been freed)`,
		);
	}
	const size = u32[hdr + W_ELEM_SIZE] as number;
	const align = u32[hdr + W_ELEM_ALIGN] as number;
	if (size !== type.size || align !== type.align) {
		throw new TypeError(
			`Vector.open(${hex(address)}): the vector holds elements of ${size} B aligned to ${align}, not ${type.name} (${type.size} B aligned to ${type.align})`,
		);
	}
	if (u32[hdr + W_TYPE_HASH] !== typeHash(type)) {
		throw new TypeError(
			`Vector.open(${hex(address)}): the vector holds elements of another type of the same size than ${type.name}`,
		);
	}
	const problem = headerProblem(heap, address);
	if (problem !== undefined) throw new HeapCorruptionError(address, `vector header: ${problem}`);
	return address;
}

/**
 * What is wrong with the counts, storage and growth factor of the vector header at `address` (whose
 * magic and element type were checked): O(1), for `open` and `check`.
 */
export function headerProblem(heap: Heap, address: number): string | undefined {
	const u32 = heap.u32;
	const hdr = address >>> 2;
	const size = u32[hdr + W_ELEM_SIZE] as number;
	const align = u32[hdr + W_ELEM_ALIGN] as number;
	const data = u32[hdr + W_DATA] as number;
	const length = u32[hdr + W_LENGTH] as number;
	const capacity = u32[hdr + W_CAPACITY] as number;
	const growth = (u32[hdr + W_GROWTH] as number) / 256;
	if (length > capacity) return `length ${length} exceeds capacity ${capacity}`;
	if ((data === 0) !== (capacity === 0)) return `data pointer ${hex(data)} with capacity ${capacity}`;
	if (
		data % Math.max(align, 8) !== 0 ||
		(data !== 0 && data < storageOffset(align) + 8) ||
		data + capacity * size > heap.u8.length
	) {
		return `storage [${hex(data)}, +${capacity * size} B) is not inside the heap or misaligned`;
	}
	if (!(growth >= MIN_GROWTH && growth <= MAX_GROWTH)) return `growth factor ${growth}`;
	if (data !== 0) return storageProblem(u32, data, address);
	return undefined;
}
