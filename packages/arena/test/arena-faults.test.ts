import { FaultyAllocator, Heap, OutOfMemoryError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { Arena } from "../src/index.ts";

/**
 * A workload that takes chunks from the parent on many paths: construction, growth, big requests,
 * marks that spill, realloc moves, and reset() consolidating into one chunk.
 */
function workload(arena: Arena, heap: Heap): { failures: number } {
	let failures = 0;
	const attempt = (call: () => number): void => {
		const before = arena.stats();
		const p = call();
		if (p === 0) {
			failures++;
			expect(arena.stats()).toEqual(before);
		}
	};
	for (let round = 0; round < 3; round++) {
		for (let i = 0; i < 30; i++) attempt(() => arena.malloc(40 + i * 8, i % 5 === 0 ? 64 : undefined));
		attempt(() => arena.malloc(5000));
		try {
			const m = arena.mark();
			attempt(() => arena.calloc(100, 10));
			const last = arena.malloc(16);
			if (last !== 0) attempt(() => arena.realloc(last, 6000));
			arena.reset(m);
		} catch (error) {
			expect(error).toBeInstanceOf(OutOfMemoryError);
			failures++;
		}
		arena.reset();
		expect(arena.stats().chunks).toBeLessThanOrEqual(1);
		heap.check();
	}
	return { failures };
}

describe("Arena under a failing parent", () => {
	it("leaves itself usable after every failing parent call, and leaks nothing", () => {
		const clean = new FaultyAllocator(new Heap(), () => false);
		workload(new Arena(clean, { chunkBytes: 512 }), clean.heap);
		const total = clean.requests;
		expect(total).toBeGreaterThan(5);
		for (let failAt = 1; failAt <= total + 1; failAt++) {
			for (const failAfter of [false, true]) {
				const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 22 });
				const before = heap.stats();
				const parent = new FaultyAllocator(heap, (n) => n === failAt || (failAfter && n > failAt));
				let arena: Arena;
				try {
					arena = new Arena(parent, { chunkBytes: 512 });
				} catch (error) {
					expect(error).toBeInstanceOf(OutOfMemoryError);
					expect(heap.stats().usedBytes).toBe(before.usedBytes);
					continue;
				}
				workload(arena, heap);
				// Usable afterwards: once the parent recovers, allocation works again.
				parent.policy = () => false;
				expect(arena.malloc(100)).not.toBe(0);
				arena.free();
				heap.check();
				expect(heap.stats().usedBytes).toBe(before.usedBytes);
				expect(heap.stats().liveBlocks).toBe(before.liveBlocks);
			}
		}
	});

	it("throws OutOfMemoryError from the constructor and frees its header when the first chunk fails", () => {
		const heap = new Heap();
		const before = heap.stats();
		expect(() => new Arena(new FaultyAllocator(heap, (n) => n === 2), { chunkBytes: 4096 })).toThrow(
			OutOfMemoryError,
		);
		expect(() => new Arena(new FaultyAllocator(heap, (n) => n === 1))).toThrow(OutOfMemoryError);
		expect(heap.stats().usedBytes).toBe(before.usedBytes);
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("keeps no chunk when reset() cannot get a right-sized one, and takes one on the next allocation", () => {
		const heap = new Heap();
		const parent = new FaultyAllocator(heap, () => false);
		const arena = new Arena(parent, { chunkBytes: 256 });
		for (let i = 0; i < 40; i++) arena.malloc(100);
		const failing = parent.requests + 1;
		parent.policy = (n) => n === failing;
		arena.reset();
		expect(arena.stats()).toMatchObject({ chunks: 0, reservedBytes: 0, usedBytes: 0 });
		const p = arena.malloc(100);
		expect(p).not.toBe(0);
		expect(arena.stats().chunks).toBe(1);
		arena.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});
});
