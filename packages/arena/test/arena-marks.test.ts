import { Heap, InvalidPointerError } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Arena } from "../src/index.ts";

function newArena(chunkBytes = 1024): { heap: Heap; arena: Arena } {
	const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 24 });
	return { heap, arena: new Arena(heap, { chunkBytes }) };
}

describe("Arena marks", () => {
	it("rewinds to a mark and keeps the mark valid for the next frame", () => {
		const { arena } = newArena();
		const m = arena.mark();
		const first = arena.malloc(100);
		arena.reset(m);
		expect(arena.malloc(100)).toBe(first);
		arena.reset(m);
		arena.reset(m);
		expect(arena.stats()).toMatchObject({ usedBytes: 16, marks: 1 });
	});

	it("rewinds across chunks and reuses the chunks it took as spares", () => {
		const { arena } = newArena(512);
		const m = arena.mark();
		const addresses: number[] = [];
		for (let i = 0; i < 40; i++) addresses.push(arena.malloc(100));
		const chunks = arena.stats().chunks;
		expect(chunks).toBeGreaterThan(2);
		arena.reset(m);
		const again: number[] = [];
		for (let i = 0; i < 40; i++) again.push(arena.malloc(100));
		expect(again).toEqual(addresses);
		expect(arena.stats().chunks).toBe(chunks);
	});

	it("takes a new chunk between the current one and a spare that is too small", () => {
		const { arena } = newArena(512);
		const m = arena.mark();
		for (let i = 0; i < 8; i++) arena.malloc(100); // spills into a 1024 B chunk
		arena.reset(m);
		for (let i = 0; i < 4; i++) arena.malloc(100);
		const big = arena.malloc(3000);
		expect(big).not.toBe(0);
		expect(arena.stats().chunks).toBe(3);
		arena.malloc(8);
		arena.reset(m);
		expect(arena.stats().usedBytes).toBe(16);
	});

	it("refuses, with InvalidPointerError and no change, a mark that a reset to an earlier mark invalidated", () => {
		const { heap, arena } = newArena();
		const outer = arena.mark();
		arena.malloc(64);
		const inner = arena.mark();
		arena.malloc(64);
		arena.reset(outer);
		const error = expectRefused(heap, InvalidPointerError, () => arena.reset(inner));
		expect(error.message).toContain("invalidated");
		// Even after allocating past where the inner mark was, it stays refused.
		for (let i = 0; i < 10; i++) arena.malloc(64);
		expectRefused(heap, InvalidPointerError, () => arena.reset(inner));
		expectRefused(heap, InvalidPointerError, () => arena.pop(inner));
		arena.reset(outer);
		expect(arena.stats().marks).toBe(1);
	});

	it("refuses a mark after reset() and a mark of another arena", () => {
		const { heap, arena } = newArena();
		const other = new Arena(heap);
		const m = arena.mark();
		const foreign = other.mark();
		expectRefused(heap, InvalidPointerError, () => arena.reset(foreign));
		arena.reset();
		expectRefused(heap, InvalidPointerError, () => arena.reset(m));
		for (const bad of [
			0,
			-8,
			12,
			1.5,
			Number.NaN,
			"8" as unknown as number,
			undefined as unknown as number,
		]) {
			expectRefused(heap, InvalidPointerError, () => arena.pop(bad));
		}
		expectRefused(heap, InvalidPointerError, () => arena.reset(undefined as unknown as number));
	});

	it("pops a mark: back to before it was taken, the mark and later ones gone", () => {
		const { arena } = newArena();
		const before = arena.malloc(8);
		const m = arena.mark();
		arena.mark();
		arena.malloc(200);
		arena.pop(m);
		expect(arena.stats()).toMatchObject({ usedBytes: 8, marks: 0 });
		expect(arena.malloc(8)).toBe(before + 8);
	});

	it("keeps the chain short in a frame loop: amortized O(1) with marks that were never reset", () => {
		const { arena } = newArena(1 << 16);
		const level = arena.mark();
		for (let frame = 0; frame < 100; frame++) {
			for (let i = 0; i < 10; i++) arena.mark(); // leaked marks
			arena.reset(level);
			expect(arena.stats().marks).toBe(1);
		}
	});

	it("takes a mark's record from a new chunk when the current one is full", () => {
		const { arena } = newArena(64);
		arena.malloc(40);
		const m = arena.mark();
		expect(arena.stats().chunks).toBe(2);
		arena.malloc(8);
		arena.pop(m);
		expect(arena.stats().marks).toBe(0);
	});
});
