// Byte layout of what @offheap/rc keeps in the heap. Changing any of it changes LAYOUT_VERSION.

/**
 * Every value is preceded by a 16-byte header at `ptr - 16`, read as four u32 words from
 * `h = (ptr - 16) >>> 2`: the strong count, the weak count (weak references, plus one held by all the
 * strong references together while there are any, as in Rust's `RcInner`), the serial of the value,
 * and a meta word (kind id, log2 of the value's offset in its block, and a tag byte).
 */
export const HEADER_BYTES = 16;
export const H_STRONG = 0;
export const H_WEAK = 1;
export const H_SERIAL = 2;
export const H_META = 3;

/** Tag byte of the meta word: catches most pointers that are not Rc values at all. */
export const TAG = 0xa7;
/** Tag byte written when a value's block is freed, so a freed address is named as such until reused. */
export const TAG_FREED = 0x5e;
export const KIND_MASK = 0xffff;
/**
 * Meta bit set from the drop of a value with a drop hook until its hook has run: the weak reference
 * all strong ones held together is still held then, though the strong count is already 0.
 */
export const DROPPING = 0x800000;
export const MAX_KINDS = 0xffff;
/** Largest strong or weak count; one more is refused with a RangeError. */
export const MAX_COUNT = 0xffffffff;

/** The meta word of a kind's values. */
export function metaWord(kindId: number, offsetLog2: number): number {
	return (kindId | (offsetLog2 << 16) | (TAG << 24)) >>> 0;
}

/** 1 while the strong references (or a pending drop) hold their shared weak reference, else 0. */
export function implicitWeak(strong: number, meta: number): number {
	return strong !== 0 || (meta & DROPPING) !== 0 ? 1 : 0;
}

/** Offset of the value in its block, from the meta word: 16 bytes, or the value's alignment if larger. */
export function offsetOf(meta: number): number {
	return 1 << ((meta >>> 16) & 31);
}

/** The space's control block, as u32 words from `address >>> 2`, then two f64 counters. */
export const CONTROL_BYTES = 48;
export const SPACE_MAGIC = 0x52635370; // "pScR" little-endian: "RcSp" in a hex dump
export const LAYOUT_VERSION = 1;
export const W_MAGIC = 0;
export const W_VERSION = 1;
export const W_SERIAL = 2;
export const W_KIND_COUNT = 3;
export const W_KIND_TABLE = 4;
export const W_KIND_BYTES = 5;
export const W_LIVE = 6;
export const W_DROPPED = 7;
/** f64 indexes from `address >>> 3`. */
export const F_CREATED = 4;
export const F_FREED = 5;

/**
 * Kind table: one block holding a record per kind id, in id order: name length (UTF-16 code units),
 * size, align, then the name's code units, padded to 4 bytes. It grows by one realloc per new kind, so
 * a registration that runs out of memory changes nothing.
 */
export const K_NAME_LENGTH = 0;
export const K_SIZE = 1;
export const K_ALIGN = 2;
export const K_NAME = 3;

/** Bytes of a kind record with a name of `length` code units. */
export function kindRecordBytes(length: number): number {
	return 12 + ((length * 2 + 3) & ~3);
}
