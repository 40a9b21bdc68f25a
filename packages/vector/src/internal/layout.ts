/**
 * The byte layout of a vector inside the heap: a 40-byte header (u32 words after `address`) and, when
 * the capacity is not 0, one block holding `capacity` elements back to back.
 *
 * No address the vector hands out is the start of an allocator block, so that `heap.free` of one is
 * refused (`InvalidPointerError`) instead of silently freeing memory the vector still uses: the header
 * is {@link HEADER_OFFSET} bytes into a 48-byte block, and element 0 is {@link storageOffset} bytes
 * into the storage block, after two words that name the storage and its vector
 * ({@link STORAGE_MAGIC} and the header's address), verified before the storage is resized or freed.
 *
 * The header is the only authority: every JS view of the vector (the one that created it, and any
 * made by `Vector.open`, in this thread or after `Heap.open` in another) reads length, capacity and
 * the data pointer from it on every call, so views never disagree.
 * @internal
 */

/** "VECT" in little-endian. */
export const MAGIC = 0x54434556;

export const W_MAGIC = 0;
/** Address of element 0; 0 while the capacity is 0. */
export const W_DATA = 1;
export const W_LENGTH = 2;
export const W_CAPACITY = 3;
export const W_ELEM_SIZE = 4;
export const W_ELEM_ALIGN = 5;
/** Storage generation: incremented whenever the elements move to another address. */
export const W_VERSION = 6;
/** Growth factor × 256. */
export const W_GROWTH = 7;
/** Hash of the element type's kind and name, checked by `open`. */
export const W_TYPE_HASH = 8;
export const W_RESERVED = 9;
export const HEADER_BYTES = 40;
/** Bytes from the start of the header's block to the header's address. */
export const HEADER_OFFSET = 8;
/** "DATA" in little-endian: the word 8 bytes before element 0; the next word is the header's address. */
export const STORAGE_MAGIC = 0x41544144;
/** The largest {@link storageOffset}: the largest element alignment. */
export const MAX_STORAGE_OFFSET = 4096;

/**
 * Bytes from the start of the storage block to element 0: 8 (the two words before it), or the
 * elements' alignment when that is larger (the block is allocated with that alignment).
 */
export function storageOffset(align: number): number {
	return Math.max(align, 8);
}

/** Largest block any heap can hold (a heap is below 2 GiB). */
export const MAX_BYTES: number = 2 ** 31 - 65536;
export const MIN_GROWTH = 1.125;
export const MAX_GROWTH = 4;

/** FNV-1a of `kind:name`: tells element types of one size apart when a vector is reopened. */
export function typeHash(type: { readonly kind?: string; readonly name?: string }): number {
	const text = `${type.kind ?? "?"}:${type.name ?? "?"}`;
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}
