import type { Allocator, BlockInfo, HeapOptions, HeapStats, LeakGroup, Ptr } from "./api.ts";
import { hex, OutOfMemoryError } from "./errors.ts";
import { Checker, type RawOps } from "./internal/checker.ts";
import { checkHeap, dumpHeap, heapStats, walkHeap } from "./internal/inspect.ts";
import * as layout from "./internal/layout.ts";
import {
	rejectAlign,
	rejectCachedLink,
	rejectCount,
	rejectFreeBlock,
	rejectHeader,
	rejectNeighbour,
	rejectPointer,
	rejectSize,
	validateOpen,
	validateOptions,
} from "./internal/validate.ts";

// Module-local copies of the layout: V8 reads these faster than imported bindings, which it must
// check for initialization on every use (measured on the gcc-cc1 trace: about 1.3x the ops/s).
const {
	arenaEndFor,
	bitmapBytesFor,
	CACHE_LIMIT,
	CACHED,
	FIRST_BLOCK,
	FIRST_PTR,
	FREE,
	HEADER,
	LAYOUT_VERSION,
	MAGIC,
	MAX_ALIGN,
	MAX_HEAP_BYTES,
	MERGED_TAG,
	MIN_HEAP_BYTES,
	MIN_BLOCK,
	PAGE,
	PREV_FREE,
	W_ALLOCATIONS,
	W_ARENA_END,
	W_BINNED_BLOCKS,
	W_CACHED_BLOCKS,
	W_CACHED_HEADS,
	W_DIRTY_END,
	W_FL_MAP,
	W_FREES,
	W_GROWTH,
	W_HEADS,
	W_HEAP_BYTES,
	W_HIGH_WATER,
	W_MAGIC,
	W_MAX_BYTES,
	W_PEAK_USED,
	W_REALLOCATIONS,
	W_SL_MAPS,
	W_TOP,
	W_USED_BYTES,
	W_VERSION,
} = layout;

const SIZE_MASK = ~7;
const DEFAULT_INITIAL = 65536;
const DEFAULT_MAX = 2 ** 30;

const OPEN: unique symbol = Symbol("offheap.open");
interface OpenOptions extends HeapOptions {
	[OPEN]?: boolean;
	memory?: WebAssembly.Memory;
}

/**
 * The smallest heap, made once on first use and never freed, so that the hidden class of heaps stays
 * alive. V8 holds that class only weakly: when a GC finds no heap alive (a program that makes a heap per
 * task and drops it), it discards the class and with it the optimized code of malloc and free, and the
 * next heap runs unoptimized until V8 compiles them again (measured: the first 50k operations of a run
 * took 4–5× as long). `null` while it is being made.
 */
let shapeKeeper: Heap | null | undefined;

function isWasmMemory(value: unknown): value is WebAssembly.Memory {
	return typeof WebAssembly === "object" && value instanceof WebAssembly.Memory;
}

const ctz = (x: number): number => {
	return 31 - Math.clz32(x & -x);
};

/**
 * A heap: `malloc`/`calloc`/`realloc`/`free` over one buffer that grows on demand up to a budget.
 *
 * The allocator is a two-level segregated fit (TLSF) design with boundary tags: allocation and free
 * take bounded time whatever the number of blocks, freed neighbours coalesce at once, and every pointer
 * passed to `free`, `realloc` or `usableSize` is validated in O(1) against a block-start bitmap, so a
 * bad pointer throws and changes nothing. All state, bitmap included, lives inside the buffer, so
 * {@link Heap.open} can reopen a heap from its bytes.
 *
 * Views (`u8`, `u32`, `f64`, `dv`, …) always cover the whole heap. They are re-created when the heap
 * grows, so read them from the heap (`heap.u32`) after anything that may allocate rather than keeping
 * your own copy.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 24 });
 * const p = heap.alloc(3 * 8);           // three f64, 8-aligned
 * heap.f64.set([1, 2, 3], p >>> 3);
 * const q = heap.realloc(p, 6 * 8);       // grows in place when it can
 * console.log(heap.f64[(q >>> 3) + 2]);   // 3
 * heap.free(q);
 * heap.check();                           // throws HeapCorruptionError if any invariant broke
 * ```
 */
export class Heap implements Allocator {
	// Fields are declared, not initialized: an emitted class field starts out undefined, and V8 would then
	// check the kind of every view it loads from the heap; assigned first in the constructor, each field
	// keeps the one kind it is given.
	/** The buffer that holds the heap: its blocks and all of the allocator's state. */
	declare buffer: ArrayBuffer | SharedArrayBuffer;
	/** Bytes view over the whole heap. */
	declare u8: Uint8Array;
	/** Signed bytes view over the whole heap. */
	declare i8: Int8Array;
	/** u16 view over the whole heap; index with `ptr >>> 1`. */
	declare u16: Uint16Array;
	/** i16 view over the whole heap; index with `ptr >>> 1`. */
	declare i16: Int16Array;
	/** u32 view over the whole heap; index with `ptr >>> 2`. */
	declare u32: Uint32Array;
	/** i32 view over the whole heap; index with `ptr >>> 2`. */
	declare i32: Int32Array;
	/** f32 view over the whole heap; index with `ptr >>> 2`. */
	declare f32: Float32Array;
	/** f64 view over the whole heap; index with `ptr >>> 3`. */
	declare f64: Float64Array;
	/** i64 view over the whole heap; index with `ptr >>> 3`. */
	declare i64: BigInt64Array;
	/** u64 view over the whole heap; index with `ptr >>> 3`. */
	declare u64: BigUint64Array;
	/** DataView over the whole heap (little-endian access: pass `true`). */
	declare dv: DataView;
	/** End of the block area, mirrored from the control block (changes only when the heap grows). */
	declare private arenaEnd: number;
	/** u32 index of the start bitmap. */
	declare private bitmapBase: number;
	declare private maxBytes: number;
	/**
	 * The WebAssembly memory that holds the heap, when the heap made its own growable buffer: pass it
	 * to a wasm module's imports to share the heap with WebAssembly code. `undefined` for fixed budgets
	 * and caller-supplied buffers.
	 */
	declare readonly memory: WebAssembly.Memory | undefined;
	/** The debugging allocator, in checked mode. */
	declare private readonly checker: Checker | undefined;

	/**
	 * Creates a heap in a new buffer, or in `options.buffer`.
	 * @param options - sizes, budget and kind of buffer; see {@link HeapOptions}.
	 * @throws RangeError for sizes that are not integers, out of range, or inconsistent.
	 */
	constructor(options: HeapOptions = {}) {
		const opening = (options as OpenOptions)[OPEN] === true;
		let buffer: ArrayBuffer | SharedArrayBuffer;
		let memory: WebAssembly.Memory | undefined;
		let heapBytes: number;
		let maxBytes: number;
		let growth = 2;
		if (opening) {
			memory = (options as OpenOptions).memory;
			buffer = memory === undefined ? (options.buffer as ArrayBuffer | SharedArrayBuffer) : memory.buffer;
			const opened = validateOpen(buffer, memory);
			heapBytes = opened.heapBytes;
			maxBytes = opened.maxBytes;
			growth = opened.growth;
		} else {
			const o = validateOptions(options, DEFAULT_INITIAL, DEFAULT_MAX);
			heapBytes = o.initialBytes;
			maxBytes = o.maxBytes;
			growth = o.growthFactor;
			if (o.buffer !== undefined) buffer = o.buffer;
			else if (heapBytes === maxBytes)
				buffer = o.shared ? new SharedArrayBuffer(heapBytes) : new ArrayBuffer(heapBytes);
			else if (typeof WebAssembly === "object" && typeof WebAssembly.Memory === "function") {
				// Views over a plain buffer are about twice as fast as views over a resizable one
				// (docs/guides/performance.md); a wasm memory gives a plain buffer that grows in place.
				memory = new WebAssembly.Memory({
					initial: Math.ceil(heapBytes / PAGE),
					maximum: Math.ceil(maxBytes / PAGE),
					shared: o.shared,
				});
				buffer = memory.buffer;
				heapBytes = Math.min(buffer.byteLength, maxBytes);
			} else if (o.shared) buffer = new SharedArrayBuffer(heapBytes, { maxByteLength: maxBytes });
			else buffer = new ArrayBuffer(heapBytes, { maxByteLength: maxBytes });
		}
		this.memory = memory;
		this.buffer = buffer;
		this.maxBytes = maxBytes;
		this.arenaEnd = arenaEndFor(heapBytes);
		this.bitmapBase = this.arenaEnd >>> 2;
		this.u8 = new Uint8Array(buffer, 0, heapBytes);
		this.i8 = new Int8Array(buffer, 0, heapBytes);
		this.u16 = new Uint16Array(buffer, 0, heapBytes >>> 1);
		this.i16 = new Int16Array(buffer, 0, heapBytes >>> 1);
		this.u32 = new Uint32Array(buffer, 0, heapBytes >>> 2);
		this.i32 = new Int32Array(buffer, 0, heapBytes >>> 2);
		this.f32 = new Float32Array(buffer, 0, heapBytes >>> 2);
		this.f64 = new Float64Array(buffer, 0, heapBytes >>> 3);
		this.i64 = new BigInt64Array(buffer, 0, heapBytes >>> 3);
		this.u64 = new BigUint64Array(buffer, 0, heapBytes >>> 3);
		this.dv = new DataView(buffer, 0, heapBytes);
		if (opening) {
			this.u32[W_MAX_BYTES] = maxBytes;
			checkHeap(this.u32, this.arenaEnd);
		} else {
			this.format(heapBytes, maxBytes, growth, options.buffer !== undefined);
		}
		if (shapeKeeper === undefined) {
			shapeKeeper = null;
			shapeKeeper = new Heap({ initialBytes: MIN_HEAP_BYTES, maxBytes: MIN_HEAP_BYTES });
		}
		const checked = options.checked ?? false;
		this.checker =
			checked === false
				? undefined
				: new Checker(this, Heap.prototype as RawOps, checked === true ? {} : checked);
		if (this.checker !== undefined) {
			// Own properties shadow the prototype's methods only on checked heaps, so every other heap keeps
			// its hidden class and its call sites stay monomorphic: checked mode costs nothing when off.
			const checker = this.checker;
			this.malloc = (size, align) => checker.malloc(size, align);
			this.calloc = (count, size) => checker.calloc(count, size);
			this.realloc = (ptr, size) => checker.realloc(ptr, size);
			this.free = (ptr) => checker.free(ptr);
			this.usableSize = (ptr) => checker.usableSize(ptr);
			this.check = () => checker.check();
		}
	}

	/**
	 * Reopens a heap from its buffer: after the buffer was sent to a worker, or its bytes were saved and
	 * read back. Every live block keeps its address and contents. Given a WebAssembly memory (such as
	 * {@link Heap.memory}), a resizable `ArrayBuffer` or a growable `SharedArrayBuffer`, the heap can go on
	 * growing; given any other buffer, its current size is its budget.
	 *
	 * @param buffer - a buffer or wasm memory that holds a heap (checked in full before it is used).
	 * @throws {@link HeapCorruptionError} when the bytes are not a consistent heap.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const p = heap.alloc(4);
	 * heap.u32[p >>> 2] = 42;
	 * const copy = new Uint8Array(heap.u8).buffer; // e.g. written to a file and read back
	 * const again = Heap.open(copy);
	 * console.log(again.u32[p >>> 2], again.usableSize(p)); // 42 12
	 * ```
	 */
	static open(buffer: ArrayBuffer | SharedArrayBuffer | WebAssembly.Memory): Heap {
		const options: OpenOptions =
			buffer instanceof ArrayBuffer || !isWasmMemory(buffer)
				? { buffer, [OPEN]: true }
				: { memory: buffer, [OPEN]: true };
		return new Heap(options);
	}

	private format(heapBytes: number, maxBytes: number, growth: number, callerBuffer: boolean): void {
		const u32 = this.u32;
		const arenaEnd = this.arenaEnd;
		// A caller's buffer may hold anything: clear the control block and the bitmap, and trust no byte
		// of the arena to be zero.
		this.u8.fill(0, 0, FIRST_BLOCK);
		this.u8.fill(0, arenaEnd, heapBytes);
		u32[W_MAGIC] = MAGIC;
		u32[W_VERSION] = LAYOUT_VERSION;
		u32[W_HEAP_BYTES] = heapBytes;
		u32[W_MAX_BYTES] = maxBytes;
		u32[W_ARENA_END] = arenaEnd;
		u32[W_TOP] = FIRST_BLOCK;
		u32[W_DIRTY_END] = callerBuffer ? arenaEnd : FIRST_BLOCK;
		u32[W_HIGH_WATER] = FIRST_BLOCK;
		u32[W_GROWTH] = Math.round(growth * 256);
		u32[FIRST_BLOCK >>> 2] = (arenaEnd - FIRST_BLOCK) | FREE;
		this.setStart(FIRST_BLOCK);
	}

	/** The heap itself: a heap hands out blocks of its own buffer ({@link Allocator.heap}). */
	get heap(): Heap {
		return this;
	}

	// ---------------------------------------------------------------- allocation

	/**
	 * Allocates `size` bytes. Every pointer is 8-aligned; pass `align` (a power of two up to 2^24) for
	 * more. `malloc(0)` returns a unique live block.
	 * @returns the pointer, or `0` when the budget cannot hold the request.
	 * @throws RangeError when `size` is not an integer in [0, 2^31) or `align` is not a power of two.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const p = heap.malloc(100);
	 * const page = heap.malloc(256, 4096);
	 * if (p === 0 || page === 0) throw new Error("out of memory"); // or use alloc, which throws
	 * console.log(p % 8, page % 4096); // 0 0
	 * ```
	 */
	malloc(size: number, align?: number): Ptr {
		if (typeof size !== "number" || size >>> 0 !== size || size > MAX_HEAP_BYTES)
			return rejectSize("malloc", size);
		if (align !== undefined && align !== 8) return this.mallocAligned(size, align);
		const bytes = size < 5 ? MIN_BLOCK : (size + 11) & SIZE_MASK;
		// Fast path, small enough for V8 to inline into the caller's loop next to free: a cached block of
		// this size, taken whole. Everything else (a class head, search and split, the top) is allocBlock.
		const i32 = this.i32;
		const block = bytes < 512 ? i32[W_CACHED_HEADS + (bytes >>> 3)] : 0;
		// The cache's link was read from the block popped before: a block that is no cached block of this
		// size goes to allocBlock too, which verifies it again and reports it. (Word 0 is the NULL guard.)
		const header = i32[block >>> 2];
		if (block === 0 || (header & ~PREV_FREE) !== (bytes | CACHED) || (block & 7) !== 4) {
			return this.allocBlock(bytes);
		}
		i32[W_CACHED_HEADS + (bytes >>> 3)] = i32[(block + 4) >>> 2];
		i32[block >>> 2] = header ^ CACHED;
		i32[W_CACHED_BLOCKS] -= 1;
		// What `allocated` does, written out: one more nested helper here stops V8 from inlining the whole
		// of malloc into some callers' loops (random churn: 3% more instructions per operation).
		const used = i32[W_USED_BYTES] + bytes;
		i32[W_USED_BYTES] = used;
		if (used > i32[W_PEAK_USED]) i32[W_PEAK_USED] = used;
		count(i32, W_ALLOCATIONS);
		return block + HEADER;
	}

	/**
	 * Like {@link Heap.malloc}, but throws instead of returning `0`.
	 * @throws {@link OutOfMemoryError} when the budget cannot hold the request.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const p = heap.alloc(64, 64);
	 * console.log(p % 64); // 0
	 * ```
	 */
	alloc(size: number, align?: number): Ptr {
		const ptr = this.malloc(size, align);
		if (ptr === 0) throw this.outOfMemory(size);
		return ptr;
	}

	/**
	 * Like {@link Heap.calloc}, but throws instead of returning `0`: `count * size` zeroed bytes.
	 * @throws {@link OutOfMemoryError} when the budget cannot hold the request (the heap is unchanged),
	 * and RangeError or TypeError as calloc does.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const p = heap.allocZeroed(4, 8); // four zeroed f64
	 * console.log(heap.f64[(p >>> 3) + 3]); // 0
	 * ```
	 */
	allocZeroed(count: number, size: number): Ptr {
		const ptr = this.calloc(count, size);
		if (ptr === 0) throw this.outOfMemory(count * size);
		return ptr;
	}

	/**
	 * Like {@link Heap.realloc}, but throws instead of returning `0`, so that the only pointer to a block
	 * is never overwritten with `0` (C's `p = realloc(p, n)` mistake): on failure the block stays where it
	 * was, live and unchanged.
	 * @returns the (possibly moved) pointer.
	 * @throws {@link OutOfMemoryError} when the budget cannot hold `size` bytes, and what realloc throws.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * let p = heap.alloc(4);
	 * heap.u32[p >>> 2] = 7;
	 * p = heap.resize(p, 4000); // safe: p is not lost when this throws
	 * console.log(heap.u32[p >>> 2]); // 7
	 * ```
	 */
	resize(ptr: Ptr, size: number): Ptr {
		const moved = this.realloc(ptr, size);
		if (moved === 0) throw this.outOfMemory(size);
		return moved;
	}

	/**
	 * Allocates `count * size` bytes, all zero (also when a dirty block is reused).
	 * @returns the pointer, or `0` on exhaustion or when `count * size` is beyond the largest heap.
	 * @throws RangeError when `count` or `size` is not a non-negative integer.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const p = heap.calloc(10, 4);
	 * console.log(heap.u32.subarray(p >>> 2, (p >>> 2) + 10).every((x) => x === 0)); // true
	 * ```
	 */
	calloc(count: number, size: number): Ptr {
		if (typeof count !== "number" || count >>> 0 !== count) return rejectCount("calloc", count);
		if (typeof size !== "number" || size >>> 0 !== size) return rejectSize("calloc", size);
		const total = count * size;
		if (total > MAX_HEAP_BYTES) return 0;
		// Bytes at or above this were never handed out and are still zero. It is read before allocating:
		// carving the top raises the dirty mark over the new block, and settling the cache may merge the
		// old top's header word into the block.
		const dirtyEnd = Math.max(this.i32[W_DIRTY_END], this.i32[W_TOP] + HEADER);
		const bytes = (total + 11) & SIZE_MASK;
		const ptr = this.allocBlock(Math.max(bytes, MIN_BLOCK));
		if (ptr === 0) return 0;
		// Both bounds are multiples of 4; small blocks are cleared word by word, which beats a call to fill.
		const i32 = this.i32;
		const end = Math.min(ptr - HEADER + (i32[(ptr - HEADER) >>> 2] & SIZE_MASK), dirtyEnd);
		if (end - ptr <= 256) for (let i = ptr >>> 2; i < end >>> 2; i++) i32[i] = 0;
		else this.u8.fill(0, ptr, end);
		return ptr;
	}

	/** Takes a block of exactly `bytes` (a valid block size) from a size class or from the top. */
	private allocBlock(bytes: number): Ptr {
		// Search and split are written out in place rather than called: V8's inlining budget does not reach
		// helpers from a caller's loop through this function (only the tiny class-bitmap helpers get
		// inlined here), and calls cost a third of the time when it was measured.
		const i32 = this.i32;
		let bin = bytes < 512 ? bytes >>> 3 : binLarge(bytes);
		let block = bytes < 512 ? i32[W_CACHED_HEADS + bin] : 0;
		if (block !== 0) {
			if ((i32[block >>> 2] & ~PREV_FREE) !== (bytes | CACHED) || (block & 7) !== 4) {
				return rejectCachedLink(this.u32, this.arenaEnd, bytes, block);
			}
			uncache(i32, block, bytes);
			allocated(i32, bytes);
			return block + HEADER;
		}
		block = i32[W_HEADS + bin];
		if (block === 0 || (i32[block >>> 2] & SIZE_MASK) < bytes) {
			// Every block of a higher class fits: take the first non-empty one.
			bin += 1;
			let fl = bin >>> 5;
			let slMap = i32[W_SL_MAPS + fl] & (-1 << (bin & 31));
			if (slMap === 0) {
				const flMap = i32[W_FL_MAP] & (-1 << (fl + 1));
				if (flMap === 0) {
					// Cached blocks may merge into a block that fits: settle them before carving the top.
					if (i32[W_CACHED_BLOCKS] === 0) return this.allocTop(bytes);
					return this.settleFor(bytes) < 0 ? 0 : this.allocBlock(bytes);
				}
				fl = ctz(flMap);
				slMap = i32[W_SL_MAPS + fl];
			}
			bin = (fl << 5) | ctz(slMap);
			block = i32[W_HEADS + bin];
		}
		// Unlink the head of its class, once its header, class and boundary tag agree (the link that named it
		// was read from the block taken before it).
		const size = i32[block >>> 2] & SIZE_MASK;
		if (
			i32[block >>> 2] !== (size | FREE) ||
			(size < 512 ? size >>> 3 : binLarge(size)) !== bin ||
			i32[(block + size - 4) >>> 2] !== size
		) {
			return rejectFreeBlock(this.u32, this.arenaEnd, block, `size class ${bin} links to it`);
		}
		const next = i32[(block + 4) >>> 2];
		i32[W_HEADS + bin] = next;
		if (next === 0) clearClass(i32, bin);
		const rest = size - bytes;
		if (rest >= MIN_BLOCK) {
			// Split: the rest becomes a free block, marked in the bitmap and pushed on its class.
			const r = block + bytes;
			i32[r >>> 2] = rest | FREE;
			i32[(r + rest - 4) >>> 2] = rest;
			const p = r + HEADER;
			i32[this.bitmapBase + (p >>> 8)] |= 1 << ((p >>> 3) & 31);
			const restBin = rest < 512 ? rest >>> 3 : binLarge(rest);
			const head = i32[W_HEADS + restBin];
			i32[(r + 4) >>> 2] = head;
			if (head !== 0) i32[(head + 8) >>> 2] = r;
			else setClass(i32, restBin);
			i32[W_HEADS + restBin] = r;
			i32[block >>> 2] = bytes;
		} else {
			i32[block >>> 2] = size;
			i32[(block + size) >>> 2] &= ~PREV_FREE;
			i32[W_BINNED_BLOCKS] -= 1;
			bytes = size;
		}
		allocated(i32, bytes);
		return block + HEADER;
	}

	/** Carves a block from the start of the top, growing the buffer if the top is too small. */
	private allocTop(bytes: number): Ptr {
		let i32 = this.i32;
		const top = i32[W_TOP];
		if (top + bytes > this.arenaEnd) {
			if (!this.grow(bytes)) return 0;
			i32 = this.i32;
		}
		i32[top >>> 2] = bytes;
		this.setTop(top + bytes);
		allocated(i32, bytes);
		return top + HEADER;
	}

	private mallocAligned(size: number, align: number): Ptr {
		if (
			typeof align !== "number" ||
			align >>> 0 !== align ||
			align === 0 ||
			(align & (align - 1)) !== 0 ||
			align > MAX_ALIGN
		) {
			return rejectAlign("malloc", align);
		}
		const bytes = Math.max(MIN_BLOCK, (size + 11) & SIZE_MASK);
		if (align <= 8) return this.allocBlock(bytes);
		// Room for the block, a front gap of 0 or at least MIN_BLOCK bytes, and the worst misalignment.
		const total = bytes + align + 8;
		if (total > MAX_HEAP_BYTES) return 0;
		let i32 = this.i32;
		let block = 0;
		let size0 = 0;
		let fromTop = false;
		let bin = this.firstFit(total);
		if (bin < 0 && i32[W_CACHED_BLOCKS] !== 0) {
			if (this.settleFor(total) < 0) return 0;
			i32 = this.i32;
			bin = this.firstFit(total);
		}
		if (bin >= 0) {
			block = i32[W_HEADS + bin];
			size0 = i32[block >>> 2] & SIZE_MASK;
			if (
				i32[block >>> 2] !== (size0 | FREE) ||
				i32[(block + size0 - 4) >>> 2] !== size0 ||
				!linksAgree(i32, block, size0)
			) {
				return rejectFreeBlock(this.u32, this.arenaEnd, block, `size class ${bin} links to it`);
			}
			unlinkFree(i32, block, size0);
			i32[W_BINNED_BLOCKS] -= 1;
		} else {
			block = i32[W_TOP];
			if (block + total > this.arenaEnd) {
				if (!this.grow(total)) return 0;
				i32 = this.i32;
			}
			size0 = this.arenaEnd - block;
			fromTop = true;
		}
		const payload = block + HEADER;
		let gap = ((payload + align - 1) & -align) - payload;
		if (gap !== 0 && gap < MIN_BLOCK) gap += align;
		let start = block;
		if (gap !== 0) {
			// The front gap becomes a free block of its own; its left neighbour is in use.
			pushFree(i32, block, gap);
			start = block + gap;
			this.setStart(start);
		}
		const flags = gap !== 0 ? PREV_FREE : 0;
		let taken = bytes;
		if (fromTop) this.setTop(start + bytes);
		else {
			const rest = size0 - gap - bytes;
			if (rest >= MIN_BLOCK) {
				const r = start + bytes;
				this.setStart(r);
				pushFree(i32, r, rest);
			} else {
				taken = bytes + rest;
				i32[(start + taken) >>> 2] &= ~PREV_FREE;
			}
		}
		i32[start >>> 2] = taken | flags;
		allocated(i32, taken);
		return start + HEADER;
	}

	/** Size class of a block that fits `bytes`, or -1 when only the top is left. */
	private firstFit(bytes: number): number {
		const i32 = this.i32;
		let bin = bytes < 512 ? bytes >>> 3 : binLarge(bytes);
		const head = i32[W_HEADS + bin];
		if (head !== 0 && (i32[head >>> 2] & SIZE_MASK) >= bytes) return bin;
		bin += 1;
		let fl = bin >>> 5;
		let slMap = i32[W_SL_MAPS + fl] & (-1 << (bin & 31));
		if (slMap === 0) {
			const flMap = i32[W_FL_MAP] & (-1 << (fl + 1));
			if (flMap === 0) return -1;
			fl = ctz(flMap);
			slMap = i32[W_SL_MAPS + fl];
		}
		return (fl << 5) | ctz(slMap);
	}

	// ---------------------------------------------------------------- free

	/**
	 * Frees a block; its free neighbours merge with it at once. `free(0)` does nothing.
	 * @throws {@link InvalidPointerError} for a pointer that is not the start of a block, and
	 * {@link DoubleFreeError} for a block already freed; the heap is then left exactly as it was.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const p = heap.alloc(32);
	 * heap.free(p);
	 * console.log(heap.stats().liveBlocks); // 0
	 * ```
	 */
	free(ptr: Ptr): void {
		if (ptr === 0) return;
		// One test, kept small so that V8 inlines free into its callers: a pointer inside the arena whose
		// block is in use, and the start bitmap marks it and the next block exactly `size` bytes on, with
		// nothing between (when both bits lie in one bitmap word). freeChecked refuses every other pointer
		// and verifies every other block in full (see endsWhereNextStarts).
		if (
			typeof ptr === "number" &&
			(ptr & 7) === 0 &&
			ptr >>> 0 === ptr &&
			ptr >= FIRST_PTR &&
			ptr < this.arenaEnd
		) {
			const i32 = this.i32;
			const block = ptr - HEADER;
			const header = i32[block >>> 2];
			const size = header & SIZE_MASK;
			const bit = (ptr >>> 3) & 31;
			const granules = size >>> 3;
			if (
				(header & (FREE | CACHED)) === 0 &&
				bit + granules < 32 &&
				((i32[this.bitmapBase + (ptr >>> 8)] >>> bit) & ((2 << granules) - 1)) === 1 + (1 << granules)
			) {
				// Fast path: a small block goes to the cache while it has room (see W_CACHED_HEADS), untouched
				// but for its header. One next to the top merges into it instead (freeBlock), which keeps the
				// top low and the cache empty in a program that allocates and frees one block at a time, and
				// so does the last live block (freeBlock settles the cache, so that the heap is one free block
				// again). Each path counts the free itself: counting once, before the branch, and passing the
				// used bytes on cost gcc-cc1's replay 6.6% more instructions (measured).
				if (
					size < 512 &&
					i32[W_CACHED_BLOCKS] < CACHE_LIMIT &&
					block + size !== i32[W_TOP] &&
					i32[W_USED_BYTES] !== size
				) {
					i32[W_USED_BYTES] -= size;
					count(i32, W_FREES);
					cache(i32, block, header, size);
				} else this.freeBlock(block, header);
				return;
			}
		}
		this.freeChecked(ptr);
	}

	/**
	 * free for a block the fast test could not vouch for: a pointer that is no block in use (refused), a
	 * header that does not match the start bitmap (corruption, refused), or a valid block whose next
	 * start lies in another bitmap word (most blocks of 256 bytes and more): freed as free does.
	 */
	private freeChecked(ptr: number): void {
		if (
			typeof ptr !== "number" ||
			ptr >>> 0 !== ptr ||
			(ptr & 7) !== 0 ||
			ptr < FIRST_PTR ||
			ptr >= this.arenaEnd
		) {
			rejectPointer("free", ptr, this.u32, this.arenaEnd);
		}
		const i32 = this.i32;
		const block = ptr - HEADER;
		const header = i32[block >>> 2];
		if (
			((i32[this.bitmapBase + (ptr >>> 8)] >>> ((ptr >>> 3) & 31)) & 1) === 0 ||
			(header & (FREE | CACHED)) !== 0
		) {
			rejectPointer("free", ptr, this.u32, this.arenaEnd);
		}
		const size = header & SIZE_MASK;
		if (!endsWhereNextStarts(i32, this.bitmapBase, this.arenaEnd, ptr, size)) {
			rejectHeader("free", ptr, this.u32, this.arenaEnd);
		}
		if (
			size < 512 &&
			i32[W_CACHED_BLOCKS] < CACHE_LIMIT &&
			block + size !== i32[W_TOP] &&
			i32[W_USED_BYTES] !== size
		) {
			i32[W_USED_BYTES] -= size;
			count(i32, W_FREES);
			cache(i32, block, header, size);
		} else this.freeBlock(block, header);
	}

	/** Frees the used block `block` (header `header`) without the cache: pushed on its class, or merged. */
	private freeBlock(block: number, header: number): void {
		const i32 = this.i32;
		const size = header & SIZE_MASK;
		this.verifyNeighbours("free", block, header);
		// Freeing the last live block settles the cache below: verify it before anything changes.
		if (i32[W_USED_BYTES] === size && i32[W_CACHED_BLOCKS] !== 0) this.verifyCache();
		const used = i32[W_USED_BYTES] - size;
		i32[W_USED_BYTES] = used;
		count(i32, W_FREES);
		const right = block + size;
		const rightHeader = i32[right >>> 2];
		// Neither neighbour is free (nor the top), so nothing merges and the block is pushed on its class
		// as it is. The top's header has FREE set unless the top is empty, at arenaEnd.
		if (((header | rightHeader) & (FREE | PREV_FREE)) !== 0 || right === this.arenaEnd) {
			this.release(block, header);
		} else {
			i32[right >>> 2] = rightHeader | PREV_FREE;
			pushFree(i32, block, size);
		}
		if (used === 0 && i32[W_CACHED_BLOCKS] !== 0) this.settleCache();
	}

	/**
	 * Bytes usable at `ptr` (at least the size asked for; the rest of the block's 8-byte granule).
	 * @throws {@link InvalidPointerError} or {@link DoubleFreeError} as {@link Heap.free} does.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * console.log(heap.usableSize(heap.malloc(10))); // 12
	 * ```
	 */
	usableSize(ptr: Ptr): number {
		const i32 = this.i32;
		if (
			typeof ptr !== "number" ||
			ptr >>> 0 !== ptr ||
			(ptr & 7) !== 0 ||
			ptr < FIRST_PTR ||
			ptr >= this.arenaEnd
		) {
			return rejectPointer("usableSize", ptr, this.u32, this.arenaEnd);
		}
		const header = i32[(ptr - HEADER) >>> 2];
		if (
			((i32[this.bitmapBase + (ptr >>> 8)] >>> ((ptr >>> 3) & 31)) & 1) === 0 ||
			(header & (FREE | CACHED)) !== 0
		) {
			return rejectPointer("usableSize", ptr, this.u32, this.arenaEnd);
		}
		// A size that does not reach the next block would send the caller's writes into it.
		if (!endsWhereNextStarts(i32, this.bitmapBase, this.arenaEnd, ptr, header & SIZE_MASK)) {
			return rejectHeader("usableSize", ptr, this.u32, this.arenaEnd);
		}
		return (header & SIZE_MASK) - HEADER;
	}

	/** Turns the used block at `block` (with header `header`) into free space, merging both neighbours. */
	private release(block: number, header: number): void {
		// Callers verified both neighbours (verifyNeighbours) before they changed anything.
		// Like allocBlock, the merges are written out in place (see there why); unlinkFree and pushFree are
		// small enough for V8 to inline.
		const i32 = this.i32;
		const bitmapBase = this.bitmapBase;
		let size = header & SIZE_MASK;
		const right = block + size;
		let binned = i32[W_BINNED_BLOCKS];
		if ((header & PREV_FREE) !== 0) {
			// Merge with the free left neighbour: unlink it, and unmark this block's start.
			const leftSize = i32[(block - 4) >>> 2];
			const left = block - leftSize;
			unlinkFree(i32, left, leftSize);
			const p = block + HEADER;
			i32[bitmapBase + (p >>> 8)] &= ~(1 << ((p >>> 3) & 31));
			i32[block >>> 2] = MERGED_TAG;
			block = left;
			size += leftSize;
			binned -= 1;
		}
		const top = i32[W_TOP];
		if (right === top) {
			const arenaEnd = this.arenaEnd;
			if (top < arenaEnd) {
				this.clearStart(top);
				// The old top header is now inside the top, which must read as zero above dirtyEnd.
				if (top + 4 > i32[W_DIRTY_END]) i32[W_DIRTY_END] = top + 4;
			}
			i32[block >>> 2] = (arenaEnd - block) | FREE;
			i32[W_TOP] = block;
			i32[W_BINNED_BLOCKS] = binned;
			return;
		}
		const rightHeader = i32[right >>> 2];
		if ((rightHeader & FREE) !== 0) {
			// Merge with the free right neighbour: unlink it, and unmark its start.
			const rightSize = rightHeader & SIZE_MASK;
			unlinkFree(i32, right, rightSize);
			const p = right + HEADER;
			i32[bitmapBase + (p >>> 8)] &= ~(1 << ((p >>> 3) & 31));
			i32[right >>> 2] = MERGED_TAG;
			size += rightSize;
			binned -= 1;
		} else {
			i32[right >>> 2] = rightHeader | PREV_FREE;
		}
		i32[W_BINNED_BLOCKS] = binned;
		pushFree(i32, block, size);
	}

	/**
	 * Frees every cached block for real, merging it with its free neighbours. Bounded by CACHE_LIMIT;
	 * run before the heap would carve the top or grow, so that the cache never costs footprint.
	 */
	private settleCache(): void {
		this.verifyCache();
		const i32 = this.i32;
		for (let bin = MIN_BLOCK >>> 3; bin < 512 >>> 3; bin++) {
			let block = i32[W_CACHED_HEADS + bin];
			if (block === 0) continue;
			i32[W_CACHED_HEADS + bin] = 0;
			while (block !== 0) {
				const next = i32[(block + 4) >>> 2];
				// Cached blocks ahead in this walk still look used to this release: each merges with its
				// neighbours when its own turn comes.
				const header = i32[block >>> 2] ^ CACHED;
				i32[block >>> 2] = header;
				this.release(block, header);
				block = next;
			}
		}
		i32[W_CACHED_BLOCKS] = 0;
	}

	/**
	 * Verifies, before a free block's neighbours are merged with it, everything the merge trusts: a free
	 * left neighbour (named by PREV_FREE and the boundary tag before the block) and a free right one, each
	 * with a header, boundary tag and list links that agree. Throws HeapCorruptionError naming the
	 * block, before anything changed. O(1).
	 */
	private verifyNeighbours(operation: string, block: number, header: number): void {
		const i32 = this.i32;
		if ((header & PREV_FREE) !== 0) {
			const leftSize = i32[(block - 4) >>> 2];
			const left = block - leftSize;
			if (
				leftSize < MIN_BLOCK ||
				(leftSize & 7) !== 0 ||
				left < FIRST_BLOCK ||
				i32[left >>> 2] !== (leftSize | FREE) ||
				!linksAgree(i32, left, leftSize)
			) {
				rejectNeighbour(operation, this.u32, this.arenaEnd, block, "left");
			}
		}
		const right = block + (header & SIZE_MASK);
		const top = i32[W_TOP];
		if (right === top) return;
		const rightHeader = i32[right >>> 2];
		if ((rightHeader & FREE) === 0) return;
		const rightSize = rightHeader & SIZE_MASK;
		if (
			rightHeader !== (rightSize | FREE) ||
			rightSize < MIN_BLOCK ||
			right + rightSize > top ||
			i32[(right + rightSize - 4) >>> 2] !== rightSize ||
			!linksAgree(i32, right, rightSize)
		) {
			rejectNeighbour(operation, this.u32, this.arenaEnd, block, "right");
		}
	}

	/**
	 * Verifies every cached block and its neighbours, and the head of every size class, before settling
	 * merges the first of them, so that a corruption found while settling, or by the allocation that
	 * follows it, leaves the heap as it was. Bounded by CACHE_LIMIT and the number of classes.
	 */
	private verifyCache(): void {
		const i32 = this.i32;
		let seen = 0;
		for (let bin = MIN_BLOCK >>> 3; bin < 512 >>> 3; bin++) {
			const bytes = bin << 3;
			for (let block = i32[W_CACHED_HEADS + bin]; block !== 0; block = i32[(block + 4) >>> 2]) {
				const header = i32[block >>> 2];
				// The list a block is on says its size: the header must say the same (its end was verified
				// against the bitmap when it was freed).
				if (
					(header & ~PREV_FREE) !== (bytes | CACHED) ||
					(block & 7) !== 4 ||
					++seen > i32[W_CACHED_BLOCKS]
				) {
					rejectCachedLink(this.u32, this.arenaEnd, bytes, block);
				}
				this.verifyNeighbours("free", block, header ^ CACHED);
			}
		}
		// After settling, the caller takes the head of some class: verify every head now, while a
		// corruption found still leaves the heap as it was (at most one word per non-empty class).
		for (let flMap = i32[W_FL_MAP]; flMap !== 0; flMap &= flMap - 1) {
			const fl = ctz(flMap);
			for (let slMap = i32[W_SL_MAPS + fl]; slMap !== 0; slMap &= slMap - 1) {
				const bin = (fl << 5) | ctz(slMap);
				const head = i32[W_HEADS + bin];
				const size = i32[head >>> 2] & SIZE_MASK;
				if (
					i32[head >>> 2] !== (size | FREE) ||
					(size < 512 ? size >>> 3 : binLarge(size)) !== bin ||
					i32[(head + size - 4) >>> 2] !== size
				) {
					rejectFreeBlock(this.u32, this.arenaEnd, head, `size class ${bin} links to it`);
				}
			}
		}
	}

	/**
	 * Settles the cache for a request of `bytes` that no size class holds, but only when settling lets
	 * the request succeed, so that a failing malloc changes nothing (cold path). Settling merges every
	 * maximal run of free and cached blocks into one block; the runs are measured first, without a
	 * write (bounded: each of at most CACHE_LIMIT cached blocks walks its run). When the largest run that
	 * settling makes holds `bytes`, that block is put first in its size class, where the caller's search
	 * finds it (a block is found by its class, and a class holds blocks a little smaller than its
	 * largest). Otherwise the top must hold the request once the run that ends at it has merged into it:
	 * the heap grows first when it must, and nothing is settled when it cannot.
	 * @returns the block settling made for the request, 0 when the top now holds it, -1 when nothing
	 * can (the heap is unchanged).
	 */
	private settleFor(bytes: number): number {
		const i32 = this.i32;
		const arenaEnd = this.arenaEnd;
		const top = i32[W_TOP];
		// Settling only lowers the top: when the top holds the request now, the request succeeds.
		if (top + bytes <= arenaEnd) {
			this.settleCache();
			return 0;
		}
		let best = 0;
		let bestStart = 0;
		let topStart = top;
		for (let bin = MIN_BLOCK >>> 3; bin < 512 >>> 3; bin++) {
			for (let cached = i32[W_CACHED_HEADS + bin]; cached !== 0; cached = i32[(cached + 4) >>> 2]) {
				const header = i32[cached >>> 2];
				// A run starts at a free left neighbour (PREV_FREE and its boundary tag) or at a cached block;
				// every run is measured from its leftmost cached block, among others.
				const start = (header & PREV_FREE) !== 0 ? cached - i32[(cached - 4) >>> 2] : cached;
				let end = cached + (header & SIZE_MASK);
				while (end !== top && end < arenaEnd) {
					const next = i32[end >>> 2];
					// A size below the smallest block is corruption: the walk stops, and settling reports it.
					if ((next & (FREE | CACHED)) === 0 || (next & SIZE_MASK) < MIN_BLOCK) break;
					end += next & SIZE_MASK;
				}
				if (end === top) {
					if (start < topStart) topStart = start;
				} else if (end - start > best) {
					best = end - start;
					bestStart = start;
				}
			}
		}
		if (best >= bytes) {
			this.settleCache();
			// Put the block made for the request first in its class (it may not be after later releases).
			const size = i32[bestStart >>> 2] & SIZE_MASK;
			unlinkFree(i32, bestStart, size);
			linkFree(i32, bestStart, size);
			return bestStart;
		}
		if (topStart + bytes > arenaEnd && !this.grow(bytes, topStart)) return -1;
		this.settleCache();
		return 0;
	}

	// ---------------------------------------------------------------- realloc

	/**
	 * Resizes the block at `ptr` to `size` bytes, keeping its first `min(old, size)` bytes. It shrinks in
	 * place, grows in place into a free right neighbour or the free end of the heap, and otherwise
	 * moves the block and frees the old one. `realloc(0, n)` is `malloc(n)`; `realloc(p, 0)` shrinks `p`
	 * to the smallest block and keeps it live. A moved block is 8-aligned whatever it was before.
	 * @returns the new pointer, or `0` when the budget cannot hold `size`; `ptr` is then untouched.
	 * @throws {@link InvalidPointerError} or {@link DoubleFreeError} as {@link Heap.free} does, and
	 * RangeError for a bad size.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * let p = heap.alloc(4);
	 * heap.u32[p >>> 2] = 7;
	 * // Keep the old pointer until realloc succeeds: on failure it returns 0 and p is still live.
	 * const q = heap.realloc(p, 4000);
	 * if (q === 0) throw new Error("out of memory");
	 * p = q;
	 * console.log(heap.u32[p >>> 2], heap.stats().liveBlocks); // 7 1
	 * ```
	 */
	realloc(ptr: Ptr, size: number): Ptr {
		if (ptr === 0) return this.malloc(size);
		let i32 = this.i32;
		if (
			typeof ptr !== "number" ||
			ptr >>> 0 !== ptr ||
			(ptr & 7) !== 0 ||
			ptr < FIRST_PTR ||
			ptr >= this.arenaEnd
		) {
			return rejectPointer("realloc", ptr, this.u32, this.arenaEnd);
		}
		const block = ptr - HEADER;
		const header = i32[block >>> 2];
		if (
			((i32[this.bitmapBase + (ptr >>> 8)] >>> ((ptr >>> 3) & 31)) & 1) === 0 ||
			(header & (FREE | CACHED)) !== 0
		) {
			return rejectPointer("realloc", ptr, this.u32, this.arenaEnd);
		}
		if (typeof size !== "number" || size >>> 0 !== size || size > MAX_HEAP_BYTES)
			return rejectSize("realloc", size);
		if (!endsWhereNextStarts(i32, this.bitmapBase, this.arenaEnd, ptr, header & SIZE_MASK)) {
			return rejectHeader("realloc", ptr, this.u32, this.arenaEnd);
		}
		this.verifyNeighbours("realloc", block, header);
		const need = Math.max(MIN_BLOCK, (size + 11) & SIZE_MASK);
		const old = header & SIZE_MASK;
		let flags = header & PREV_FREE;
		if (need <= old) {
			if (old - need >= MIN_BLOCK) {
				i32[block >>> 2] = need | flags;
				const tail = block + need;
				i32[tail >>> 2] = old - need;
				this.setStart(tail);
				this.release(tail, old - need);
				i32[W_USED_BYTES] -= old - need;
			}
			count(i32, W_REALLOCATIONS);
			return ptr;
		}
		const right = block + old;
		// A cached right neighbour is free space: settle the cache so that it can merge into this block,
		// when that makes room (else the block moves, and a failing move changes nothing). Settling may
		// free the left neighbour too, which sets this block's PREV_FREE flag.
		if (right < this.arenaEnd && (i32[right >>> 2] & CACHED) !== 0 && this.settleRight(block, right, need)) {
			i32 = this.i32;
			flags = i32[block >>> 2] & PREV_FREE;
		}
		const top = i32[W_TOP];
		if (right === top) {
			if (block + need > this.arenaEnd) {
				if (this.grow(need - old)) i32 = this.i32;
			}
			if (block + need <= this.arenaEnd) {
				if (top < this.arenaEnd) this.clearStart(top);
				i32[block >>> 2] = need | flags;
				this.setTop(block + need);
				addUsed(i32, need - old);
				count(i32, W_REALLOCATIONS);
				return ptr;
			}
		} else {
			const rightHeader = i32[right >>> 2];
			const rightSize = rightHeader & SIZE_MASK;
			if ((rightHeader & FREE) !== 0 && old + rightSize >= need) {
				unlinkFree(i32, right, rightSize);
				i32[W_BINNED_BLOCKS] -= 1;
				this.clearStart(right);
				const total = old + rightSize;
				let taken = total;
				if (total - need >= MIN_BLOCK) {
					const r = block + need;
					this.setStart(r);
					pushFree(i32, r, total - need);
					taken = need;
				} else {
					i32[(block + total) >>> 2] &= ~PREV_FREE;
				}
				i32[block >>> 2] = taken | flags;
				addUsed(i32, taken - old);
				count(i32, W_REALLOCATIONS);
				return ptr;
			}
		}
		const moved = this.allocBlock(need);
		if (moved === 0) return 0;
		i32 = this.i32;
		this.u8.copyWithin(moved, ptr, ptr + old - HEADER);
		const oldHeader = i32[block >>> 2];
		i32[W_USED_BYTES] -= oldHeader & SIZE_MASK;
		count(i32, W_FREES);
		count(i32, W_REALLOCATIONS);
		this.release(block, oldHeader);
		return moved;
	}

	/**
	 * Settles the cache when the run of free and cached blocks from `right` (the cached right neighbour
	 * of `block`) lets `block` grow in place to `need` bytes, growing the heap first when the run ends at
	 * the top and the top is too short (cold path).
	 * @returns whether it settled.
	 */
	private settleRight(block: number, right: number, need: number): boolean {
		const i32 = this.i32;
		const top = i32[W_TOP];
		let end = right;
		while (end !== top && end < this.arenaEnd) {
			const header = i32[end >>> 2];
			if ((header & (FREE | CACHED)) === 0 || (header & SIZE_MASK) < MIN_BLOCK) break;
			end += header & SIZE_MASK;
		}
		if (end === top) {
			if (block + need > this.arenaEnd && !this.grow(block + need - right, right)) return false;
		} else if (end - block < need) return false;
		this.settleCache();
		return true;
	}

	// ---------------------------------------------------------------- size classes and bitmap

	/**
	 * Moves the start of the top to `next` (the end of a block just carved from it), marking the new top
	 * and raising the high-water and dirty marks.
	 */
	private setTop(next: number): void {
		const i32 = this.i32;
		const arenaEnd = this.arenaEnd;
		i32[W_TOP] = next;
		if (next < arenaEnd) {
			i32[next >>> 2] = (arenaEnd - next) | FREE;
			this.setStart(next);
		}
		if (next > i32[W_HIGH_WATER]) i32[W_HIGH_WATER] = next;
		if (next > i32[W_DIRTY_END]) i32[W_DIRTY_END] = next;
	}

	/** Marks `block` as the start of a block in the bitmap. */
	private setStart(block: number): void {
		const p = block + HEADER;
		this.i32[this.bitmapBase + (p >>> 8)] |= 1 << ((p >>> 3) & 31);
	}

	/** Unmarks `block`, which was merged into its left neighbour, and tags its old header. */
	private clearStart(block: number): void {
		const p = block + HEADER;
		const i32 = this.i32;
		i32[this.bitmapBase + (p >>> 8)] &= ~(1 << ((p >>> 3) & 31));
		i32[block >>> 2] = MERGED_TAG;
	}

	// ---------------------------------------------------------------- growth

	/**
	 * Grows the buffer so that the top holds at least `bytes` from `top` (where the top starts, or will
	 * once the cache is settled); false, with nothing changed, when the budget does not allow it.
	 */
	private grow(bytes: number, top: number = this.u32[W_TOP]): boolean {
		const u32 = this.u32;
		const oldBytes = u32[W_HEAP_BYTES];
		let need = top + bytes + 8;
		need += bitmapBytesFor(need) + 8;
		need = Math.ceil(need / 8) * 8;
		let target = Math.max(need, Math.ceil((oldBytes * u32[W_GROWTH]) / 256));
		target = Math.ceil(target / PAGE) * PAGE;
		if (target > this.maxBytes) target = this.maxBytes;
		if (target <= oldBytes || arenaEndFor(target) - top < bytes) return false;
		const memory = this.memory;
		const buffer = this.buffer;
		// Bytes of the buffer past the heap (a caller's buffer, or a memory that held more than its heap)
		// may hold anything; bytes that growth adds arrive zeroed.
		const oldLength = buffer.byteLength;
		try {
			if (memory !== undefined) {
				const pages = Math.ceil(target / PAGE) - oldLength / PAGE;
				if (pages > 0) memory.grow(pages);
				this.buffer = memory.buffer;
			} else if (oldLength < target) {
				if (buffer instanceof ArrayBuffer) buffer.resize(target);
				else buffer.grow(target);
			}
		} catch {
			return false;
		}
		this.relayout(oldBytes, target, oldLength);
		return true;
	}

	/** Moves the start bitmap to the end of the grown buffer and extends the top over the new space. */
	private relayout(oldBytes: number, newBytes: number, oldLength: number): void {
		const oldArenaEnd = this.arenaEnd;
		const oldBitmapBytes = oldBytes - oldArenaEnd;
		const arenaEnd = arenaEndFor(newBytes);
		this.attachViews(newBytes);
		const u8 = this.u8;
		const u32 = this.u32;
		// The heap takes over bytes that were past it (`oldLength` is the buffer's length before growing):
		// they must read as zero like the bytes that growth adds.
		if (oldLength > oldBytes) u8.fill(0, oldBytes, Math.min(oldLength, newBytes));
		// New bytes arrive zeroed; only the old bitmap's place, now part of the top, needs clearing.
		u8.copyWithin(arenaEnd, oldArenaEnd, oldBytes);
		u8.fill(0, arenaEnd + oldBitmapBytes, newBytes);
		u8.fill(0, oldArenaEnd, Math.min(oldBytes, arenaEnd));
		this.arenaEnd = arenaEnd;
		this.bitmapBase = arenaEnd >>> 2;
		u32[W_HEAP_BYTES] = newBytes;
		u32[W_ARENA_END] = arenaEnd;
		const top = u32[W_TOP];
		u32[top >>> 2] = (arenaEnd - top) | FREE;
		if (top === oldArenaEnd) this.setStart(top);
	}

	private attachViews(heapBytes: number): void {
		const buffer = this.buffer;
		this.u8 = new Uint8Array(buffer, 0, heapBytes);
		this.i8 = new Int8Array(buffer, 0, heapBytes);
		this.u16 = new Uint16Array(buffer, 0, heapBytes >>> 1);
		this.i16 = new Int16Array(buffer, 0, heapBytes >>> 1);
		this.u32 = new Uint32Array(buffer, 0, heapBytes >>> 2);
		this.i32 = new Int32Array(buffer, 0, heapBytes >>> 2);
		this.f32 = new Float32Array(buffer, 0, heapBytes >>> 2);
		this.f64 = new Float64Array(buffer, 0, heapBytes >>> 3);
		this.i64 = new BigInt64Array(buffer, 0, heapBytes >>> 3);
		this.u64 = new BigUint64Array(buffer, 0, heapBytes >>> 3);
		this.dv = new DataView(buffer, 0, heapBytes);
	}

	// ---------------------------------------------------------------- inspection

	/**
	 * Exact counters, read in O(1) from the control block (the largest free block needs a look at
	 * one size class).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const p = heap.alloc(1000);
	 * heap.free(p);
	 * const { liveBlocks, freeBlocks, allocations, frees } = heap.stats();
	 * console.log(liveBlocks, freeBlocks, allocations, frees); // 0 1 1 1
	 * ```
	 */
	stats(): HeapStats {
		return heapStats(this.u32, this.arenaEnd);
	}

	/**
	 * Walks every block and checks every invariant: headers, boundary tags, the start bitmap, the size
	 * classes and their bitmaps, coalescing, and the counters. O(blocks + heap/256).
	 * @throws {@link HeapCorruptionError} naming the first bad block.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * heap.free(heap.malloc(8));
	 * heap.check(); // passes silently
	 * ```
	 */
	check(): void {
		checkHeap(this.u32, this.arenaEnd);
	}

	/**
	 * Every block in address order, free ones included.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * heap.malloc(8);
	 * console.log([...heap.walk()].filter((b) => !b.free).length); // 1
	 * ```
	 */
	walk(): IterableIterator<BlockInfo> {
		return walkHeap(this.u32, this.arenaEnd);
	}

	/**
	 * A human-readable map of the heap, one block a line: `[0x0e34 -> 0x0e44) allocated 16 B`.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * heap.malloc(100);
	 * console.log(heap.dump());
	 * ```
	 */
	dump(): string {
		return dumpHeap(this.u32, this.arenaEnd);
	}

	/**
	 * Live blocks grouped by where they were allocated, biggest first, like Valgrind's summary of lost
	 * blocks. In checked mode each group names its allocation site and the bytes asked for; otherwise all
	 * live blocks form one group without a site. Call it in a test's `afterEach` to catch leaks.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap({ checked: true });
	 * const p = heap.alloc(64);
	 * heap.free(p);
	 * console.log(heap.leaks()); // []
	 * ```
	 */
	leaks(): LeakGroup[] {
		if (this.checker !== undefined) return this.checker.leaks();
		const group: LeakGroup = {
			site: "(checked mode is off: no allocation sites)",
			blocks: 0,
			bytes: 0,
			pointers: [],
		};
		for (const block of this.walk()) {
			if (block.free) continue;
			group.blocks += 1;
			group.bytes += block.size;
			if (group.pointers.length < 16) group.pointers.push(block.ptr);
		}
		return group.blocks === 0 ? [] : [group];
	}

	/**
	 * {@link Heap.leaks} as text for a test's `afterEach`: empty when nothing is live, otherwise a summary
	 * like Valgrind's, one paragraph per allocation site.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap({ checked: true });
	 * heap.malloc(24);
	 * console.log(heap.leakReport().split("\n")[0]); // 24 B in 1 block still live, from 1 allocation site:
	 * ```
	 */
	leakReport(): string {
		const groups = this.leaks();
		if (groups.length === 0) return "";
		const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
		let bytes = 0;
		let blocks = 0;
		for (const group of groups) {
			bytes += group.bytes;
			blocks += group.blocks;
		}
		const lines = [
			`${bytes} B in ${plural(blocks, "block")} still live, from ${plural(groups.length, "allocation site")}:`,
		];
		for (const group of groups) {
			const site = group.site
				.split("\n")
				.map((line) => `    ${line}`)
				.join("\n");
			lines.push(
				`${group.bytes} B in ${plural(group.blocks, "block")} (${group.pointers.map(hex).join(", ")}) allocated at:\n${site}`,
			);
		}
		return lines.join("\n");
	}

	/**
	 * Where the block at `ptr` was allocated, and freed while it waits in the quarantine, as indented
	 * stack traces ready to append to an error message (`"\n  allocated at:\n    at …"`). Packages built on
	 * a heap use it to name the history of their blocks; `""` when the heap is not checked or the
	 * pointer is no block it remembers.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap({ checked: true });
	 * const p = heap.alloc(16);
	 * console.log(heap.blockHistory(p).startsWith("\n  allocated at:")); // true
	 * heap.free(p);
	 * console.log(heap.blockHistory(p).includes("freed at:")); // true
	 * console.log(JSON.stringify(new Heap().blockHistory(8))); // ""
	 * ```
	 */
	blockHistory(ptr: Ptr): string {
		return this.checker === undefined ? "" : this.checker.history(ptr);
	}

	/** Whether this heap runs the debugging allocator (`checked` option). */
	get checked(): boolean {
		return this.checker !== undefined;
	}

	private outOfMemory(size: number): OutOfMemoryError {
		const s = this.stats();
		return new OutOfMemoryError(
			size,
			`heap ${s.heapBytes} B of a ${s.maxBytes} B budget, ${s.freeBytes} B free, largest free block ${s.largestFreeBlock} B`,
		);
	}
}

// The helpers of the hot paths are constants, not function declarations: V8 inlines a call to a
// declared function only after checking that the module's binding still holds it (a declared function
// can be reassigned), while a constant's value is known when the caller is compiled.
//
// The allocator (malloc through clearStart above, and these helpers) works through the heap's i32 view,
// not u32: every word it does arithmetic on (sizes, addresses, counters) is below 2^31, and the bitmap
// words are only masked, so a signed read means the same; but V8 checks that each word loaded from a
// Uint32Array fits an int32 before it computes with it, and skips that check for an Int32Array.

/** Adds `bytes` to the used bytes, raising their peak. */
const addUsed = (i32: Int32Array, bytes: number): void => {
	const used = i32[W_USED_BYTES] + bytes;
	i32[W_USED_BYTES] = used;
	if (used > i32[W_PEAK_USED]) i32[W_PEAK_USED] = used;
};

/** Counts an allocation of a block of `bytes`. */
const allocated = (i32: Int32Array, bytes: number): void => {
	addUsed(i32, bytes);
	count(i32, W_ALLOCATIONS);
};

/** Adds one to the 64-bit counter at word `index`, in 32-bit integer arithmetic. */
const count = (i32: Int32Array, index: number): void => {
	const low = ((i32[index] as number) + 1) | 0;
	i32[index] = low;
	if (low === 0) i32[index + 1] += 1;
};

/**
 * Caches the used block `block` (header `header`, `size` < 512 bytes) instead of freeing it: it keeps its
 * header flags, so its neighbours go on seeing a block in use.
 */
const cache = (i32: Int32Array, block: number, header: number, size: number): void => {
	const head = W_CACHED_HEADS + (size >>> 3);
	i32[(block + 4) >>> 2] = i32[head];
	i32[head] = block;
	i32[block >>> 2] = header | CACHED;
	i32[W_CACHED_BLOCKS] += 1;
};

/** Takes `block`, the first cached block of `bytes` bytes, off the cache; it is in use again. */
const uncache = (i32: Int32Array, block: number, bytes: number): void => {
	i32[W_CACHED_HEADS + (bytes >>> 3)] = i32[(block + 4) >>> 2];
	i32[block >>> 2] ^= CACHED;
	i32[W_CACHED_BLOCKS] -= 1;
};

/** Makes the block `block` of `size` bytes free and pushes it on its class; no neighbour merges. */
const pushFree = (i32: Int32Array, block: number, size: number): void => {
	i32[block >>> 2] = size | FREE;
	i32[(block + size - 4) >>> 2] = size;
	linkFree(i32, block, size);
	i32[W_BINNED_BLOCKS] += 1;
};

/** Pushes the free block `block` of `size` bytes on the list of its class (the new head has no back link). */
const linkFree = (i32: Int32Array, block: number, size: number): void => {
	const bin = size < 512 ? size >>> 3 : binLarge(size);
	const head = i32[W_HEADS + bin];
	i32[(block + 4) >>> 2] = head;
	if (head !== 0) i32[(head + 8) >>> 2] = block;
	else setClass(i32, bin);
	i32[W_HEADS + bin] = block;
};

/**
 * Takes the free block `block` of `size` bytes out of the list of its class. The head of a class has
 * no back link (taking the head would otherwise write to the next block, often a cache miss): a block
 * is the head when the class's head word names it.
 */
const unlinkFree = (i32: Int32Array, block: number, size: number): void => {
	const bin = size < 512 ? size >>> 3 : binLarge(size);
	const next = i32[(block + 4) >>> 2];
	if (i32[W_HEADS + bin] === block) {
		i32[W_HEADS + bin] = next;
		if (next === 0) clearClass(i32, bin);
	} else {
		const prev = i32[(block + 8) >>> 2];
		i32[(prev + 4) >>> 2] = next;
		if (next !== 0) i32[(next + 8) >>> 2] = prev;
	}
};

/**
 * Whether the free block `block` of `size` bytes is linked where its list says: its next block links
 * back to it, and its previous block (or its class's head word, for the first block) links to it. What
 * unlinkFree trusts before it writes through the links.
 */
const linksAgree = (i32: Int32Array, block: number, size: number): boolean => {
	const next = i32[(block + 4) >>> 2];
	if (next !== 0 && ((next & 7) !== 4 || i32[(next + 8) >>> 2] !== block)) return false;
	if (i32[W_HEADS + (size < 512 ? size >>> 3 : binLarge(size))] === block) return true;
	const prev = i32[(block + 8) >>> 2];
	return (prev & 7) === 4 && i32[(prev + 4) >>> 2] === block;
};

/** Granules of a block at each end whose start bits endsWhereNextStarts verifies to be clear. */
const END_WINDOW = 128;

/**
 * Whether the block whose pointer is `ptr` and whose header says `size` bytes ends where the start
 * bitmap says the next block starts: the next start bit lies exactly `size` bytes on (or the block
 * ends the arena), and no start bit lies between. A header overwritten by an overflow of the block
 * before it fails this test in all but rare cases. Bounded: for blocks over 2 KiB only the first and
 * last KiB are searched for a start between (a one-byte overwrite moves the end by less than 256 B).
 */
const endsWhereNextStarts = (
	i32: Int32Array,
	bitmapBase: number,
	arenaEnd: number,
	ptr: number,
	size: number,
): boolean => {
	if (size < MIN_BLOCK || ptr - HEADER + size > arenaEnd) return false;
	const first = (ptr >>> 3) + 1;
	const next = first - 1 + (size >>> 3);
	if (ptr - HEADER + size !== arenaEnd && ((i32[bitmapBase + (next >>> 5)] >>> (next & 31)) & 1) === 0)
		return false;
	if (next - first <= 2 * END_WINDOW) return noStartBits(i32, bitmapBase, first, next);
	return (
		noStartBits(i32, bitmapBase, first, first + END_WINDOW) &&
		noStartBits(i32, bitmapBase, next - END_WINDOW, next)
	);
};

/** Whether the start bits `[from, to)` (bit indices: address / 8) are all clear. */
const noStartBits = (i32: Int32Array, bitmapBase: number, from: number, to: number): boolean => {
	while (from < to) {
		const shift = from & 31;
		const count = Math.min(32 - shift, to - from);
		const mask = count === 32 ? -1 : ((1 << count) - 1) << shift;
		if ((i32[bitmapBase + (from >>> 5)] & mask) !== 0) return false;
		from += count;
	}
	return true;
};

/** Marks the size class `bin` as non-empty in both levels of the class bitmaps. */
const setClass = (i32: Int32Array, bin: number): void => {
	const fl = bin >>> 5;
	i32[W_SL_MAPS + fl] |= 1 << (bin & 31);
	i32[W_FL_MAP] |= 1 << fl;
};

/** Marks the size class `bin`, now empty, as such in the class bitmaps. */
const clearClass = (i32: Int32Array, bin: number): void => {
	const fl = bin >>> 5;
	const slMap = i32[W_SL_MAPS + fl] & ~(1 << (bin & 31));
	i32[W_SL_MAPS + fl] = slMap;
	if (slMap === 0) i32[W_FL_MAP] &= ~(1 << fl);
};

/**
 * Size class of a block of at least 256 bytes. Below 512 it equals `size >>> 3`, like the classes
 * below 256, which is why callers take that shortcut for every size below 512.
 */
const binLarge = (size: number): number => {
	const msb = 31 - Math.clz32(size);
	return ((msb - 7) << 5) | ((size >>> (msb - 5)) & 31);
};
