/**
 * Capacity arithmetic and moving a vector's elements to a block of another size: the cold half of
 * growth, `reserve` and `shrinkToFit`. Nothing here changes the vector unless it succeeds.
 * @internal
 */
import { type Allocator, type Heap, HeapCorruptionError, hex } from "@offheap/core";
import {
	MAX_BYTES,
	MAX_STORAGE_OFFSET,
	STORAGE_MAGIC,
	storageOffset,
	W_CAPACITY,
	W_DATA,
	W_LENGTH,
	W_VERSION,
} from "./layout.ts";

/** The fewest elements a vector that allocates at all holds: 64 bytes' worth, at least 4 (as Rust). */
export function minCapacity(size: number): number {
	return size > 1024 ? 1 : Math.max(4, Math.floor(64 / size));
}

/** The most elements of `size` bytes a block can hold (after the words before element 0). */
export function maxCapacity(size: number): number {
	return Math.floor((MAX_BYTES - MAX_STORAGE_OFFSET) / size);
}

/**
 * The capacity to grow to for `needed` elements: `capacity × factor` when that is more, at least the
 * minimum, at most the maximum; -1 when `needed` itself is beyond the maximum (capacity overflow).
 */
export function grownCapacity(capacity: number, needed: number, factor: number, size: number): number {
	const max = maxCapacity(size);
	if (needed > max) return -1;
	const geometric = Math.min(max, Math.floor(capacity * factor));
	return Math.max(needed, geometric, Math.min(max, minCapacity(size)));
}

/** A new storage block for `capacity` elements (0 when the allocator cannot); nothing is written. */
export function allocateStorage(allocator: Allocator, size: number, align: number, capacity: number): number {
	const bytes = storageOffset(align) + capacity * size;
	return align > 8 ? allocator.malloc(bytes, align) : allocator.malloc(bytes);
}

/**
 * Marks the storage block `block` as the vector's whose header is at `address` and returns the
 * address of element 0; `capacity` (what was asked for) becomes what the block can hold.
 */
export function adoptStorage(
	allocator: Allocator,
	block: number,
	address: number,
	size: number,
	align: number,
	capacity: number,
): { data: number; capacity: number } {
	const offset = storageOffset(align);
	const data = block + offset;
	const u32 = allocator.heap.u32;
	u32[(data >>> 2) - 2] = STORAGE_MAGIC;
	u32[(data >>> 2) - 1] = address;
	const usable = Math.floor((allocator.usableSize(block) - offset) / size);
	return { data, capacity: Math.max(capacity, Math.min(maxCapacity(size), usable)) };
}

/**
 * Throws `HeapCorruptionError` when the storage that the header at u32 word `hdr` names does not name
 * this header back: the data pointer was overwritten, or the storage block was freed and reused behind
 * the vector's back. Run before the storage is resized or freed, so that neither touches another block.
 */
export function verifyStorage(heap: Heap, hdr: number, operation: string): void {
	const u32 = heap.u32;
	const data = u32[hdr + W_DATA] as number;
	if (data === 0) return;
	const problem = storageProblem(u32, data, hdr * 4);
	if (problem !== undefined) throw new HeapCorruptionError(hdr * 4, `Vector.${operation}: ${problem}`);
}

/** What is wrong with the words before element 0 of the storage at `data` of the vector at `address`. */
export function storageProblem(u32: Uint32Array, data: number, address: number): string | undefined {
	if ((data & 7) !== 0 || data < 16 || data > u32.length * 4)
		return `the vector at ${hex(address)} names storage at ${hex(data)}, which is not inside the heap or misaligned`;
	const magic = u32[(data >>> 2) - 2] as number;
	const owner = u32[(data >>> 2) - 1] as number;
	if (magic !== STORAGE_MAGIC || owner !== address) {
		return (
			`the vector at ${hex(address)} names storage at ${hex(data)}, whose header words (${hex(magic)}, ${hex(owner)}) ` +
			`are not those of this vector's storage (${hex(STORAGE_MAGIC)}, ${hex(address)}): the data pointer was ` +
			"overwritten, or the storage was freed and reused behind the vector's back"
		);
	}
	return undefined;
}

/**
 * Gives the vector whose header is the u32 word `hdr` storage for `capacity` elements (at least its
 * length), in place when the allocator can. A moved or shrunk block bumps the version. Returns false,
 * having changed nothing, when the allocator cannot provide the block.
 */
export function resize(
	allocator: Allocator,
	hdr: number,
	size: number,
	align: number,
	capacity: number,
): boolean {
	const heap = allocator.heap;
	let u32 = heap.u32;
	const data = u32[hdr + W_DATA] as number;
	const length = u32[hdr + W_LENGTH] as number;
	const offset = storageOffset(align);
	let moved = 0;
	let grown = 0;
	if (capacity === 0) {
		if (data !== 0) {
			u32[(data >>> 2) - 2] = 0; // no longer storage: a stale copy of the header cannot free it again
			allocator.free(data - offset);
		}
	} else {
		let block: number;
		if (align <= 8) {
			// realloc grows in place into a free neighbour or the end of the heap, and keeps 8-alignment.
			block =
				data === 0
					? allocator.malloc(offset + capacity * size)
					: allocator.realloc(data - offset, offset + capacity * size);
			if (block === 0) return false;
		} else {
			// realloc may move a block to any 8-aligned address: over-aligned elements move by hand.
			block = allocator.malloc(offset + capacity * size, align);
			if (block === 0) return false;
			if (data !== 0) {
				heap.u8.copyWithin(block + offset, data, data + length * size);
				heap.u32[(data >>> 2) - 2] = 0;
				allocator.free(data - offset);
			}
		}
		({ data: moved, capacity: grown } = adoptStorage(allocator, block, hdr * 4, size, align, capacity));
	}
	u32 = heap.u32;
	// Nothing can point into storage that did not exist, so the first allocation is not a move. Storage
	// that moved, was freed or shrank in place (its tail went back to the allocator) invalidates every
	// view taken before: a typed array over the old tail would write into memory the heap hands out again.
	if (data !== 0 && (moved !== data || grown < (u32[hdr + W_CAPACITY] as number)))
		u32[hdr + W_VERSION] = ((u32[hdr + W_VERSION] as number) + 1) >>> 0;
	u32[hdr + W_DATA] = moved;
	u32[hdr + W_CAPACITY] = grown;
	return true;
}
