import type { Allocator, Heap, Ptr } from "@offheap/core";
import type { PoolHandle, PoolOptions, PoolStats, SlotType } from "./api.ts";
import { CheckedSlots } from "./internal/checked-slots.ts";
import { chunkSlots, formatPool, grow, openPool, releaseAll } from "./internal/chunks.ts";
import {
	GEN_SHIFT,
	HANDLE_MASK,
	LIVE,
	W_ALIGN,
	W_BUMP,
	W_CAPACITY,
	W_CHUNKS,
	W_FREE_HEAD,
	W_GROWABLE,
	W_INDEX_BITS,
	W_LIVE,
	W_MAX_CAPACITY,
	W_RESERVED,
	W_SEED,
	W_SEG0,
	W_SHIFT,
	W_SLOT_BYTES,
	W_TABLE,
	WRAPPED,
} from "./internal/layout.ts";
import {
	exhausted,
	type HandleContext,
	rejectAlign,
	rejectCount,
	rejectFreed,
	rejectFreeSlot,
	rejectHandle,
	rejectPtr,
	rejectSize,
} from "./internal/reject.ts";

const OPEN: unique symbol = Symbol("offheap.pool.open");
interface OpenOptions extends PoolOptions {
	[OPEN]?: number;
}

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
export class Pool implements Allocator {
	/** The allocator the pool takes its header and chunks from. */
	readonly parent: Allocator;
	/** The heap whose buffer holds the slots (the parent's heap). */
	readonly heap: Heap;
	/** Bytes of one slot: what `malloc` can hand out and `usableSize` reports. */
	readonly slotBytes: number;
	/** Alignment of every slot (at least 8). */
	readonly slotAlign: number;
	/** u32 index of the header; 0 once the pool is freed. */
	private hdr: number;
	private indexBits: number;
	private indexMask: number;
	/**
	 * Slots of chunk 0 (for growable pools a power of two, `2^shift`); the hot paths take indices below
	 * it and leave the rest to the general ones. 0 once the pool is freed, which sends every call there.
	 */
	private seg0: number;
	/**
	 * The hot paths take slot indices below this: `seg0`, or 0 in checked mode and once the pool is
	 * freed, which sends every call to the general paths.
	 */
	private fastLimit: number;
	/** Checked mode's poisoning and allocation sites, when the heap is checked. */
	private readonly checker: CheckedSlots | undefined;
	private invSlot: number;
	private shift: number;
	private seed: number;
	private genMax: number;

	/**
	 * Creates a pool and takes its header and first chunk of slots from `parent`.
	 * @param parent - where the pool's header and chunks come from: a `Heap`, an arena, …
	 * @param slot - bytes of one slot, or a type with `size` and `align` (a struct type of
	 * `@offheap/struct` fits). Slots are at least 8 bytes and 8-aligned.
	 * @param options - capacity and growth; see {@link PoolOptions}.
	 * @throws RangeError for a bad slot type or options, and `OutOfMemoryError` when the parent cannot
	 * hold the header and first chunk (nothing is left allocated then).
	 */
	constructor(parent: Allocator, slot: number | SlotType, options: PoolOptions = {}) {
		this.parent = parent;
		this.heap = parent.heap;
		const opened = (options as OpenOptions)[OPEN];
		const address = opened === undefined ? formatPool(parent, slot, options) : openPool(parent, opened);
		const hdr = address >>> 2;
		const u32 = this.heap.u32;
		this.hdr = hdr;
		this.slotBytes = u32[hdr + W_SLOT_BYTES] as number;
		this.slotAlign = u32[hdr + W_ALIGN] as number;
		this.indexBits = u32[hdr + W_INDEX_BITS] as number;
		this.indexMask = (1 << this.indexBits) - 1;
		this.seg0 = u32[hdr + W_SEG0] as number;
		this.checker = this.heap.checked ? new CheckedSlots(this.slotBytes) : undefined;
		this.fastLimit = this.checker === undefined ? this.seg0 : 0;
		this.shift = u32[hdr + W_SHIFT] as number;
		this.seed = u32[hdr + W_SEED] as number;
		this.genMax = (1 << (30 - this.indexBits)) - 1;
		this.invSlot = 1 / this.slotBytes;
	}

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
		const options: OpenOptions = { [OPEN]: address };
		return new Pool(parent, 0, options);
	}

	/** Address of the pool's header in the heap: what {@link Pool.open} takes. 0 once freed. */
	get address(): Ptr {
		return this.hdr * 4;
	}

	/** Slots in use. */
	get live(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_LIVE] as number);
	}

	/** Slots held: live plus free. */
	get capacity(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_CAPACITY] as number);
	}

	/** Most slots ever live at once. */
	get highWater(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_BUMP] as number);
	}

	// ---------------------------------------------------------------- handles

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
		if (index < 0 || index >= this.fastLimit || hdr === 0) return this.allocGeneral(false);
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
		const index = handle & this.indexMask;
		if (index >= this.fastLimit || (handle & HANDLE_MASK) !== handle) return this.ptrGeneral(handle);
		const hdr = this.hdr;
		const i32 = this.heap.i32;
		const word = this.heap.u32[((i32[hdr + W_TABLE + 1] as number) + index * 4) >>> 2] as number;
		if ((word & ~WRAPPED) !== (((handle >>> this.indexBits) << GEN_SHIFT) | LIVE))
			return this.ptrGeneral(handle);
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
		const index = handle & this.indexMask;
		if (index >= this.fastLimit || (handle & HANDLE_MASK) !== handle) {
			this.freeHandleGeneral(handle);
			return;
		}
		const hdr = this.hdr;
		const u32 = this.heap.u32;
		const i32 = this.heap.i32;
		const w = ((i32[hdr + W_TABLE + 1] as number) + index * 4) >>> 2;
		const word = u32[w] as number;
		if ((word & ~WRAPPED) !== (((handle >>> this.indexBits) << GEN_SHIFT) | LIVE)) {
			this.freeHandleGeneral(handle);
			return;
		}
		this.release(u32, hdr, index, (i32[hdr + W_TABLE] as number) + index * this.slotBytes, w, word);
	}

	// ---------------------------------------------------------------- raw pointers

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
		if (index < 0 || index >= this.fastLimit || hdr === 0) return this.allocGeneral(true);
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
		const hdr = this.hdr;
		const i32 = this.heap.i32;
		const offset = ptr - (i32[hdr + W_TABLE] as number);
		// An int32 index (not a double) keeps V8 from boxing it when it is passed on.
		const index = (offset * this.invSlot + 0.5) | 0;
		if (index * this.slotBytes !== offset || index >>> 0 >= this.fastLimit) {
			this.freePtrGeneral(ptr);
			return;
		}
		const u32 = this.heap.u32;
		const w = ((i32[hdr + W_TABLE + 1] as number) + index * 4) >>> 2;
		const word = u32[w] as number;
		if ((word & LIVE) === 0) {
			this.freePtrGeneral(ptr);
			return;
		}
		this.release(u32, hdr, index, ptr, w, word);
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
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("handleOf", ptr);
		const index = this.indexOf("handleOf", ptr);
		const t = this.locate(index);
		const word = this.heap.u32[((this.heap.i32[t + 1] as number) + index * 4) >>> 2] as number;
		if ((word & LIVE) === 0) return rejectFreeSlot("handleOf", ptr, index);
		return (word >>> GEN_SHIFT) * 2 ** this.indexBits + index;
	}

	// ---------------------------------------------------------------- Allocator

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
		if (size >>> 0 !== size) return rejectSize("malloc", size);
		if (
			align !== undefined &&
			(align >>> 0 !== align || align === 0 || (align & (align - 1)) !== 0 || align > 4096)
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
		if (count >>> 0 !== count) return rejectCount("calloc", count);
		if (size >>> 0 !== size) return rejectSize("calloc", size);
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
		this.usableSize(ptr);
		if (size >>> 0 !== size) return rejectSize("realloc", size);
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
		this.handleOf(ptr);
		return this.slotBytes;
	}

	// ---------------------------------------------------------------- whole pool

	/**
	 * Calls `visit(handle, ptr)` for every live slot, in slot order, creating no objects per slot.
	 * Freeing the visited slot is allowed; slots allocated during the walk may or may not be visited.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const pool = new Pool(heap, 8);
	 * for (let i = 0; i < 5; i++) heap.f64[pool.ptr(pool.allocOrThrow()) >>> 3] = i;
	 * let sum = 0;
	 * pool.forEach((_handle, ptr) => {
	 *   sum += heap.f64[ptr >>> 3];
	 * });
	 * console.log(sum); // 10
	 * ```
	 */
	forEach(visit: (handle: PoolHandle, ptr: Ptr) => void): void {
		const hdr = this.hdr;
		if (hdr === 0) {
			rejectFreed("forEach", 0);
			return;
		}
		const heap = this.heap;
		const slotBytes = this.slotBytes;
		const scale = 2 ** this.indexBits;
		for (let index = 0; index < (heap.u32[hdr + W_BUMP] as number); index++) {
			const t = this.locate(index);
			const word = heap.u32[((heap.i32[t + 1] as number) + index * 4) >>> 2] as number;
			if ((word & LIVE) !== 0)
				visit((word >>> GEN_SHIFT) * scale + index, (heap.i32[t] as number) + index * slotBytes);
		}
	}

	/**
	 * The handles of the live slots, in slot order (each step creates an iterator result; use
	 * {@link Pool.forEach} in hot loops).
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 8);
	 * const a = pool.allocOrThrow();
	 * const b = pool.allocOrThrow();
	 * pool.freeHandle(a);
	 * console.log([...pool].length, [...pool][0] === b); // 1 true
	 * ```
	 */
	*[Symbol.iterator](): IterableIterator<PoolHandle> {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("iterate", 0);
		const scale = 2 ** this.indexBits;
		for (let index = 0; index < (this.heap.u32[hdr + W_BUMP] as number); index++) {
			const t = this.locate(index);
			const word = this.heap.u32[((this.heap.i32[t + 1] as number) + index * 4) >>> 2] as number;
			if ((word & LIVE) !== 0) yield (word >>> GEN_SHIFT) * scale + index;
		}
	}

	/**
	 * Frees every live slot at once, in O(high-water): every handle issued so far goes stale. The pool
	 * keeps its chunks.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 8, { capacity: 10 });
	 * const h = pool.allocOrThrow();
	 * pool.clear();
	 * console.log(pool.live, pool.isLive(h)); // 0 false
	 * ```
	 */
	clear(): void {
		const hdr = this.hdr;
		if (hdr === 0) {
			rejectFreed("clear", 0);
			return;
		}
		const u32 = this.heap.u32;
		const i32 = this.heap.i32;
		for (let index = (u32[hdr + W_BUMP] as number) - 1; index >= 0; index--) {
			const t = this.locate(index);
			const w = ((i32[t + 1] as number) + index * 4) >>> 2;
			const word = u32[w] as number;
			if ((word & LIVE) !== 0)
				this.release(u32, hdr, index, (i32[t] as number) + index * this.slotBytes, w, word);
		}
	}

	/**
	 * Counters, in O(1).
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 8, { capacity: 1000 });
	 * console.log(pool.stats().generationBits); // 20: 10 bits of index for 1000 slots
	 * ```
	 */
	stats(): PoolStats {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("stats", 0);
		const u32 = this.heap.u32;
		return {
			live: u32[hdr + W_LIVE] as number,
			capacity: u32[hdr + W_CAPACITY] as number,
			highWater: u32[hdr + W_BUMP] as number,
			maxCapacity: u32[hdr + W_MAX_CAPACITY] as number,
			slotBytes: this.slotBytes,
			chunks: u32[hdr + W_CHUNKS] as number,
			reservedBytes: u32[hdr + W_RESERVED] as number,
			generationBits: 30 - this.indexBits,
		};
	}

	/**
	 * Same as `free()`: returns every chunk and the header to the parent.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * {
	 *   using pool = new Pool(heap, 64);
	 *   pool.allocOrThrow();
	 * }
	 * console.log(heap.stats().liveBlocks); // 0
	 * ```
	 */
	[Symbol.dispose](): void {
		if (this.hdr !== 0) this.destroy();
	}

	// ---------------------------------------------------------------- internals

	/**
	 * Word index of the chunk-table entry of slot `index`, or -1 when no chunk holds it (or the pool
	 * was freed).
	 */
	private locate(index: number): number {
		const hdr = this.hdr;
		if (hdr === 0 || index < 0) return -1;
		const u32 = this.heap.u32;
		if (index >= (u32[hdr + W_CAPACITY] as number)) return -1;
		const k = index < (u32[hdr + W_SEG0] as number) ? 0 : 32 - Math.clz32(index >>> this.shift);
		return hdr + W_TABLE + 2 * k;
	}

	/**
	 * `alloc`/`allocPtr` beyond the fast path: a slot never handed out, a free slot in a later chunk,
	 * or a new chunk. Returns the handle (or the pointer), 0 when the pool is exhausted.
	 */
	private allocGeneral(wantPtr: boolean): number {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed(wantPtr ? "allocPtr" : "alloc", 0);
		let u32 = this.heap.u32;
		let index = (u32[hdr + W_FREE_HEAD] as number) - 1;
		let word: number;
		let t: number;
		if (index >= 0) {
			t = this.locate(index);
			const i32 = this.heap.i32;
			const slot = (i32[t] as number) + index * this.slotBytes;
			// In checked mode a write after free throws here, before anything changes.
			if (this.checker !== undefined) this.checker.verifyPoison(this.heap.u8, index, slot);
			u32[hdr + W_FREE_HEAD] = u32[slot >>> 2] as number;
			const w = ((i32[t + 1] as number) + index * 4) >>> 2;
			word = (u32[w] as number) | LIVE;
			u32[w] = word;
		} else {
			index = u32[hdr + W_BUMP] as number;
			if (index >= (u32[hdr + W_CAPACITY] as number)) {
				if (!grow(this.parent, hdr)) return 0;
				u32 = this.heap.u32;
			}
			t = this.locate(index);
			word = (this.seed << GEN_SHIFT) | LIVE;
			u32[((this.heap.i32[t + 1] as number) + index * 4) >>> 2] = word;
			u32[hdr + W_BUMP] = index + 1;
		}
		const ptr = (this.heap.i32[t] as number) + index * this.slotBytes;
		if (this.checker !== undefined) this.checker.onAlloc(this.heap.u8, index, ptr);
		u32[hdr + W_LIVE] = (u32[hdr + W_LIVE] as number) + 1;
		if (wantPtr) return ptr;
		return ((word >>> GEN_SHIFT) << this.indexBits) | index;
	}

	private ptrGeneral(handle: PoolHandle): Ptr {
		const index = handle & this.indexMask;
		const t = (handle & HANDLE_MASK) === handle ? this.locate(index) : -1;
		if (t < 0) return this.badHandle("ptr", handle, false);
		const i32 = this.heap.i32;
		const word = this.heap.u32[((i32[t + 1] as number) + index * 4) >>> 2] as number;
		if ((word & ~WRAPPED) !== (((handle >>> this.indexBits) << GEN_SHIFT) | LIVE))
			return this.badHandle("ptr", handle, false);
		return (i32[t] as number) + index * this.slotBytes;
	}

	private freeHandleGeneral(handle: PoolHandle): void {
		const index = handle & this.indexMask;
		const t = (handle & HANDLE_MASK) === handle ? this.locate(index) : -1;
		if (t < 0) {
			this.badHandle("freeHandle", handle, true);
			return;
		}
		const u32 = this.heap.u32;
		const i32 = this.heap.i32;
		const w = ((i32[t + 1] as number) + index * 4) >>> 2;
		const word = u32[w] as number;
		if ((word & ~WRAPPED) !== (((handle >>> this.indexBits) << GEN_SHIFT) | LIVE)) {
			this.badHandle("freeHandle", handle, true);
			return;
		}
		const ptr = (i32[t] as number) + index * this.slotBytes;
		if (this.checker !== undefined) this.checker.onFree(this.heap.u8, index, ptr);
		this.release(u32, this.hdr, index, ptr, w, word);
	}

	private freePtrGeneral(ptr: Ptr): void {
		if (ptr === 0) return;
		const hdr = this.hdr;
		if (hdr === 0) {
			rejectFreed("freePtr", ptr);
			return;
		}
		const index = this.indexOf("freePtr", ptr);
		const u32 = this.heap.u32;
		const w = ((this.heap.i32[this.locate(index) + 1] as number) + index * 4) >>> 2;
		const word = u32[w] as number;
		if ((word & LIVE) === 0) {
			rejectFreeSlot("freePtr", ptr, index);
			return;
		}
		if (this.checker !== undefined) this.checker.onFree(this.heap.u8, index, ptr);
		this.release(u32, hdr, index, ptr, w, word);
	}

	/** Frees live slot `index` at `ptr`, whose generation word is `u32[w] = word`. */
	private release(u32: Uint32Array, hdr: number, index: number, ptr: number, w: number, word: number): void {
		const gen = word >>> GEN_SHIFT;
		const next = gen === this.genMax ? 1 : gen + 1;
		u32[w] = (next << GEN_SHIFT) | (next === this.seed ? WRAPPED : word & WRAPPED);
		u32[ptr >>> 2] = u32[hdr + W_FREE_HEAD] as number;
		u32[hdr + W_FREE_HEAD] = index + 1;
		u32[hdr + W_LIVE] = (u32[hdr + W_LIVE] as number) - 1;
	}

	/** Index of the slot that starts at `ptr`; throws when `ptr` is not a slot start of this pool. */
	private indexOf(operation: string, ptr: number): number {
		if (typeof ptr !== "number" || ptr >>> 0 !== ptr) {
			return rejectPtr(operation, ptr, `expected a non-negative integer address, got ${String(ptr)}`);
		}
		const u32 = this.heap.u32;
		const i32 = this.heap.i32;
		const hdr = this.hdr;
		const slotBytes = this.slotBytes;
		const chunks = u32[hdr + W_CHUNKS] as number;
		const capacity = u32[hdr + W_CAPACITY] as number;
		for (let k = 0; k < chunks; k++) {
			const start = k === 0 ? 0 : this.seg0 * 2 ** (k - 1);
			const end = k === chunks - 1 ? capacity : this.seg0 * 2 ** k;
			const base = chunkSlots(i32, hdr, k, this.seg0, slotBytes);
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

	private badHandle(operation: string, handle: unknown, freeing: boolean): never {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed(operation, handle);
		const u32 = this.heap.u32;
		const bump = u32[hdr + W_BUMP] as number;
		let word = 0;
		if (typeof handle === "number" && Number.isInteger(handle) && handle > 0 && handle <= 0x3fffffff) {
			const index = handle & this.indexMask;
			if (index < bump) {
				const t = this.locate(index);
				word = u32[((this.heap.i32[t + 1] as number) + index * 4) >>> 2] as number;
			}
		}
		const ctx: HandleContext = {
			operation,
			indexBits: this.indexBits,
			seed: this.seed,
			genMax: this.genMax,
			bump,
			word,
			history:
				this.checker !== undefined && typeof handle === "number"
					? this.checker.history(handle & this.indexMask)
					: "",
		};
		return rejectHandle(handle, ctx, freeing);
	}

	private exhausted(operation: string): Error {
		const u32 = this.heap.u32;
		const hdr = this.hdr;
		return exhausted(
			operation,
			this.slotBytes,
			u32[hdr + W_CAPACITY] as number,
			u32[hdr + W_MAX_CAPACITY] as number,
			u32[hdr + W_GROWABLE] !== 0,
		);
	}

	private destroy(): void {
		const hdr = this.hdr;
		if (hdr === 0) {
			rejectFreed("free", 0);
			return;
		}
		releaseAll(this.parent, hdr);
		this.hdr = 0;
		this.seg0 = 0;
		this.fastLimit = 0;
	}
}
