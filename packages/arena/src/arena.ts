import type { Allocator, Heap, Ptr } from "@offheap/core";
import type { ArenaMark, ArenaOptions, ArenaStats } from "./api.ts";
import {
	acquireChunk,
	consolidate,
	enterChunk,
	leaveChunk,
	liveEnd,
	noteHighWater,
	releaseAll,
	usedBytes,
} from "./internal/chunks.ts";
import {
	C_END,
	C_NEXT,
	M_CHECK,
	M_CHUNK,
	M_PREV,
	M_SAVED_CURSOR,
	MARK_BYTES,
	MARK_TAG,
	UNLIMITED,
	W_CHUNKS,
	W_CURRENT,
	W_CURSOR,
	W_FIRST,
	W_HIGH_WATER,
	W_LAST,
	W_LIMIT,
	W_MAGIC,
	W_MARKS,
	W_MAX_BYTES,
	W_MIN_ALIGN,
	W_RESERVED,
	W_REWOUND,
	W_TOP_MARK,
} from "./internal/layout.ts";
import { findMark } from "./internal/marks.ts";
import { formatHeader, openHeader } from "./internal/options.ts";
import {
	outOfMemory,
	rejectAlign,
	rejectCount,
	rejectFreed,
	rejectNotNumber,
	rejectSize,
} from "./internal/reject.ts";
import { ArenaScope } from "./scope.ts";

const OPEN: unique symbol = Symbol("offheap.arena.open");
interface OpenOptions extends ArenaOptions {
	[OPEN]?: number;
}

/**
 * An arena (region) allocator: bump allocation in chunks taken from a parent allocator, freed all at
 * once. Chunks grow geometrically up to an optional hard budget. `mark()`/`reset(mark)` rewind to a
 * point, `scope()` rewinds when a `using` block ends, `reset()` forgets everything but keeps one chunk
 * big enough for the biggest frame so far, and `free()` returns everything to the parent.
 *
 * The arena is also an {@link Allocator}, so a container can live in it: `free` of the most recent
 * allocation rewinds over it, other frees only check their pointer, and `realloc` of the most recent
 * allocation grows in place.
 *
 * What it checks: `free`, `realloc` and `usableSize` refuse (with `InvalidPointerError`) a pointer
 * outside the arena's chunks or past what a chunk has handed out, which catches pointers into memory
 * a rewind or reset took back, and `reset`/`pop` refuse a mark that an earlier rewind invalidated.
 * What it cannot check: the arena keeps no per-allocation headers, so an interior pointer of a live
 * allocation passes, and a pointer into memory handed out again after a rewind looks live.
 *
 * The arena's header and chunk list live in the parent's heap; the object is a view that
 * {@link Arena.open} recreates from `(parent, address)`.
 *
 * @example
 * ```ts
 * import { Arena } from "@offheap/arena";
 * import { Heap } from "@offheap/core";
 * const heap = new Heap();
 * const frame = new Arena(heap, { chunkBytes: 64 * 1024 });
 * for (let tick = 0; tick < 3; tick++) {
 *   using _scope = frame.scope(); // everything allocated in this block goes when it ends
 *   const positions = frame.alloc(100 * 8, 16);
 *   heap.f64[positions >>> 3] = tick;
 * }
 * console.log(frame.stats().usedBytes); // 0
 * frame.free(); // every chunk back to the heap
 * ```
 */
export class Arena implements Allocator {
	/** The allocator the arena takes its header and chunks from. */
	readonly parent: Allocator;
	/** The heap whose buffer holds the arena's memory (the parent's heap). */
	readonly heap: Heap;
	/** u32 index of the header; 0 once the arena is freed. */
	private hdr: number;
	/** Cached from the header, where it never changes. */
	private minAlign: number;
	/** `minAlign - 1`. */
	private alignMask: number;
	/** u32 indices of the header words the fast path uses (V8 folds no imported constants). */
	private cursorAt: number;
	private limitAt: number;
	private lastAt: number;
	/** Alignment of mark records: 8, or `minAlign` when larger. */
	private markAlign: number;
	/** Bytes a mark record takes: 16, or `minAlign` when larger, so the cursor stays aligned. */
	private markBytes: number;

	/**
	 * Creates an arena and takes its first chunk from `parent`.
	 * @param parent - where the arena's header and chunks come from: a `Heap`, a pool, another arena.
	 * @param options - chunk sizes, growth and budget; see {@link ArenaOptions}.
	 * @throws RangeError for options out of range, and `OutOfMemoryError` when the parent cannot hold
	 * the header and the first chunk (nothing is left allocated then).
	 */
	constructor(parent: Allocator, options: ArenaOptions = {}) {
		this.parent = parent;
		this.heap = parent.heap;
		const opened = (options as OpenOptions)[OPEN];
		this.hdr = opened === undefined ? formatHeader(parent, options) >>> 2 : openHeader(parent, opened) >>> 2;
		this.minAlign = this.heap.u32[this.hdr + W_MIN_ALIGN] as number;
		this.markAlign = Math.max(8, this.minAlign);
		this.markBytes = Math.max(MARK_BYTES, this.minAlign);
		this.alignMask = this.minAlign - 1;
		this.cursorAt = this.hdr + W_CURSOR;
		this.limitAt = this.hdr + W_LIMIT;
		this.lastAt = this.hdr + W_LAST;
	}

	/**
	 * Recreates the view of an arena whose header is at `address` in `parent`'s heap: after the heap
	 * was reopened from its bytes, or in another part of a program that was handed the address.
	 * @throws `InvalidPointerError` when no arena header is there.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const arena = new Arena(heap);
	 * const p = arena.malloc(4);
	 * const again = Arena.open(heap, arena.address);
	 * console.log(again.stats().usedBytes, again.usableSize(p)); // 8 8
	 * ```
	 */
	static open(parent: Allocator, address: Ptr): Arena {
		const options: OpenOptions = { [OPEN]: address };
		return new Arena(parent, options);
	}

	/** Address of the arena's header in the heap: what {@link Arena.open} takes. 0 once freed. */
	get address(): Ptr {
		return this.hdr << 2;
	}

	// ---------------------------------------------------------------- allocation

	/**
	 * Bump-allocates `size` bytes, aligned to `align` (a power of two up to 4096) or to `minAlign`,
	 * whichever is larger. The size is rounded up to `minAlign`; `malloc(0)` returns a unique address.
	 * Takes a new chunk from the parent when the current one is full.
	 * @returns the pointer, or `0` when the budget or the parent cannot hold it (the arena is unchanged).
	 * @throws RangeError for a size or alignment out of range.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap());
	 * const a = arena.malloc(3);
	 * const b = arena.malloc(64, 64);
	 * console.log(a % 8, b % 64, b > a); // 0 0 true
	 * ```
	 */
	malloc(size: number, align?: number): Ptr {
		// 0x3fffffff: sizes below 2^30 (all the fast path takes); also rejects negatives and fractions.
		if (align !== undefined || (size & 0x3fffffff) !== size || this.hdr === 0)
			return this.mallocGeneral(size, align);
		const u32 = this.heap.u32;
		const cursorAt = this.cursorAt;
		const p = u32[cursorAt] as number;
		const end = p + ((size + this.alignMask) & ~this.alignMask);
		// end === p: malloc(0), which still needs an address of its own.
		if (end > (u32[this.limitAt] as number) || end === p) return this.mallocGeneral(size, align);
		u32[cursorAt] = end;
		u32[this.lastAt] = p;
		return p;
	}

	/**
	 * Like {@link Arena.malloc}, but throws instead of returning `0`.
	 * @throws `OutOfMemoryError` naming the request, the arena's budget and what it holds.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap, OutOfMemoryError } from "@offheap/core";
	 * const arena = new Arena(new Heap(), { chunkBytes: 1024, maxBytes: 1024 });
	 * try {
	 *   arena.alloc(4096);
	 * } catch (error) {
	 *   console.log(error instanceof OutOfMemoryError); // true
	 * }
	 * ```
	 */
	alloc(size: number, align?: number): Ptr {
		const ptr = this.malloc(size, align);
		if (ptr === 0) throw this.exhausted(size);
		return ptr;
	}

	/**
	 * Allocates `count * size` bytes, all zero (arena memory is reused, so it is cleared).
	 * @returns the pointer, or `0` on exhaustion or when `count * size` is beyond 2^31 − 1.
	 * @throws RangeError when `count` or `size` is not a non-negative integer.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const arena = new Arena(heap);
	 * const p = arena.calloc(4, 4);
	 * console.log(heap.u32[p >>> 2]); // 0
	 * ```
	 */
	calloc(count: number, size: number): Ptr {
		if (count >>> 0 !== count) return rejectCount("calloc", count);
		if (size >>> 0 !== size) return rejectSize("calloc", size);
		const total = count * size;
		if (total > 0x7fffffff) return 0;
		const ptr = this.malloc(total);
		if (ptr !== 0) this.heap.u8.fill(0, ptr, ptr + total);
		return ptr;
	}

	/**
	 * Resizes a block. The most recent allocation grows or shrinks in place while its chunk has room;
	 * any other block moves to a new allocation, copying its first `size` bytes or as many as its chunk
	 * holds after it (the arena keeps no sizes, so it may copy more than the old block, never less).
	 * Moved blocks are aligned to `minAlign`. `realloc(0, n)` is `malloc(n)`.
	 * @returns the new pointer, or `0` on exhaustion, and then `ptr` is untouched.
	 * @throws `InvalidPointerError` or `DoubleFreeError` as {@link Arena.free} does, RangeError for a
	 * bad size.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap());
	 * const p = arena.malloc(16);
	 * console.log(arena.realloc(p, 256) === p); // true: it was the last allocation
	 * ```
	 */
	realloc(ptr: Ptr, size: number): Ptr {
		if (ptr === 0) return this.malloc(size);
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("realloc", 0);
		if (size >>> 0 !== size || size > 0x7fffffff) return rejectSize("realloc", size);
		const u32 = this.heap.u32;
		const bytes = Math.ceil(Math.max(size, 1) / this.minAlign) * this.minAlign;
		let oldEnd: number;
		if (ptr === u32[hdr + W_LAST]) {
			oldEnd = u32[hdr + W_CURSOR] as number;
			if (ptr + bytes <= (u32[hdr + W_LIMIT] as number)) {
				if (ptr + bytes < oldEnd) noteHighWater(u32, hdr);
				u32[hdr + W_CURSOR] = ptr + bytes;
				return ptr;
			}
		} else {
			oldEnd = liveEnd("realloc", u32, hdr, ptr);
		}
		const moved = this.malloc(size);
		if (moved === 0) return 0;
		this.heap.u8.copyWithin(moved, ptr, ptr + Math.min(bytes, oldEnd - ptr));
		return moved;
	}

	// ---------------------------------------------------------------- free

	/** Returns every chunk and the header to the parent; the arena (and every view of it) is then dead. */
	free(): void;
	/**
	 * Frees one allocation: the most recent one is rewound over (the cursor goes back to its start, so
	 * its bytes are handed out again), any other live pointer is only checked. `free(0)` does nothing.
	 * @throws `InvalidPointerError` for a pointer outside the arena's chunks or past what they handed
	 * out, `DoubleFreeError` for the most recent allocation freed twice; the arena is then unchanged.
	 */
	free(ptr: Ptr): void;
	/**
	 * Without an argument, returns everything to the parent (as `[Symbol.dispose]` does); with a
	 * pointer, frees that allocation as an {@link Allocator} does.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const before = heap.stats().usedBytes;
	 * const arena = new Arena(heap);
	 * const a = arena.malloc(8);
	 * const b = arena.malloc(8);
	 * arena.free(b); // rewinds: b's bytes are reused
	 * console.log(arena.malloc(8) === b); // true
	 * arena.free(a); // not the last: checked, nothing else
	 * arena.free(); // the whole arena
	 * console.log(heap.stats().usedBytes === before); // true
	 * ```
	 */
	free(ptr?: Ptr): void {
		if (ptr === 0) return;
		const hdr = this.hdr;
		if (ptr === undefined) {
			// biome-ignore lint/complexity/noArguments: free() and free(undefined) must not mean the same.
			if (arguments.length === 0) {
				this.destroy();
				return;
			}
			rejectNotNumber("free", ptr);
			return;
		}
		if (hdr === 0) {
			rejectFreed("free", ptr);
			return;
		}
		const u32 = this.heap.u32;
		if (ptr === u32[hdr + W_LAST]) {
			noteHighWater(u32, hdr);
			u32[hdr + W_CURSOR] = ptr;
			u32[hdr + W_LAST] = 0;
			u32[hdr + W_REWOUND] = ptr;
			return;
		}
		liveEnd("free", u32, hdr, ptr);
	}

	/**
	 * Bytes usable at `ptr`. The arena records the size of its most recent allocation only: for it the
	 * answer is exact (the size rounded up to `minAlign`); for any other live pointer it is `0`,
	 * meaning "unknown", never more than is safe to write.
	 * @throws `InvalidPointerError` or `DoubleFreeError` as {@link Arena.free} does.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap());
	 * const a = arena.malloc(10);
	 * console.log(arena.usableSize(a)); // 16
	 * arena.malloc(10);
	 * console.log(arena.usableSize(a)); // 0
	 * ```
	 */
	usableSize(ptr: Ptr): number {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("usableSize", ptr);
		const u32 = this.heap.u32;
		if (ptr === u32[hdr + W_LAST] && ptr !== 0) return (u32[hdr + W_CURSOR] as number) - ptr;
		liveEnd("usableSize", u32, hdr, ptr);
		return 0;
	}

	// ---------------------------------------------------------------- marks

	/**
	 * Marks the current point, to rewind to with {@link Arena.reset} (which keeps the mark) or
	 * {@link Arena.pop} (which drops it). The mark is a number; it costs 16 bytes of the arena (a record
	 * of where to rewind to), which is why it can be validated exactly. Rewinding to a mark invalidates
	 * every mark taken after it.
	 * @throws `OutOfMemoryError` when the arena cannot hold the 16-byte record.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap());
	 * const level = arena.mark();
	 * for (let frame = 0; frame < 3; frame++) {
	 *   arena.malloc(1000);
	 *   arena.reset(level); // back to the mark; the mark stays valid
	 * }
	 * console.log(arena.stats().usedBytes); // 16
	 * ```
	 */
	mark(): ArenaMark {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("mark", 0);
		let u32 = this.heap.u32;
		let saved = u32[hdr + W_CURSOR] as number;
		const markAlign = this.markAlign;
		let record = ((saved + markAlign - 1) & -markAlign) >>> 0;
		if (record + this.markBytes > (u32[hdr + W_LIMIT] as number)) {
			record = this.mallocSlow(this.markBytes, markAlign);
			if (record === 0) throw this.exhausted(this.markBytes);
			u32 = this.heap.u32;
			saved = record;
		}
		const r = record >>> 2;
		u32[r + M_PREV] = u32[hdr + W_TOP_MARK] as number;
		u32[r + M_CHUNK] = u32[hdr + W_CURRENT] as number;
		u32[r + M_SAVED_CURSOR] = saved;
		u32[r + M_CHECK] = (record ^ MARK_TAG) >>> 0;
		u32[hdr + W_CURSOR] = record + this.markBytes;
		u32[hdr + W_TOP_MARK] = record;
		u32[hdr + W_MARKS] = (u32[hdr + W_MARKS] as number) + 1;
		u32[hdr + W_LAST] = 0;
		return record;
	}

	/** Forgets every allocation and mark, keeping one chunk big enough for the high-water mark. */
	reset(): void;
	/**
	 * Rewinds to just after `mark` was taken: everything allocated since is forgotten, marks taken
	 * since become invalid, and `mark` itself stays valid.
	 * @throws `InvalidPointerError` for a mark that is not valid (invalidated by an earlier rewind, or
	 * never a mark of this arena); the arena is then unchanged.
	 */
	reset(mark: ArenaMark): void;
	/**
	 * Without an argument, forgets every allocation and mark and keeps exactly one chunk, big enough
	 * for the high-water mark ("after the biggest frame, no more allocation"); with a mark, rewinds to
	 * it. Neither touches the parent when the arena already holds a single big-enough chunk.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap(), { chunkBytes: 1024 });
	 * for (let i = 0; i < 100; i++) arena.malloc(100); // spills into more chunks
	 * arena.reset();
	 * const { chunks, usedBytes, highWaterBytes } = arena.stats();
	 * console.log(chunks, usedBytes, highWaterBytes >= 10400); // 1 0 true
	 * ```
	 */
	reset(mark?: ArenaMark): void {
		const hdr = this.hdr;
		if (hdr === 0) {
			rejectFreed("reset", mark ?? 0);
			return;
		}
		if (mark === undefined) {
			// biome-ignore lint/complexity/noArguments: reset() and reset(undefined) must not mean the same.
			if (arguments.length === 0) {
				consolidate(this.parent, hdr);
				return;
			}
		}
		let u32 = this.heap.u32;
		if (mark !== u32[hdr + W_TOP_MARK] || mark === 0) {
			const dropped = findMark("reset", this.heap, hdr, mark as number);
			u32 = this.heap.u32;
			u32[hdr + W_MARKS] = (u32[hdr + W_MARKS] as number) - dropped;
			u32[hdr + W_TOP_MARK] = mark as number;
		}
		noteHighWater(u32, hdr);
		const chunk = u32[((mark as number) >>> 2) + M_CHUNK] as number;
		u32[hdr + W_CURRENT] = chunk;
		u32[hdr + W_CURSOR] = (mark as number) + this.markBytes;
		u32[hdr + W_LIMIT] = u32[(chunk >>> 2) + C_END] as number;
		u32[hdr + W_LAST] = 0;
		u32[hdr + W_REWOUND] = 0;
	}

	/**
	 * Rewinds to just before `mark` was taken and drops the mark too: what a scope does when it ends.
	 * Marks taken after `mark` become invalid.
	 * @throws `InvalidPointerError` for a mark that is not valid; the arena is then unchanged.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap());
	 * const m = arena.mark();
	 * arena.malloc(64);
	 * arena.pop(m);
	 * console.log(arena.stats().usedBytes, arena.stats().marks); // 0 0
	 * ```
	 */
	pop(mark: ArenaMark): void {
		const hdr = this.hdr;
		if (hdr === 0) {
			rejectFreed("pop", mark);
			return;
		}
		let u32 = this.heap.u32;
		let marks = u32[hdr + W_MARKS] as number;
		if (mark !== u32[hdr + W_TOP_MARK] || mark === 0) {
			marks -= findMark("pop", this.heap, hdr, mark);
			u32 = this.heap.u32;
		}
		noteHighWater(u32, hdr);
		const r = mark >>> 2;
		const chunk = u32[r + M_CHUNK] as number;
		u32[hdr + W_MARKS] = marks - 1;
		u32[hdr + W_TOP_MARK] = u32[r + M_PREV] as number;
		u32[hdr + W_CURRENT] = chunk;
		u32[hdr + W_CURSOR] = u32[r + M_SAVED_CURSOR] as number;
		u32[hdr + W_LIMIT] = u32[(chunk >>> 2) + C_END] as number;
		u32[hdr + W_LAST] = 0;
		u32[hdr + W_REWOUND] = 0;
	}

	/**
	 * Opens a scope for `using`: a mark that is popped when the block ends, so everything allocated in
	 * the block is forgotten. The scope is a small JavaScript object; use {@link Arena.mark} and
	 * {@link Arena.pop} where not even that may be created.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap());
	 * {
	 *   using frame = arena.scope();
	 *   arena.malloc(4096);
	 *   console.log(frame.arena === arena); // true
	 * }
	 * console.log(arena.stats().usedBytes); // 0
	 * ```
	 */
	scope(): ArenaScope {
		return new ArenaScope(this, this.mark());
	}

	// ---------------------------------------------------------------- whole arena

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

	// ---------------------------------------------------------------- slow paths

	private destroy(): void {
		const hdr = this.hdr;
		if (hdr === 0) {
			rejectFreed("free", 0);
			return;
		}
		releaseAll(this.parent, hdr);
		this.hdr = 0;
		// A stale address passed to Arena.open must not find a header here.
		this.heap.u32[hdr + W_MAGIC] = 0;
		this.parent.free(hdr << 2);
	}

	/** `malloc` for what the fast path does not take: alignment, a full chunk, a freed arena, odd sizes. */
	private mallocGeneral(size: number, align: number | undefined): Ptr {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("malloc", 0);
		if (size >>> 0 !== size || size > 0x7fffffff) return rejectSize("malloc", size);
		let a = this.minAlign;
		if (align !== undefined) {
			if (align >>> 0 !== align || (align & (align - 1)) !== 0 || align === 0 || align > 4096) {
				return rejectAlign("malloc", align);
			}
			if (align > a) a = align;
		}
		const bytes = Math.ceil(Math.max(size, 1) / this.minAlign) * this.minAlign;
		const u32 = this.heap.u32;
		const cursor = u32[hdr + W_CURSOR] as number;
		const p = Math.ceil(cursor / a) * a;
		if (cursor !== 0 && p + bytes <= (u32[hdr + W_LIMIT] as number)) return this.bump(u32, p, bytes);
		return this.mallocSlow(bytes, a);
	}

	/**
	 * Allocates `bytes` (already rounded) at alignment `align` where the current chunk has no room:
	 * in the next (spare) chunk if it fits there, else in a new chunk linked in after the current one.
	 */
	private mallocSlow(bytes: number, align: number): Ptr {
		const hdr = this.hdr;
		let u32 = this.heap.u32;
		let p = 0;
		const current = u32[hdr + W_CURRENT] as number;
		const spare = current === 0 ? 0 : (u32[(current >>> 2) + C_NEXT] as number);
		let chunk = spare;
		if (spare !== 0) {
			p = Math.ceil((spare + 16) / align) * align;
			if (p + bytes > (u32[(spare >>> 2) + C_END] as number)) chunk = 0;
		}
		if (chunk === 0) {
			chunk = acquireChunk(this.parent, hdr, bytes, align);
			if (chunk === 0) return 0;
			u32 = this.heap.u32;
			u32[(chunk >>> 2) + C_NEXT] = spare;
			if (current === 0) u32[hdr + W_FIRST] = chunk;
			else u32[(current >>> 2) + C_NEXT] = chunk;
		}
		enterChunk(u32, hdr, chunk, leaveChunk(u32, hdr));
		return this.bump(u32, Math.ceil((u32[hdr + W_CURSOR] as number) / align) * align, bytes);
	}

	private bump(u32: Uint32Array, p: number, bytes: number): Ptr {
		const hdr = this.hdr;
		u32[hdr + W_CURSOR] = p + bytes;
		u32[hdr + W_LAST] = p;
		return p;
	}

	private exhausted(size: number): Error {
		const u32 = this.heap.u32;
		const hdr = this.hdr;
		const maxBytes = u32[hdr + W_MAX_BYTES] as number;
		const budget = maxBytes === UNLIMITED ? "no budget of its own" : `a ${maxBytes} B budget`;
		return outOfMemory(
			size,
			`arena at ${this.address}: ${u32[hdr + W_RESERVED]} B in ${u32[hdr + W_CHUNKS]} chunks of ${budget}, ` +
				`${usedBytes(u32, hdr)} B used; or the parent allocator is exhausted`,
		);
	}
}
