import type { Allocator, Ptr } from "@offheap/core";
import type { ArenaChecker } from "./checker.ts";
import { acquireChunk, enterChunk, leaveChunk } from "./chunks.ts";
import {
	C_END,
	C_NEXT,
	MAX_ALIGN,
	MAX_SIZE,
	W_CURRENT,
	W_CURSOR,
	W_FIRST,
	W_LAST,
	W_LIMIT,
	W_MIN_ALIGN,
} from "./layout.ts";
import { rejectAlign, rejectFreed, rejectSize } from "./reject.ts";

// The allocation paths the arena's inlined fast path leaves to: odd sizes and alignments, a full
// chunk, checked mode, a freed arena.

/** Bytes an allocation of `size` takes: at least 1, plus the checked redzone, rounded up to `minAlign`. @internal */
export function footprint(size: number, minAlign: number, checker: ArenaChecker | undefined): number {
	const bytes = Math.max(size, 1) + (checker === undefined ? 0 : checker.redzone);
	return Math.ceil(bytes / minAlign) * minAlign;
}

/** `malloc` for what the fast path does not take. @internal */
export function mallocGeneral(
	parent: Allocator,
	hdr: number,
	size: number,
	align: number | undefined,
	checker: ArenaChecker | undefined,
): Ptr {
	if (hdr === 0) return rejectFreed("malloc", 0);
	if (typeof size !== "number" || size >>> 0 !== size || size > MAX_SIZE) return rejectSize("malloc", size);
	const i32 = parent.heap.i32;
	const minAlign = i32[hdr + W_MIN_ALIGN] as number;
	let a = minAlign;
	if (align !== undefined) {
		if (
			typeof align !== "number" ||
			align >>> 0 !== align ||
			(align & (align - 1)) !== 0 ||
			align === 0 ||
			align > MAX_ALIGN
		) {
			return rejectAlign("malloc", align);
		}
		if (align > a) a = align;
	}
	const bytes = footprint(size, minAlign, checker);
	const cursor = i32[hdr + W_CURSOR] as number;
	const p = Math.ceil(cursor / a) * a;
	let ptr: number;
	if (cursor !== 0 && p + bytes <= (i32[hdr + W_LIMIT] as number)) {
		if (checker !== undefined) checker.claim(parent.heap, i32[hdr + W_CURRENT] as number, p, p + bytes);
		ptr = bump(i32, hdr, p, bytes);
	} else {
		ptr = mallocSlow(parent, hdr, bytes, a, checker);
	}
	if (ptr !== 0 && checker !== undefined) checker.onAlloc(parent.heap, ptr, size, ptr + bytes);
	return ptr;
}

/**
 * Allocates `bytes` (already rounded) at alignment `align` where the current chunk has no room: in
 * the next (spare) chunk if it fits there, else in a new chunk linked in after the current one.
 * Returns 0, having changed nothing, when neither the budget nor the parent allows it.
 * @internal
 */
export function mallocSlow(
	parent: Allocator,
	hdr: number,
	bytes: number,
	align: number,
	checker: ArenaChecker | undefined,
): Ptr {
	let i32 = parent.heap.i32;
	let p = 0;
	const current = i32[hdr + W_CURRENT] as number;
	const spare = current === 0 ? 0 : (i32[(current >>> 2) + C_NEXT] as number);
	let chunk = spare;
	if (spare !== 0) {
		p = Math.ceil((spare + 16) / align) * align;
		if (p + bytes > (i32[(spare >>> 2) + C_END] as number)) chunk = 0;
		else if (checker !== undefined) checker.claim(parent.heap, spare, p, p + bytes);
	}
	if (chunk === 0) {
		chunk = acquireChunk(parent, hdr, bytes, align);
		if (chunk === 0) return 0;
		// A new chunk may sit where a chunk the arena gave back once was: what was known of it is void.
		if (checker !== undefined) checker.forgetChunk(chunk);
		i32 = parent.heap.i32;
		i32[(chunk >>> 2) + C_NEXT] = spare;
		if (current === 0) i32[hdr + W_FIRST] = chunk;
		else i32[(current >>> 2) + C_NEXT] = chunk;
	}
	const u32 = parent.heap.u32;
	enterChunk(u32, hdr, chunk, leaveChunk(u32, hdr));
	return bump(i32, hdr, Math.ceil((i32[hdr + W_CURSOR] as number) / align) * align, bytes);
}

/** Hands out `bytes` at `p` in the current chunk, which has room for them. @internal */
export function bump(i32: Int32Array, hdr: number, p: number, bytes: number): Ptr {
	i32[hdr + W_CURSOR] = p + bytes;
	i32[hdr + W_LAST] = p;
	return p;
}
