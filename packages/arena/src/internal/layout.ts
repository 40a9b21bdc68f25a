/**
 * The byte layout of an arena inside its parent's heap.
 *
 * Header (80 bytes, from the parent), as u32 words after `address`:
 * the current chunk, the bump cursor and the chunk's end, the last allocation (so that freeing it
 * rewinds), the chain of valid marks, counters and options.
 *
 * Chunk (from the parent): a 16-byte header, then data. Chunks form a singly linked list in the order
 * the cursor walks them; those before the current chunk hold live data up to `C_USED_END`, those after
 * it are spares kept after a rewind.
 *
 * Mark record (16 bytes, bump-allocated in a chunk, 8-aligned): the previous valid mark, the chunk it
 * lies in, the cursor before it was taken, and a check word.
 * @internal
 */

/** "ARNA" in little-endian. */
export const MAGIC = 0x414e5241;
export const HEADER_BYTES = 80;

export const W_MAGIC = 0;
export const W_MIN_ALIGN = 1;
export const W_FIRST = 2;
export const W_CURRENT = 3;
/** W_CURSOR, W_LIMIT and W_LAST stay adjacent: the inlined fast path reaches all three from one index. */
export const W_CURSOR = 4;
export const W_LIMIT = 5;
/** Start of the most recent allocation (0 when it cannot be rewound). */
export const W_LAST = 6;
/** Word 7 is unused. */
/** The allocation that `free` rewound last: freeing it again is a double free. */
export const W_REWOUND = 8;
export const W_TOP_MARK = 9;
export const W_MARKS = 10;
export const W_CHUNKS = 11;
/** Bytes of the next chunk to take. */
export const W_NEXT_CHUNK = 12;
/** Growth factor × 256. */
export const W_GROWTH = 13;
/** Budget in bytes; UNLIMITED when none. */
export const W_MAX_BYTES = 14;
export const W_RESERVED = 15;
export const W_HIGH_WATER = 16;
export const W_CHUNK_BYTES = 17;

export const UNLIMITED = 0xffffffff;

export const CHUNK_HEADER = 16;
/** Next chunk in walk order (0: none). */
export const C_NEXT = 0;
/** End address of the chunk. */
export const C_END = 1;
/** `usedBytes` at the chunk's first data byte. */
export const C_USED_BASE = 2;
/** Where the cursor left the chunk (valid for chunks before the current one). */
export const C_USED_END = 3;

export const MARK_BYTES = 16;
export const M_PREV = 0;
export const M_CHUNK = 1;
export const M_SAVED_CURSOR = 2;
export const M_CHECK = 3;
/** A mark record's check word is its address xor this. */
export const MARK_TAG = 0x4b52414d;

export const MIN_CHUNK_BYTES = 64;
export const DEFAULT_CHUNK_BYTES = 8192;
export const MAX_ALIGN = 4096;
/** Largest request: the heap itself is below 2 GiB. */
export const MAX_SIZE = 0x7fffffff;
