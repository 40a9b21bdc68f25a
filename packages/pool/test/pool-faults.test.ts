import { FaultyAllocator, Heap, OutOfMemoryError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { NULL_HANDLE, Pool } from "../src/index.ts";

describe("Pool under a failing parent", () => {
	it("leaves itself usable after every failing parent call, and leaks nothing", () => {
		for (let failAt = 1; failAt <= 8; failAt++) {
			for (const failAfter of [false, true]) {
				const heap = new Heap();
				const before = heap.stats();
				const parent = new FaultyAllocator(heap, (n) => n === failAt || (failAfter && n > failAt));
				let pool: Pool;
				try {
					pool = new Pool(parent, 24, { capacity: 2, growable: true, maxCapacity: 100 });
				} catch (error) {
					expect(error).toBeInstanceOf(OutOfMemoryError);
					expect(heap.stats().usedBytes).toBe(before.usedBytes);
					expect(heap.stats().liveBlocks).toBe(0);
					continue;
				}
				const handles: number[] = [];
				let failures = 0;
				for (let i = 0; i < 100; i++) {
					const stats = pool.stats();
					const h = pool.alloc();
					if (h === NULL_HANDLE) {
						failures++;
						expect(pool.stats()).toEqual(stats);
						if (failAfter) expect(() => pool.allocOrThrow()).toThrow(OutOfMemoryError);
					} else handles.push(h);
				}
				if (failAt > 1) expect(failures).toBeGreaterThan(0);
				for (const h of handles) expect(pool.isLive(h)).toBe(true);
				// Usable afterwards: frees work, freed slots are reused, growth resumes once the parent does.
				for (const h of handles.splice(0, 2)) pool.freeHandle(h);
				expect(pool.alloc()).not.toBe(NULL_HANDLE);
				parent.policy = () => false;
				while (pool.alloc() !== NULL_HANDLE);
				expect(pool.live).toBe(100);
				heap.check();
				pool.free();
				heap.check();
				expect(heap.stats().usedBytes).toBe(before.usedBytes);
				expect(heap.stats().liveBlocks).toBe(before.liveBlocks);
			}
		}
	});
});
