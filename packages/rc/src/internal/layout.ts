// Byte layout of what @offheap/rc keeps in the heap. Changing any of it changes LAYOUT_VERSION.

/**
 * Every value is preceded by a 32-byte header at `ptr - 32`, read as eight u32 words from
 * `h = (ptr - 32) >>> 2`: the previous and next value of the space (the space's list of value blocks,
 * which `RcSpace.check` walks), the address of the space that owns the value (so a
 * value of one space is refused by another), a check word mixing the header's fixed fields, the strong
 * count, the weak count (weak references, plus one held by all the strong references together while
 * there are any, as in Rust's `RcInner`), the serial of the value, and a meta word (kind id, log2 of the
 * value's offset in its block, and a tag byte). The counts stay at `ptr - 16` and `ptr - 12`.
 */
export const HEADER_BYTES = 32;
export const H_PREV = 0;
export const H_NEXT = 1;
export const H_SPACE = 2;
export const H_CHECK = 3;
export const H_STRONG = 4;
export const H_WEAK = 5;
export const H_SERIAL = 6;
export const H_META = 7;

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

/** Offset of the value in its block, from the meta word: 32 bytes, or the value's alignment if larger. */
export function offsetOf(meta: number): number {
	return 1 << ((meta >>> 16) & 31);
}

/** The space's control block, as u32 words from `address >>> 2`, two f64 counters, then more words. */
export const CONTROL_BYTES = 56;
export const SPACE_MAGIC = 0x52635370; // "pScR" little-endian: "RcSp" in a hex dump
export const LAYOUT_VERSION = 2;
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
/** The first value of the space's list of value blocks (0 when it holds none). */
export const W_FIRST = 12;
/** A random nonzero id of the space, drawn when it is created: a JS object of a space freed (through
 * another object) and of a new space at the same address is told apart by it. */
export const W_ID = 13;

/** Bits of the meta word fixed for the life of a value: kind id and offset. */
export const META_FIXED = 0x1fffff;
const CHECK_SALT = 0x4b1d0c4e;

/** The check word of a header: its space, serial and fixed meta bits, mixed. */
export function checkWord(space: number, serial: number, meta: number): number {
	return (space ^ serial ^ (meta & META_FIXED) ^ CHECK_SALT) >>> 0;
}

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
