/** Formats an address the way every offheap message does: `0x` and at least four hex digits. */
export function hex(address: number): string {
	if (!Number.isFinite(address) || address < 0 || !Number.isInteger(address)) return String(address);
	return `0x${address.toString(16).padStart(4, "0")}`;
}

/**
 * Base class of every error offheap throws for misuse or exhaustion.
 *
 * @example
 * ```ts
 * import { Heap, OffheapError } from "@offheap/core";
 * const heap = new Heap();
 * try {
 *   heap.free(12345);
 * } catch (error) {
 *   console.log(error instanceof OffheapError); // true
 * }
 * ```
 */
export class OffheapError extends Error {
	override readonly name: string = "OffheapError";
	/** A stable machine-readable code, e.g. `"ERR_DOUBLE_FREE"`. */
	readonly code: string;
	constructor(message: string, code: string) {
		super(message);
		this.code = code;
	}
}

/**
 * Thrown by {@link Heap.alloc} (and by containers) when a request cannot be satisfied within the heap's
 * budget. `malloc`, `calloc` and `realloc` return `0` instead.
 *
 * @example
 * ```ts
 * import { Heap, OutOfMemoryError } from "@offheap/core";
 * const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
 * try {
 *   heap.alloc(1 << 20);
 * } catch (error) {
 *   console.log(error instanceof OutOfMemoryError, (error as OutOfMemoryError).requested); // true 1048576
 * }
 * ```
 */
export class OutOfMemoryError extends OffheapError {
	override readonly name: string = "OutOfMemoryError";
	/** Bytes that were asked for. */
	readonly requested: number;
	constructor(requested: number, detail: string) {
		super(`out of memory: cannot allocate ${requested} B (${detail})`, "ERR_OUT_OF_MEMORY");
		this.requested = requested;
	}
}

/**
 * Thrown by `free`, `realloc` and `usableSize` for a pointer whose block was already freed.
 *
 * @example
 * ```ts
 * import { DoubleFreeError, Heap } from "@offheap/core";
 * const heap = new Heap();
 * const p = heap.alloc(16);
 * heap.free(p);
 * try {
 *   heap.free(p);
 * } catch (error) {
 *   console.log(error instanceof DoubleFreeError); // true
 * }
 * ```
 */
export class DoubleFreeError extends OffheapError {
	override readonly name: string = "DoubleFreeError";
	/** The pointer that was passed. */
	readonly ptr: number;
	constructor(operation: string, ptr: number, detail: string) {
		super(`${operation}(${hex(ptr)}): double free: ${detail}`, "ERR_DOUBLE_FREE");
		this.ptr = ptr;
	}
}

/**
 * Thrown for a pointer that is not the start of a block of this heap: interior, out of range,
 * misaligned, fractional or negative.
 *
 * @example
 * ```ts
 * import { Heap, InvalidPointerError } from "@offheap/core";
 * const heap = new Heap();
 * const p = heap.alloc(64);
 * try {
 *   heap.free(p + 8);
 * } catch (error) {
 *   console.log(error instanceof InvalidPointerError); // true
 * }
 * ```
 */
export class InvalidPointerError extends OffheapError {
	override readonly name: string = "InvalidPointerError";
	/** The pointer that was passed. */
	readonly ptr: number;
	constructor(operation: string, ptr: number, detail: string) {
		super(
			`${operation}(${typeof ptr === "number" ? hex(ptr) : String(ptr)}): invalid pointer: ${detail}`,
			"ERR_INVALID_POINTER",
		);
		this.ptr = ptr;
	}
}

/**
 * Thrown by {@link Heap.check} and {@link Heap.open} when the heap's bytes break an invariant, naming
 * the first bad block.
 *
 * @example
 * ```ts
 * import { Heap, HeapCorruptionError } from "@offheap/core";
 * const heap = new Heap();
 * const p = heap.alloc(16);
 * heap.u32[(p - 4) >>> 2] = 3; // scribble over the block header
 * try {
 *   heap.check();
 * } catch (error) {
 *   console.log(error instanceof HeapCorruptionError); // true
 * }
 * ```
 */
export class HeapCorruptionError extends OffheapError {
	override readonly name: string = "HeapCorruptionError";
	/**
	 * Address of the first block found to be bad, `0` when the NULL guard (the first 256 bytes, which
	 * hold no state) was written, or -1 when the problem is in the control block.
	 */
	readonly block: number;
	constructor(block: number, detail: string) {
		super(
			block > 0
				? `heap corrupted at block ${hex(block)}: ${detail}`
				: block === 0
					? `heap corrupted at NULL: ${detail}`
					: `heap corrupted: ${detail}`,
			"ERR_HEAP_CORRUPTION",
		);
		this.block = block;
	}
}
