/**
 * UTF-8 for `utf8(n)` fields, straight from and into the heap bytes: encoding allocates nothing, and
 * decoding allocates only the string (plus a copy for non-ASCII text, because `TextDecoder` refuses
 * views of a SharedArrayBuffer).
 */

/**
 * Bytes of UTF-8 for `s`, or -1 when `s` contains U+0000 (which would end the string early). Lone
 * surrogates count as U+FFFD, which is what they are encoded as.
 */
export function utf8Length(s: string): number {
	let n = 0;
	const length = s.length;
	for (let i = 0; i < length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x80) {
			if (c === 0) return -1;
			n += 1;
		} else if (c < 0x800) n += 2;
		else if ((c & 0xfc00) === 0xd800 && i + 1 < length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
			n += 4;
			i++;
		} else n += 3;
	}
	return n;
}

/**
 * Writes `s` (already measured with {@link utf8Length} to fit) at `at` and zero-fills the rest of the
 * `maxBytes` field. It never writes past the field: should `s` not fit after all (a getter that gave a
 * different string when it was measured), it stops before the first character that does not.
 */
export function encodeUtf8(u8: Uint8Array, at: number, maxBytes: number, s: string): void {
	let j = at;
	const end = at + maxBytes;
	const length = s.length;
	for (let i = 0; i < length; i++) {
		let c = s.charCodeAt(i);
		if (c < 0x80) {
			if (j >= end) break;
			u8[j++] = c;
			continue;
		}
		if (c < 0x800) {
			if (j + 2 > end) break;
			u8[j++] = 0xc0 | (c >> 6);
			u8[j++] = 0x80 | (c & 0x3f);
			continue;
		}
		if ((c & 0xfc00) === 0xd800 && i + 1 < length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
			if (j + 4 > end) break;
			c = 0x10000 + ((c & 0x3ff) << 10) + (s.charCodeAt(++i) & 0x3ff);
			u8[j++] = 0xf0 | (c >> 18);
			u8[j++] = 0x80 | ((c >> 12) & 0x3f);
			u8[j++] = 0x80 | ((c >> 6) & 0x3f);
			u8[j++] = 0x80 | (c & 0x3f);
			continue;
		}
		if (j + 3 > end) break;
		if ((c & 0xf800) === 0xd800) c = 0xfffd; // a lone surrogate
		u8[j++] = 0xe0 | (c >> 12);
		u8[j++] = 0x80 | ((c >> 6) & 0x3f);
		u8[j++] = 0x80 | (c & 0x3f);
	}
	u8.fill(0, j, end);
}

let decoder: TextDecoder | undefined;

/**
 * Reads the string at `at`: the bytes up to the first NUL or `maxBytes`. Malformed sequences (for
 * example a multi-byte character cut by C code at the end of the field) decode to U+FFFD.
 */
export function decodeUtf8(u8: Uint8Array, at: number, maxBytes: number): string {
	const end = at + maxBytes;
	let ascii = true;
	let i = at;
	for (; i < end; i++) {
		const b = u8[i] as number;
		if (b === 0) break;
		if (b >= 0x80) ascii = false;
	}
	if (ascii) {
		let s = "";
		for (let k = at; k < i; k++) s += String.fromCharCode(u8[k] as number);
		return s;
	}
	decoder ??= new TextDecoder("utf-8");
	return decoder.decode(u8.slice(at, i));
}
