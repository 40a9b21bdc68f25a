import type { Allocator, Ptr } from "@offheap/core";
import type { PoolHandle } from "./api.ts";
import { OPEN_AT, type OpenOptions } from "./internal/chunks.ts";
import { allocGeneral, freeHandleGeneral, ptrGeneral } from "./internal/general-paths.ts";
import { GEN_SHIFT, HANDLE_MASK, LIVE, W_FREE_HEAD, W_LIVE, W_TABLE, WRAPPED } from "./internal/layout.ts";
import { PoolAllocator } from "./pool-allocator.ts";

/**
 * A pool of fixed-size slots taken in chunks from a parent allocator: O(1) allocation and free through
 * an intrusive free list, a hard budget (`capacity`) or growth by chunks, and handles that carry a
 * generation so that a handle used after its slot was freed is caught in O(1).
 *
 * Three ways in, from safest to fastest:
 * - handles: {@link Pool.alloc} / {@link Pool.allocOrThrow} return a {@link PoolHandle},
 *   {@link Pool.ptr} turns it into an address after checking its generation, {@link Pool.freeHandle}
 *   frees it; a stale handle throws.
 * - raw pointers: {@link Pool.allocPtr} / {@link Pool.freePtr}; a freed or foreign pointer still
 *   throws, but a pointer kept after its slot was freed and handed out again cannot be told apart.
 * - the {@link Allocator} interface (`malloc` of up to {@link Pool.slotBytes} bytes, `free`, …), so a
 *   linked list can take its nodes from a pool.
 *
 * The pool's header, free list, generations and counters live in the parent's heap; the object is a
 * view that {@link Pool.open} recreates from `(parent, address)`.
 *
 * @example
 * ```ts
 * import { Pool } from "@offheap/pool";
 * import { Heap } from "@offheap/core";
 * const heap = new Heap();
 * const bullets = new Pool(heap, { size: 16, align: 8 }, { capacity: 1000 });
 * const b = bullets.allocOrThrow();
 * heap.f64[bullets.ptr(b) >>> 3] = 12.5; // x
 * bullets.freeHandle(b);
 * console.log(bullets.isLive(b)); // false: the handle is stale now
 * ```
 */
export class Pool extends PoolAllocator {
	/**
	 * Recreates the view of a pool whose header is at `address` in `parent`'s heap.
	 * @throws `InvalidPointerError` when no pool header is there.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const pool = new Pool(heap, 8);
	 * const h = pool.allocOrThrow();
	 * const again = Pool.open(heap, pool.address);
	 * console.log(again.ptr(h) === pool.ptr(h), again.live); // true 1
	 * ```
	 */
	static open(parent: Allocator, address: Ptr): Pool {
		const options: OpenOptions = { [OPEN_AT]: address };
		return new Pool(parent, 0, options);
	}

	/**
	 * Takes a free slot and returns its handle, in O(1). The slot's bytes are whatever they were
	 * (use {@link Pool.calloc} for zeroed memory).
	 * @returns the handle, or {@link NULL_HANDLE} (`0`) when every slot is live and the pool may not or
	 * cannot grow; the pool is then unchanged.
	 * @example
	 * ```ts
	 * import { NULL_HANDLE, Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 32, { capacity: 2 });
	 * const handles = [pool.alloc(), pool.alloc(), pool.alloc()];
	 * console.log(handles.map((h) => h !== NULL_HANDLE)); // [ true, true, false ]
	 * ```
	 */
	alloc(): PoolHandle {
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const index = (u32[hdr + W_FREE_HEAD] as number) - 1;
		if (index < 0 || index >= this.fastLimit || hdr === 0) return allocGeneral(this, false);
		const i32 = this.heap.i32;
		u32[hdr + W_FREE_HEAD] = u32[((i32[hdr + W_TABLE] as number) + index * this.slotBytes) >>> 2] as number;
		const w = ((i32[hdr + W_TABLE + 1] as number) + index * 4) >>> 2;
		const word = (u32[w] as number) | LIVE;
		u32[w] = word;
		u32[hdr + W_LIVE] = (u32[hdr + W_LIVE] as number) + 1;
		return ((word >>> GEN_SHIFT) << this.indexBits) | index;
	}

	/**
	 * Like {@link Pool.alloc}, but throws instead of returning {@link NULL_HANDLE}.
	 * @throws `OutOfMemoryError` when the pool's budget is spent or the parent cannot hold another chunk.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap, OutOfMemoryError } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 32, { capacity: 1 });
	 * pool.allocOrThrow();
	 * try {
	 *   pool.allocOrThrow();
	 * } catch (error) {
	 *   console.log(error instanceof OutOfMemoryError); // true
	 * }
	 * ```
	 */
	allocOrThrow(): PoolHandle {
		const handle = this.alloc();
		if (handle === 0) throw this.exhausted("allocOrThrow");
		return handle;
	}

	/**
	 * The address of a live handle's slot, in O(1).
	 * @throws `InvalidPointerError` for a stale handle (its slot was freed), a handle of another pool,
	 * or anything that is not a handle.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const pool = new Pool(heap, 8);
	 * const h = pool.allocOrThrow();
	 * heap.u32[pool.ptr(h) >>> 2] = 7;
	 * console.log(heap.u32[pool.ptr(h) >>> 2]); // 7
	 * ```
	 */
	ptr(handle: PoolHandle): Ptr {
		// A bigint or a symbol must not reach `&`, whose TypeError would name neither it nor ptr.
		if (typeof handle !== "number") return ptrGeneral(this, handle);
		const index = handle & this.indexMask;
		if (index >= this.fastLimit || (handle & HANDLE_MASK) !== handle) return ptrGeneral(this, handle);
		const hdr = this.hdr;
		const i32 = this.heap.i32;
		const word = this.heap.u32[((i32[hdr + W_TABLE + 1] as number) + index * 4) >>> 2] as number;
		if ((word & ~WRAPPED) !== (((handle >>> this.indexBits) << GEN_SHIFT) | LIVE))
			return ptrGeneral(this, handle);
		return (i32[hdr + W_TABLE] as number) + index * this.slotBytes;
	}

	/**
	 * Whether `handle` names a live slot of this pool. Never throws, whatever it is given.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 8);
	 * const h = pool.allocOrThrow();
	 * pool.freeHandle(h);
	 * console.log(pool.isLive(h), pool.isLive(12345), pool.isLive(0)); // false false false
	 * ```
	 */
	isLive(handle: PoolHandle): boolean {
		if (typeof handle !== "number") return false;
		const index = handle & this.indexMask;
		if ((handle & HANDLE_MASK) !== handle) return false;
		const t = this.locate(index);
		if (t < 0) return false;
		const word = this.heap.u32[((this.heap.i32[t + 1] as number) + index * 4) >>> 2] as number;
		return (word & ~WRAPPED) === (((handle >>> this.indexBits) << GEN_SHIFT) | LIVE);
	}

	/**
	 * Frees a handle's slot in O(1): the slot's generation moves on, so this handle (and every copy of
	 * it) is stale from now on.
	 * @throws `DoubleFreeError` for a handle whose slot was already freed since it was issued, and
	 * `InvalidPointerError` for a handle of another pool or anything that is not a handle; the pool is
	 * then unchanged.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { DoubleFreeError, Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 8);
	 * const h = pool.allocOrThrow();
	 * pool.freeHandle(h);
	 * try {
	 *   pool.freeHandle(h);
	 * } catch (error) {
	 *   console.log(error instanceof DoubleFreeError); // true
	 * }
	 * ```
	 */
	freeHandle(handle: PoolHandle): void {
		if (typeof handle !== "number") {
			freeHandleGeneral(this, handle);
			return;
		}
		const index = handle & this.indexMask;
		if (index >= this.fastLimit || (handle & HANDLE_MASK) !== handle) {
			freeHandleGeneral(this, handle);
			return;
		}
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const i32 = this.heap.i32;
		const w = ((i32[hdr + W_TABLE + 1] as number) + index * 4) >>> 2;
		const word = u32[w] as number;
		if ((word & ~WRAPPED) !== (((handle >>> this.indexBits) << GEN_SHIFT) | LIVE)) {
			freeHandleGeneral(this, handle);
			return;
		}
		this.release(u32, hdr, index, (i32[hdr + W_TABLE] as number) + index * this.slotBytes, w, word);
	}
}
