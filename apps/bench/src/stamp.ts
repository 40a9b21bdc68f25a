/**
 * Stamps written into every block on allocation and verified on free and realloc, so that an allocator
 * that hands out overlapping, unzeroed or misplaced memory fails loudly instead of looking fast.
 *
 * A block of `s` bytes at `p` (8-aligned) gets the id's hash `h` in its first four bytes (or `h & 255` in
 * its first byte when `s < 4`) and byte 2 of `h` in its last byte (when that byte is not already part of
 * the first word). Every byte of `h` has its top bit set, so a stamp never reads as zero.
 *
 * The helpers take `Uint8Array`/`Uint32Array` only, so they stay monomorphic whichever allocator's
 * memory they look at. The `Bytes` variants work on one `Uint8Array` per block (the plain-JS baseline).
 */

/** The stamp of block `id`: a 32-bit hash with the top bit of each byte set. */
export function stampOf(id: number): number {
	return (Math.imul(id + 1, 0x9e3779b1) | 0x80808080) >>> 0;
}

/** Writes the stamp `h` into the block of `s` bytes at `p`. */
export function stamp(u8: Uint8Array, u32: Uint32Array, p: number, s: number, h: number): void {
	if (s >= 4) {
		u32[p >>> 2] = h;
		if (s > 4) u8[p + s - 1] = (h >>> 16) & 255;
	} else if (s > 0) {
		u8[p] = h & 255;
		if (s > 1) u8[p + s - 1] = (h >>> 16) & 255;
	}
}

/**
 * Whether the stamp `h` of a block of `s` bytes is intact at `p` within the first `m` bytes (`m = s` for
 * the whole block; the preserved prefix after a realloc).
 */
export function stampOk(
	u8: Uint8Array,
	u32: Uint32Array,
	p: number,
	s: number,
	h: number,
	m: number,
): boolean {
	if (s >= 4) {
		if (m >= 4) {
			if (u32[p >>> 2] !== h) return false;
		} else if (m > 0 && u8[p] !== (h & 255)) return false;
		return s === 4 || m < s || u8[p + s - 1] === ((h >>> 16) & 255);
	}
	if (s === 0 || m === 0) return true;
	if (u8[p] !== (h & 255)) return false;
	return s === 1 || m < s || u8[p + s - 1] === ((h >>> 16) & 255);
}

/** Whether the stamp positions and the middle byte of a fresh block of `s` bytes read as zero. */
export function zeroOk(u8: Uint8Array, u32: Uint32Array, p: number, s: number): boolean {
	if (s >= 4) return u32[p >>> 2] === 0 && u8[p + s - 1] === 0 && u8[p + (s >>> 1)] === 0;
	return s === 0 || (u8[p] === 0 && u8[p + s - 1] === 0);
}

/** {@link stamp} for a block that is its own `Uint8Array`. */
export function stampBytes(b: Uint8Array, s: number, h: number): void {
	if (s >= 4) {
		b[0] = h & 255;
		b[1] = (h >>> 8) & 255;
		b[2] = (h >>> 16) & 255;
		b[3] = h >>> 24;
		if (s > 4) b[s - 1] = (h >>> 16) & 255;
	} else if (s > 0) {
		b[0] = h & 255;
		if (s > 1) b[s - 1] = (h >>> 16) & 255;
	}
}

/** {@link stampOk} for a block that is its own `Uint8Array`. */
export function stampBytesOk(b: Uint8Array, s: number, h: number, m: number): boolean {
	if (s === 0 || m === 0) return true;
	if (b[0] !== (h & 255)) return false;
	if (s >= 4 && m >= 4) {
		if (b[1] !== ((h >>> 8) & 255) || b[2] !== ((h >>> 16) & 255) || b[3] !== h >>> 24) return false;
		if (s === 4) return true;
	}
	return s === 1 || m < s || b[s - 1] === ((h >>> 16) & 255);
}

/** {@link zeroOk} for a block that is its own `Uint8Array`. */
export function zeroBytesOk(b: Uint8Array, s: number): boolean {
	return s === 0 || (b[0] === 0 && b[s - 1] === 0 && b[s >>> 1] === 0);
}
