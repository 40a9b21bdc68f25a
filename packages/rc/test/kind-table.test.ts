import { FaultyAllocator, Heap, OutOfMemoryError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { RcSpace } from "../src/index.ts";
import { expectRefused, occupancy } from "./helpers.ts";

describe("kind table", () => {
	it("grows past its first capacity and gives every name its id back after reopening", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const names = Array.from({ length: 50 }, (_, i) => `kind-${i}`);
		const ids = names.map((name, i) => space.kind({ name, type: { size: i, align: 1 << (i % 6) } }).id);
		expect(ids).toEqual(names.map((_, i) => i + 1));
		const copy = Heap.open(new Uint8Array(heap.u8).buffer);
		const again = RcSpace.open(copy, space.address);
		const reversed = [...names].reverse().map((name) => {
			const i = names.indexOf(name);
			return again.kind({ name, type: { size: i, align: 1 << (i % 6) } }).id;
		});
		expect(reversed).toEqual([...ids].reverse());
	});

	it("keeps names of any UTF-16 text apart, including ones of equal length", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const names = ["Nœud 🌳", "Nœud 🌲", "ab", "ba", "a"];
		for (const name of names) space.kind({ name, type: { size: 8, align: 8 } });
		const again = RcSpace.open(heap, space.address);
		expect(again.kind({ name: "ba", type: { size: 8, align: 8 } }).id).toBe(4);
		expect(again.kind({ name: "Nœud 🌲", type: { size: 8, align: 8 } }).id).toBe(2);
	});

	it("changes nothing when the table cannot grow", () => {
		const heap = new Heap();
		const start = occupancy(heap);
		let failAt = 0;
		const allocator = new FaultyAllocator(heap, (request) => request === failAt);
		const space = new RcSpace(allocator);
		for (let i = 0; i < 4; i++) {
			failAt = allocator.requests + 1;
			expectRefused(
				heap,
				space,
				OutOfMemoryError,
				`out of memory: cannot allocate ${16 * (i + 1)} B (the kind table of an RcSpace, for kind "k${i}")`,
				() => space.kind({ name: `k${i}`, type: { size: 8, align: 8 } }),
			);
			expect(space.kind({ name: `k${i}`, type: { size: 8, align: 8 } }).id).toBe(i + 1);
		}
		space.free();
		expect(occupancy(heap)).toEqual(start);
	});
});
