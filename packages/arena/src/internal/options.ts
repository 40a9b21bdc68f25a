import type { Allocator } from "@offheap/core";
import { checkOptions, describeArgument, InvalidPointerError, OutOfMemoryError } from "@offheap/core";
import type { ArenaOptions } from "../api.ts";
import { adoptChunk, enterChunk } from "./chunks.ts";
import {
	DEFAULT_CHUNK_BYTES,
	HEADER_BYTES,
	MAGIC,
	MAX_ALIGN,
	MIN_CHUNK_BYTES,
	UNLIMITED,
	W_CHUNK_BYTES,
	W_FIRST,
	W_GROWTH,
	W_MAGIC,
	W_MAX_BYTES,
	W_MIN_ALIGN,
	W_NEXT_CHUNK,
} from "./layout.ts";
import { rejectOption } from "./reject.ts";

// Creating and reopening an arena: cold code.

const MAX_CHUNK = 0x40000000;

function isPowerOfTwo(x: number): boolean {
	return Number.isInteger(x) && x > 0 && (x & (x - 1)) === 0;
}

/** The options {@link ArenaOptions} holds: anything else is refused. @internal */
export const ARENA_OPTIONS: readonly string[] = ["chunkBytes", "growthFactor", "maxBytes", "minAlign"];

/**
 * Checks the options, takes the first chunk and then the header from `parent`; returns the header
 * address. The chunk, the bigger block, comes first: when the parent cannot hold it, nothing was
 * taken. Only when the chunk fits and the 80-byte header then does not is the chunk given back.
 * @internal
 */
export function formatHeader(parent: Allocator, options: ArenaOptions): number {
	checkOptions("Arena", options, ARENA_OPTIONS);
	const { growthFactor = 2, minAlign = 8 } = options;
	const maxBytes = options.maxBytes ?? UNLIMITED;
	if (options.maxBytes !== undefined) {
		if (!Number.isInteger(maxBytes) || maxBytes < MIN_CHUNK_BYTES || maxBytes >= UNLIMITED) {
			rejectOption("maxBytes", options.maxBytes, `an integer in [${MIN_CHUNK_BYTES}, 2^32 - 1)`);
		}
	}
	const chunkBytes = options.chunkBytes ?? Math.min(DEFAULT_CHUNK_BYTES, Math.floor(maxBytes / 8) * 8);
	if (!Number.isInteger(chunkBytes) || chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK) {
		rejectOption("chunkBytes", chunkBytes, `an integer in [${MIN_CHUNK_BYTES}, 2^30]`);
	}
	const firstChunk = Math.ceil(chunkBytes / 8) * 8;
	if (firstChunk > maxBytes) rejectOption("chunkBytes", chunkBytes, `at most maxBytes (${maxBytes})`);
	if (typeof growthFactor !== "number" || !(growthFactor >= 1 && growthFactor <= 4)) {
		rejectOption("growthFactor", growthFactor, "a number in [1, 4]");
	}
	if (!isPowerOfTwo(minAlign) || minAlign > MAX_ALIGN) {
		rejectOption("minAlign", minAlign, `a power of two in [1, ${MAX_ALIGN}]`);
	}
	const chunk = parent.malloc(firstChunk);
	if (chunk === 0) {
		throw new OutOfMemoryError(firstChunk, "the parent allocator cannot hold the arena's first chunk");
	}
	const address = parent.malloc(HEADER_BYTES);
	if (address === 0) {
		parent.free(chunk);
		throw new OutOfMemoryError(HEADER_BYTES, "the parent allocator cannot hold the arena's header");
	}
	const hdr = address >>> 2;
	const u32 = parent.heap.u32;
	u32.fill(0, hdr, hdr + HEADER_BYTES / 4);
	u32[hdr + W_MAGIC] = MAGIC;
	u32[hdr + W_MIN_ALIGN] = minAlign;
	u32[hdr + W_GROWTH] = Math.round(growthFactor * 256);
	u32[hdr + W_MAX_BYTES] = maxBytes;
	u32[hdr + W_CHUNK_BYTES] = firstChunk;
	u32[hdr + W_NEXT_CHUNK] = firstChunk;
	adoptChunk(u32, hdr, chunk, firstChunk);
	u32[hdr + W_FIRST] = chunk;
	enterChunk(u32, hdr, chunk, 0);
	return address;
}

/** Checks that an arena header is at `address`; returns it. @internal */
export function openHeader(parent: Allocator, address: number): number {
	const u32 = parent.heap.u32;
	const reason =
		typeof address !== "number"
			? `expected the address of an arena's header, got ${describeArgument(address)}`
			: address >>> 0 !== address || (address & 7) !== 0 || address === 0
				? "not a non-zero, 8-aligned address"
				: address + HEADER_BYTES > u32.length * 4
					? "past the end of the heap"
					: u32[(address >>> 2) + W_MAGIC] !== MAGIC
						? "no arena header there"
						: "";
	if (reason !== "") throw new InvalidPointerError("Arena.open", address, reason);
	return address;
}

/** The option through which `Arena.open` passes the address of an existing header. @internal */
export const OPEN_AT: unique symbol = Symbol("offheap.arena.open");

/** Constructor options, with the address of a header to open. @internal */
export interface OpenOptions extends ArenaOptions {
	[OPEN_AT]?: number;
}
