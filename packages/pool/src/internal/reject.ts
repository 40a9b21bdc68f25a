import {
	type Allocator,
	DoubleFreeError,
	describeArgument,
	hex,
	InvalidPointerError,
	isAllocator,
	OutOfMemoryError,
} from "@offheap/core";
import { GEN_SHIFT, HANDLE_MASK, LIVE, MAX_ALIGN, WRAPPED } from "./layout.ts";

// Cold paths: each runs only when a caller made a mistake or a budget ran out.

/**
 * Throws a TypeError naming `parent` when it is not an {@link Allocator} (an object with `malloc`,
 * `free` and a `heap`), before anything reads it.
 * @internal
 */
export function checkParent(parent: unknown): asserts parent is Allocator {
	if (!isAllocator(parent)) {
		throw new TypeError(
			`Pool: parent ${describeArgument(parent)} is not an Allocator (a Heap, an Arena, another Pool …)`,
		);
	}
}

/** What a pool knows about handles, for the messages. @internal */
export interface HandleContext {
	operation: string;
	indexBits: number;
	seed: number;
	genMax: number;
	/** Slots ever handed out. */
	bump: number;
	/** The slot's generation word, when the slot was ever handed out. */
	word: number;
	/** In checked mode, where the slot was last allocated and freed (else empty). */
	history: string;
}

/**
 * Throws the precise error for a handle that failed the fast check. A handle whose generation the
 * slot has already passed was freed: freeing it again is a `DoubleFreeError`, any other use an
 * `InvalidPointerError` (use after free). A generation the slot never had means the handle is not this
 * pool's (or is garbage): `InvalidPointerError`.
 * @internal
 */
export function rejectHandle(handle: unknown, ctx: HandleContext, freeing: boolean): never {
	const op = ctx.operation;
	if (typeof handle !== "number" || !Number.isInteger(handle) || handle < 1 || handle > HANDLE_MASK) {
		throw new InvalidPointerError(
			op,
			handle as number,
			`not a pool handle: handles are integers in [1, 2^30), got ${describeArgument(handle)}`,
		);
	}
	const index = handle & ((1 << ctx.indexBits) - 1);
	const gen = handle >>> ctx.indexBits;
	const what = `handle ${handle} (slot ${index}, generation ${gen})`;
	if (index >= ctx.bump) {
		throw new InvalidPointerError(
			op,
			handle,
			`${what}: this pool never handed out slot ${index} (only ${ctx.bump}): a handle of another pool?`,
		);
	}
	const current = ctx.word >>> GEN_SHIFT;
	const live = (ctx.word & LIVE) !== 0;
	const state = `slot ${index} is ${live ? "live" : "free"} at generation ${current}`;
	const wrapped = (ctx.word & WRAPPED) !== 0;
	const span = ctx.genMax;
	const age = (g: number): number => (g - ctx.seed + span) % span;
	const issuedBefore = gen >= 1 && gen <= ctx.genMax && (wrapped || age(gen) < age(current));
	if (!issuedBefore) {
		throw new InvalidPointerError(
			op,
			handle,
			`${what}: ${state} and never had generation ${gen}: a handle of another pool?`,
		);
	}
	const history = ctx.history === "" ? "" : `\n${ctx.history}`;
	if (freeing) {
		throw new DoubleFreeError(op, handle, `${what} was already freed; ${state}${history}`);
	}
	throw new InvalidPointerError(op, handle, `stale ${what}: it was freed; ${state}${history}`);
}

/** @internal */
export function rejectPtr(operation: string, ptr: unknown, detail: string): never {
	throw new InvalidPointerError(operation, ptr as number, detail);
}

/** @internal */
export function rejectFreeSlot(operation: string, ptr: number, index: number): never {
	throw new DoubleFreeError(operation, ptr, `slot ${index} at ${hex(ptr)} is already free`);
}

/** @internal */
export function rejectFreed(operation: string, value: unknown): never {
	throw new InvalidPointerError(operation, value as number, "this pool was freed: create a new one");
}

/** @internal */
export function rejectSize(operation: string, size: unknown): never {
	throw new RangeError(
		`${operation}: size ${describeArgument(size)} is not a non-negative integer number of bytes`,
	);
}

/** @internal */
export function rejectCount(operation: string, count: unknown): never {
	throw new RangeError(`${operation}: count ${describeArgument(count)} is not a non-negative integer`);
}

/** @internal */
export function rejectAlign(operation: string, align: unknown): never {
	throw new RangeError(
		`${operation}: alignment ${describeArgument(align)} is not a power of two in [1, ${MAX_ALIGN}]`,
	);
}

/** @internal */
export function rejectOption(name: string, value: unknown, expected: string): never {
	throw new RangeError(`Pool: ${name} = ${describeArgument(value)} is not ${expected}`);
}

/** @internal */
export function exhausted(
	operation: string,
	slotBytes: number,
	capacity: number,
	maxCapacity: number,
	growable: boolean,
): OutOfMemoryError {
	return new OutOfMemoryError(
		slotBytes,
		growable && capacity < maxCapacity
			? `${operation}: all ${capacity} slots are live and the parent allocator cannot hold another chunk`
			: `${operation}: all ${capacity} slots of the pool's budget are live`,
	);
}
