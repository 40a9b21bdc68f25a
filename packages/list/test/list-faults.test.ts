import { failAfter, failRandomly, Heap, OutOfMemoryError } from "@offheap/core";
import { f64, struct, u32 } from "@offheap/struct";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { List } from "../src/index.ts";

const Item = struct("Item", { id: u32, weight: f64 });

/** Allocates from `heap` until even `malloc(0)` fails: a fixed budget, really spent. */
function exhaust(heap: Heap): number[] {
	const blocks: number[] = [];
	for (const size of [16384, 1024, 64, 8, 0]) {
		for (let p = heap.malloc(size); p !== 0; p = heap.malloc(size)) blocks.push(p);
	}
	expect(heap.malloc(0)).toBe(0);
	return blocks;
}

describe.each([false, true])("List in a fixed budget that is spent (checked heap: %s)", (checkedHeap) => {
	const budget = (): Heap => new Heap({ initialBytes: 65536, maxBytes: 65536, checked: checkedHeap });

	it("refuses every call that must allocate with OutOfMemoryError, changing no byte, counter or node", () => {
		const heap = budget();
		const a = new List(heap, Item, { spare: 0 });
		const b = new List(heap, Item);
		const c = new List(heap, u32);
		const e = new List(heap, u32);
		const one = a.pushBack({ id: 1, weight: 1 });
		a.pushBack({ id: 2, weight: 2 });
		const moved = b.pushBack({ id: 3, weight: 3 });
		c.pushBack(7);
		e.pushBack(8);
		a.splice(b); // b's node keeps b's old cell, which now forwards to a's
		const small = Array.from({ length: 6 }, () => heap.malloc(8)); // 16-byte blocks: too small for any list block
		const blocks = exhaust(heap);
		for (const p of small.filter((_, i) => i % 2 === 0)) heap.free(p); // not neighbours: they wait in the cache
		const contents = [a.toArray(), b.toArray(), c.toArray(), e.toArray()];
		const node = (operation: string, length: number): string =>
			`out of memory: cannot allocate 32 B (List.${operation}: a node of 32 B (length ${length}))`;
		for (const [call, message] of [
			[() => a.pushBack({ id: 9, weight: 9 }), node("pushBack", 3)],
			[() => a.pushFront(), node("pushFront", 3)],
			[() => a.insertBefore(moved, { id: 9, weight: 9 }), node("insertBefore", 3)],
			[() => a.insertAfter(one), node("insertAfter", 3)],
			[() => b.pushBack({ id: 9, weight: 9 }), node("pushBack", 0)],
		] as const) {
			expect(expectRefused(heap, OutOfMemoryError, call).message).toBe(message);
		}
		expect(expectRefused(heap, OutOfMemoryError, () => new List(heap, u32)).message).toBe(
			"out of memory: cannot allocate 64 B (List.constructor: the list header)",
		);
		expect(expectRefused(heap, OutOfMemoryError, () => c.splice(e)).message).toBe(
			"out of memory: cannot allocate 20 B (List.splice: a new owner cell for the emptied source)",
		);
		expect([a.toArray(), b.toArray(), c.toArray(), e.toArray()]).toEqual(contents);
		// What needs no allocation still works in a spent heap: nodes move, a removed node is reused.
		a.moveToFront(a.last);
		c.splice(c, { first: c.first, last: c.last });
		const allocations = heap.stats().allocations;
		expect(c.popBack()).toBe(7);
		if (!checkedHeap) c.pushBack(5); // the spare node (a checked heap keeps none)
		expect(heap.stats().allocations).toBe(allocations);
		for (const list of [a, b, c, e]) list.check();
		heap.check();
		for (const p of blocks) heap.free(p);
		for (const list of [a, b, c, e] as List[]) list.free();
	});

	it("pushes into a spent heap while the list has spare nodes", () => {
		const heap = budget();
		const list = new List(heap, u32);
		for (let i = 0; i < 4; i++) list.pushBack(i);
		list.popFront();
		list.popFront();
		exhaust(heap);
		if (checkedHeap) {
			// A checked heap keeps no spares: removed nodes went back to it (to its quarantine).
			expectRefused(heap, OutOfMemoryError, () => list.pushBack(9));
		} else {
			list.pushBack(8);
			list.pushFront(9);
			expectRefused(heap, OutOfMemoryError, () => list.pushBack(10));
		}
		list.check();
		heap.check();
	});
});

describe("List under allocation failure", () => {
	it("keeps nothing allocated when the header or the owner cell cannot be had", () => {
		const heap = new Heap();
		expectRefused(heap, OutOfMemoryError, () => new List(failAfter(heap, 0), u32));
		const before = heap.stats();
		expect(() => new List(failAfter(heap, 1), u32)).toThrow(OutOfMemoryError);
		expect(heap.stats().liveBlocks).toBe(before.liveBlocks);
		expect(heap.stats().usedBytes).toBe(before.usedBytes);
		heap.check();
	});

	it("leaves list and heap exactly as they were when a push or insert cannot allocate its node", () => {
		const heap = new Heap();
		const list = new List(failAfter(heap, 5), Item); // header, cell, three nodes
		const a = list.pushBack({ id: 1, weight: 1 });
		list.pushFront({ id: 0, weight: 0 });
		list.insertAfter(a, { id: 2, weight: 2 });
		const snapshot = list.toArray();
		expect(
			expectRefused(heap, OutOfMemoryError, () => list.pushBack({ id: 9, weight: 9 })).message,
		).toContain("List.pushBack: a node of");
		expectRefused(heap, OutOfMemoryError, () => list.pushFront());
		expectRefused(heap, OutOfMemoryError, () => list.insertBefore(a, { id: 9, weight: 9 }));
		expectRefused(heap, OutOfMemoryError, () => list.insertAfter(a));
		expect(list.toArray()).toEqual(snapshot);
		list.remove(a); // removal and moves never allocate
		list.moveToFront(list.last);
		expect(list.length).toBe(2);
		list.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("fails cleanly at every step of a budget that runs out, and frees everything", () => {
		const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 16 });
		const start = heap.stats();
		const list = new List(heap, Item);
		let pushed = 0;
		for (;;) {
			const length = list.length;
			try {
				list.pushBack({ id: pushed, weight: pushed });
				pushed++;
			} catch (error) {
				expect(error).toBeInstanceOf(OutOfMemoryError);
				expect(list.length).toBe(length);
				break;
			}
		}
		expect(pushed).toBeGreaterThan(1000);
		expect(list.popFront()?.id).toBe(0); // room for one more
		list.pushBack({ id: -1 >>> 0, weight: 0 });
		heap.check();
		list.free();
		expect(heap.stats().usedBytes).toBe(start.usedBytes);
	});

	it("leaves both lists unchanged when a whole-list splice cannot allocate the source's new cell", () => {
		const heap = new Heap();
		const faulty = failAfter(heap, 6); // two headers, two cells, two nodes
		const a = new List(faulty, u32);
		const b = new List(faulty, u32);
		a.pushBack(1);
		b.pushBack(2);
		expectRefused(heap, OutOfMemoryError, () => a.splice(b));
		expect(a.toArray()).toEqual([1]);
		expect(b.toArray()).toEqual([2]);
		const empty = new List(heap, u32);
		a.free();
		b.free();
		empty.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("leaves the owner cells as they were when an insert next to a spliced-in node cannot allocate", () => {
		const heap = new Heap();
		const faulty = failAfter(heap, 7); // two headers, two cells, two nodes, the source's new cell
		const a = new List(faulty, u32);
		const b = new List(faulty, u32);
		a.pushBack(1);
		const moved = b.pushBack(2);
		a.splice(b); // b's node keeps its tag: b's old cell, which now forwards to a's
		for (const insert of [
			() => a.insertAfter(moved, 3),
			() => a.insertBefore(moved, 3),
			() => a.insertAfter(moved),
		]) {
			const error = expectRefused(heap, OutOfMemoryError, insert);
			expect(error.message).toMatch(
				/^out of memory: cannot allocate 16 B \(List\.insert(After|Before): a node of 16 B \(length 2\)\)$/,
			);
		}
		expect(a.toArray()).toEqual([1, 2]);
		a.remove(moved); // the node is still a's, and its cell is still there to be released
		a.check();
		heap.check();
		a.free();
		b.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("leaves the owner cells as they were when a splice before a spliced-in node cannot allocate", () => {
		const heap = new Heap();
		const faulty = failAfter(heap, 10); // three headers, three cells, three nodes, one new cell
		const a = new List(faulty, u32);
		const b = new List(faulty, u32);
		const c = new List(faulty, u32);
		a.pushBack(1);
		const moved = b.pushBack(2);
		a.splice(b);
		c.pushBack(3);
		expectRefused(heap, OutOfMemoryError, () => a.splice(c, { before: moved })); // c needs a new cell
		expectRefused(heap, RangeError, () => a.splice(a, { first: moved, last: moved, before: moved }));
		expect(a.toArray()).toEqual([1, 2]);
		expect(c.toArray()).toEqual([3]);
		for (const list of [a, b, c]) list.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("survives random allocation failures with every operation either done or not done at all", () => {
		for (const [seed, faulty] of [1, 2, 3].map((s) => [s, (h: Heap) => failRandomly(h, 0.3, s)] as const)) {
			const heap = new Heap();
			const alloc = faulty(heap);
			let list: List<typeof u32> | undefined;
			while (list === undefined) {
				try {
					list = new List(alloc, u32);
				} catch (error) {
					expect(error).toBeInstanceOf(OutOfMemoryError);
				}
			}
			const model: number[] = [];
			for (let i = 0; i < 3000; i++) {
				const before = list.toArray();
				try {
					if (i % 3 === 0 && model.length > 0) {
						expect(list.popFront()).toBe(model.shift());
					} else if (i % 3 === 1) {
						list.pushBack(i);
						model.push(i);
					} else {
						list.pushFront(i);
						model.unshift(i);
					}
				} catch (error) {
					expect(error).toBeInstanceOf(OutOfMemoryError);
					expect(list.toArray()).toEqual(before);
				}
			}
			expect(alloc.failures, `seed ${seed}`).toBeGreaterThan(100);
			expect(list.toArray()).toEqual(model);
			heap.check();
			list.free();
			expect(heap.stats().liveBlocks).toBe(0);
		}
	});
});
