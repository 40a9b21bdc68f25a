import { FaultyAllocator, Heap, InvalidPointerError, OutOfMemoryError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { Arena, ArenaAllocator, ArenaState } from "../src/index.ts";

function newHeap(): Heap {
	return new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 24 });
}

describe("Arena allocation", () => {
	it("bumps consecutive allocations, rounded up to 8 bytes and 8-aligned", () => {
		const arena = new Arena(newHeap());
		const a = arena.malloc(3);
		const b = arena.malloc(8);
		const c = arena.malloc(13);
		expect(a % 8).toBe(0);
		expect(b - a).toBe(8);
		expect(c - b).toBe(8);
		expect(arena.stats().usedBytes).toBe(8 + 8 + 16);
	});

	it("honours per-call alignment up to 4096 and minAlign for the rest", () => {
		const arena = new Arena(newHeap(), { chunkBytes: 1 << 14 });
		arena.malloc(1);
		for (const align of [1, 2, 4, 8, 16, 64, 256, 4096]) {
			const p = arena.malloc(5, align);
			expect(p % Math.max(align, 8)).toBe(0);
		}
		const tight = new Arena(newHeap(), { minAlign: 1 });
		const x = tight.malloc(1);
		const y = tight.malloc(1);
		expect(y - x).toBe(1);
		const wide = new Arena(newHeap(), { minAlign: 64 });
		for (let i = 0; i < 10; i++) expect(wide.malloc(3) % 64).toBe(0);
		wide.mark();
		expect(wide.malloc(3) % 64).toBe(0);
	});

	it("gives malloc(0) an address of its own", () => {
		const arena = new Arena(newHeap());
		const a = arena.malloc(0);
		const b = arena.malloc(0);
		expect(a).not.toBe(0);
		expect(b).not.toBe(a);
	});

	it("takes chunks that grow geometrically, and a chunk of its own for a big request", () => {
		const heap = newHeap();
		const arena = new Arena(heap, { chunkBytes: 1024, growthFactor: 2 });
		expect(arena.stats()).toMatchObject({ chunks: 1, reservedBytes: 1024 });
		for (let i = 0; i < 10; i++) arena.malloc(100);
		expect(arena.stats()).toMatchObject({ chunks: 2, reservedBytes: 1024 + 2048 });
		arena.malloc(100_000);
		expect(arena.stats()).toMatchObject({ chunks: 3, reservedBytes: 1024 + 2048 + 100_016 });
		// The big chunk is full; the next one continues the geometric sequence.
		arena.malloc(100);
		expect(arena.stats()).toMatchObject({ chunks: 4, reservedBytes: 1024 + 2048 + 100_016 + 4096 });
		heap.check();
	});

	it("stops at maxBytes: malloc returns 0, alloc throws OutOfMemoryError, and the arena is unchanged", () => {
		const heap = newHeap();
		const arena = new Arena(heap, { chunkBytes: 1024, maxBytes: 4096 });
		while (arena.malloc(200) !== 0);
		const stats = arena.stats();
		expect(stats.reservedBytes).toBeLessThanOrEqual(4096);
		expect(arena.malloc(200)).toBe(0);
		expect(() => arena.alloc(200)).toThrow(OutOfMemoryError);
		expect(arena.stats()).toEqual(stats);
		expect(arena.malloc(8)).not.toBe(0);
	});

	it("returns 0 when the parent heap is exhausted though the arena has no budget", () => {
		const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 16 });
		const arena = new Arena(heap, { chunkBytes: 4096 });
		expect(arena.malloc(1 << 17)).toBe(0);
		expect(arena.stats().chunks).toBe(1);
		heap.check();
	});

	it("falls back to a chunk of exactly the needed size when the geometric one does not fit", () => {
		const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 16 });
		const arena = new Arena(heap, { chunkBytes: 20_000, growthFactor: 4 });
		arena.malloc(19_000);
		expect(arena.malloc(10_000)).not.toBe(0); // 80 000 B would not fit the 64 KiB heap
		expect(arena.stats().chunks).toBe(2);
	});

	it("zeroes memory from calloc even where an earlier frame left bytes", () => {
		const heap = newHeap();
		const arena = new Arena(heap);
		const m = arena.mark();
		const dirty = arena.malloc(64);
		heap.u8.fill(0xab, dirty, dirty + 64);
		arena.reset(m);
		const p = arena.calloc(16, 4);
		expect(p).toBe(dirty);
		expect(heap.u8.subarray(p, p + 64).every((x) => x === 0)).toBe(true);
		expect(arena.calloc(2 ** 20, 2 ** 12)).toBe(0);
	});
});

describe("Arena as an Allocator", () => {
	it("rewinds when the last allocation is freed, and only checks other frees", () => {
		const arena = new Arena(newHeap());
		const a = arena.malloc(16);
		const b = arena.malloc(32);
		const used = arena.stats().usedBytes;
		arena.free(b);
		expect(arena.stats().usedBytes).toBe(used - 32);
		arena.free(a); // not the last any more: checked, nothing else
		expect(arena.stats().usedBytes).toBe(used - 32);
		expect(arena.malloc(8)).toBe(b);
		arena.free(0);
	});

	it("grows and shrinks the last allocation in place, and moves any other, keeping its bytes", () => {
		const heap = newHeap();
		const arena = new Arena(heap, { chunkBytes: 4096 });
		const a = arena.malloc(16);
		heap.u32[a >>> 2] = 0xdeadbeef;
		expect(arena.realloc(a, 400)).toBe(a);
		expect(arena.usableSize(a)).toBe(400);
		expect(arena.realloc(a, 8)).toBe(a);
		expect(arena.usableSize(a)).toBe(8);
		const b = arena.malloc(24);
		heap.u32[b >>> 2] = 7;
		const moved = arena.realloc(a, 64);
		expect(moved).toBeGreaterThan(b);
		expect(heap.u32[moved >>> 2]).toBe(0xdeadbeef);
		// The last allocation moves to a new chunk when its own has no room.
		const grown = arena.realloc(moved, 10_000);
		expect(grown).not.toBe(moved);
		expect(heap.u32[grown >>> 2]).toBe(0xdeadbeef);
		expect(heap.u32[b >>> 2]).toBe(7);
		expect(arena.realloc(0, 8)).not.toBe(0);
	});

	it("keeps a block untouched when realloc cannot get room", () => {
		const heap = newHeap();
		const arena = new Arena(heap, { chunkBytes: 1024, maxBytes: 1024 });
		const a = arena.malloc(16);
		heap.u32[a >>> 2] = 42;
		const stats = arena.stats();
		expect(arena.realloc(a, 5000)).toBe(0);
		expect(arena.stats()).toEqual(stats);
		expect(heap.u32[a >>> 2]).toBe(42);
		expect(arena.usableSize(a)).toBe(16);
	});

	it("knows the size of its last allocation only, and answers 0 for the others", () => {
		const arena = new Arena(newHeap());
		const a = arena.malloc(10);
		expect(arena.usableSize(a)).toBe(16);
		arena.malloc(1);
		expect(arena.usableSize(a)).toBe(0);
	});

	it("serves as the parent of another arena, and of itself through a chain", () => {
		const heap = newHeap();
		const before = heap.stats().usedBytes;
		const outer = new Arena(heap, { chunkBytes: 1 << 15 });
		const inner = new Arena(outer, { chunkBytes: 1024 });
		const p = inner.malloc(100);
		expect(p).toBeGreaterThan(0);
		for (let i = 0; i < 50; i++) inner.malloc(100);
		inner.free();
		outer.free();
		expect(heap.stats().usedBytes).toBe(before);
		heap.check();
	});
});

describe("Arena lifetime", () => {
	it("is an ArenaAllocator and an ArenaState, sharing one state, and refuses the fast path once disposed", () => {
		const heap = new Heap();
		const arena = new Arena(heap, { chunkBytes: 1 << 16 });
		expect(arena).toBeInstanceOf(ArenaAllocator);
		expect(arena).toBeInstanceOf(ArenaState);
		const allocator: ArenaAllocator = arena;
		const state: ArenaState = arena;
		for (let i = 0; i < 1000; i++) allocator.malloc(40); // hot enough for the optimizing compiler
		expect(state.stats().usedBytes).toBe(40_000);
		state[Symbol.dispose]();
		expect(heap.stats().liveBlocks).toBe(0);
		expect(() => allocator.malloc(40)).toThrow(InvalidPointerError);
		expect(() => arena.malloc(0)).toThrow(InvalidPointerError);
	});

	it("keeps exactly one chunk that holds the biggest frame on reset(), so later frames take nothing from the parent", () => {
		const heap = newHeap();
		const parent = new FaultyAllocator(heap, () => false);
		const arena = new Arena(parent, { chunkBytes: 512 });
		const frame = (n: number): void => {
			for (let i = 0; i < n; i++) arena.malloc(24 + (i % 5) * 8, i % 7 === 0 ? 16 : undefined);
		};
		frame(300);
		expect(arena.stats().chunks).toBeGreaterThan(2);
		arena.reset();
		expect(arena.stats()).toMatchObject({ chunks: 1, usedBytes: 0, marks: 0 });
		const calls = parent.requests;
		const frees = parent.frees;
		for (let f = 0; f < 10; f++) {
			frame(f % 2 === 0 ? 300 : 150);
			arena.reset();
		}
		expect(parent.requests).toBe(calls);
		expect(parent.frees).toBe(frees);
		expect(arena.stats().chunks).toBe(1);
		heap.check();
	});

	it("returns every byte to the heap on free(), and refuses to be used afterwards", () => {
		const heap = newHeap();
		const before = heap.stats();
		const arena = new Arena(heap, { chunkBytes: 1024 });
		for (let i = 0; i < 100; i++) arena.malloc(100);
		arena.mark();
		arena.free();
		expect(arena.address).toBe(0);
		expect(heap.stats().usedBytes).toBe(before.usedBytes);
		expect(heap.stats().liveBlocks).toBe(before.liveBlocks);
		expect(() => arena.malloc(8)).toThrow(/freed/);
		expect(() => arena.free()).toThrow(/freed/);
		arena[Symbol.dispose](); // disposing a freed arena is a no-op
		heap.check();
	});

	it("frees itself at the end of a using block", () => {
		const heap = newHeap();
		const before = heap.stats().usedBytes;
		{
			using scratch = new Arena(heap);
			scratch.malloc(5000);
		}
		expect(heap.stats().usedBytes).toBe(before);
	});

	it("reopens from its address with every allocation and counter intact", () => {
		const heap = newHeap();
		const arena = new Arena(heap, { chunkBytes: 1024 });
		const m = arena.mark();
		for (let i = 0; i < 30; i++) arena.malloc(64);
		const last = arena.malloc(40);
		const again = Arena.open(heap, arena.address);
		expect(again.stats()).toEqual(arena.stats());
		expect(again.usableSize(last)).toBe(40);
		again.reset(m);
		expect(arena.stats().usedBytes).toBe(16);
		const bytes = Heap.open(new Uint8Array(heap.u8).buffer);
		expect(Arena.open(bytes, arena.address).stats()).toEqual(arena.stats());
	});

	it("reports the high-water mark across rewinds", () => {
		const arena = new Arena(newHeap());
		const m = arena.mark();
		arena.malloc(1000);
		arena.reset(m);
		arena.malloc(100);
		expect(arena.stats().highWaterBytes).toBe(1016);
		expect(arena.stats().usedBytes).toBe(120);
	});
});
