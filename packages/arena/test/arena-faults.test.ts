import { FaultyAllocator, failAfter, Heap, hex, OutOfMemoryError } from "@offheap/core";
import { expectRefused, expectUnchanged, firstDifference } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Arena } from "../src/index.ts";

/**
 * A workload that takes chunks from the parent on many paths: construction, growth, big requests,
 * marks that spill, realloc moves, and reset() consolidating into one chunk.
 */
function workload(arena: Arena, heap: Heap): { failures: number } {
	let failures = 0;
	/** Runs `call`; when it fails (returns 0 or throws OutOfMemoryError), nothing may have changed. */
	const attempt = (call: () => number): number => {
		const before = arena.stats();
		const bytes = heap.u8.slice();
		const stats = heap.stats();
		let p = 0;
		try {
			p = call();
		} catch (error) {
			expect(error).toBeInstanceOf(OutOfMemoryError);
		}
		if (p === 0) {
			failures++;
			expect(arena.stats()).toEqual(before);
			expect(heap.stats()).toEqual(stats);
			expect(firstDifference(heap.u8, bytes)).toBe(-1);
		}
		return p;
	};
	for (let round = 0; round < 3; round++) {
		for (let i = 0; i < 30; i++) attempt(() => arena.malloc(40 + i * 8, i % 5 === 0 ? 64 : undefined));
		attempt(() => arena.malloc(5000));
		const m = attempt(() => arena.mark());
		if (m !== 0) {
			attempt(() => arena.calloc(100, 10));
			const last = attempt(() => arena.malloc(16));
			if (last !== 0) attempt(() => arena.realloc(last, 6000));
			arena.reset(m);
		}
		arena.reset();
		expect(arena.stats().chunks).toBeLessThanOrEqual(1);
		arena.check();
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

	it("takes its first chunk before its header, so a parent that cannot hold the chunk loses nothing", () => {
		const heap = new Heap();
		const parent = failAfter(heap, 0);
		const error = expectRefused(heap, OutOfMemoryError, () => new Arena(parent, { chunkBytes: 4096 }));
		expect(error.message).toBe(
			"out of memory: cannot allocate 4096 B (the parent allocator cannot hold the arena's first chunk)",
		);
		expect([parent.requests, parent.frees]).toEqual([1, 0]);
	});

	it("gives the first chunk back when the header does not fit after it, leaving nothing allocated", () => {
		const heap = new Heap();
		const before = heap.stats();
		const parent = new FaultyAllocator(heap, (n) => n === 2);
		expect(() => new Arena(parent, { chunkBytes: 4096 })).toThrow(
			new OutOfMemoryError(80, "the parent allocator cannot hold the arena's header"),
		);
		expect([parent.requests, parent.frees]).toEqual([2, 1]);
		expect(heap.stats()).toMatchObject({ usedBytes: before.usedBytes, liveBlocks: 0 });
		heap.check();
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

describe("Arena in an exhausted fixed-budget heap", () => {
	/** A fixed 64 KiB budget, filled with blocks of `size` bytes until one more does not fit. */
	function fullHeap(size: number): Heap {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		while (heap.malloc(size) !== 0);
		return heap;
	}

	it("refuses to be created when the heap cannot hold its first chunk, taking nothing", () => {
		const heap = fullHeap(1024);
		expect(heap.stats().largestFreeBlock).toBeLessThan(8192);
		const error = expectRefused(heap, OutOfMemoryError, () => new Arena(heap));
		expect(error.message).toBe(
			"out of memory: cannot allocate 8192 B (the parent allocator cannot hold the arena's first chunk)",
		);
	});

	it("refuses every allocation, mark and scope, changing nothing, once its chunks and the heap are full", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const arena = new Arena(heap, { chunkBytes: 1024 });
		const early = arena.malloc(40);
		// Grow until the heap cannot hold another chunk, fill the heap's rest, free some small blocks
		// (the heap then holds free blocks, none big enough), and use up the current chunk.
		while (arena.malloc(1000) !== 0);
		const small: number[] = [];
		for (let p = heap.malloc(48); p !== 0; p = heap.malloc(48)) small.push(p);
		for (const p of small.filter((_, i) => i % 4 === 0)) heap.free(p);
		while (arena.malloc(8) !== 0);
		const state = arena.stats();
		const refusedWithZero: (() => number)[] = [
			() => arena.malloc(8),
			() => arena.malloc(0),
			() => arena.malloc(1, 4096),
			() => arena.calloc(4, 4),
			() => arena.realloc(early, 4000),
			() => arena.realloc(0, 16),
		];
		for (const call of refusedWithZero) expect(expectUnchanged(heap, call)).toBe(0);
		const { reservedBytes, chunks, usedBytes } = arena.stats();
		const detail = `arena at ${hex(arena.address)}: ${reservedBytes} B in ${chunks} chunks of no budget of its own, ${usedBytes} B used; or the parent allocator is exhausted`;
		expect(expectRefused(heap, OutOfMemoryError, () => arena.alloc(8)).message).toBe(
			`out of memory: cannot allocate 8 B (${detail})`,
		);
		expect(expectRefused(heap, OutOfMemoryError, () => arena.mark()).message).toBe(
			`out of memory: cannot allocate 16 B (${detail})`,
		);
		expectRefused(heap, OutOfMemoryError, () => arena.scope());
		expect(arena.stats()).toEqual(state);
		arena.check();
		heap.check();
	});

	it("refuses what its own budget cannot hold, changing nothing, while the heap has room", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const arena = new Arena(heap, { chunkBytes: 1024, maxBytes: 4096 });
		const early = arena.malloc(40);
		while (arena.malloc(200) !== 0);
		while (arena.malloc(8) !== 0);
		const state = arena.stats();
		expect(state.reservedBytes).toBeLessThanOrEqual(4096);
		for (const call of [() => arena.malloc(8), () => arena.calloc(1, 8), () => arena.realloc(early, 300)]) {
			expect(expectUnchanged(heap, call)).toBe(0);
		}
		const error = expectRefused(heap, OutOfMemoryError, () => arena.alloc(200));
		expect(error.message).toBe(
			`out of memory: cannot allocate 200 B (arena at ${hex(arena.address)}: ${state.reservedBytes} B in ${state.chunks} chunks of a 4096 B budget, ${state.usedBytes} B used; or the parent allocator is exhausted)`,
		);
		expectRefused(heap, OutOfMemoryError, () => arena.mark());
		expect(arena.stats()).toEqual(state);
		expect(heap.malloc(1024)).not.toBe(0);
	});
});
