/**
 * The byte layout of a heap, shared by the allocator, the inspector and `Heap.open`.
 *
 * Everything the allocator knows lives in the buffer: a control block after the NULL guard, the blocks,
 * and a block-start bitmap at the end of the buffer. Blocks start at addresses ≡ 4 (mod 8) so that their
 * payload, after a 4-byte header, is 8-aligned.
 *
 * ```
 * 0            256              FIRST_BLOCK                                  arenaEnd       heapBytes
 * | NULL guard | control block  | block | block | free | block | ... | top    | start bitmap  |
 * ```
 *
 * The NULL guard holds no state and stays zero: a struct written through a failed `malloc`'s `0` (or a
 * small offset of it) lands there and cannot change what the allocator does; `check()` reports it.
 *
 * Block header (u32): size in bytes (header included, multiple of 8) | FREE | PREV_FREE.
 * A free block also holds `next` and `prev` list links after its header and its size in its last
 * word (the boundary tag the right neighbour uses to find it). The `prev` link of the first block of a
 * size class is not used (the class's head word says which block is first), so taking the first block
 * never writes to the second. The free block that ends the arena is
 * the *top*: it is kept out of the size classes and used only when no hole fits, which keeps the
 * highest address handed out low.
 * @internal
 */

/** "OFHP" in little-endian. */
export const MAGIC = 0x5048464f;
export const LAYOUT_VERSION = 3;

export const FREE = 1;
export const PREV_FREE = 2;
/**
 * A cached block: freed, but not merged with its free neighbours yet (see {@link W_CACHED_HEADS}).
 * Neighbours see it as a block in use (no `FREE`, no boundary tag, no `PREV_FREE` on its right).
 */
export const CACHED = 4;
export const FLAG_BITS = 7;

/** Header size of a block. */
export const HEADER = 4;
/** Smallest block: header, two list links and a footer. */
export const MIN_BLOCK = 16;
/** Sizes of blocks are multiples of this, and payloads are aligned to it. */
export const GRANULE = 8;

/** Second-level classes per first-level class (2^SL_BITS). */
export const SL_BITS = 5;
export const SL_COUNT = 32;
/** First-level classes: 0 holds [0, 256) in steps of 8, class f ≥ 1 holds [2^(f+7), 2^(f+8)). */
export const FL_COUNT = 25;
export const BIN_COUNT: number = FL_COUNT * SL_COUNT;
/** Sizes below this map linearly into first-level class 0. */
export const SMALL_LIMIT = 256;

/** Bytes at the start of every heap that hold no allocator state and stay zero (the NULL guard). */
export const NULL_GUARD = 256;
/** u32 word index of the control block, just after the NULL guard. */
const C: number = NULL_GUARD / 4;

// Control block, as u32 word indices.
export const W_MAGIC: number = C;
export const W_VERSION: number = C + 1;
/** Bytes of the buffer the heap uses (the buffer may be longer). */
export const W_HEAP_BYTES: number = C + 2;
/** Largest `heapBytes` the heap may grow to. */
export const W_MAX_BYTES: number = C + 3;
/** End of the block area; the start bitmap begins here. */
export const W_ARENA_END: number = C + 4;
/** Start of the top block; equal to arenaEnd when the top is empty. */
export const W_TOP: number = C + 5;
/** Every byte at or above max(dirtyEnd, top + 4) and below arenaEnd is known to be zero. */
export const W_DIRTY_END: number = C + 6;
/** Sum of the sizes of live blocks, headers included. */
export const W_USED_BYTES: number = C + 7;
/** Number of free blocks in the size classes (the top is not counted here). */
export const W_BINNED_BLOCKS: number = C + 8;
export const W_PEAK_USED: number = C + 9;
/** Bitmap of first-level classes that have a non-empty second-level class. */
export const W_FL_MAP: number = C + 10;
/** Growth factor × 256. */
export const W_GROWTH: number = C + 11;
/** End of the highest block ever handed out. */
export const W_HIGH_WATER: number = C + 12;
/** Number of cached blocks (see {@link W_CACHED_HEADS}). */
export const W_CACHED_BLOCKS: number = C + 13;
// 64-bit counters as pairs of u32 words (low, then high), so they never wrap.
export const W_ALLOCATIONS: number = C + 14;
export const W_FREES: number = C + 16;
export const W_REALLOCATIONS: number = C + 18;

/** Reads the 64-bit counter at word `index` (exact up to 2^53). */
export function readCounter(u32: Uint32Array, index: number): number {
	return (u32[index] as number) + (u32[index + 1] as number) * 4294967296;
}
/** One u32 per first-level class: bitmap of its non-empty second-level classes. */
export const W_SL_MAPS: number = C + 20;
/** One u32 per size class: the first free block of the class, or 0. */
export const W_HEADS: number = W_SL_MAPS + FL_COUNT;
/**
 * One u32 per block size below {@link SMALL_CACHE_LIMIT} (index `size / 8`): the first cached block of
 * that size, or 0; each links to the next in its second word.
 *
 * Freeing a small block (not next to the top) caches it, up to {@link CACHE_LIMIT} blocks: programs
 * that free and soon allocate the same size again (most of them) then skip a merge and the split that
 * undoes it, and both calls touch only the block's header and the cache head. The cache is settled
 * (every cached block freed for real, merging as usual) before the heap would carve the top or grow,
 * before realloc grows into a cached neighbour, and when the heap empties, so cached blocks never cost
 * footprint; settling is bounded by the limit.
 */
export const W_CACHED_HEADS: number = W_HEADS + BIN_COUNT;
/** Block sizes below this can be cached (every small class holds blocks of exactly its size). */
export const SMALL_CACHE_LIMIT = 512;
/** Most blocks cached at once. */
export const CACHE_LIMIT = 256;
/** First block of the arena (≡ 4 mod 8). */
export const FIRST_BLOCK: number = (W_CACHED_HEADS + SMALL_CACHE_LIMIT / 8) * 4;
/** Smallest valid payload pointer. */
export const FIRST_PTR: number = FIRST_BLOCK + HEADER;

/** Written over the header of a block that was merged into its left neighbour, to tell a double free. */
export const MERGED_TAG = 0xdeadf7ee;

/** Smallest heap: the control block, a bitmap and room for a few blocks. */
export const MIN_HEAP_BYTES = 8192;
/** Largest heap: addresses stay below 2^31 so that 32-bit integer arithmetic never wraps. */
export const MAX_HEAP_BYTES: number = 2 ** 31 - 65536;
/** Largest alignment a request may ask for. */
export const MAX_ALIGN: number = 2 ** 24;
/** Buffers grow in steps of this many bytes. */
export const PAGE = 65536;

/** Block size for a request of `size` bytes (the request is already validated). */
export function blockSizeFor(size: number): number {
	const bytes = (size + HEADER + GRANULE - 1) & ~(GRANULE - 1);
	return Math.max(bytes, MIN_BLOCK);
}

/** Size class of a free block of exactly `size` bytes. */
export function binOf(size: number): number {
	if (size < SMALL_LIMIT) return size >>> 3;
	const msb = 31 - Math.clz32(size);
	return ((msb - 7) << SL_BITS) | ((size >>> (msb - SL_BITS)) & (SL_COUNT - 1));
}

/** First size class whose blocks all have at least `size` bytes. */
export function binAtLeast(size: number): number {
	if (size < SMALL_LIMIT) return size >>> 3;
	const msb = 31 - Math.clz32(size);
	return binOf(size + (1 << (msb - SL_BITS)) - 1);
}

/** Bytes of the start bitmap for a heap of `heapBytes` (one bit per 8 bytes of address space). */
export function bitmapBytesFor(heapBytes: number): number {
	return Math.ceil(heapBytes / 256) * 4;
}

/** Arena end for a heap of `heapBytes`: below the bitmap, ≡ 4 (mod 8). */
export function arenaEndFor(heapBytes: number): number {
	return ((heapBytes - bitmapBytesFor(heapBytes) - 4) & ~7) + 4;
}
