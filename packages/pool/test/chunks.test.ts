import { Heap, hex, InvalidPointerError } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Pool, type PoolOptions } from "../src/index.ts";

/** Every way a slot's address reaches the heap by mistake: free, realloc and usableSize. */
function expectHeapRefuses(heap: Heap, p: number): void {
	for (const [operation, call] of [
		["free", () => heap.free(p)],
		["realloc", () => heap.realloc(p, 8)],
		["usableSize", () => heap.usableSize(p)],
	] as const) {
		const error = expectRefused(heap, InvalidPointerError, call);
		expect(error.message.startsWith(`${operation}(${hex(p)}): invalid pointer: `)).toBe(true);
		expect(error.ptr).toBe(p);
	}
}

/** The first slot of each chunk of a pool, in chunk order: the slots handed out first after each growth. */
function firstSlotsOfChunks(pool: Pool, count: number): number[] {
	const firsts: number[] = [];
	let chunks = 0;
	for (let i = 0; i < count; i++) {
		const p = pool.allocPtr();
		if (pool.stats().chunks !== chunks) {
			chunks = pool.stats().chunks;
			firsts.push(p);
		}
	}
	return firsts;
}

describe("Pool chunks inside the parent's blocks", () => {
	const cases: [string, number | { size: number; align: number }, PoolOptions, number][] = [
		["a fixed pool", 24, { capacity: 8 }, 8],
		["a fixed pool of one slot", 8, { capacity: 1 }, 1],
		["a growing pool", 16, { capacity: 2, growable: true, maxCapacity: 64 }, 64],
		["a fixed pool of 64-aligned slots", { size: 40, align: 64 }, { capacity: 4 }, 4],
		["a growing pool of 4096-aligned slots", { size: 8, align: 4096 }, { capacity: 1, growable: true }, 4],
	];
	for (const checked of [false, true]) {
		for (const [what, slot, options, slots] of cases) {
			it(`refuses heap.free of the first slot of every chunk of ${what}${checked ? " in a checked heap" : ""}`, () => {
				const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 24, checked });
				const pool = new Pool(heap, slot, options);
				const firsts = firstSlotsOfChunks(pool, slots);
				expect(firsts.length).toBe(pool.stats().chunks);
				for (const p of firsts) expectHeapRefuses(heap, p);
				// Through a handle and after reuse too: the slot is the same address.
				pool.freePtr(firsts[0] as number);
				const again = pool.ptr(pool.allocOrThrow());
				expect(again).toBe(firsts[0]);
				expectHeapRefuses(heap, again);
				pool.check();
				pool.free();
				heap.check();
			});
		}
	}

	it("refuses heap.free of every slot, live or free, of a busy growing pool", () => {
		const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 24 });
		const pool = new Pool(heap, 8, { capacity: 1, growable: true, maxCapacity: 256 });
		const ptrs = Array.from({ length: 100 }, () => pool.allocPtr());
		for (const p of ptrs.filter((_, i) => i % 3 === 0)) pool.freePtr(p);
		for (const p of ptrs) expectRefused(heap, InvalidPointerError, () => heap.free(p));
	});

	it("keeps a pool's slots inside their chunk's block when the parent is nearly full", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const pool = new Pool(heap, 8, { capacity: 4, growable: true, maxCapacity: 1 << 16 });
		while (pool.allocPtr() !== 0);
		expect(pool.stats().chunks).toBeGreaterThan(3);
		for (const block of heap.walk()) {
			if (block.free) continue;
			expect(() => pool.handleOf(block.ptr)).toThrow(InvalidPointerError);
		}
		pool.check();
		heap.check();
	});
});
