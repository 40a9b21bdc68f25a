import { Heap } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { budgetOf, bytesByOwner, fragmentation } from "../src/sim/budget.ts";
import { OwnerTags } from "../src/sim/owner-tags.ts";

describe("budget", () => {
	it("sums bytes by owner with every owner present", () => {
		expect(
			bytesByOwner([
				{ address: 8, size: 16, owner: "pool" },
				{ address: 24, size: 32, owner: "pool" },
				{ address: 56, size: 8, owner: "free" },
			]),
		).toEqual({ pool: 48, arena: 0, vector: 0, rc: 0, list: 0, other: 0, free: 8 });
	});

	it("measures fragmentation as the share of free space outside the largest free block", () => {
		expect(fragmentation(100, 100)).toBe(0);
		expect(fragmentation(25, 100)).toBe(0.75);
		expect(fragmentation(0, 0)).toBe(0);
	});

	it("reports a heap's figures, live bytes by owner adding up to its used bytes", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const tags = new OwnerTags(heap);
		const a = tags.allocator("arena").malloc(1000);
		tags.allocator("arena").malloc(16);
		tags.allocator("arena").free(a); // a hole: free space in two blocks
		const report = budgetOf(heap.stats(), tags.blocks(), 3, 2);
		const stats = heap.stats();
		expect(report.usedBytes).toBe(stats.usedBytes);
		expect(report.bytesByOwner.arena).toBe(stats.usedBytes);
		expect(report.bytesByOwner.free).toBe(stats.freeBytes);
		expect(report.fragmentation).toBeCloseTo(1 - stats.largestFreeBlock / stats.freeBytes);
		expect(report.fragmentation).toBeGreaterThan(0);
		expect(report).toMatchObject({ budgetBytes: 65536, entities: 3, refusedSpawns: 2 });
	});
});
