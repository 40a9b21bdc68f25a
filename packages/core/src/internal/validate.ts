import type { HeapOptions } from "../api.ts";
import { DoubleFreeError, HeapCorruptionError, hex, InvalidPointerError } from "../errors.ts";
import { checkOptions, describeArgument } from "../kit.ts";
import {
	arenaEndFor,
	binOf,
	CACHE_LIMIT,
	CACHED,
	FIRST_BLOCK,
	FIRST_PTR,
	FREE,
	LAYOUT_VERSION,
	MAGIC,
	MAX_HEAP_BYTES,
	MERGED_TAG,
	MIN_BLOCK,
	MIN_HEAP_BYTES,
	PREV_FREE,
	SMALL_CACHE_LIMIT,
	W_ARENA_END,
	W_CACHED_HEADS,
	W_GROWTH,
	W_HEADS,
	W_HEAP_BYTES,
	W_MAGIC,
	W_MAX_BYTES,
	W_TOP,
	W_VERSION,
} from "./layout.ts";

// Cold paths: everything here runs only when a caller made a mistake or a heap is created or opened.

/** A TypeError for an argument that is not a number at all (a bigint, a symbol, a string …). */
function notANumber(operation: string, name: string, value: unknown): TypeError {
	return new TypeError(`${operation}: ${name} ${describeArgument(value)} is not a number`);
}

/** @internal */
export function rejectSize(operation: string, size: unknown): never {
	if (typeof size !== "number") throw notANumber(operation, "size", size);
	throw new RangeError(
		`${operation}: size ${size} is not an integer number of bytes in [0, ${MAX_HEAP_BYTES}]`,
	);
}

/** @internal */
export function rejectCount(operation: string, count: unknown): never {
	if (typeof count !== "number") throw notANumber(operation, "count", count);
	throw new RangeError(`${operation}: count ${count} is not a non-negative integer`);
}

/** @internal */
export function rejectAlign(operation: string, align: unknown): never {
	if (typeof align !== "number") throw notANumber(operation, "alignment", align);
	throw new RangeError(`${operation}: alignment ${align} is not a power of two in [1, 2^24]`);
}

/**
 * Throws the precise error for a pointer that failed the fast check of free/realloc/usableSize.
 * @internal
 */
export function rejectPointer(operation: string, ptr: number, u32: Uint32Array, arenaEnd: number): never {
	if (typeof ptr !== "number")
		throw new InvalidPointerError(operation, ptr, `expected a number, got ${describeArgument(ptr)}`);
	if (!Number.isInteger(ptr)) throw new InvalidPointerError(operation, ptr, "not an integer");
	if (ptr < 0) throw new InvalidPointerError(operation, ptr, "negative");
	if (ptr >= arenaEnd) {
		throw new InvalidPointerError(operation, ptr, `past the end of the heap's blocks at ${hex(arenaEnd)}`);
	}
	if (ptr < FIRST_PTR) throw new InvalidPointerError(operation, ptr, "inside the allocator's control block");
	if (ptr % 8 !== 0)
		throw new InvalidPointerError(operation, ptr, "not 8-aligned, so not the start of any block");
	const bitmapBase = arenaEnd >>> 2;
	const header = u32[(ptr - 4) >>> 2] as number;
	if (((u32[bitmapBase + (ptr >>> 8)] as number) >>> ((ptr >>> 3) & 31)) & 1) {
		// A block start whose header says free or cached: a double free, when the free block really is one
		// (its boundary tag, or its place in the cache, agree); else the header was overwritten.
		const block = ptr - 4;
		const size = header & ~7;
		const end = block + size;
		const consistent =
			(header & CACHED) !== 0
				? (header & FREE) === 0 && size < SMALL_CACHE_LIMIT && inCache(u32, block, size)
				: size >= MIN_BLOCK &&
					end <= arenaEnd &&
					(block === (u32[W_TOP] as number) || isListedFree(u32, arenaEnd, block, size));
		if (!consistent) {
			throw new HeapCorruptionError(
				block,
				`${operation}(${hex(ptr)}): the block's header was overwritten: ${hex(header)} says it is ${
					(header & CACHED) !== 0 ? "cached" : "free"
				}, but it is no such block; ${OVERFLOW_HINT}`,
			);
		}
		throw new DoubleFreeError(operation, ptr, `the block [${hex(block)} -> ${hex(end)}) is already free`);
	}
	const start = containingBlock(u32, bitmapBase, ptr);
	const blockHeader = u32[start >>> 2] as number;
	const range = `[${hex(start)} -> ${hex(start + (blockHeader & ~7))})`;
	if (blockHeader & FREE) {
		if (header === MERGED_TAG) {
			throw new DoubleFreeError(
				operation,
				ptr,
				`the block was already freed and merged into the free block ${range}`,
			);
		}
		throw new InvalidPointerError(
			operation,
			ptr,
			`it lies ${ptr - start - 4} B inside the free block ${range}`,
		);
	}
	throw new InvalidPointerError(
		operation,
		ptr,
		`interior pointer: it lies ${ptr - start - 4} B inside the live block ${range} whose pointer is ${hex(start + 4)}`,
	);
}

// Corruption found by the O(1) checks of free, realloc, usableSize, malloc and merges: each names the
// block and what disagrees, and throws before the heap changed.

function isStartOf(u32: Uint32Array, bitmapBase: number, block: number): boolean {
	const p = block + 4;
	return (((u32[bitmapBase + (p >>> 8)] as number) >>> ((p >>> 3) & 31)) & 1) === 1;
}

/** The next block start after `block` in the bitmap, or arenaEnd. */
function nextStart(u32: Uint32Array, arenaEnd: number, block: number): number {
	const bitmapBase = arenaEnd >>> 2;
	for (let b = block + 8; b < arenaEnd; b += 8) if (isStartOf(u32, bitmapBase, b)) return b;
	return arenaEnd;
}

const OVERFLOW_HINT = "the block before it may have written past its end";

/**
 * A live block whose header does not reach the next block start (or is not a size at all).
 * @internal
 */
export function rejectHeader(operation: string, ptr: number, u32: Uint32Array, arenaEnd: number): never {
	const block = ptr - 4;
	const header = u32[block >>> 2] as number;
	const size = header & ~7;
	let why: string;
	if (size < MIN_BLOCK) why = `gives a size of ${size} B, below the smallest block`;
	else if (block + size > arenaEnd)
		why = `gives a size of ${size} B, past the end of the blocks at ${hex(arenaEnd)}`;
	else {
		const next = nextStart(u32, arenaEnd, block);
		why = `gives a size of ${size} B, but the next block starts ${next - block} B on, at ${hex(next)}`;
	}
	throw new HeapCorruptionError(
		block,
		`${operation}(${hex(ptr)}): the block's header was overwritten: ${hex(header)} ${why}; ${OVERFLOW_HINT}`,
	);
}

/**
 * A free neighbour that a merge would trust, whose header, boundary tag or list links disagree.
 * @internal
 */
export function rejectNeighbour(
	operation: string,
	u32: Uint32Array,
	arenaEnd: number,
	block: number,
	side: "left" | "right",
): never {
	const header = u32[block >>> 2] as number;
	if (side === "left") {
		const tag = u32[(block - 4) >>> 2] as number;
		const left = block - tag;
		throw new HeapCorruptionError(
			block,
			`${operation}(${hex(block + 4)}): the block says its left neighbour is free, but the boundary tag before it ` +
				`(${tag} B, naming ${hex(left)}) does not lead to a free block of that size` +
				` (its header is ${hex(left >= 0 && left < arenaEnd ? (u32[left >>> 2] as number) : 0)}); ` +
				"the block's header or the tag was overwritten",
		);
	}
	const right = block + (header & ~7);
	const rightHeader = u32[right >>> 2] as number;
	const rightSize = rightHeader & ~7;
	const tag =
		right + rightSize <= arenaEnd && rightSize >= 8 ? (u32[(right + rightSize - 4) >>> 2] as number) : -1;
	throw new HeapCorruptionError(
		right,
		`${operation}(${hex(block + 4)}): the next block at ${hex(right)} says it is free (header ${hex(rightHeader)}, ` +
			`${rightSize} B), but its boundary tag (${tag}), its size or its list links disagree; ${OVERFLOW_HINT}`,
	);
}

/**
 * A block that a size class names as free, whose header, class or boundary tag disagree.
 * @internal
 */
export function rejectFreeBlock(u32: Uint32Array, arenaEnd: number, block: number, where: string): never {
	const inside = block >= FIRST_BLOCK && block < arenaEnd && block % 8 === 4;
	const header = inside ? (u32[block >>> 2] as number) : 0;
	const size = header & ~7;
	const tag =
		inside && block + size <= arenaEnd && size >= 8 ? (u32[(block + size - 4) >>> 2] as number) : -1;
	throw new HeapCorruptionError(
		inside ? block : -1,
		`malloc: ${where}, but ${
			inside
				? `it is no free block of that class (header ${hex(header)}, boundary tag ${tag})`
				: `${hex(block)} is not a block address`
		}; a free block's header or list link was overwritten (an overflow of the block before it?)`,
	);
}

/**
 * A cache list whose link names something other than a cached block of its size.
 * @internal
 */
export function rejectCachedLink(u32: Uint32Array, arenaEnd: number, bytes: number, block: number): never {
	const inside = block >= FIRST_BLOCK && block < arenaEnd && block % 8 === 4;
	throw new HeapCorruptionError(
		inside ? block : -1,
		`malloc: the cache of ${bytes} B blocks links to ${hex(block)}, which is ${
			inside
				? `no cached block of that size (header ${hex(u32[block >>> 2] as number)})`
				: "not a block address"
		}: its header, or the link to it, was overwritten (an overflow of the block before it?)`,
	);
}

/** Whether `block`, whose header says cached, is on the cache list of its size (at most CACHE_LIMIT steps). */
function inCache(u32: Uint32Array, block: number, size: number): boolean {
	let steps = 0;
	for (let entry = u32[W_CACHED_HEADS + size / 8] as number; entry !== 0 && steps <= CACHE_LIMIT; steps++) {
		if (entry === block) return true;
		entry = u32[(entry + 4) >>> 2] as number;
	}
	return false;
}

/**
 * Whether the block whose header says free with `size` bytes really is a free block of the size classes:
 * its boundary tag, its right neighbour's PREV_FREE flag and its list links all agree (a live block's
 * header overwritten to say free fails them, even where an old boundary tag was left in its payload).
 */
function isListedFree(u32: Uint32Array, arenaEnd: number, block: number, size: number): boolean {
	const end = block + size;
	if ((u32[(end - 4) >>> 2] as number) !== size) return false;
	if (end < arenaEnd && ((u32[end >>> 2] as number) & PREV_FREE) === 0) return false;
	const next = u32[(block + 4) >>> 2] as number;
	if (next !== 0 && (next % 8 !== 4 || next >= arenaEnd || (u32[(next + 8) >>> 2] as number) !== block))
		return false;
	const bin = binOf(size);
	if ((u32[W_HEADS + bin] as number) === block) return true;
	const prev = u32[(block + 8) >>> 2] as number;
	return prev % 8 === 4 && prev < arenaEnd && (u32[(prev + 4) >>> 2] as number) === block;
}

/** Start of the block that contains `ptr`: the nearest marked start below it in the bitmap. */
function containingBlock(u32: Uint32Array, bitmapBase: number, ptr: number): number {
	let word = ptr >>> 8;
	let bits = (u32[bitmapBase + word] as number) & ((1 << ((ptr >>> 3) & 31)) - 1);
	while (bits === 0) {
		word -= 1;
		bits = u32[bitmapBase + word] as number;
	}
	return ((word << 5) + 31 - Math.clz32(bits)) * 8 - 4;
}

const HEAP_OPTIONS = ["initialBytes", "maxBytes", "growthFactor", "shared", "buffer", "checked"] as const;
const CHECKED_OPTIONS = ["quarantineBytes", "stacks"] as const;

/** @internal */
export interface ResolvedOptions {
	initialBytes: number;
	maxBytes: number;
	growthFactor: number;
	shared: boolean;
	buffer: ArrayBuffer | SharedArrayBuffer | undefined;
}

function isSharedBuffer(value: unknown): value is SharedArrayBuffer {
	return typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer;
}

function checkBytes(name: string, value: unknown): number {
	if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
		throw new RangeError(`Heap: ${name} ${describeArgument(value)} is not a non-negative integer`);
	}
	if (value > MAX_HEAP_BYTES)
		throw new RangeError(`Heap: ${name} ${value} is above the largest heap, ${MAX_HEAP_BYTES} B`);
	return value;
}

/** @internal */
export function validateOptions(
	options: HeapOptions,
	defaultInitial: number,
	defaultMax: number,
): ResolvedOptions {
	checkOptions("Heap", options, HEAP_OPTIONS);
	if (typeof options !== "object" || options === null) throw new TypeError("Heap: options must be an object");
	const checked = options.checked;
	if (checked !== undefined && typeof checked !== "boolean") {
		checkOptions("Heap: checked", checked, CHECKED_OPTIONS);
		const { quarantineBytes, stacks } = checked;
		if (quarantineBytes !== undefined) checkBytes("checked.quarantineBytes", quarantineBytes);
		if (stacks !== undefined && typeof stacks !== "boolean") {
			throw new TypeError(`Heap: checked.stacks ${describeArgument(stacks)} is not a boolean`);
		}
	}
	if (options.shared !== undefined && typeof options.shared !== "boolean") {
		throw new TypeError(`Heap: shared ${describeArgument(options.shared)} is not a boolean`);
	}
	const growthFactor = options.growthFactor ?? 2;
	if (typeof growthFactor !== "number" || !(growthFactor >= 1.125 && growthFactor <= 4)) {
		throw new RangeError(`Heap: growthFactor ${describeArgument(growthFactor)} is not in [1.125, 4]`);
	}
	const shared = options.shared === true;
	const buffer = options.buffer;
	if (buffer !== undefined) {
		if (!(buffer instanceof ArrayBuffer) && !isSharedBuffer(buffer)) {
			throw new TypeError("Heap: buffer must be an ArrayBuffer or a SharedArrayBuffer");
		}
		if (shared && !isSharedBuffer(buffer))
			throw new RangeError("Heap: shared is true but buffer is not a SharedArrayBuffer");
		const length = Math.min(buffer.byteLength, MAX_HEAP_BYTES) & ~7;
		if (length < MIN_HEAP_BYTES) {
			throw new RangeError(
				`Heap: buffer of ${buffer.byteLength} B is smaller than the smallest heap, ${MIN_HEAP_BYTES} B`,
			);
		}
		const growable = buffer instanceof ArrayBuffer ? buffer.resizable : buffer.growable;
		let maxBytes = length;
		if (growable) {
			maxBytes = Math.min(buffer.maxByteLength, MAX_HEAP_BYTES) & ~7;
			if (options.maxBytes !== undefined)
				maxBytes = Math.min(maxBytes, checkBytes("maxBytes", options.maxBytes) & ~7);
			if (maxBytes < length)
				throw new RangeError(`Heap: maxBytes ${maxBytes} is below the buffer's ${length} B`);
		}
		return { initialBytes: length, maxBytes, growthFactor, shared: isSharedBuffer(buffer), buffer };
	}
	if (shared && typeof SharedArrayBuffer === "undefined") {
		throw new TypeError(
			"Heap: shared is true but SharedArrayBuffer is not available (a page needs cross-origin isolation)",
		);
	}
	const maxBytes =
		options.maxBytes === undefined ? defaultMax : checkBytes("maxBytes", options.maxBytes) & ~7;
	let initialBytes =
		options.initialBytes === undefined
			? Math.min(defaultInitial, maxBytes)
			: checkBytes("initialBytes", options.initialBytes);
	initialBytes = Math.max(MIN_HEAP_BYTES, Math.ceil(initialBytes / 8) * 8);
	if (maxBytes < initialBytes) {
		throw new RangeError(
			`Heap: maxBytes ${maxBytes} is below initialBytes ${initialBytes} (the smallest heap is ${MIN_HEAP_BYTES} B)`,
		);
	}
	return { initialBytes, maxBytes, growthFactor, shared, buffer: undefined };
}

/** @internal */
export interface OpenedHeap {
	heapBytes: number;
	maxBytes: number;
	growth: number;
}

/** Reads and checks the control block of a heap's buffer. @internal */
export function validateOpen(
	buffer: ArrayBuffer | SharedArrayBuffer,
	memory: WebAssembly.Memory | undefined,
): OpenedHeap {
	if (!(buffer instanceof ArrayBuffer) && !isSharedBuffer(buffer)) {
		throw new TypeError("Heap.open: expected an ArrayBuffer or a SharedArrayBuffer");
	}
	if (buffer.byteLength < MIN_HEAP_BYTES) {
		throw new HeapCorruptionError(-1, `a buffer of ${buffer.byteLength} B is too small to hold a heap`);
	}
	const control = new Uint32Array(buffer, 0, W_GROWTH + 1);
	if (control[W_MAGIC] !== MAGIC)
		throw new HeapCorruptionError(-1, "the buffer does not start with a heap's magic number");
	if (control[W_VERSION] !== LAYOUT_VERSION) {
		throw new HeapCorruptionError(-1, `heap layout version ${control[W_VERSION]} is not ${LAYOUT_VERSION}`);
	}
	const heapBytes = control[W_HEAP_BYTES] as number;
	if (heapBytes < MIN_HEAP_BYTES || heapBytes > buffer.byteLength || heapBytes % 8 !== 0) {
		throw new HeapCorruptionError(
			-1,
			`heap size ${heapBytes} B does not fit a buffer of ${buffer.byteLength} B`,
		);
	}
	if (control[W_ARENA_END] !== arenaEndFor(heapBytes)) {
		throw new HeapCorruptionError(
			-1,
			`arena end ${hex(control[W_ARENA_END] as number)} does not match a heap of ${heapBytes} B`,
		);
	}
	const stored = control[W_MAX_BYTES] as number;
	if (stored < heapBytes || stored > MAX_HEAP_BYTES) {
		throw new HeapCorruptionError(-1, `budget ${stored} B is below the heap's ${heapBytes} B`);
	}
	const growth = (control[W_GROWTH] as number) / 256;
	if (!(growth >= 1.125 && growth <= 4))
		throw new HeapCorruptionError(-1, `growth factor ${growth} is out of range`);
	// A wasm memory grows up to a maximum JS cannot read: keep the stored budget, growth may still fail.
	const growable = buffer instanceof ArrayBuffer ? buffer.resizable : buffer.growable;
	let maxBytes = heapBytes;
	if (memory !== undefined) maxBytes = stored;
	else if (growable) maxBytes = Math.min(stored, buffer.maxByteLength & ~7);
	return { heapBytes, maxBytes: Math.max(maxBytes, heapBytes), growth };
}
