import type { HeapViews, Type } from "./api.ts";
import { settings } from "./configure.ts";
import { checkNoMoreArguments, checkPointer, rejectNotNumber, rejectString } from "./internal/checks.ts";
import { decodeUtf8, encodeUtf8, utf8Length } from "./internal/utf8-codec.ts";

/**
 * A string in a fixed field of `maxBytes` bytes of UTF-8, padded with NUL bytes (C `char[n]`). A
 * string of exactly `maxBytes` bytes has no terminator. Reading stops at the first NUL.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { utf8 } from "@offheap/struct";
 * const Name = utf8(8);
 * const heap = new Heap();
 * const p = heap.alloc(Name.size);
 * Name.write(heap, p, "héllo");
 * console.log(Name.read(heap, p), heap.u8[p + 6]); // héllo 0
 * ```
 */
export class Utf8Type implements Type<string> {
	/** Always `"utf8"`. */
	readonly kind: "utf8" = "utf8";
	/** `utf8[maxBytes]`. */
	readonly name: string;
	/** `maxBytes`. */
	readonly size: number;
	/** Always 1. */
	readonly align: number = 1;
	/** The most bytes of UTF-8 a value may take. */
	readonly maxBytes: number;

	/** @internal Use {@link utf8}. */
	constructor(maxBytes: number) {
		this.maxBytes = maxBytes;
		this.size = maxBytes;
		this.name = `utf8[${maxBytes}]`;
	}

	/**
	 * Reads the string at `ptr`. Malformed UTF-8 (a character cut at the end of the field by C code)
	 * reads as U+FFFD.
	 * @throws {@link @offheap/core!InvalidPointerError} in checked mode for a bad pointer.
	 */
	read(heap: HeapViews, ptr: number): string {
		if (settings.checked) checkPointer(this.name, "read", heap, ptr, this.size);
		return decodeUtf8(heap.u8, ptr, this.maxBytes);
	}

	/**
	 * Writes `value` at `ptr` and zero-fills the rest of the field.
	 * @throws RangeError when `value` takes more than `maxBytes` bytes of UTF-8 or contains U+0000
	 * (nothing is written then); TypeError when it is not a string.
	 */
	write(heap: HeapViews, ptr: number, value: string): void {
		if (settings.checked) checkPointer(this.name, "write", heap, ptr, this.size);
		if (typeof value !== "string") rejectString(`${this.name}.write`, this.maxBytes, value, 0);
		const bytes = utf8Length(value);
		if (bytes < 0 || bytes > this.maxBytes) rejectString(`${this.name}.write`, this.maxBytes, value, bytes);
		encodeUtf8(heap.u8, ptr, this.maxBytes, value);
	}
}

/**
 * A fixed-size string field of `maxBytes` bytes of UTF-8, NUL-padded (C `char name[maxBytes]`).
 *
 * @param maxBytes - size of the field in bytes (a positive integer). Characters take 1 to 4 bytes.
 * @throws TypeError when `maxBytes` is not a number, or for a second argument (there are no
 * options); RangeError when it is not a positive integer below 2^31.
 * @example
 * ```ts
 * import { struct, u32, utf8 } from "@offheap/struct";
 * const Player = struct("Player", { id: u32, name: utf8(12) });
 * console.log(Player.size); // 16
 * ```
 */
export function utf8(maxBytes: number): Utf8Type {
	// biome-ignore lint/complexity/noArguments: counts what the signature leaves out (an options object passed by mistake)
	checkNoMoreArguments("utf8", arguments, 1, "(maxBytes)");
	if (typeof maxBytes !== "number") rejectNotNumber("utf8", "maxBytes", maxBytes);
	if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes >= 2 ** 31) {
		throw new RangeError(`utf8: maxBytes must be a positive integer below 2^31, got ${maxBytes}`);
	}
	return new Utf8Type(maxBytes);
}
