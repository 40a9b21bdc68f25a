import { Heap, HeapCorruptionError, InvalidPointerError } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Arena } from "../src/index.ts";

describe("Arena.check", () => {
	it("passes for an arena in use and names an overwritten mark record, header or chunk", () => {
		const heap = new Heap();
		const arena = new Arena(heap, { chunkBytes: 256 });
		const mark = arena.mark();
		for (let i = 0; i < 30; i++) arena.malloc(24);
		arena.check();
		const corruptions: [at: number, detail: string][] = [
			[mark + 12, "mark record"],
			[arena.address, "magic word"],
			[arena.address + 11 * 4, "counts 0 chunks"],
		];
		for (const [at, detail] of corruptions) {
			const word = heap.u32[at >>> 2] as number;
			heap.u32[at >>> 2] = 0;
			expect(expectRefused(heap, HeapCorruptionError, () => arena.check()).message).toContain(detail);
			heap.u32[at >>> 2] = word;
			arena.check();
		}
	});

	it("refuses a freed arena", () => {
		const heap = new Heap();
		const arena = new Arena(heap);
		arena.free();
		expectRefused(heap, InvalidPointerError, () => arena.check());
	});
});
