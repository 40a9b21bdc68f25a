import { type Allocator, type Heap, hex, type Ptr } from "@offheap/core";
import type { ArenaOptions, ArenaStats } from "./api.ts";
import { ArenaChecker } from "./internal/checker.ts";
import { dropArena, noteHighWater, usedBytes } from "./internal/chunks.ts";
import {
	MARK_BYTES,
	UNLIMITED,
	W_CHUNKS,
	W_CURSOR,
	W_HIGH_WATER,
	W_MARKS,
	W_MAX_BYTES,
	W_MIN_ALIGN,
	W_RESERVED,
} from "./internal/layout.ts";
import { formatHeader, OPEN_AT, type OpenOptions, openHeader } from "./internal/options.ts";
import { checkParent, outOfMemory, rejectFreed } from "./internal/reject.ts";
import { verifyArena } from "./internal/verify.ts";

/**
 * The state of an {@link Arena}: where it lives, its counters, its checks, and giving it all back.
 * Every `Arena` is one (an `Arena` extends {@link ArenaAllocator}, which extends this class); it is
 * not made on its own.
 *
 * @example
 * ```ts
 * import { Arena, type ArenaState } from "@offheap/arena";
 * import { Heap } from "@offheap/core";
 * const arena = new Arena(new Heap());
 * arena.malloc(100);
 * const state: ArenaState = arena;
 * console.log(state.stats().usedBytes, state.address !== 0); // 104 true
 * ```
 */
export class ArenaState {
	/** The allocator the arena takes its header and chunks from. */
	declare readonly parent: Allocator;
	/** The heap whose buffer holds the arena's memory (the parent's heap). */
	declare readonly heap: Heap;
	/** u32 index of the header; 0 once the arena is freed. @internal */
	declare hdr: number;
	/**
	 * u32 index of the cursor word, followed by the limit and the last allocation: the words the fast
	 * path reads and writes, from one field (V8 folds no imported constants).
	 * @internal
	 */
	declare cursorAt: number;
	/** `minAlign - 1`, from the header, where it never changes. @internal */
	declare alignMask: number;
	/**
	 * Sizes the fast path takes are those with `size & fastSizes === size`: below 2^30 normally, none
	 * in checked mode or once the arena is freed, which sends every call to the general path.
	 * @internal
	 */
	declare fastSizes: number;
	/** Checked mode's redzones, poison and allocation sites, when the parent's heap is checked. @internal */
	declare readonly checker: ArenaChecker | undefined;
	/** Alignment of mark records: 8, or `minAlign` when larger. @internal */
	declare readonly markAlign: number;
	/** Bytes a mark record takes: 16, or `minAlign` when larger, so the cursor stays aligned. @internal */
	declare readonly markBytes: number;

	/**
	 * Creates an arena and takes its first chunk from `parent`.
	 * @param parent - where the arena's header and chunks come from: a `Heap`, a pool, another arena.
	 * @param options - chunk sizes, growth and budget; see {@link ArenaOptions}.
	 * @throws TypeError for a parent that is not an allocator, for options that are not an object or
	 * that hold a key {@link ArenaOptions} does not have (a misspelt option is never ignored), RangeError
	 * for options out of range, and `OutOfMemoryError` when the parent cannot hold the first chunk
	 * (taken first: the parent is then exactly as it was) or, after it, the 80-byte header (the chunk
	 * is given back: nothing is left allocated).
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const arena = new Arena(heap, { chunkBytes: 4096 });
	 * console.log(arena.stats().reservedBytes); // 4096
	 * try {
	 *   new Arena(heap, { maxbytes: 4096 } as object);
	 * } catch (error) {
	 *   console.log((error as TypeError).message);
	 *   // Arena: unknown option "maxbytes"; did you mean "maxBytes"? (valid options: chunkBytes, growthFactor, maxBytes, minAlign)
	 * }
	 * ```
	 */
	constructor(parent: Allocator, options: ArenaOptions = {}) {
		checkParent(parent);
		this.parent = parent;
		this.heap = parent.heap;
		const opened =
			typeof options === "object" && options !== null ? (options as OpenOptions)[OPEN_AT] : undefined;
		this.hdr = opened === undefined ? formatHeader(parent, options) >>> 2 : openHeader(parent, opened) >>> 2;
		const minAlign = this.heap.u32[this.hdr + W_MIN_ALIGN] as number;
		this.markAlign = Math.max(8, minAlign);
		this.markBytes = Math.max(MARK_BYTES, minAlign);
		this.alignMask = minAlign - 1;
		this.cursorAt = this.hdr + W_CURSOR;
		this.checker = this.heap.checked ? new ArenaChecker() : undefined;
		this.fastSizes = this.checker === undefined ? 0x3fffffff : 0;
	}

	/**
	 * Address of the arena's header in the heap: what {@link Arena.open} takes. 0 once freed.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const arena = new Arena(heap, { chunkBytes: 2048 });
	 * console.log(Arena.open(heap, arena.address).stats().reservedBytes); // 2048
	 * arena.free();
	 * console.log(arena.address); // 0
	 * ```
	 */
	get address(): Ptr {
		return this.hdr << 2;
	}

	/**
	 * Counters, in O(1).
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap(), { chunkBytes: 4096, maxBytes: 65536 });
	 * arena.malloc(5000);
	 * const s = arena.stats();
	 * console.log(s.chunks, s.maxBytes, s.usedBytes > 5000); // 2 65536 true
	 * ```
	 */
	stats(): ArenaStats {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("stats", 0);
		const u32 = this.heap.u32;
		noteHighWater(u32, hdr);
		const maxBytes = u32[hdr + W_MAX_BYTES] as number;
		return {
			usedBytes: usedBytes(u32, hdr),
			highWaterBytes: u32[hdr + W_HIGH_WATER] as number,
			reservedBytes: u32[hdr + W_RESERVED] as number,
			chunks: u32[hdr + W_CHUNKS] as number,
			maxBytes: maxBytes === UNLIMITED ? Number.POSITIVE_INFINITY : maxBytes,
			marks: u32[hdr + W_MARKS] as number,
		};
	}

	/**
	 * Verifies the arena's bookkeeping (header, chunk list, last allocation, chain of marks; when the
	 * parent is the heap, that every chunk is still a live block of it) and, when the
	 * parent's heap is checked, every redzone after a live allocation and every poisoned byte of memory
	 * taken back. O(chunks + marks), plus O(bytes) in checked mode. Reads only.
	 * @throws `HeapCorruptionError` naming the first corrupted byte or word (and, in checked mode, the
	 * allocation it belongs to and where that was allocated).
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap, HeapCorruptionError } from "@offheap/core";
	 * const heap = new Heap({ checked: true });
	 * const arena = new Arena(heap);
	 * const p = arena.malloc(8);
	 * heap.u8[p + 8] = 1; // one byte past the end
	 * try {
	 *   arena.check();
	 * } catch (error) {
	 *   console.log(error instanceof HeapCorruptionError); // true
	 * }
	 * ```
	 */
	check(): void {
		const hdr = this.hdr;
		if (hdr === 0) {
			rejectFreed("check", 0);
			return;
		}
		verifyArena(this.parent, this.heap, hdr);
		if (this.checker !== undefined) this.checker.verifyAll(this.heap, hdr);
	}

	/**
	 * Same as `free()`: returns every chunk and the header to the parent.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * {
	 *   using scratch = new Arena(heap);
	 *   scratch.malloc(100);
	 * }
	 * console.log(heap.stats().liveBlocks); // 0
	 * ```
	 */
	[Symbol.dispose](): void {
		if (this.hdr !== 0) this.destroy();
	}

	/** @internal */
	destroy(): void {
		const hdr = this.hdr;
		if (hdr === 0) rejectFreed("free", 0);
		// Every view of this arena fails from here on: the fast path through `fastSizes`, the rest on hdr.
		this.hdr = 0;
		this.fastSizes = 0;
		dropArena(this.parent, hdr);
	}

	/** @internal */
	exhausted(size: number): Error {
		const u32 = this.heap.u32;
		const hdr = this.hdr;
		const maxBytes = u32[hdr + W_MAX_BYTES] as number;
		const budget = maxBytes === UNLIMITED ? "no budget of its own" : `a ${maxBytes} B budget`;
		return outOfMemory(
			size,
			`arena at ${hex(this.address)}: ${u32[hdr + W_RESERVED]} B in ${u32[hdr + W_CHUNKS]} chunks of ${budget}, ` +
				`${usedBytes(u32, hdr)} B used; or the parent allocator is exhausted`,
		);
	}
}
