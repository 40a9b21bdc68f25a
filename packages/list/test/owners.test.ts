import { Heap } from "@offheap/core";
import { u32 } from "@offheap/struct";
import { describe, expect, it } from "vitest";
import { List } from "../src/index.ts";
import { C_FORWARD, C_REFS, N_OWNER, W_CELL, W_INDIRECT } from "../src/internal/layout.ts";

/** The owner cell a node's tag names, and how many forwards lead from it to its root. */
function chain(heap: Heap, node: number): { tag: number; depth: number } {
	const tag = (heap.u32[((node & ~7) >>> 2) + N_OWNER] as number) & ~7; // without the generation
	let depth = 0;
	for (let c = tag; heap.u32[(c >>> 2) + C_FORWARD] !== 0; c = heap.u32[(c >>> 2) + C_FORWARD] as number)
		depth++;
	return { tag, depth };
}

function cellOf(heap: Heap, list: List): number {
	return heap.u32[(list.address >>> 2) + W_CELL] as number;
}

describe("owner cells", () => {
	it("splices a whole list into an empty one by swapping cells, allocating nothing", () => {
		const heap = new Heap();
		const a = new List(heap, u32);
		const b = new List(heap, u32);
		const nodes = [1, 2, 3].map((x) => b.pushBack(x));
		const cell = cellOf(heap, b);
		const allocations = heap.stats().allocations;
		a.splice(b);
		expect(heap.stats().allocations).toBe(allocations);
		expect(cellOf(heap, a)).toBe(cell);
		for (const n of nodes) expect(chain(heap, n)).toEqual({ tag: cell, depth: 0 });
		b.pushBack(4); // b goes on with a's old cell
		expect(a.toArray()).toEqual([1, 2, 3]);
		expect(b.toArray()).toEqual([4]);
		a.free();
		b.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("merges cells on a splice into a non-empty list, and frees a forwarding cell with its last node", () => {
		const heap = new Heap();
		const a = new List(heap, u32, { spare: 0 });
		const b = new List(heap, u32);
		a.pushBack(1);
		const moved = [b.pushBack(2), b.pushBack(3)];
		const old = cellOf(heap, b);
		const blocks = heap.stats().liveBlocks; // 2 headers, 2 cells, 3 nodes
		a.splice(b);
		expect(heap.stats().liveBlocks).toBe(blocks + 1); // b's fresh cell
		expect(cellOf(heap, b)).not.toBe(old);
		const first = chain(heap, moved[0] as number);
		expect(first.tag).toBe(old);
		expect(first.depth).toBe(1);
		expect(a.get(moved[0] as number)).toBe(2); // the check follows the forward once, then names the root
		expect(chain(heap, moved[0] as number)).toEqual({ tag: cellOf(heap, a), depth: 0 });
		a.remove(moved[0] as number);
		a.remove(moved[1] as number); // the old cell's last node: the cell goes too
		expect(heap.stats().liveBlocks).toBe(blocks - 2);
		a.free();
		b.free();
		expect(heap.stats().liveBlocks).toBe(0);
		heap.check();
	});

	it("keeps forwarding chains logarithmic however lists are merged (union by rank)", () => {
		const heap = new Heap();
		let lists = Array.from({ length: 64 }, (_, i) => {
			const list = new List(heap, u32);
			list.pushBack(i);
			return list;
		});
		const all: number[] = lists.map((list) => list.first);
		while (lists.length > 1) {
			const next: List<typeof u32>[] = [];
			for (let i = 0; i < lists.length; i += 2) {
				const [a, b] = [lists[i] as List<typeof u32>, lists[i + 1] as List<typeof u32>];
				a.splice(b);
				b.free();
				next.push(a);
			}
			lists = next;
		}
		const [root] = lists as [List<typeof u32>];
		expect(root.length).toBe(64);
		expect(Math.max(...all.map((n) => chain(heap, n).depth))).toBeLessThanOrEqual(6);
		expect(root.toArray().sort((x, y) => x - y)).toEqual(Array.from({ length: 64 }, (_, i) => i));
		for (const n of all) expect(root.owns(n)).toBe(true);
		root.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("counts the cells and list that name a root, and the nodes and cells that name a forwarding cell", () => {
		const heap = new Heap();
		const a = new List(heap, u32);
		const b = new List(heap, u32);
		for (let i = 0; i < 5; i++) a.pushBack(i);
		for (let i = 0; i < 3; i++) b.pushBack(i);
		const rootBefore = cellOf(heap, a);
		a.splice(b, { first: b.first, last: b.first }); // a range: re-tagged one by one
		expect(heap.u32[(rootBefore >>> 2) + C_REFS]).toBe(1); // a root counts its list, not its nodes
		const old = cellOf(heap, b);
		a.splice(b); // the rest: merged, b's root forwards to a's (a's rank is not lower)
		const root = cellOf(heap, a);
		expect(root).toBe(rootBefore);
		expect(heap.u32[(root >>> 2) + C_REFS]).toBe(1 + 1); // the list and one forward
		expect(heap.u32[(old >>> 2) + C_REFS]).toBe(2); // b's two nodes still tagged with it
		expect(heap.u32[(a.address >>> 2) + W_INDIRECT]).toBe(2);
		a.remove(a.last); // one of them: the forwarding cell loses a reference
		expect(heap.u32[(old >>> 2) + C_REFS]).toBe(1);
		expect(heap.u32[(a.address >>> 2) + W_INDIRECT]).toBe(1);
		a.clear();
		expect(heap.u32[(root >>> 2) + C_REFS]).toBe(1);
		expect(heap.u32[(a.address >>> 2) + W_INDIRECT]).toBe(0);
		a.free();
		b.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});
});
