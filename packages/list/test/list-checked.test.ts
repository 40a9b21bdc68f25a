import { DoubleFreeError, Heap, HeapCorruptionError, InvalidPointerError } from "@offheap/core";
import { f64, u32 } from "@offheap/struct";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { List } from "../src/index.ts";

describe("List on a checked heap", () => {
	it("gives removed nodes back to the heap, keeping no spares whatever the option says", () => {
		const heap = new Heap({ checked: true });
		const list = new List(heap, u32, { spare: 100 });
		const nodes = [1, 2, 3].map((x) => list.pushBack(x));
		const blocks = (): number => heap.leaks().reduce((n, group) => n + group.blocks, 0);
		const live = blocks();
		list.remove(nodes[1] as number);
		list.popFront();
		expect(list.spares).toBe(0);
		expect(blocks()).toBe(live - 2); // freed (into the checker's quarantine)
		list.free();
		expect(heap.leaks()).toEqual([]);
	});

	it("names where a stale node was allocated and where it was removed", () => {
		const heap = new Heap({ checked: true });
		const list = new List(heap, f64);
		list.pushBack(0.5);
		const stale = list.pushBack(1.5);
		list.remove(stale);
		for (const misuse of [() => list.get(stale), () => list.remove(stale), () => list.next(stale)]) {
			const error = expectRefused(heap, DoubleFreeError, misuse);
			expect(error.message).toContain("the node was already removed");
			expect(error.message).toMatch(/allocated at:\n\s+at \S+[\s\S]*freed at:\n\s+at \S+/);
		}
		expect(list.toArray()).toEqual([0.5]);
		list.free();
	});

	it("catches a node freed behind the list's back, naming where", () => {
		const heap = new Heap({ checked: true });
		const list = new List(heap, u32);
		const node = list.pushBack(7);
		// A bug elsewhere frees the node's block (8 bytes before the node: heap.free(node) itself is
		// refused, since no node is the start of a block); the list still links the node.
		expectRefused(heap, InvalidPointerError, () => heap.free(node & ~7));
		heap.free((node & ~7) - 8);
		const error = expectRefused(heap, DoubleFreeError, () => list.get(node));
		expect(error.message).toMatch(/freed at:\n[\s\S]*list-checked\.test\.ts/);
		// Freeing the list would free that block again: refused before any node is freed.
		expect(expectRefused(heap, HeapCorruptionError, () => list.free()).message).toMatch(
			/^heap corrupted at block 0x[0-9a-f]+: List\.free: list at 0x[0-9a-f]+: node 0x[0-9a-f]+ \(handle 0x[0-9a-f]+\): its block 0x[0-9a-f]+ is not a live block of its allocator \(usableSize\(0x[0-9a-f]+\): double free: /,
		);
	});

	it("refuses an address inside a live node with the checker's report", () => {
		const heap = new Heap({ checked: true });
		const list = new List(heap, u32);
		const node = list.pushBack(7);
		const error = expectRefused(heap, InvalidPointerError, () => list.get((node & ~7) + 8));
		expect(error.message).toContain("not a node");
		list.free();
	});
});
