import type { Heap } from "./heap.ts";

/**
 * A pointer: a byte offset into a heap's buffer. `0` is NULL and is never the address of a live block.
 * Pointers stay valid when the heap grows, because they are offsets and not views.
 *
 * @example
 * ```ts
 * import { Heap, type Ptr } from "@offheap/core";
 * const heap = new Heap();
 * const p: Ptr = heap.alloc(8);
 * heap.f64[p >>> 3] = Math.PI;
 * ```
 */
export type Ptr = number;

/**
 * What every offheap container accepts: a `Heap`, an arena, a pool, or your own allocator. Besides
 * the C allocation calls it names the {@link Heap} whose buffer holds the blocks it hands out, so a
 * container can read and write them through that heap's views.
 *
 * @example
 * ```ts
 * import { type Allocator, Heap } from "@offheap/core";
 * function duplicate(alloc: Allocator, src: number, bytes: number, u8: Uint8Array): number {
 *   const dst = alloc.malloc(bytes);
 *   if (dst !== 0) u8.copyWithin(dst, src, src + bytes);
 *   return dst;
 * }
 * const heap = new Heap();
 * const a = heap.alloc(4);
 * console.log(duplicate(heap, a, 4, heap.u8) !== 0, heap.heap === heap); // true true
 * ```
 */
export interface Allocator {
	/** The heap whose buffer holds every block this allocator hands out (a heap is its own). */
	readonly heap: Heap;
	/**
	 * Allocates `size` bytes aligned to `align` (a power of two; at least 8).
	 * @returns the pointer, or `0` when the budget is exhausted.
	 */
	malloc(size: number, align?: number): Ptr;
	/**
	 * Allocates `count * size` zeroed bytes.
	 * @returns the pointer, or `0` on exhaustion or when `count * size` overflows.
	 */
	calloc(count: number, size: number): Ptr;
	/**
	 * Resizes a block, in place when possible, keeping the first `min(old, new)` bytes.
	 * @returns the (possibly moved) pointer, or `0` on exhaustion, in which case `ptr` is untouched.
	 */
	realloc(ptr: Ptr, size: number): Ptr;
	/** Frees a block. `free(0)` is a no-op. */
	free(ptr: Ptr): void;
	/** Bytes usable at `ptr`: at least what was asked for. */
	usableSize(ptr: Ptr): number;
}

/**
 * Options of {@link Heap}.
 *
 * @example
 * ```ts
 * import { Heap, type HeapOptions } from "@offheap/core";
 * const budget: HeapOptions = { initialBytes: 1 << 20, maxBytes: 1 << 20 }; // fixed 1 MiB
 * const heap = new Heap(budget);
 * console.log(heap.stats().heapBytes); // 1048576
 * ```
 */
export interface HeapOptions {
	/**
	 * Bytes of the buffer at creation (rounded up to a multiple of 8; at least 8 KiB).
	 * @defaultValue 65536, or `maxBytes` when that is smaller
	 */
	initialBytes?: number;
	/**
	 * The budget: the heap grows geometrically up to this many bytes and then `malloc` returns `0`.
	 * Equal to `initialBytes`, the heap never grows. At most 2 GiB − 64 KiB.
	 *
	 * A growable heap that is not `shared` lives in a `WebAssembly.Memory`, whose growth detaches the old
	 * buffer; in V8, the first detached buffer of a process makes every later typed-array access in that
	 * process check for detachment (6–25% more instructions in allocation-heavy loops, measured in
	 * the performance guide). A fixed budget, or `shared: true`, never detaches anything.
	 * @defaultValue 1 GiB (the caller buffer's `maxByteLength` when `buffer` is given)
	 */
	maxBytes?: number;
	/**
	 * Use a growable `SharedArrayBuffer`, so the heap can be shared with workers. The allocator takes no
	 * locks: allocate and free from one thread at a time. A shared heap grows without detaching a buffer
	 * (see `maxBytes`).
	 * @defaultValue false
	 */
	shared?: boolean;
	/**
	 * Build the heap in this buffer (whatever it held is overwritten). A resizable or growable buffer may
	 * grow up to its `maxByteLength`; any other buffer is a fixed budget.
	 * @defaultValue undefined: the heap creates its own buffer
	 */
	buffer?: ArrayBuffer | SharedArrayBuffer;
	/**
	 * Factor by which the buffer grows when it is full (between 1.125 and 4).
	 * @defaultValue 2
	 */
	growthFactor?: number;
	/**
	 * Turn on the debugging allocator: redzones checked on free, realloc and `check()`, poisoning and
	 * quarantine of freed memory, allocation- and free-site stack traces, and {@link Heap.leaks}.
	 * `true` uses the defaults of {@link CheckedOptions}. Off, it costs nothing.
	 * @defaultValue false
	 */
	checked?: boolean | CheckedOptions;
}

/**
 * Options of checked mode (`new Heap({ checked: { ... } })`).
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * const heap = new Heap({ checked: { quarantineBytes: 64 * 1024, stacks: true } });
 * const p = heap.alloc(8);
 * heap.u8[p + 8] = 1; // one byte past the end
 * try {
 *   heap.free(p);
 * } catch (error) {
 *   console.log((error as Error).message.split("\n")[0]); // heap corrupted at block …: buffer overflow: byte 8 of the 8 B block …
 * }
 * ```
 */
export interface CheckedOptions {
	/**
	 * Bytes of freed blocks held back from reuse, so a write through a stale pointer lands in poisoned
	 * memory and is caught when the block leaves the quarantine or at `check()`.
	 * @defaultValue 1048576 (1 MiB)
	 */
	quarantineBytes?: number;
	/**
	 * Record where each block was allocated and freed (a stack trace, interned per call site). Costs a
	 * few microseconds per allocation.
	 * @defaultValue true
	 */
	stacks?: boolean;
}

/**
 * Live blocks that share an allocation site, as reported by {@link Heap.leaks}.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * const heap = new Heap({ checked: true });
 * heap.malloc(100);
 * const [group] = heap.leaks();
 * console.log(group?.blocks, group?.bytes); // 1 100
 * ```
 */
export interface LeakGroup {
	/** The stack trace of the allocation site (or a placeholder when stacks are off). */
	site: string;
	/** Live blocks allocated there. */
	blocks: number;
	/** Bytes requested by those blocks. */
	bytes: number;
	/** Pointers of the first (up to 16) of those blocks. */
	pointers: number[];
}

/**
 * Exact counters of a heap, as returned by {@link Heap.stats} in O(1).
 * `heapBytes = usedBytes + freeBytes + metadataBytes` always holds.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * const heap = new Heap();
 * heap.malloc(100);
 * const s = heap.stats();
 * console.log(s.liveBlocks, s.heapBytes === s.usedBytes + s.freeBytes + s.metadataBytes); // 1 true
 * ```
 */
export interface HeapStats {
	/** Bytes of the buffer the heap uses. */
	heapBytes: number;
	/** The budget: the most bytes the heap may grow to. */
	maxBytes: number;
	/** Bytes in live blocks, their 4-byte headers included. */
	usedBytes: number;
	/** Bytes in free blocks, headers included. */
	freeBytes: number;
	/** Bytes of allocator bookkeeping: the control block and the block-start bitmap. */
	metadataBytes: number;
	/** Number of live blocks. */
	liveBlocks: number;
	/** Number of free blocks (the free block at the end of the heap and cached small blocks included). */
	freeBlocks: number;
	/** Size of the largest free block, header included; `malloc` of up to `largestFreeBlock - 4` bytes succeeds without growing. */
	largestFreeBlock: number;
	/** Highest `usedBytes` ever reached. */
	peakUsedBytes: number;
	/** End address of the highest block ever handed out: the footprint of the heap. */
	highWaterBytes: number;
	/** Successful allocations (malloc, calloc, alloc, and realloc moves). */
	allocations: number;
	/** Frees (including those done by realloc moves). */
	frees: number;
	/** Successful calls of realloc on a live block (in place or moved). */
	reallocations: number;
}

/**
 * One block of the heap, as yielded by {@link Heap.walk}.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * const heap = new Heap();
 * const p = heap.alloc(24);
 * const info = [...heap.walk()].find((b) => b.ptr === p);
 * console.log(info?.free, info?.size); // false 28
 * ```
 */
export interface BlockInfo {
	/** The payload address (what malloc returned for a live block). */
	ptr: number;
	/** Usable payload bytes. */
	size: number;
	/** Whether the block is free. */
	free: boolean;
}
