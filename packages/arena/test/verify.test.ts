import { Heap, HeapCorruptionError, hex, InvalidPointerError } from "@offheap/core";
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

	it("names a last allocation outside the current chunk, exactly", () => {
		const heap = new Heap();
		const arena = new Arena(heap, { chunkBytes: 256 });
		arena.malloc(24);
		const at = arena.address + 6 * 4;
		heap.u32[at >>> 2] = 8;
		const error = expectRefused(heap, HeapCorruptionError, () => arena.check());
		expect(error.message).toBe(
			`heap corrupted at block ${hex(at)}: arena at ${hex(arena.address)}: its last allocation 0x0008 is not in the current chunk before the cursor`,
		);
	});

	it("names a chunk freed behind the arena's back when the parent is the heap, and a freed header", () => {
		const heap = new Heap();
		const arena = new Arena(heap, { chunkBytes: 256, growthFactor: 1 });
		for (let i = 0; i < 20; i++) arena.malloc(40);
		heap.malloc(8); // so that the last chunk does not merge into the heap's top when freed
		const chunks = [...heap.walk()].filter((b) => !b.free && b.size >= 256).map((b) => b.ptr);
		expect(chunks.length).toBe(arena.stats().chunks);
		// The last chunk: the heap caches it whole, and the link it writes over its first word is the
		// 0 that was there (the chunk list's end), so only the heap knows it is free.
		const chunk = chunks[chunks.length - 1] as number;
		heap.free(chunk);
		const error = expectRefused(heap, HeapCorruptionError, () => arena.check());
		expect(error.message).toBe(
			`heap corrupted at block ${hex(chunk)}: arena at ${hex(arena.address)}: chunk ${hex(chunk)} is not a live block of the heap (freed?)`,
		);
		const other = new Arena(heap);
		heap.free(other.address);
		expect(expectRefused(heap, HeapCorruptionError, () => other.check()).message).toMatch(
			new RegExp(
				`^heap corrupted at block ${hex(other.address)}: arena at ${hex(other.address)}: its header's magic word was overwritten$`,
			),
		);
	});

	it("refuses a freed arena", () => {
		const heap = new Heap();
		const arena = new Arena(heap);
		arena.free();
		expectRefused(heap, InvalidPointerError, () => arena.check());
	});
});
