import type { Allocator, Ptr } from "@offheap/core";
import type { PoolHandle } from "./api.ts";
import { allocGeneral, freePtrGeneral, liveSlot } from "./internal/general-paths.ts";
import { GEN_SHIFT, LIVE, W_FREE_HEAD, W_LIVE, W_TABLE } from "./internal/layout.ts";
import { rejectAlign, rejectCount, rejectFreed, rejectPtr, rejectSize } from "./internal/reject.ts";
import { PoolState } from "./pool-state.ts";

/**
 * A pool's raw-pointer and {@link Allocator} side: slots by address, and `malloc` of up to
 * {@link PoolState.slotBytes} bytes so that a container can take its nodes from a pool. Every `Pool`
 * is one (a `Pool` extends this class); it is not made on its own.
 *
 * @example
 * ```ts
 * import { Pool, type PoolAllocator } from "@offheap/pool";
 * import { Heap } from "@offheap/core";
 * const nodes: PoolAllocator = new Pool(new Heap(), 24);
 * const p = nodes.malloc(20);
 * console.log(nodes.usableSize(p)); // 24
 * ```
 */
export class PoolAllocator extends PoolState implements Allocator {
	/**
	 * Takes a free slot and returns its address, in O(1): the fastest way in, without a handle.
	 * @returns the address, or `0` when the pool is exhausted (the pool is then unchanged).
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 24);
	 * const p = pool.allocPtr();
	 * console.log(p % 8, pool.handleOf(p) !== 0); // 0 true
	 * pool.freePtr(p);
	 * ```
	 */
	allocPtr(): Ptr {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const index = (u32[hdr + W_FREE_HEAD] as number) - 1;
		if (index < 0 || index >= this.fastLimit || hdr === 0) return allocGeneral(this, true);
		const i32 = this.heap.i32;
		const ptr = (i32[hdr + W_TABLE] as number) + index * this.slotBytes;
		u32[hdr + W_FREE_HEAD] = u32[ptr >>> 2] as number;
		const w = ((i32[hdr + W_TABLE + 1] as number) + index * 4) >>> 2;
		u32[w] = (u32[w] as number) | LIVE;
		u32[hdr + W_LIVE] = (u32[hdr + W_LIVE] as number) + 1;
		return ptr;
	}

	/**
	 * Frees the slot at `ptr`, in O(chunks) (one chunk for a pool that does not grow). `freePtr(0)` does
	 * nothing.
	 * @throws `InvalidPointerError` for a pointer that is not the start of a slot of this pool, and
	 * `DoubleFreeError` for a slot that is already free; the pool is then unchanged.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap, InvalidPointerError } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 24);
	 * const p = pool.allocPtr();
	 * try {
	 *   pool.freePtr(p + 8);
	 * } catch (error) {
	 *   console.log(error instanceof InvalidPointerError); // true: inside the slot, not its start
	 * }
	 * pool.freePtr(p);
	 * ```
	 */
	freePtr(ptr: Ptr): void {
		if (typeof ptr !== "number") {
			freePtrGeneral(this, ptr);
			return;
		}
		const hdr = this.hdr;
		const i32 = this.heap.i32;
		const offset = ptr - (i32[hdr + W_TABLE] as number);
		// An int32 index (not a double) keeps V8 from boxing it when it is passed on.
		const index = (offset * this.invSlot + 0.5) | 0;
		if (index * this.slotBytes !== offset || index >>> 0 >= this.fastLimit) {
			freePtrGeneral(this, ptr);
			return;
		}
		const u32 = this.heap.u32;
		const w = ((i32[hdr + W_TABLE + 1] as number) + index * 4) >>> 2;
		const word = u32[w] as number;
		if ((word & LIVE) === 0) {
			freePtrGeneral(this, ptr);
			return;
		}
		this.release(u32, hdr, index, ptr, w, word);
	}

	/**
	 * Allocates one slot when the request fits it: `size` at most {@link Pool.slotBytes} and `align` at
	 * most {@link Pool.slotAlign}.
	 * @returns the slot's address, or `0` when the request does not fit a slot or the pool is exhausted.
	 * @throws RangeError for a bad size or alignment.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const nodes = new Pool(new Heap(), 24, { growable: true });
	 * console.log(nodes.malloc(24) !== 0, nodes.malloc(25)); // true 0
	 * ```
	 */
	malloc(size: number, align?: number): Ptr {
		if (typeof size !== "number" || size >>> 0 !== size) return rejectSize("malloc", size);
		if (
			align !== undefined &&
			(typeof align !== "number" ||
				align >>> 0 !== align ||
				align === 0 ||
				(align & (align - 1)) !== 0 ||
				align > 4096)
		) {
			return rejectAlign("malloc", align);
		}
		if (size > this.slotBytes || (align !== undefined && align > this.slotAlign)) return 0;
		if (this.hdr === 0) return rejectFreed("malloc", size);
		return this.allocPtr();
	}

	/**
	 * Allocates one zeroed slot when `count * size` fits it.
	 * @returns the address, or `0` when the request does not fit a slot or the pool is exhausted.
	 * @throws RangeError when `count` or `size` is not a non-negative integer.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const pool = new Pool(heap, 16);
	 * const p = pool.calloc(4, 4);
	 * console.log(heap.u32[(p >>> 2) + 3]); // 0
	 * ```
	 */
	calloc(count: number, size: number): Ptr {
		if (typeof count !== "number" || count >>> 0 !== count) return rejectCount("calloc", count);
		if (typeof size !== "number" || size >>> 0 !== size) return rejectSize("calloc", size);
		if (count * size > this.slotBytes) return 0;
		const ptr = this.malloc(0);
		if (ptr !== 0) this.heap.u8.fill(0, ptr, ptr + this.slotBytes);
		return ptr;
	}

	/**
	 * Resizes within a slot: `ptr` itself when `size` fits a slot, else `0` (a slot cannot grow; the
	 * block is then untouched). `realloc(0, n)` is `malloc(n)`.
	 * @throws as {@link Pool.freePtr} does for a bad pointer, RangeError for a bad size.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 32);
	 * const p = pool.allocPtr();
	 * console.log(pool.realloc(p, 20) === p, pool.realloc(p, 64)); // true 0
	 * ```
	 */
	realloc(ptr: Ptr, size: number): Ptr {
		if (ptr === 0) return this.malloc(size);
		liveSlot(this, "realloc", ptr);
		if (typeof size !== "number" || size >>> 0 !== size) return rejectSize("realloc", size);
		return size <= this.slotBytes ? ptr : 0;
	}

	/** Returns every chunk and the header to the parent; the pool (and every view of it) is then dead. */
	free(): void;
	/**
	 * Frees the slot at `ptr`, as {@link Pool.freePtr} does. `free(0)` does nothing.
	 * @throws `InvalidPointerError` or `DoubleFreeError`, as {@link Pool.freePtr} does.
	 */
	free(ptr: Ptr): void;
	/**
	 * Without an argument, returns everything to the parent (as `[Symbol.dispose]` does); with a
	 * pointer, frees that slot as an {@link Allocator} does.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const pool = new Pool(heap, 16, { capacity: 64 });
	 * pool.free(pool.malloc(16));
	 * pool.allocOrThrow(); // still live when the pool goes: freed with it
	 * pool.free();
	 * console.log(heap.stats().liveBlocks); // 0
	 * ```
	 */
	free(ptr?: Ptr): void {
		if (ptr === undefined) {
			// biome-ignore lint/complexity/noArguments: free() and free(undefined) must not mean the same.
			if (arguments.length === 0) {
				this.destroy();
				return;
			}
			rejectPtr("free", ptr, "expected a pointer, got undefined");
			return;
		}
		this.freePtr(ptr);
	}

	/**
	 * Bytes usable at `ptr`: {@link Pool.slotBytes} for the start of a live slot.
	 * @throws as {@link Pool.freePtr} does for a pointer that is not a live slot's start.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), { size: 20, align: 4 });
	 * console.log(pool.usableSize(pool.allocPtr())); // 24
	 * ```
	 */
	usableSize(ptr: Ptr): number {
		liveSlot(this, "usableSize", ptr);
		return this.slotBytes;
	}

	/**
	 * The handle of the live slot at `ptr`, in O(chunks): to hand out a checked handle for a slot
	 * reached by address (a list node, say).
	 * @throws as {@link Pool.freePtr} does, for a pointer that is not a live slot's start.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 8);
	 * const h = pool.allocOrThrow();
	 * console.log(pool.handleOf(pool.ptr(h)) === h); // true
	 * ```
	 */
	handleOf(ptr: Ptr): PoolHandle {
		const index = liveSlot(this, "handleOf", ptr);
		const word = this.heap.u32[
			((this.heap.i32[this.locate(index) + 1] as number) + index * 4) >>> 2
		] as number;
		return (word >>> GEN_SHIFT) * 2 ** this.indexBits + index;
	}
}
