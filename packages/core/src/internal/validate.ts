import type { HeapOptions } from "../api.ts";
import { DoubleFreeError, HeapCorruptionError, hex, InvalidPointerError } from "../errors.ts";
import { checkOptions, describeArgument } from "../kit.ts";
import {
	arenaEndFor,
	FIRST_PTR,
	FREE,
	LAYOUT_VERSION,
	MAGIC,
	MAX_HEAP_BYTES,
	MERGED_TAG,
	MIN_HEAP_BYTES,
	W_ARENA_END,
	W_GROWTH,
	W_HEAP_BYTES,
	W_MAGIC,
	W_MAX_BYTES,
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
		const end = ptr - 4 + (header & ~7);
		throw new DoubleFreeError(operation, ptr, `the block [${hex(ptr - 4)} -> ${hex(end)}) is already free`);
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
