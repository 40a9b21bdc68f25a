/**
 * The byte layout of a pool inside its parent's heap.
 *
 * Header (320 bytes), as u32 words after `address`: options, the free list head, counters, and a
 * table of up to 32 chunks. Chunk k holds the slots with indices [start(k), start(k) + count(k)):
 * start(0) = 0, and for k ≥ 1 start(k) = count(0) << (k − 1), so the chunk of an index is found with
 * one `clz32`. Each table entry keeps two i32 "virtual bases", `slots − start·slotBytes` and
 * `gens − start·4`, so an index maps to its slot and its generation word with one multiply-add.
 *
 * Chunks: the slots and one u32 generation word per slot. Chunk 0 shares one block of the parent
 * with the header: the header, the slots (from the first multiple of the slot alignment after it:
 * right after it for alignments up to 64), then the generation words; so creating a pool takes one
 * block or none, and a pool of n slots of s bytes holds 320 + n × (s + 4) bytes. Every later chunk is
 * a block of its own, aligned to the slot alignment: the generation words, padding up to the slot
 * alignment, then the slots. Either way something comes before the first slot, so no slot is ever
 * the start of a block of the parent: `heap.free(slot)` is an interior pointer, refused by the heap.
 *
 * A generation word holds bit 0 LIVE, bit 1 WRAPPED (the slot has gone through every generation at
 * least once), and the generation in the bits above; 0 for a slot never handed out. A free slot's
 * first u32 holds the next free index + 1 (the intrusive free list); slots never handed out are not
 * on the list: they are taken in order (`W_BUMP`), so creating a pool touches none of them.
 * @internal
 */

/** "POOL" in little-endian. */
export const MAGIC = 0x4c4f4f50;

export const W_MAGIC = 0;
export const W_SLOT_BYTES = 1;
export const W_ALIGN = 2;
export const W_INDEX_BITS = 3;
export const W_SEED = 4;
export const W_CAPACITY = 5;
export const W_MAX_CAPACITY = 6;
export const W_SEG0 = 7;
export const W_SHIFT = 8;
export const W_CHUNKS = 9;
/** Index + 1 of the first free slot; 0 when the list is empty. */
export const W_FREE_HEAD = 10;
/** Slots ever handed out, which is also the most ever live at once. */
export const W_BUMP = 11;
export const W_LIVE = 12;
export const W_GROWABLE = 13;
export const W_TYPE_SIZE = 14;
export const W_RESERVED = 15;
/** Chunk table: 2 words per chunk. */
export const W_TABLE = 16;
export const MAX_CHUNKS = 32;
export const HEADER_BYTES: number = (W_TABLE + 2 * MAX_CHUNKS) * 4;

/** Generation word: bit 0 LIVE, bit 1 WRAPPED, the generation above (small constants keep V8 on Smis). */
export const LIVE = 1;
export const WRAPPED = 2;
export const GEN_SHIFT = 2;
export const HANDLE_MASK = 0x3fffffff;

export const MAX_CAPACITY: number = 1 << 24;
export const DEFAULT_CAPACITY = 256;
export const DEFAULT_GROWABLE_MAX: number = 1 << 20;
export const MAX_ALIGN = 4096;
