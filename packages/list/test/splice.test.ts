import { Heap, HeapCorruptionError, hex, InvalidPointerError } from "@offheap/core";
import { u32 } from "@offheap/struct";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { List } from "../src/index.ts";
import { N_NEXT, N_OWNER, W_CELL } from "../src/internal/layout.ts";

describe("range splices", () => {
	it("moves ranges within one list and between lists in order", () => {
		const heap = new Heap();
		const a = new List(heap, u32);
		const b = new List(heap, u32);
		const n = [0, 1, 2, 3, 4, 5].map((x) => a.pushBack(x));
		a.splice(a, { first: n[3], last: n[4], before: n[1] });
		expect(a.toArray()).toEqual([0, 3, 4, 1, 2, 5]);
		a.splice(a, { first: n[0], last: n[0] }); // to the end
		expect(a.toArray()).toEqual([3, 4, 1, 2, 5, 0]);
		b.pushBack(9);
		b.splice(a, { first: n[1], last: n[2], before: b.first });
		expect(b.toArray()).toEqual([1, 2, 9]);
		expect(a.toArray()).toEqual([3, 4, 5, 0]);
		b.remove(n[1] as number);
		expect(() => a.remove(n[2] as number)).toThrow(/another list/);
		a.splice(a); // a whole list onto its own end: nothing moves
		expect(a.toArray()).toEqual([3, 4, 5, 0]);
		a.free();
		b.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});
	it("re-tags the nodes of a range it moves to another list, one by one", () => {
		const heap = new Heap();
		const a = new List(heap, u32);
		const b = new List(heap, u32);
		const n = [1, 2, 3, 4].map((x) => a.pushBack(x));
		b.splice(a, { first: n[1], last: n[2] });
		const cell = heap.u32[(b.address >>> 2) + W_CELL];
		// The owner word is the cell with the node's generation, which the handle carries: handles stay valid.
		for (const node of [n[1], n[2]] as number[]) {
			expect(heap.u32[((node & ~7) >>> 2) + N_OWNER]).toBe((cell as number) | (node & 7));
			expect(b.owns(node)).toBe(true);
		}
		expect([a.length, b.length]).toEqual([2, 2]);
		expect(() => a.moveToFront(n[1] as number)).toThrow(InvalidPointerError);
		b.splice(a, { first: n[0], last: n[0], before: b.first });
		expect(b.toArray()).toEqual([1, 2, 3]);
		a.free();
		b.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("moves nothing from an empty list, and refuses a range whose ends are in different lists", () => {
		const heap = new Heap();
		const a = new List(heap, u32);
		const b = new List(heap, u32);
		a.splice(b);
		a.splice(b, {});
		expect(a.length).toBe(0);
		const x = a.pushBack(1);
		const y = b.pushBack(2);
		expect(() => a.splice(b, { first: y, last: x })).toThrow(InvalidPointerError);
		expect([a.toArray(), b.toArray()]).toEqual([[1], [2]]);
		a.free();
		b.free();
	});

	it("refuses a range whose links form a cycle, instead of following it, changing nothing", () => {
		const heap = new Heap();
		const a = new List(heap, u32);
		const b = new List(heap, u32);
		const [x, y, z] = [1, 2, 3].map((v) => a.pushBack(v)) as [number, number, number];
		b.pushBack(9);
		const w = ((y & ~7) >>> 2) + N_NEXT;
		heap.u32[w] = x; // y's next: back to x, so the walk from x never reaches z
		const error = expectRefused(heap, HeapCorruptionError, () => b.splice(a, { first: x, last: z }));
		expect(error.message).toBe(
			`heap corrupted at block ${hex(x & ~7)}: List.splice: list at ${hex(a.address)}: node ${hex(x & ~7)} ` +
				`(handle ${hex(x)}): its prev link is ${hex(0)}, but the node before it is ${hex(y)}`,
		);
		heap.u32[w] = z;
		b.splice(a, { first: x, last: z });
		expect(b.toArray()).toEqual([9, 1, 2, 3]);
		a.free();
		b.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});
});
