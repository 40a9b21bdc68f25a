import type { Allocator, Heap } from "@offheap/core";
import { footprint } from "./bump.ts";
import type { ArenaChecker } from "./checker.ts";
import { liveEnd, noteHighWater } from "./chunks.ts";
import { W_CURSOR, W_LAST, W_LIMIT, W_MIN_ALIGN, W_REWOUND } from "./layout.ts";

// `free`, `realloc` and `usableSize` of one allocation: the arena keeps no per-allocation headers,
// so only its most recent allocation can be rewound over or resized in place.

/** `free(ptr)` of a live arena: rewinds over the last allocation, checks any other pointer. @internal */
export function freeOne(heap: Heap, hdr: number, ptr: number, checker: ArenaChecker | undefined): void {
	if (checker !== undefined) checker.validate("free", ptr);
	const u32 = heap.u32;
	if (ptr === u32[hdr + W_LAST]) {
		if (checker !== undefined) checker.onFreeLast(heap, hdr, ptr);
		noteHighWater(u32, hdr);
		u32[hdr + W_CURSOR] = ptr;
		u32[hdr + W_LAST] = 0;
		u32[hdr + W_REWOUND] = ptr;
		return;
	}
	liveEnd("free", u32, hdr, ptr);
	if (checker !== undefined) checker.onFreeOther(heap, ptr);
}

/**
 * `realloc` of a live, non-null `ptr` to a valid `size`: resizes the last allocation in place when its
 * chunk has room (never in checked mode, where the block always moves so that a use of the old pointer
 * can be told apart), else moves it with `arena.malloc`. Returns 0, with `ptr` untouched, on exhaustion.
 * @internal
 */
export function reallocIn(
	heap: Heap,
	hdr: number,
	ptr: number,
	size: number,
	checker: ArenaChecker | undefined,
	arena: Allocator,
): number {
	if (checker !== undefined) checker.validate("realloc", ptr);
	const u32 = heap.u32;
	const bytes = footprint(size, u32[hdr + W_MIN_ALIGN] as number, checker);
	let oldEnd: number;
	if (ptr === u32[hdr + W_LAST] && checker === undefined) {
		oldEnd = u32[hdr + W_CURSOR] as number;
		if (ptr + bytes <= (u32[hdr + W_LIMIT] as number)) {
			if (ptr + bytes < oldEnd) noteHighWater(u32, hdr);
			u32[hdr + W_CURSOR] = ptr + bytes;
			return ptr;
		}
	} else {
		oldEnd = liveEnd("realloc", u32, hdr, ptr);
	}
	// Checked mode knows the old size; otherwise copy what the chunk holds after ptr, up to `bytes`.
	const known = checker === undefined ? -1 : checker.sizeOf(ptr);
	const moved = arena.malloc(size);
	if (moved === 0) return 0;
	const copy = known >= 0 ? Math.min(known, size) : Math.min(bytes, oldEnd - ptr);
	heap.u8.copyWithin(moved, ptr, ptr + copy);
	return moved;
}

/** `usableSize(ptr)` of a live arena. @internal */
export function usableSizeOf(
	heap: Heap,
	hdr: number,
	ptr: number,
	checker: ArenaChecker | undefined,
): number {
	if (checker !== undefined) checker.validate("usableSize", ptr);
	const u32 = heap.u32;
	if (ptr === u32[hdr + W_LAST] && ptr !== 0 && checker === undefined) {
		return (u32[hdr + W_CURSOR] as number) - ptr;
	}
	liveEnd("usableSize", u32, hdr, ptr);
	return checker === undefined ? 0 : Math.max(checker.sizeOf(ptr), 0);
}
