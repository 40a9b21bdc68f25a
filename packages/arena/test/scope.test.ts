import { FaultyAllocator, Heap, InvalidPointerError } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Arena, ArenaScope } from "../src/index.ts";

describe("ArenaScope", () => {
	it("forgets everything allocated in a using block, nested blocks included", () => {
		const heap = new Heap();
		const arena = new Arena(heap);
		const kept = arena.malloc(8);
		{
			using outer = arena.scope();
			expect(outer).toBeInstanceOf(ArenaScope);
			arena.malloc(100);
			{
				using _inner = arena.scope();
				arena.malloc(1000);
				expect(arena.stats().marks).toBe(2);
			}
			expect(arena.stats().marks).toBe(1);
			expect(arena.stats().usedBytes).toBe(8 + 16 + 104);
		}
		expect(arena.stats()).toMatchObject({ usedBytes: 8, marks: 0 });
		expect(arena.usableSize(kept)).toBe(0);
	});

	it("runs a frame loop without touching the parent once the chunk is big enough", () => {
		const heap = new Heap();
		const parent = new FaultyAllocator(heap, () => false);
		const arena = new Arena(parent, { chunkBytes: 1 << 16 });
		const calls = parent.requests;
		for (let frame = 0; frame < 50; frame++) {
			using _frame = arena.scope();
			for (let i = 0; i < 100; i++) arena.malloc(64);
		}
		expect(parent.requests).toBe(calls);
		expect(arena.stats()).toMatchObject({ usedBytes: 0, marks: 0, chunks: 1 });
	});

	it("resets to its start and stays open", () => {
		const arena = new Arena(new Heap());
		const scope = arena.scope();
		const p = arena.malloc(50);
		scope.reset();
		expect(arena.malloc(50)).toBe(p);
		scope[Symbol.dispose]();
		expect(arena.stats().usedBytes).toBe(0);
	});

	it("refuses to end twice, or after an outer scope ended first", () => {
		const heap = new Heap();
		const arena = new Arena(heap);
		const outer = arena.scope();
		const inner = arena.scope();
		outer[Symbol.dispose]();
		expectRefused(heap, InvalidPointerError, () => inner[Symbol.dispose]());
		expectRefused(heap, InvalidPointerError, () => outer[Symbol.dispose]());
		expectRefused(heap, InvalidPointerError, () => inner.reset());
	});
});
