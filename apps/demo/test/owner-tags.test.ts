import { Heap } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { OwnerTags } from "../src/sim/owner-tags.ts";

function tiles(heap: Heap, tags: OwnerTags): void {
	const blocks = tags.blocks();
	const stats = heap.stats();
	for (let i = 1; i < blocks.length; i++) {
		const previous = blocks[i - 1];
		expect(blocks[i]?.address).toBe((previous?.address ?? 0) + (previous?.size ?? 0));
	}
	expect(blocks.reduce((sum, b) => sum + b.size, 0)).toBe(stats.heapBytes - stats.metadataBytes);
	expect(blocks.filter((b) => b.owner !== "free").reduce((sum, b) => sum + b.size, 0)).toBe(stats.usedBytes);
}

describe("OwnerTags", () => {
	it("labels each block by the allocator that made it and untagged blocks as other", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const tags = new OwnerTags(heap);
		const pool = tags.allocator("pool").malloc(100);
		const vector = tags.allocator("vector").calloc(4, 8);
		const untagged = heap.malloc(16);
		expect(tags.ownerOf(pool)).toBe("pool");
		expect(tags.ownerOf(vector)).toBe("vector");
		expect(tags.ownerOf(untagged)).toBe("other");
		expect(tags.blocks().map((b) => b.owner)).toEqual(["pool", "vector", "other", "free"]);
		tiles(heap, tags);
	});

	it("follows a block that realloc moves and forgets a block that is freed", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const tags = new OwnerTags(heap);
		const rc = tags.allocator("rc");
		const a = rc.malloc(16);
		const wall = heap.malloc(16); // a neighbour, so growing `a` must move it
		const b = rc.realloc(a, 256);
		expect(b).not.toBe(a);
		expect(tags.ownerOf(b)).toBe("rc");
		expect(tags.ownerOf(a)).toBe("other"); // the old address is nobody's any more
		const c = rc.realloc(0, 8); // realloc(0) allocates
		expect(tags.ownerOf(c)).toBe("rc");
		rc.free(b);
		rc.free(c);
		rc.free(0);
		heap.free(wall);
		expect(tags.blocks()).toEqual([
			{ address: tags.blocks()[0]?.address, size: heap.stats().freeBytes, owner: "free" },
		]);
		tiles(heap, tags);
	});

	it("leaves the tag alone when realloc fails or shrinks in place", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const tags = new OwnerTags(heap);
		const list = tags.allocator("list");
		const p = list.malloc(1024);
		expect(list.realloc(p, 1 << 20)).toBe(0);
		expect(list.realloc(p, 64)).toBe(p);
		expect(tags.ownerOf(p)).toBe("list");
		expect(list.usableSize(p)).toBeGreaterThanOrEqual(64);
		expect(list.malloc(1 << 20)).toBe(0);
		expect(list.heap).toBe(heap);
		tiles(heap, tags);
	});
});
