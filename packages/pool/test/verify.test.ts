import { Heap, HeapCorruptionError, hex, InvalidPointerError } from "@offheap/core";
import { expectRefused, expectUnchanged } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Pool } from "../src/index.ts";
import { chunkGens } from "../src/internal/chunks.ts";
import {
	GEN_SHIFT,
	LIVE,
	W_BUMP,
	W_CAPACITY,
	W_FREE_HEAD,
	W_LIVE,
	W_MAGIC,
	W_RESERVED,
	W_SLOT_BYTES,
	W_TABLE,
} from "../src/internal/layout.ts";

/**
 * A growing pool of 24-byte slots over three chunks (2 + 2 + 4 slots): slots 0–6 handed out, slots 1,
 * 4 and 5 freed in that order, so the free list runs 5 → 4 → 1.
 */
function busyPool(checked = false): { heap: Heap; pool: Pool; ptrs: number[]; hdr: number } {
	const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 20, checked });
	const pool = new Pool(heap, 24, { capacity: 2, growable: true, maxCapacity: 64 });
	const ptrs = Array.from({ length: 7 }, () => pool.allocPtr());
	for (const i of [1, 4, 5]) pool.freePtr(ptrs[i] as number);
	return { heap, pool, ptrs, hdr: pool.address >>> 2 };
}

/** The address of slot `index`'s generation word. */
function genWord(pool: Pool, index: number): number {
	const t = pool.locate(index);
	return (pool.heap.i32[t + 1] as number) + index * 4;
}

/** Asserts that `pool.check()` throws exactly this corruption, changing nothing. */
function expectCorruption(heap: Heap, pool: Pool, at: number, detail: string): void {
	const error = expectRefused(heap, HeapCorruptionError, () => pool.check());
	expect(error.message).toBe(`heap corrupted at block ${hex(at)}: pool at ${hex(pool.address)}: ${detail}`);
	expect(error.block).toBe(at);
}

describe("Pool.check", () => {
	it("passes for pools in use, fixed and growing, and reads nothing but changes nothing", () => {
		const { heap, pool } = busyPool();
		expectUnchanged(heap, () => pool.check());
		const fixed = new Pool(heap, { size: 40, align: 64 }, { capacity: 5 });
		fixed.check();
		fixed.allocPtr();
		fixed.clear();
		fixed.check();
		heap.check();
	});

	it("names an overwritten magic word", () => {
		const { heap, pool, hdr } = busyPool();
		heap.u32[hdr + W_MAGIC] = 7;
		expectCorruption(heap, pool, pool.address, "its header's magic word 0x0007 was overwritten");
	});

	it("names a header word that no longer says what the pool was made with", () => {
		const { heap, pool, hdr } = busyPool();
		heap.u32[hdr + W_SLOT_BYTES] = 32;
		expectCorruption(
			heap,
			pool,
			pool.address + 4,
			"header word 1 (slot bytes) is 32, the pool was made with 24",
		);
	});

	it("names counters that disagree with the chunks and the slots", () => {
		const cases: [number, number, string][] = [
			[W_CAPACITY, 9, "its capacity is 9, but its 3 chunks hold 8 slots"],
			[W_BUMP, 9, "it counts 9 slots handed out, more than its capacity 8"],
			[W_LIVE, 8, "it counts 8 live slots, more than the 7 ever handed out"],
			[W_LIVE, 3, "it counts 3 live slots, its generation words 4"],
			[W_RESERVED, 1, "it counts 1 B reserved, its header and chunks hold 544 B"],
		];
		for (const [w, value, detail] of cases) {
			const { heap, pool, hdr } = busyPool();
			heap.u32[hdr + w] = value;
			expectCorruption(heap, pool, pool.address + w * 4, detail);
		}
	});

	it("names a chunk table entry that points elsewhere", () => {
		const { heap, pool, hdr } = busyPool();
		const entry = pool.address + (W_TABLE + 2) * 4;
		heap.i32[hdr + W_TABLE + 2] = (heap.i32[hdr + W_TABLE + 2] as number) + 8;
		const gens = chunkGens(heap.i32, hdr, 1, 2);
		expectCorruption(
			heap,
			pool,
			entry,
			`chunk 1's slots are at ${hex(gens + 16)}, not after its generation words at ${hex(gens)}`,
		);
		heap.i32[hdr + W_TABLE + 2] = (heap.i32[hdr + W_TABLE + 2] as number) - 8;
		heap.i32[hdr + W_TABLE + 3] = 1 << 30;
		expectCorruption(
			heap,
			pool,
			entry,
			`chunk 1's block at ${hex((1 << 30) + 8)} is misaligned or outside the heap`,
		);
	});

	it("names a chunk whose block was freed behind the pool's back", () => {
		const { heap, pool, hdr } = busyPool();
		const block = chunkGens(heap.i32, hdr, 2, 2);
		heap.free(block);
		expectCorruption(
			heap,
			pool,
			block,
			`chunk 2's block ${hex(block)} is not a live block of the heap (freed?)`,
		);
	});

	it("names a generation word out of range, and one of a slot never handed out", () => {
		const { heap, pool } = busyPool();
		const g3 = genWord(pool, 3);
		const word = heap.u32[g3 >>> 2] as number;
		heap.u32[g3 >>> 2] = LIVE;
		expectCorruption(heap, pool, g3, `slot 3's generation 0 is outside [1, ${2 ** 24 - 1}]`);
		heap.u32[g3 >>> 2] = word;
		const g7 = genWord(pool, 7);
		heap.u32[g7 >>> 2] = (5 << GEN_SHIFT) | LIVE;
		expectCorruption(heap, pool, g7, "slot 7 was never handed out, but its generation word is 0x0015, not 0");
	});

	it("names the link of a free list that loops, reaches a live slot or a slot never handed out, or loses slots", () => {
		const cases: [(ptrs: number[]) => [number, number], string][] = [
			// Slot 4 links back to slot 5, which the list already visited.
			[(p) => [p[4] as number, 6], `the free list links to slot 5 at ${"…"} a second time (a cycle)`],
			[(p) => [p[4] as number, 3], `the free list links to slot 2 at ${"…"}, which is live`],
			[(p) => [p[5] as number, 8], "the free list links to slot 7, which was never handed out (only 7)"],
			[(p) => [p[4] as number, 0], "the free list holds 2 slots, but 3 of the 7 handed out are free"],
		];
		for (const [corrupt, detail] of cases) {
			const { heap, pool, ptrs, hdr } = busyPool();
			expect(heap.u32[hdr + W_FREE_HEAD]).toBe(6);
			const [link, value] = corrupt(ptrs);
			heap.u32[link >>> 2] = value;
			const at = value === 0 ? pool.address + W_FREE_HEAD * 4 : link;
			const target = value === 0 ? "" : hex(ptrs[value - 1] as number);
			expectCorruption(heap, pool, at, detail.replace("…", target));
		}
	});

	it("names a free slot written after it was freed, in a checked heap", () => {
		const { heap, pool, ptrs } = busyPool(true);
		pool.check();
		const p = ptrs[4] as number;
		heap.u8[p + 12] = 0;
		const error = expectRefused(heap, HeapCorruptionError, () => pool.check());
		expect(error.message).toMatch(
			new RegExp(
				`^heap corrupted at block ${hex(p)}: write after free: byte 12 of pool slot 4 \\(${hex(p)}, 24 B\\)`,
			),
		);
	});

	it("refuses a freed pool", () => {
		const heap = new Heap();
		const pool = new Pool(heap, 8);
		pool.free();
		const error = expectRefused(heap, InvalidPointerError, () => pool.check());
		expect(error.message).toBe("check(0x0000): invalid pointer: this pool was freed: create a new one");
	});
});
