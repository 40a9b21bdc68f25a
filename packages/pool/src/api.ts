/**
 * A handle to a slot of a {@link Pool}: the slot's index and its generation packed into one small
 * integer below 2^30, which V8 keeps unboxed, so handles are created and passed around without
 * allocating. `0` ({@link NULL_HANDLE}) is never a live handle.
 *
 * @example
 * ```ts
 * import { Pool, type PoolHandle } from "@offheap/pool";
 * import { Heap } from "@offheap/core";
 * const pool = new Pool(new Heap(), 16, { capacity: 100 });
 * const h: PoolHandle = pool.allocOrThrow();
 * console.log(Number.isInteger(h), h > 0, h < 2 ** 30); // true true true
 * ```
 */
export type PoolHandle = number;

/**
 * The handle that names no slot: what {@link Pool.alloc} returns when the pool is exhausted.
 *
 * @example
 * ```ts
 * import { NULL_HANDLE, Pool } from "@offheap/pool";
 * import { Heap } from "@offheap/core";
 * const pool = new Pool(new Heap(), 8, { capacity: 1 });
 * pool.alloc();
 * console.log(pool.alloc() === NULL_HANDLE); // true: the budget is one slot
 * ```
 */
export const NULL_HANDLE: PoolHandle = 0;

/**
 * What a slot holds: anything with a byte size and an alignment, such as a struct type of
 * `@offheap/struct`.
 *
 * @example
 * ```ts
 * import { Pool, type SlotType } from "@offheap/pool";
 * import { Heap } from "@offheap/core";
 * const Vec3: SlotType = { size: 12, align: 4 };
 * const pool = new Pool(new Heap(), Vec3);
 * console.log(pool.slotBytes); // 16: slots are 8-aligned
 * ```
 */
export interface SlotType {
	/** Bytes of one value. */
	readonly size: number;
	/** Alignment of one value: a power of two. */
	readonly align: number;
}

/**
 * Options of {@link Pool}.
 *
 * @example
 * ```ts
 * import { Pool, type PoolOptions } from "@offheap/pool";
 * import { Heap } from "@offheap/core";
 * const entities: PoolOptions = { capacity: 4096 }; // a budget: never more than 4096 live slots
 * const nodes: PoolOptions = { capacity: 256, growable: true, maxCapacity: 1 << 20 };
 * const heap = new Heap();
 * console.log(new Pool(heap, 32, entities).capacity, new Pool(heap, 24, nodes).capacity); // 4096 256
 * ```
 */
export interface PoolOptions {
	/**
	 * Slots taken from the parent when the pool is created. Without growth this is the budget; a
	 * growable pool rounds it up to a power of two and doubles from there.
	 * @defaultValue 256
	 */
	capacity?: number;
	/**
	 * Whether the pool takes another chunk of slots from the parent when every slot is live. Each new
	 * chunk holds as many slots as the pool already has, up to `maxCapacity`.
	 * @defaultValue false: `capacity` is a hard budget
	 */
	growable?: boolean;
	/**
	 * The most slots a growable pool may hold (at most 2^24). It also sets how a handle's 30 bits are
	 * split: ⌈log2 maxCapacity⌉ bits of slot index, the rest generation. A fixed pool's is its capacity.
	 * @defaultValue 2^20 for a growable pool, `capacity` for a fixed one
	 */
	maxCapacity?: number;
}

/**
 * Counters of a pool, as returned by {@link Pool.stats} in O(1).
 *
 * @example
 * ```ts
 * import { Pool } from "@offheap/pool";
 * import { Heap } from "@offheap/core";
 * const pool = new Pool(new Heap(), 16, { capacity: 8 });
 * const a = pool.allocOrThrow();
 * pool.allocOrThrow();
 * pool.freeHandle(a);
 * const { live, highWater, capacity } = pool.stats();
 * console.log(live, highWater, capacity); // 1 2 8
 * ```
 */
export interface PoolStats {
	/** Slots in use. */
	live: number;
	/** Slots held: live plus free. */
	capacity: number;
	/** Most slots ever live at once: what a fixed budget must hold. */
	highWater: number;
	/** The most slots the pool may hold. */
	maxCapacity: number;
	/** Bytes of one slot (the slot type's size rounded up to its alignment, at least 8). */
	slotBytes: number;
	/** Number of chunks of slots taken from the parent. */
	chunks: number;
	/** Bytes held from the parent: the chunks (slots and their generation words) and the header. */
	reservedBytes: number;
	/** Bits of a handle that hold the generation; a slot's generations wrap after 2^bits − 1 frees. */
	generationBits: number;
}
