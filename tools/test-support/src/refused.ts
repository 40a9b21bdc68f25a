import { expect } from "vitest";

/**
 * What the assertions read of a heap. Structural, so this package needs no dependency on
 * `@offheap/core` (which depends on it for its own tests).
 */
export interface InspectableHeap {
	readonly u8: Uint8Array;
	stats(): object;
	check(): void;
}

/** Any error class, including abstract ones and those with private constructors' shapes. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** Index of the first byte where `a` and `b` differ, -1 when they are equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
	if (a.length !== b.length) return Math.min(a.length, b.length);
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
	return -1;
}

/**
 * Asserts that `misuse` throws exactly `kind` (not a subclass, not a superclass) and leaves every
 * byte and counter of the heap as it was, and the heap consistent; returns the error for checks of
 * its message.
 */
export function expectRefused<E extends Error>(
	heap: InspectableHeap,
	kind: abstract new (...args: never[]) => E,
	misuse: () => unknown,
): E {
	const bytes = heap.u8.slice();
	const stats = heap.stats();
	let caught: unknown;
	try {
		misuse();
	} catch (error) {
		caught = error;
	}
	expect(caught, `expected ${kind.name}, got ${String(caught)}`).toBeInstanceOf(kind);
	expect((caught as Error).constructor).toBe(kind);
	expect(heap.stats()).toEqual(stats);
	expect(firstDifference(heap.u8, bytes)).toBe(-1);
	heap.check();
	return caught as E;
}

/** Asserts that `action` changes no byte and no counter of the heap (and returns its result). */
export function expectUnchanged<R>(heap: InspectableHeap, action: () => R): R {
	const bytes = heap.u8.slice();
	const stats = heap.stats();
	const result = action();
	expect(heap.stats()).toEqual(stats);
	expect(firstDifference(heap.u8, bytes)).toBe(-1);
	return result;
}
