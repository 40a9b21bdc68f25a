import { describeArgument, type Ptr } from "@offheap/core";
import type { PoolHandle } from "../api.ts";
import type { PoolState } from "../pool-state.ts";
import { chunkSlots, grow } from "./chunks.ts";
import {
	GEN_SHIFT,
	HANDLE_MASK,
	LIVE,
	W_BUMP,
	W_CAPACITY,
	W_CHUNKS,
	W_FREE_HEAD,
	W_LIVE,
	WRAPPED,
} from "./layout.ts";
import { type HandleContext, rejectFreed, rejectFreeSlot, rejectHandle, rejectPtr } from "./reject.ts";

// What the hot paths leave to: slots beyond chunk 0, checked mode, a freed pool, and every mistake.

/**
 * `alloc`/`allocPtr` beyond the fast path: a slot never handed out, a free slot in a later chunk,
 * or a new chunk. Returns the handle (or the pointer), 0 when the pool is exhausted.
 * @internal
 */
export function allocGeneral(pool: PoolState, wantPtr: boolean): number {
	const hdr = pool.hdr;
	if (hdr === 0) return rejectFreed(wantPtr ? "allocPtr" : "alloc", 0);
	let u32 = pool.heap.u32;
	let index = (u32[hdr + W_FREE_HEAD] as number) - 1;
	let word: number;
	let t: number;
	if (index >= 0) {
		t = pool.locate(index);
		const i32 = pool.heap.i32;
		const slot = (i32[t] as number) + index * pool.slotBytes;
		// In checked mode a write after free throws here, before anything changes.
		if (pool.checker !== undefined) pool.checker.verifyPoison(pool.heap.u8, index, slot);
		u32[hdr + W_FREE_HEAD] = u32[slot >>> 2] as number;
		const w = ((i32[t + 1] as number) + index * 4) >>> 2;
		word = (u32[w] as number) | LIVE;
		u32[w] = word;
	} else {
		index = u32[hdr + W_BUMP] as number;
		if (index >= (u32[hdr + W_CAPACITY] as number)) {
			if (!grow(pool.parent, hdr)) return 0;
			u32 = pool.heap.u32;
		}
		t = pool.locate(index);
		word = (pool.seed << GEN_SHIFT) | LIVE;
		u32[((pool.heap.i32[t + 1] as number) + index * 4) >>> 2] = word;
		u32[hdr + W_BUMP] = index + 1;
	}
	const ptr = (pool.heap.i32[t] as number) + index * pool.slotBytes;
	if (pool.checker !== undefined) pool.checker.onAlloc(pool.heap.u8, index, ptr);
	u32[hdr + W_LIVE] = (u32[hdr + W_LIVE] as number) + 1;
	if (wantPtr) return ptr;
	return ((word >>> GEN_SHIFT) << pool.indexBits) | index;
}

/** `ptr(handle)` beyond the fast path. @internal */
export function ptrGeneral(pool: PoolState, handle: PoolHandle): Ptr {
	const index = typeof handle === "number" ? handle & pool.indexMask : -1;
	const t = index >= 0 && (handle & HANDLE_MASK) === handle ? pool.locate(index) : -1;
	if (t < 0) return badHandle(pool, "ptr", handle, false);
	const i32 = pool.heap.i32;
	const word = pool.heap.u32[((i32[t + 1] as number) + index * 4) >>> 2] as number;
	if ((word & ~WRAPPED) !== (((handle >>> pool.indexBits) << GEN_SHIFT) | LIVE))
		return badHandle(pool, "ptr", handle, false);
	return (i32[t] as number) + index * pool.slotBytes;
}

/** `freeHandle(handle)` beyond the fast path. @internal */
export function freeHandleGeneral(pool: PoolState, handle: PoolHandle): void {
	const index = typeof handle === "number" ? handle & pool.indexMask : -1;
	const t = index >= 0 && (handle & HANDLE_MASK) === handle ? pool.locate(index) : -1;
	if (t < 0) {
		badHandle(pool, "freeHandle", handle, true);
		return;
	}
	const u32 = pool.heap.u32;
	const i32 = pool.heap.i32;
	const w = ((i32[t + 1] as number) + index * 4) >>> 2;
	const word = u32[w] as number;
	if ((word & ~WRAPPED) !== (((handle >>> pool.indexBits) << GEN_SHIFT) | LIVE)) {
		badHandle(pool, "freeHandle", handle, true);
		return;
	}
	const ptr = (i32[t] as number) + index * pool.slotBytes;
	if (pool.checker !== undefined) pool.checker.onFree(pool.heap.u8, index, ptr);
	pool.release(u32, pool.hdr, index, ptr, w, word);
}

/** `freePtr(ptr)` beyond the fast path. @internal */
export function freePtrGeneral(pool: PoolState, ptr: Ptr): void {
	if (ptr === 0) return;
	const hdr = pool.hdr;
	if (hdr === 0) {
		rejectFreed("freePtr", ptr);
		return;
	}
	const index = indexOf(pool, "freePtr", ptr);
	const u32 = pool.heap.u32;
	const w = ((pool.heap.i32[pool.locate(index) + 1] as number) + index * 4) >>> 2;
	const word = u32[w] as number;
	if ((word & LIVE) === 0) {
		rejectFreeSlot("freePtr", ptr, index);
		return;
	}
	if (pool.checker !== undefined) pool.checker.onFree(pool.heap.u8, index, ptr);
	pool.release(u32, hdr, index, ptr, w, word);
}

/** Index of the slot that starts at `ptr`; throws when `ptr` is not a slot start of this pool. @internal */
export function indexOf(pool: PoolState, operation: string, ptr: number): number {
	if (typeof ptr !== "number" || ptr >>> 0 !== ptr) {
		return rejectPtr(operation, ptr, `expected a non-negative integer address, got ${describeArgument(ptr)}`);
	}
	const u32 = pool.heap.u32;
	const i32 = pool.heap.i32;
	const hdr = pool.hdr;
	const slotBytes = pool.slotBytes;
	const chunks = u32[hdr + W_CHUNKS] as number;
	const capacity = u32[hdr + W_CAPACITY] as number;
	for (let k = 0; k < chunks; k++) {
		const start = k === 0 ? 0 : pool.seg0 * 2 ** (k - 1);
		const end = k === chunks - 1 ? capacity : pool.seg0 * 2 ** k;
		const base = chunkSlots(i32, hdr, k, pool.seg0, slotBytes);
		if (ptr >= base && ptr < base + (end - start) * slotBytes) {
			const slot = (ptr - base) / slotBytes;
			if (slot !== Math.floor(slot)) {
				return rejectPtr(
					operation,
					ptr,
					`${(ptr - base) % slotBytes} B inside slot ${start + Math.floor(slot)} of this pool, not its start`,
				);
			}
			const index = start + slot;
			if (index >= (u32[hdr + W_BUMP] as number)) return rejectFreeSlot(operation, ptr, index);
			return index;
		}
	}
	return rejectPtr(operation, ptr, "not a slot of this pool");
}

/**
 * Index of the live slot that starts at `ptr`; throws for a freed pool, a pointer that is not a slot
 * start of this pool, and a free slot. @internal
 */
export function liveSlot(pool: PoolState, operation: string, ptr: number): number {
	if (pool.hdr === 0) return rejectFreed(operation, ptr);
	const index = indexOf(pool, operation, ptr);
	const word = pool.heap.u32[((pool.heap.i32[pool.locate(index) + 1] as number) + index * 4) >>> 2] as number;
	if ((word & LIVE) === 0) return rejectFreeSlot(operation, ptr, index);
	return index;
}

/** Throws the precise error for a handle that failed the checks. @internal */
function badHandle(pool: PoolState, operation: string, handle: unknown, freeing: boolean): never {
	const hdr = pool.hdr;
	if (hdr === 0) return rejectFreed(operation, handle);
	const u32 = pool.heap.u32;
	const bump = u32[hdr + W_BUMP] as number;
	let word = 0;
	if (typeof handle === "number" && Number.isInteger(handle) && handle > 0 && handle <= 0x3fffffff) {
		const index = handle & pool.indexMask;
		if (index < bump) {
			const t = pool.locate(index);
			word = u32[((pool.heap.i32[t + 1] as number) + index * 4) >>> 2] as number;
		}
	}
	const ctx: HandleContext = {
		operation,
		indexBits: pool.indexBits,
		seed: pool.seed,
		genMax: pool.genMax,
		bump,
		word,
		history:
			pool.checker !== undefined && typeof handle === "number"
				? pool.checker.history(handle & pool.indexMask)
				: "",
	};
	return rejectHandle(handle, ctx, freeing);
}
