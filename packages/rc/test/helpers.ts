import type { Heap } from "@offheap/core";
import { expect } from "vitest";
import type { RcSpace } from "../src/index.ts";

/** The heap counters that must come back once everything allocated is freed. */
export function occupancy(heap: Heap): { usedBytes: number; liveBlocks: number; freeBlocks: number } {
	const { usedBytes, liveBlocks, freeBlocks } = heap.stats();
	return { usedBytes, liveBlocks, freeBlocks };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
	if (a.length !== b.length) return Math.min(a.length, b.length);
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
	return -1;
}

// biome-ignore lint/suspicious/noExplicitAny: any error class
export type ErrorClass = new (...args: any[]) => Error;

/**
 * Asserts that `misuse` throws exactly `kind` and leaves every byte of the heap, the heap's counters
 * and the space's counters as they were. Returns the error for checks of its message.
 */
export function expectRefused(
	heap: Heap,
	space: RcSpace | undefined,
	kind: ErrorClass,
	misuse: () => unknown,
): Error {
	const bytes = heap.u8.slice();
	const heapStats = heap.stats();
	const spaceStats = space?.stats();
	let caught: unknown;
	try {
		misuse();
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeInstanceOf(kind);
	expect((caught as Error).constructor).toBe(kind);
	expect(heap.stats()).toEqual(heapStats);
	expect(firstDifference(heap.u8, bytes)).toBe(-1);
	if (space !== undefined) expect(space.stats()).toEqual(spaceStats);
	heap.check();
	return caught as Error;
}

/** `0x` and four or more hex digits, as offheap messages write addresses. */
export function hexOf(address: number): string {
	return `0x${address.toString(16).padStart(4, "0")}`;
}
