import { Heap, hex, InvalidPointerError } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Arena, type ArenaOptions } from "../src/index.ts";

/** Every way an arena pointer reaches the heap by mistake: free, realloc and usableSize. */
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

/** Allocates `size` bytes at `align` until the arena holds `chunks` chunks; returns the first pointer of each chunk. */
function firstOfEachChunk(arena: Arena, chunks: number, size: number, align?: number): number[] {
	const firsts = [arena.malloc(size, align)];
	while (arena.stats().chunks < chunks) {
		const before = arena.stats().chunks;
		const p = arena.malloc(size, align);
		expect(p).not.toBe(0);
		if (arena.stats().chunks !== before) firsts.push(p);
	}
	return firsts;
}

describe("Arena chunks inside the parent's blocks", () => {
	const cases: [string, ArenaOptions, number, number | undefined][] = [
		["8-byte allocations", { chunkBytes: 256 }, 8, undefined],
		["allocations of 64 B at minAlign 64", { chunkBytes: 512, minAlign: 64 }, 64, undefined],
		["allocations at alignment 4096", { chunkBytes: 64 }, 16, 4096],
		["allocations at alignment 256 with minAlign 1", { chunkBytes: 64, minAlign: 1 }, 1, 256],
		["allocations of a whole chunk each", { chunkBytes: 64, growthFactor: 1 }, 48, undefined],
	];
	for (const checked of [false, true]) {
		const where = checked ? " in a checked heap" : "";
		for (const [what, options, size, align] of cases) {
			it(`refuses heap.free of the first allocation of every chunk, for ${what}${where}`, () => {
				const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 24, checked });
				const arena = new Arena(heap, options);
				for (const p of firstOfEachChunk(arena, 4, size, align)) expectHeapRefuses(heap, p);
				// reset() keeps one chunk and hands its first bytes out again; reset(mark) and pop too.
				arena.reset();
				expectHeapRefuses(heap, arena.malloc(size, align));
				const mark = arena.mark();
				expectHeapRefuses(heap, mark);
				arena.reset(mark);
				expectHeapRefuses(heap, arena.malloc(size, align));
				arena.pop(mark);
				expectHeapRefuses(heap, arena.malloc(size, align));
				arena.check();
				arena.free();
				heap.check();
			});
		}
	}

	it("keeps its pointers inside a chunk's block when a reset() takes a new chunk", () => {
		const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 24 });
		const arena = new Arena(heap, { chunkBytes: 64 });
		for (let i = 0; i < 50; i++) arena.malloc(40);
		arena.reset();
		expect(arena.stats().chunks).toBe(1);
		expectHeapRefuses(heap, arena.malloc(8));
	});

	it("hands out no heap block's start as a pointer when the parent is nearly full", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const arena = new Arena(heap, { chunkBytes: 64, growthFactor: 1 });
		const ptrs: number[] = [];
		for (let p = arena.malloc(24); p !== 0; p = arena.malloc(24)) ptrs.push(p);
		expect(arena.stats().chunks).toBeGreaterThan(100);
		const starts = new Set([...heap.walk()].map((b) => b.ptr));
		expect(ptrs.filter((p) => starts.has(p))).toEqual([]);
		arena.check();
		heap.check();
	});
});
