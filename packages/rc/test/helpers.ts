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
 * Asserts that `misuse` throws exactly `kind` with a message matching `message` (a string is matched
 * whole; a RegExp as written), and leaves every byte of the heap, the heap's counters and the space's
 * counters as they were, with the space's invariants ({@link RcSpace.check}) and the heap's intact.
 * Returns the error.
 */
export function expectRefused(
	heap: Heap,
	space: RcSpace | undefined,
	kind: ErrorClass,
	message: string | RegExp,
	misuse: () => unknown,
): Error {
	const bytes = heap.u8.slice();
	const heapStats = heap.stats();
	const spaceStats = space?.stats();
	const caught = expectThrown(kind, message, misuse);
	expect(heap.stats()).toEqual(heapStats);
	expect(firstDifference(heap.u8, bytes)).toBe(-1);
	if (space !== undefined) {
		expect(space.stats()).toEqual(spaceStats);
		space.check();
	}
	heap.check();
	return caught;
}

/**
 * Asserts that `run` throws exactly `kind` (not a subclass) with a message matching `message` (a string
 * is matched whole, a RegExp as written). Returns the error.
 */
export function expectThrown(kind: ErrorClass, message: string | RegExp, run: () => unknown): Error {
	let caught: unknown;
	try {
		run();
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeInstanceOf(kind);
	expect((caught as Error).constructor).toBe(kind);
	if (typeof message === "string") expect((caught as Error).message).toBe(message);
	else expect((caught as Error).message).toMatch(message);
	return caught as Error;
}

/**
 * Fills a heap until nothing more can be allocated: blocks of halving sizes down to the smallest, each
 * size until `malloc` returns 0. Returns the blocks (to free them later).
 */
export function exhaust(heap: Heap): number[] {
	const blocks: number[] = [];
	for (let size = 1 << 20; size >= 1; size >>>= 1) {
		for (;;) {
			const p = heap.malloc(size);
			if (p === 0) break;
			blocks.push(p);
		}
	}
	expect(heap.malloc(0)).toBe(0);
	return blocks;
}

/** Escapes `text` for use in a RegExp. */
export function literal(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `0x` and four or more hex digits, as offheap messages write addresses. */
export function hexOf(address: number): string {
	return `0x${address.toString(16).padStart(4, "0")}`;
}

/** The serial in the header of the value at `ptr`. */
export const serialOf = (heap: Heap, ptr: number): number => heap.u32[((ptr - 32) >>> 2) + 6] as number;

/** Message of a handle use refused because its value is gone (as the handle's checks report it). */
export function goneMessage(
	operation: string,
	ptr: number,
	serial: number,
	checkBlocks: boolean,
	blockFreed: boolean,
): RegExp {
	const kind = operation.endsWith("release") ? "double free" : "invalid pointer";
	const head = `^${literal(`${operation}(${hexOf(ptr)}): ${kind}: `)}`;
	if (checkBlocks && blockFreed) {
		return new RegExp(
			`${head}${literal(`its block ${hexOf(ptr - 32)} is not live (the value was freed): `)}.+`,
		);
	}
	return new RegExp(
		`${head}${literal(
			`stale handle: the value it referred to (serial ${serial}) was freed and its block ${hexOf(ptr - 32)} ` +
				"freed or reused; a reference was released once too often elsewhere",
		)}$`,
	);
}
