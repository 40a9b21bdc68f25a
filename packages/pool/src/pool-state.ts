import type { Allocator, Heap, Ptr } from "@offheap/core";
import type { PoolHandle, PoolOptions, PoolStats, SlotType } from "./api.ts";
import { CheckedSlots } from "./internal/checked-slots.ts";
import { formatPool, OPEN_AT, type OpenOptions, openPool, releaseAll } from "./internal/chunks.ts";
import {
	GEN_SHIFT,
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
import { checkParent, exhausted, rejectFreed } from "./internal/reject.ts";
import { verifyPool } from "./internal/verify.ts";

/**
 * The state of a {@link Pool}: its counters, walking its live slots, and giving it all back. Every
 * `Pool` is one (a `Pool` extends {@link PoolAllocator}, which extends this class); it is not made
 * on its own.
 *
 * @example
 * ```ts
 * import { Pool, type PoolState } from "@offheap/pool";
 * import { Heap } from "@offheap/core";
 * const pool = new Pool(new Heap(), 16, { capacity: 8 });
 * pool.allocOrThrow();
 * const state: PoolState = pool;
 * console.log(state.live, state.capacity); // 1 8
 * ```
 */
export class PoolState {
	/** The allocator the pool takes its header and chunks from. */
	declare readonly parent: Allocator;
	/** The heap whose buffer holds the slots (the parent's heap). */
	declare readonly heap: Heap;
	/** Bytes of one slot: what `malloc` can hand out and `usableSize` reports. */
	declare readonly slotBytes: number;
	/** Alignment of every slot (at least 8). */
	declare readonly slotAlign: number;
	/** u32 index of the header; 0 once the pool is freed. @internal */
	declare hdr: number;
	/** Bits of a handle that hold the slot index. @internal */
	declare indexBits: number;
	/** `2^indexBits - 1`. @internal */
	declare indexMask: number;
	/**
	 * Slots of chunk 0 (for growable pools a power of two, `2^shift`); the hot paths take indices below
	 * it and leave the rest to the general ones. 0 once the pool is freed.
	 * @internal
	 */
	declare seg0: number;
	/**
	 * The hot paths take slot indices below this: `seg0`, or 0 in checked mode and once the pool is
	 * freed, which sends every call to the general paths.
	 * @internal
	 */
	declare fastLimit: number;
	/** Checked mode's poisoning and allocation sites, when the heap is checked. @internal */
	declare readonly checker: CheckedSlots | undefined;
	/** `1 / slotBytes`, to find a slot's index from its address with a multiply. @internal */
	declare invSlot: number;
	/** log2 of `seg0` for a growable pool (31 otherwise): chunk k ≥ 1 starts at `seg0 << (k - 1)`. @internal */
	declare shift: number;
	/** The generation slots start at (derived from the pool's address). @internal */
	declare seed: number;
	/** The largest generation; after it comes 1. @internal */
	declare genMax: number;

	/**
	 * Creates a pool and takes its header and first chunk of slots from `parent`.
	 * @param parent - where the pool's header and chunks come from: a `Heap`, an arena, …
	 * @param slot - bytes of one slot, or a type with `size` and `align` (a struct type of
	 * `@offheap/struct` fits). Slots are at least 8 bytes and 8-aligned.
	 * @param options - capacity and growth; see {@link PoolOptions}.
	 * @throws TypeError for a parent that is not an allocator, for options that are not an object or
	 * that hold a key {@link PoolOptions} does not have (a misspelt option is never ignored), RangeError
	 * for a bad slot type or option value, and `OutOfMemoryError` when the parent cannot hold the header
	 * and the first chunk, which share one block: the parent is then exactly as it was.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const pool = new Pool(heap, 24, { capacity: 100 });
	 * console.log(pool.capacity, heap.stats().liveBlocks); // 100 1: header and slots in one block
	 * try {
	 *   new Pool(heap, 24, { capacty: 100 } as object);
	 * } catch (error) {
	 *   console.log((error as TypeError).message);
	 *   // Pool: unknown option "capacty" (valid options: capacity, growable, maxCapacity)
	 * }
	 * ```
	 */
	constructor(parent: Allocator, slot: number | SlotType, options: PoolOptions = {}) {
		checkParent(parent);
		this.parent = parent;
		this.heap = parent.heap;
		const opened =
			typeof options === "object" && options !== null ? (options as OpenOptions)[OPEN_AT] : undefined;
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
	 * Address of the pool's header in the heap: what {@link Pool.open} takes. 0 once freed.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const pool = new Pool(heap, 8);
	 * console.log(Pool.open(heap, pool.address).slotBytes); // 8
	 * pool.free();
	 * console.log(pool.address); // 0
	 * ```
	 */
	get address(): Ptr {
		return this.hdr * 4;
	}

	/**
	 * Slots in use.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 8);
	 * pool.allocOrThrow();
	 * console.log(pool.live); // 1
	 * ```
	 */
	get live(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_LIVE] as number);
	}

	/**
	 * Slots held: live plus free.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 8, { capacity: 3, growable: true });
	 * console.log(pool.capacity); // 4: a growable pool rounds up to a power of two
	 * ```
	 */
	get capacity(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_CAPACITY] as number);
	}

	/**
	 * Most slots ever live at once.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap } from "@offheap/core";
	 * const pool = new Pool(new Heap(), 8);
	 * pool.freeHandle(pool.allocOrThrow());
	 * pool.allocOrThrow();
	 * console.log(pool.live, pool.highWater); // 1 1
	 * ```
	 */
	get highWater(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_BUMP] as number);
	}

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
		const heap = this.heap;
		const u32 = heap.u32;
		const i32 = heap.i32;
		const checker = this.checker;
		for (let index = (u32[hdr + W_BUMP] as number) - 1; index >= 0; index--) {
			const t = this.locate(index);
			const w = ((i32[t + 1] as number) + index * 4) >>> 2;
			const word = u32[w] as number;
			if ((word & LIVE) === 0) continue;
			const ptr = (i32[t] as number) + index * this.slotBytes;
			// Checked mode poisons each freed slot, as a free does: the next allocation verifies it.
			if (checker !== undefined) checker.onFree(heap.u8, index, ptr);
			this.release(u32, hdr, index, ptr, w, word);
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
	 * Verifies the pool's bookkeeping in the heap, in O(capacity): the header (against what this view
	 * was made with), the chunk table (each chunk inside the heap, after its generation words,
	 * overlapping no other, and still a live block when the parent is the heap), every generation word
	 * (in range for the slots handed out, zero for the others), the live count, and the free list (every
	 * free slot exactly once, no live slot, no cycle). In a checked heap it also verifies the poison of
	 * every free slot. Reads only.
	 * @throws `HeapCorruptionError` naming the address of the first inconsistent word and what is wrong
	 * with it; `InvalidPointerError` once the pool was freed.
	 * @example
	 * ```ts
	 * import { Pool } from "@offheap/pool";
	 * import { Heap, HeapCorruptionError } from "@offheap/core";
	 * const heap = new Heap();
	 * const pool = new Pool(heap, 16, { capacity: 8 });
	 * const p = pool.allocPtr();
	 * pool.freePtr(p);
	 * pool.check(); // passes
	 * heap.u32[p >>> 2] = 1; // a stray write over the free slot's link: it now links to itself
	 * try {
	 *   pool.check();
	 * } catch (error) {
	 *   console.log(error instanceof HeapCorruptionError); // true
	 *   console.log((error as Error).message); // heap corrupted at block …: pool at …: the free list links to slot 0 at … a second time (a cycle)
	 * }
	 * ```
	 */
	check(): void {
		if (this.hdr === 0) {
			rejectFreed("check", 0);
			return;
		}
		verifyPool(this);
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

	/**
	 * Word index of the chunk-table entry of slot `index`, or -1 when no chunk holds it (or the pool
	 * was freed).
	 */
	/** @internal */
	locate(index: number): number {
		const hdr = this.hdr;
		if (hdr === 0 || index < 0) return -1;
		const u32 = this.heap.u32;
		if (index >= (u32[hdr + W_CAPACITY] as number)) return -1;
		const k = index < (u32[hdr + W_SEG0] as number) ? 0 : 32 - Math.clz32(index >>> this.shift);
		return hdr + W_TABLE + 2 * k;
	}

	/** Frees live slot `index` at `ptr`, whose generation word is `u32[w] = word`. */
	/** @internal */
	release(u32: Uint32Array, hdr: number, index: number, ptr: number, w: number, word: number): void {
		const gen = word >>> GEN_SHIFT;
		const next = gen === this.genMax ? 1 : gen + 1;
		u32[w] = (next << GEN_SHIFT) | (next === this.seed ? WRAPPED : word & WRAPPED);
		u32[ptr >>> 2] = u32[hdr + W_FREE_HEAD] as number;
		u32[hdr + W_FREE_HEAD] = index + 1;
		u32[hdr + W_LIVE] = (u32[hdr + W_LIVE] as number) - 1;
	}

	/** @internal */
	exhausted(operation: string): Error {
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

	/** @internal */
	destroy(): void {
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
