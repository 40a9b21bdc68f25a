import type { Allocator } from "@offheap/core";
import {
	C_END,
	C_NEXT,
	C_USED_BASE,
	C_USED_END,
	CHUNK_HEADER,
	UNLIMITED,
	W_CHUNK_BYTES,
	W_CHUNKS,
	W_CURRENT,
	W_CURSOR,
	W_FIRST,
	W_GROWTH,
	W_HIGH_WATER,
	W_LAST,
	W_LIMIT,
	W_MAGIC,
	W_MARKS,
	W_MAX_BYTES,
	W_MIN_ALIGN,
	W_NEXT_CHUNK,
	W_RESERVED,
	W_REWOUND,
	W_TOP_MARK,
} from "./layout.ts";
import { rejectForeign, rejectNotNumber, rejectPastCursor } from "./reject.ts";

// Everything that walks or changes the chunk list: the slow paths of the arena.

const MAX_CHUNK = 0x40000000;

function round8(n: number): number {
	return Math.ceil(n / 8) * 8;
}

/** First data byte of `chunk`: after its header, aligned to `minAlign`. @internal */
export function dataStart(u32: Uint32Array, hdr: number, chunk: number): number {
	const minAlign = u32[hdr + W_MIN_ALIGN] as number;
	return Math.ceil((chunk + CHUNK_HEADER) / minAlign) * minAlign;
}

/** Bytes consumed on the path up to the cursor. @internal */
export function usedBytes(u32: Uint32Array, hdr: number): number {
	const current = u32[hdr + W_CURRENT] as number;
	if (current === 0) return 0;
	return (
		(u32[(current >>> 2) + C_USED_BASE] as number) +
		(u32[hdr + W_CURSOR] as number) -
		dataStart(u32, hdr, current)
	);
}

/** Records the current use as the high-water mark if it is one; called before the cursor goes back. @internal */
export function noteHighWater(u32: Uint32Array, hdr: number): void {
	const used = usedBytes(u32, hdr);
	if (used > (u32[hdr + W_HIGH_WATER] as number)) u32[hdr + W_HIGH_WATER] = used;
}

/** Makes `chunk` the current chunk, its data starting at `usedBase` bytes of use. @internal */
export function enterChunk(u32: Uint32Array, hdr: number, chunk: number, usedBase: number): void {
	const c = chunk >>> 2;
	u32[c + C_USED_BASE] = usedBase;
	u32[hdr + W_CURRENT] = chunk;
	// The fast path hands out the cursor as it is when no more than minAlign is asked for.
	u32[hdr + W_CURSOR] = dataStart(u32, hdr, chunk);
	u32[hdr + W_LIMIT] = u32[c + C_END] as number;
}

/** Leaves the current chunk for the next one in walk order; returns `usedBytes` at the next chunk's start. @internal */
export function leaveChunk(u32: Uint32Array, hdr: number): number {
	const current = u32[hdr + W_CURRENT] as number;
	if (current === 0) return 0;
	const c = current >>> 2;
	u32[c + C_USED_END] = u32[hdr + W_CURSOR] as number;
	return (u32[c + C_USED_BASE] as number) + (u32[c + C_END] as number) - dataStart(u32, hdr, current);
}

/**
 * Takes a chunk from the parent that holds `bytes` at alignment `align`: the next geometric size, or
 * less when the budget is nearer, or exactly what is needed when the parent cannot give more. Returns
 * 0, having changed nothing, when neither the budget nor the parent allows it.
 * @internal
 */
export function acquireChunk(parent: Allocator, hdr: number, bytes: number, align: number): number {
	const u32 = parent.heap.u32;
	const need = round8(CHUNK_HEADER + bytes + (align > 8 ? align - 8 : 0));
	const maxBytes = u32[hdr + W_MAX_BYTES] as number;
	const room = maxBytes === UNLIMITED ? MAX_CHUNK : maxBytes - (u32[hdr + W_RESERVED] as number);
	if (need > room || need > MAX_CHUNK) return 0;
	let size = Math.min(Math.max(need, u32[hdr + W_NEXT_CHUNK] as number), room & ~7);
	let chunk = parent.malloc(size);
	if (chunk === 0 && size > need) {
		size = need;
		chunk = parent.malloc(size);
	}
	if (chunk === 0) return 0;
	adoptChunk(parent.heap.u32, hdr, chunk, size);
	return chunk;
}

/**
 * Records the block of `size` bytes at `chunk`, just taken from the parent, as a chunk of the arena:
 * its bookkeeping header, the counters, and the next size of the geometric sequence.
 * @internal
 */
export function adoptChunk(u32: Uint32Array, hdr: number, chunk: number, size: number): void {
	const c = chunk >>> 2;
	u32[c + C_NEXT] = 0;
	u32[c + C_END] = chunk + size;
	u32[c + C_USED_BASE] = 0;
	u32[c + C_USED_END] = chunk + CHUNK_HEADER;
	u32[hdr + W_RESERVED] = (u32[hdr + W_RESERVED] as number) + size;
	u32[hdr + W_CHUNKS] = (u32[hdr + W_CHUNKS] as number) + 1;
	// A request too big for the next geometric size gets a chunk of its own and leaves the sequence be.
	const planned = u32[hdr + W_NEXT_CHUNK] as number;
	if (size <= planned) {
		u32[hdr + W_NEXT_CHUNK] = Math.min(round8((planned * (u32[hdr + W_GROWTH] as number)) / 256), MAX_CHUNK);
	}
}

/** Returns `chunk` to the parent and takes it off the counters (not off the list). @internal */
function releaseChunk(parent: Allocator, hdr: number, chunk: number): void {
	const u32 = parent.heap.u32;
	const size = (u32[(chunk >>> 2) + C_END] as number) - chunk;
	u32[hdr + W_RESERVED] = (u32[hdr + W_RESERVED] as number) - size;
	u32[hdr + W_CHUNKS] = (u32[hdr + W_CHUNKS] as number) - 1;
	parent.free(chunk);
}

/** Returns every chunk to the parent and leaves the arena with none. @internal */
export function releaseAll(parent: Allocator, hdr: number): void {
	let chunk = parent.heap.u32[hdr + W_FIRST] as number;
	while (chunk !== 0) {
		const next = parent.heap.u32[(chunk >>> 2) + C_NEXT] as number;
		releaseChunk(parent, hdr, chunk);
		chunk = next;
	}
	const u32 = parent.heap.u32;
	u32[hdr + W_FIRST] = 0;
	u32[hdr + W_CURRENT] = 0;
	u32[hdr + W_CURSOR] = 0;
	u32[hdr + W_LIMIT] = 0;
}

/** Returns every chunk and then the header at u32 index `hdr` to the parent. @internal */
export function dropArena(parent: Allocator, hdr: number): void {
	releaseAll(parent, hdr);
	// A stale address passed to Arena.open must not find a header here.
	parent.heap.u32[hdr + W_MAGIC] = 0;
	parent.free(hdr << 2);
}

/**
 * `reset()`: forgets every allocation and mark and keeps exactly one chunk that holds the high-water
 * mark (and at least the first chunk's size), reusing a chunk already held when one is big enough.
 * Returns the chunk it kept when it was held before, else 0 (a new chunk, or none when the parent
 * could not give one).
 * @internal
 */
export function consolidate(parent: Allocator, hdr: number): number {
	let u32 = parent.heap.u32;
	noteHighWater(u32, hdr);
	const capacity = round8(
		Math.max(u32[hdr + W_HIGH_WATER] as number, (u32[hdr + W_CHUNK_BYTES] as number) - CHUNK_HEADER),
	);
	let keep = 0;
	let keepCapacity = 0;
	for (let chunk = u32[hdr + W_FIRST] as number; chunk !== 0; chunk = u32[(chunk >>> 2) + C_NEXT] as number) {
		const cap = (u32[(chunk >>> 2) + C_END] as number) - dataStart(u32, hdr, chunk);
		if (cap >= capacity && (keep === 0 || cap < keepCapacity)) {
			keep = chunk;
			keepCapacity = cap;
		}
	}
	let chunk = u32[hdr + W_FIRST] as number;
	while (chunk !== 0) {
		const next = parent.heap.u32[(chunk >>> 2) + C_NEXT] as number;
		if (chunk !== keep) releaseChunk(parent, hdr, chunk);
		chunk = next;
	}
	const reused = keep;
	if (keep === 0) {
		u32 = parent.heap.u32;
		u32[hdr + W_FIRST] = 0;
		u32[hdr + W_CURRENT] = 0;
		// The geometric sequence restarts at the right size; the budget may still refuse it.
		u32[hdr + W_NEXT_CHUNK] = Math.min(capacity + CHUNK_HEADER, MAX_CHUNK);
		keep = acquireChunk(parent, hdr, capacity, u32[hdr + W_MIN_ALIGN] as number);
	}
	u32 = parent.heap.u32;
	u32[hdr + W_FIRST] = keep;
	if (keep === 0) {
		u32[hdr + W_CURRENT] = 0;
		u32[hdr + W_CURSOR] = 0;
		u32[hdr + W_LIMIT] = 0;
	} else {
		u32[(keep >>> 2) + C_NEXT] = 0;
		enterChunk(u32, hdr, keep, 0);
	}
	u32[hdr + W_LAST] = 0;
	u32[hdr + W_REWOUND] = 0;
	u32[hdr + W_TOP_MARK] = 0;
	u32[hdr + W_MARKS] = 0;
	return reused;
}

/**
 * Checks that `ptr` lies in what the arena has handed out and not rewound, and returns the end of
 * that live region in its chunk; throws the precise error otherwise. O(chunks).
 * @internal
 */
export function liveEnd(operation: string, u32: Uint32Array, hdr: number, ptr: number): number {
	if (typeof ptr !== "number" || ptr >>> 0 !== ptr) return rejectNotNumber(operation, ptr);
	const current = u32[hdr + W_CURRENT] as number;
	let onPath = current !== 0;
	for (let chunk = u32[hdr + W_FIRST] as number; chunk !== 0; chunk = u32[(chunk >>> 2) + C_NEXT] as number) {
		const c = chunk >>> 2;
		const start = chunk + CHUNK_HEADER;
		const end = u32[c + C_END] as number;
		if (ptr >= chunk && ptr < end) {
			if (ptr < start) return rejectForeign(operation, ptr, "inside a chunk's bookkeeping header");
			const liveEnd = !onPath
				? start
				: chunk === current
					? (u32[hdr + W_CURSOR] as number)
					: (u32[c + C_USED_END] as number);
			if (ptr >= start && ptr < liveEnd) return liveEnd;
			return rejectPastCursor(operation, ptr, ptr === u32[hdr + W_REWOUND], liveEnd);
		}
		if (chunk === current) onPath = false;
	}
	return rejectForeign(operation, ptr, "not in any chunk of this arena");
}
