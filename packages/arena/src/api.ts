/**
 * A mark: a point in an arena's life to rewind to, as returned by {@link Arena.mark}. It is a plain
 * number (the address of a 16-byte record the arena keeps in its own chunks), so taking and restoring
 * marks in a frame loop creates no JavaScript objects.
 *
 * @example
 * ```ts
 * import { Arena, type ArenaMark } from "@offheap/arena";
 * import { Heap } from "@offheap/core";
 * const arena = new Arena(new Heap());
 * const start: ArenaMark = arena.mark();
 * arena.malloc(100);
 * arena.reset(start);
 * console.log(arena.stats().usedBytes); // 16: the mark's own record
 * ```
 */
export type ArenaMark = number;

/**
 * Options of {@link Arena}.
 *
 * @example
 * ```ts
 * import { Arena, type ArenaOptions } from "@offheap/arena";
 * import { Heap } from "@offheap/core";
 * // One 1 MiB chunk taken up front, and never more than that.
 * const frameBudget: ArenaOptions = { chunkBytes: 1 << 20, maxBytes: 1 << 20 };
 * const frame = new Arena(new Heap({ maxBytes: 1 << 24 }), frameBudget);
 * console.log(frame.stats().reservedBytes); // 1048576
 * ```
 */
export interface ArenaOptions {
	/**
	 * Bytes of the first chunk, taken from the parent when the arena is created (rounded up to a
	 * multiple of 8; at least 64). Each chunk spends 16 of its bytes on bookkeeping.
	 * @defaultValue 8192, or `maxBytes` when that is smaller
	 */
	chunkBytes?: number;
	/**
	 * Factor by which each new chunk is bigger than the one before (between 1 and 4). A request that
	 * does not fit the next size gets a chunk of its own size.
	 * @defaultValue 2
	 */
	growthFactor?: number;
	/**
	 * The budget: the most bytes the arena may hold in chunks at once, chunk bookkeeping included (its
	 * 80-byte header is not counted). Past it `malloc` returns `0` and `alloc` throws
	 * `OutOfMemoryError`, whatever the parent could still give.
	 * @defaultValue unlimited: only the parent's own budget applies
	 */
	maxBytes?: number;
	/**
	 * Alignment of every pointer the arena hands out, and the granule sizes are rounded up to (a power
	 * of two up to 4096). 8 keeps the toolkit-wide promise that every pointer is 8-aligned; 1 packs
	 * bytes tightly.
	 * @defaultValue 8
	 */
	minAlign?: number;
}

/**
 * Counters of an arena, as returned by {@link Arena.stats} in O(1).
 *
 * @example
 * ```ts
 * import { Arena } from "@offheap/arena";
 * import { Heap } from "@offheap/core";
 * const arena = new Arena(new Heap(), { chunkBytes: 1024 });
 * arena.malloc(100);
 * const { usedBytes, chunks, reservedBytes } = arena.stats();
 * console.log(usedBytes, chunks, reservedBytes); // 104 1 1024
 * ```
 */
export interface ArenaStats {
	/**
	 * Bytes of chunk space consumed since the arena was created or last reset: allocations rounded up
	 * to `minAlign`, alignment padding, mark records, and the unused tails of chunks the arena moved on
	 * from.
	 */
	usedBytes: number;
	/** Highest `usedBytes` ever reached: what one chunk must hold for the biggest frame so far. */
	highWaterBytes: number;
	/** Bytes held from the parent in chunks (headers included): what counts against `maxBytes`. */
	reservedBytes: number;
	/** Number of chunks held, spare chunks (kept after a rewind for reuse) included. */
	chunks: number;
	/** The budget, or `Infinity` when the arena has none of its own. */
	maxBytes: number;
	/** Number of marks that are still valid. */
	marks: number;
}
