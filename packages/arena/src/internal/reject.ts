import {
	type Allocator,
	DoubleFreeError,
	describeArgument,
	HeapCorruptionError,
	hex,
	InvalidPointerError,
	isAllocator,
	OutOfMemoryError,
} from "@offheap/core";
import { MAX_ALIGN, MAX_SIZE } from "./layout.ts";

// Cold paths: each runs only when a caller made a mistake or a budget ran out.

/**
 * Throws a TypeError naming `parent` when it is not an {@link Allocator} (an object with `malloc`,
 * `free` and a `heap`), before anything reads it.
 * @internal
 */
export function checkParent(parent: unknown): asserts parent is Allocator {
	if (!isAllocator(parent)) {
		throw new TypeError(
			`Arena: parent ${describeArgument(parent)} is not an Allocator (a Heap, a Pool, another Arena …)`,
		);
	}
}

/** @internal */
export function rejectSize(operation: string, size: unknown): never {
	throw new RangeError(
		`${operation}: size ${describeArgument(size)} is not an integer number of bytes in [0, ${MAX_SIZE}]`,
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
export function rejectFreed(operation: string, address: number): never {
	throw new InvalidPointerError(operation, address, "this arena was freed: create a new one");
}

/** @internal */
export function rejectNotNumber(operation: string, ptr: unknown): never {
	throw new InvalidPointerError(
		operation,
		ptr as number,
		typeof ptr === "number"
			? "not a non-negative integer"
			: `expected a non-negative integer address, got ${describeArgument(ptr)}`,
	);
}

/** @internal */
export function rejectForeign(operation: string, ptr: number, detail: string): never {
	throw new InvalidPointerError(operation, ptr, detail);
}

/** @internal */
export function rejectPastCursor(operation: string, ptr: number, rewound: boolean, end: number): never {
	if (rewound) {
		throw new DoubleFreeError(
			operation,
			ptr,
			"it was the arena's last allocation and was already freed (the arena rewound over it)",
		);
	}
	throw new InvalidPointerError(
		operation,
		ptr,
		`not live: at or past the end ${hex(end)} of what its chunk has handed out (freed by a rewind or a reset, or never allocated)`,
	);
}

/** @internal */
export function rejectMark(operation: string, mark: unknown, detail: string): never {
	throw new InvalidPointerError(operation, mark as number, `not a valid mark of this arena: ${detail}`);
}

/** @internal */
export function corruptMark(record: number, detail: string): never {
	throw new HeapCorruptionError(record, `arena mark record ${hex(record)}: ${detail}`);
}

/** @internal */
export function outOfMemory(size: number, detail: string): OutOfMemoryError {
	return new OutOfMemoryError(size, detail);
}

/** @internal */
export function rejectOption(name: string, value: unknown, expected: string): never {
	throw new RangeError(`Arena: option ${name} = ${describeArgument(value)} is not ${expected}`);
}
