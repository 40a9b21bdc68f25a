import { FaultyAllocator, failAfter, Heap, OutOfMemoryError } from "@offheap/core";
import { expectRefused, expectUnchanged, firstDifference } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { NULL_HANDLE, Pool } from "../src/index.ts";

/** A fixed 64 KiB budget, filled with blocks of `size` bytes until one more does not fit. */
function fullHeap(size: number): { heap: Heap; blocks: number[] } {
	const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
	const blocks: number[] = [];
	for (let p = heap.malloc(size); p !== 0; p = heap.malloc(size)) blocks.push(p);
	return { heap, blocks };
}

/** Everything a pool's counters and live set say, to compare before and after a refused call. */
function snapshot(pool: Pool): unknown {
	return { stats: pool.stats(), live: [...pool] };
}

describe("Pool under a failing parent", () => {
	it("takes its header and first chunk in one block, so a failed creation takes nothing", () => {
		const heap = new Heap();
		const parent = failAfter(heap, 0);
		const error = expectRefused(heap, OutOfMemoryError, () => new Pool(parent, 24, { capacity: 4 }));
		expect(error.message).toBe(
			"out of memory: cannot allocate 432 B (the parent allocator cannot hold the pool's header and first 4 slots of 24 B)",
		);
		expect(error.requested).toBe(432);
		expect([parent.requests, parent.frees]).toEqual([1, 0]);
	});

	it("leaves itself and the heap unchanged after every failing parent call, and leaks nothing", () => {
		// Capacity 2, growing to 100: the creation and 6 growths are the 7 parent calls of a run.
		for (let failAt = 1; failAt <= 7; failAt++) {
			for (const failAfter of [false, true]) {
				const heap = new Heap();
				const before = heap.stats();
				const parent = new FaultyAllocator(heap, (n) => n === failAt || (failAfter && n > failAt));
				const create = () => new Pool(parent, 24, { capacity: 2, growable: true, maxCapacity: 100 });
				if (failAt === 1) {
					expectRefused(heap, OutOfMemoryError, create);
					continue;
				}
				const pool = create();
				const handles: number[] = [];
				let failures = 0;
				for (let i = 0; i < 100; i++) {
					const state = snapshot(pool);
					const bytes = heap.u8.slice();
					const stats = heap.stats();
					const h = pool.alloc();
					if (h !== NULL_HANDLE) {
						handles.push(h);
						continue;
					}
					failures++;
					expect(heap.stats()).toEqual(stats);
					expect(firstDifference(heap.u8, bytes)).toBe(-1);
					expect(snapshot(pool)).toEqual(state);
					if (!failAfter) continue;
					expect(expectUnchanged(heap, () => pool.allocPtr())).toBe(0);
					expect(expectUnchanged(heap, () => pool.malloc(8))).toBe(0);
					expect(expectUnchanged(heap, () => pool.calloc(2, 4))).toBe(0);
					expect(expectUnchanged(heap, () => pool.realloc(0, 8))).toBe(0);
					const error = expectRefused(heap, OutOfMemoryError, () => pool.allocOrThrow());
					expect(error.message).toBe(
						`out of memory: cannot allocate 24 B (allocOrThrow: all ${pool.capacity} slots are live and the parent allocator cannot hold another chunk)`,
					);
					expect(snapshot(pool)).toEqual(state);
					pool.check();
				}
				expect(failures).toBeGreaterThan(0);
				for (const h of handles) expect(pool.isLive(h)).toBe(true);
				// Usable afterwards: frees work, freed slots are reused, growth resumes once the parent does.
				for (const h of handles.splice(0, 2)) pool.freeHandle(h);
				expect(pool.alloc()).not.toBe(NULL_HANDLE);
				parent.policy = () => false;
				while (pool.alloc() !== NULL_HANDLE);
				expect(pool.live).toBe(100);
				pool.check();
				heap.check();
				pool.free();
				heap.check();
				expect(heap.stats().usedBytes).toBe(before.usedBytes);
				expect(heap.stats().liveBlocks).toBe(before.liveBlocks);
			}
		}
	});
});

describe("Pool in an exhausted fixed-budget heap", () => {
	it("refuses to be created when the heap cannot hold its block, taking nothing", () => {
		const { heap } = fullHeap(1024);
		const free = heap.stats().largestFreeBlock;
		const error = expectRefused(heap, OutOfMemoryError, () => new Pool(heap, 16, { capacity: 64 }));
		expect(error.message).toBe(
			"out of memory: cannot allocate 1600 B (the parent allocator cannot hold the pool's header and first 64 slots of 16 B)",
		);
		expect(free).toBeLessThan(1600);
	});

	it("returns NULL_HANDLE and 0, and throws from allocOrThrow, changing nothing, once growth finds the heap full", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const pool = new Pool(heap, 24, { capacity: 16, growable: true, maxCapacity: 1 << 16 });
		const handles: number[] = [];
		for (let h = pool.alloc(); h !== NULL_HANDLE; h = pool.alloc()) handles.push(h);
		// Fill what the failed growth left with smaller blocks, so the heap is exhausted for real, then
		// free some of them: the heap holds small free blocks, none big enough for a chunk.
		const small: number[] = [];
		for (let p = heap.malloc(64); p !== 0; p = heap.malloc(64)) small.push(p);
		for (const p of small.filter((_, i) => i % 3 === 0)) heap.free(p);
		for (const h of handles.filter((_, i) => i % 5 === 0)) pool.freeHandle(h);
		while (pool.alloc() !== NULL_HANDLE);
		const state = snapshot(pool);
		expect(pool.live).toBe(pool.capacity);
		expect(expectUnchanged(heap, () => pool.alloc())).toBe(NULL_HANDLE);
		expect(expectUnchanged(heap, () => pool.allocPtr())).toBe(0);
		expect(expectUnchanged(heap, () => pool.malloc(24))).toBe(0);
		expect(expectUnchanged(heap, () => pool.calloc(3, 8))).toBe(0);
		const error = expectRefused(heap, OutOfMemoryError, () => pool.allocOrThrow());
		expect(error.message).toBe(
			`out of memory: cannot allocate 24 B (allocOrThrow: all ${pool.capacity} slots are live and the parent allocator cannot hold another chunk)`,
		);
		expect(snapshot(pool)).toEqual(state);
		pool.check();
		heap.check();
	});

	it("spends a fixed pool's budget without the heap, and refuses the next slot changing nothing", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const pool = new Pool(heap, 8, { capacity: 100 });
		while (heap.malloc(8) !== 0);
		const stats = heap.stats();
		for (let i = 0; i < pool.capacity; i++) expect(pool.alloc()).not.toBe(NULL_HANDLE);
		expect(heap.stats()).toEqual(stats);
		const state = snapshot(pool);
		expect(expectUnchanged(heap, () => pool.alloc())).toBe(NULL_HANDLE);
		expect(expectUnchanged(heap, () => pool.allocPtr())).toBe(0);
		const error = expectRefused(heap, OutOfMemoryError, () => pool.allocOrThrow());
		expect(error.message).toBe(
			`out of memory: cannot allocate 8 B (allocOrThrow: all ${pool.capacity} slots of the pool's budget are live)`,
		);
		expect(snapshot(pool)).toEqual(state);
		pool.check();
		heap.check();
	});
});
