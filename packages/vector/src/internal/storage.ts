/**
 * Capacity arithmetic and moving a vector's elements to a block of another size: the cold half of
 * growth, `reserve` and `shrinkToFit`. Nothing here changes the vector unless it succeeds.
 * @internal
 */
import type { Allocator } from "@offheap/core";
import { MAX_BYTES, W_CAPACITY, W_DATA, W_LENGTH, W_VERSION } from "./layout.ts";

/** The fewest elements a vector that allocates at all holds: 64 bytes' worth, at least 4 (as Rust). */
export function minCapacity(size: number): number {
	return size > 1024 ? 1 : Math.max(4, Math.floor(64 / size));
}

/** The most elements of `size` bytes a block can hold. */
export function maxCapacity(size: number): number {
	return Math.floor(MAX_BYTES / size);
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

/**
 * Gives the vector whose header is the u32 word `hdr` storage for `capacity` elements (at least its
 * length), in place when the allocator can. A moved or shrunk block bumps the version. Returns false, having
 * changed nothing, when the allocator cannot provide the block.
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
	let moved: number;
	if (capacity === 0) {
		allocator.free(data);
		moved = 0;
	} else {
		const bytes = capacity * size;
		if (align <= 8) {
			// realloc grows in place into a free neighbour or the end of the heap, and keeps 8-alignment.
			moved = data === 0 ? allocator.malloc(bytes) : allocator.realloc(data, bytes);
			if (moved === 0) return false;
		} else {
			// realloc may move a block to any 8-aligned address: over-aligned elements move by hand.
			moved = allocator.malloc(bytes, align);
			if (moved === 0) return false;
			if (data !== 0) {
				heap.u8.copyWithin(moved, data, data + length * size);
				allocator.free(data);
			}
		}
	}
	u32 = heap.u32;
	const usable =
		moved === 0 ? 0 : Math.min(maxCapacity(size), Math.floor(allocator.usableSize(moved) / size));
	// Nothing can point into storage that did not exist, so the first allocation is not a move. Storage
	// that moved, was freed or shrank in place (its tail went back to the allocator) invalidates every
	// view taken before: a typed array over the old tail would write into memory the heap hands out again.
	const grown = Math.max(usable, capacity);
	if (data !== 0 && (moved !== data || grown < (u32[hdr + W_CAPACITY] as number)))
		u32[hdr + W_VERSION] = ((u32[hdr + W_VERSION] as number) + 1) >>> 0;
	u32[hdr + W_DATA] = moved;
	u32[hdr + W_CAPACITY] = grown;
	return true;
}
