import type { Allocator, Ptr } from "@offheap/core";
import { ArenaState } from "./arena-state.ts";
import { mallocGeneral } from "./internal/bump.ts";
import { rejectCount, rejectFreed, rejectNotNumber, rejectSize } from "./internal/reject.ts";
import { freeOne, reallocIn, usableSizeOf } from "./internal/release.ts";

/**
 * An arena's {@link Allocator} side: bump allocation, and `free`/`realloc`/`usableSize` of what it
 * handed out. Every `Arena` is one (an `Arena` extends this class); it is not made on its own.
 *
 * @example
 * ```ts
 * import { Arena, type ArenaAllocator } from "@offheap/arena";
 * import { Heap } from "@offheap/core";
 * const scratch: ArenaAllocator = new Arena(new Heap());
 * const p = scratch.malloc(24);
 * console.log(scratch.usableSize(p)); // 24
 * ```
 */
export class ArenaAllocator extends ArenaState implements Allocator {
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
		// Small enough for V8 to inline at the call site; everything else is out of line. The masked
		// compare also sends negatives, fractions and non-numbers on; malloc(0) needs an address of its own.
		// A bigint or a symbol must not reach `&`, whose TypeError would name neither it nor malloc.
		if (typeof size !== "number" || (size & this.fastSizes) !== size || size === 0 || align !== undefined) {
			return this.mallocOutOfLine(size, align);
		}
		// The u32 view, the one callers most often write through next: V8 then loads it once for both
		// (measured faster than the i32 view, and than a view cached in the arena).
		const u32 = this.heap.u32;
		const at = this.cursorAt;
		const mask = this.alignMask;
		const p = u32[at] as number;
		const end = p + ((size + mask) & ~mask);
		if (end > (u32[at + 1] as number)) return this.mallocOutOfLine(size, align);
		u32[at] = end;
		u32[at + 2] = p;
		return p;
	}

	/** `malloc` beyond the fast path: one small call in the inlined code instead of five arguments. @internal */
	mallocOutOfLine(size: number, align: number | undefined): Ptr {
		return mallocGeneral(this.parent, this.hdr, size, align, this.checker);
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
		if (typeof count !== "number" || count >>> 0 !== count) return rejectCount("calloc", count);
		if (typeof size !== "number" || size >>> 0 !== size) return rejectSize("calloc", size);
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
		if (typeof size !== "number" || size >>> 0 !== size || size > 0x7fffffff)
			return rejectSize("realloc", size);
		return reallocIn(this.heap, hdr, ptr, size, this.checker, this);
	}

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
		if (ptr === undefined) {
			// biome-ignore lint/complexity/noArguments: free() and free(undefined) must not mean the same.
			if (arguments.length === 0) this.destroy();
			else rejectNotNumber("free", ptr);
			return;
		}
		if (this.hdr === 0) rejectFreed("free", ptr);
		freeOne(this.heap, this.hdr, ptr, this.checker);
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
		return usableSizeOf(this.heap, hdr, ptr, this.checker);
	}
}
