import { Heap } from "@offheap/core";
import { bool, f32, f64, i64, struct, u8, u32, utf8 } from "@offheap/struct";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { List } from "../src/index.ts";

const Vec2 = struct("Vec2", { x: f32, y: f32 });

describe("List", () => {
	it("starts empty with a header and an owner cell, and frees everything it owns", () => {
		const heap = new Heap();
		const start = heap.stats();
		const list = new List(heap, u32);
		expect(list.length).toBe(0);
		expect(list.first).toBe(0);
		expect(list.last).toBe(0);
		expect(heap.stats().liveBlocks).toBe(2);
		for (let i = 0; i < 100; i++) list.pushBack(i);
		expect(heap.stats().liveBlocks).toBe(102);
		list.free();
		expect(heap.stats().liveBlocks).toBe(start.liveBlocks);
		expect(heap.stats().usedBytes).toBe(start.usedBytes);
		heap.check();
	});

	it("pushes and pops at both ends in order", () => {
		const heap = new Heap();
		const list = new List(heap, i64);
		list.pushBack(2n);
		list.pushFront(1n);
		list.pushBack(3n);
		expect(list.toArray()).toEqual([1n, 2n, 3n]);
		expect(list.popFront()).toBe(1n);
		expect(list.popBack()).toBe(3n);
		expect(list.popBack()).toBe(2n);
		expect(list.popBack()).toBeUndefined();
		expect(list.popFront()).toBeUndefined();
		expect(list.first).toBe(0);
		list.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("links nodes both ways and walks them forwards and backwards", () => {
		const heap = new Heap();
		const list = new List(heap, u8);
		const nodes = [1, 2, 3, 4].map((x) => list.pushBack(x));
		expect(list.first).toBe(nodes[0]);
		expect(list.last).toBe(nodes[3]);
		expect(list.next(nodes[0] as number)).toBe(nodes[1]);
		expect(list.prev(nodes[0] as number)).toBe(0);
		expect(list.next(nodes[3] as number)).toBe(0);
		expect(list.prev(nodes[3] as number)).toBe(nodes[2]);
		expect([...list.nodes()]).toEqual(nodes);
		expect([...list.nodes(true)]).toEqual([...nodes].reverse());
		expect([...list]).toEqual([1, 2, 3, 4]);
		expect([...list.values(true)]).toEqual([4, 3, 2, 1]);
		list.free();
	});

	it("inserts before and after a node, and removes any node in O(1)", () => {
		const heap = new Heap();
		const list = new List(heap, u32);
		const b = list.pushBack(2);
		const a = list.insertBefore(b, 1);
		const d = list.insertAfter(b, 4);
		list.insertBefore(d, 3);
		list.insertAfter(d, 5);
		expect(list.toArray()).toEqual([1, 2, 3, 4, 5]);
		expect(list.first).toBe(a);
		list.remove(b);
		list.remove(a);
		expect(list.toArray()).toEqual([3, 4, 5]);
		expect(list.length).toBe(3);
		list.remove(list.last);
		expect(list.toArray()).toEqual([3, 4]);
		list.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("moves nodes to either end without allocating", () => {
		const heap = new Heap();
		const list = new List(heap, u32);
		const [a, b, c] = [1, 2, 3].map((x) => list.pushBack(x)) as [number, number, number];
		const allocations = heap.stats().allocations;
		list.moveToFront(c);
		expect(list.toArray()).toEqual([3, 1, 2]);
		list.moveToFront(c);
		list.moveToBack(c);
		expect(list.toArray()).toEqual([1, 2, 3]);
		list.moveToBack(a);
		list.moveToFront(b);
		expect(list.toArray()).toEqual([2, 3, 1]);
		expect([...list.values(true)]).toEqual([1, 3, 2]);
		expect(heap.stats().allocations).toBe(allocations);
		list.free();
	});

	it("reads and writes payloads of every kind, zero-filled when pushed without a value", () => {
		const heap = new Heap();
		const floats = new List(heap, f64);
		const n = floats.pushBack(1.25);
		floats.set(n, -3.5);
		expect(floats.get(n)).toBe(-3.5);
		expect(heap.f64[floats.payload(n) >>> 3]).toBe(-3.5);
		expect(floats.get(floats.pushBack())).toBe(0);
		const flags = new List(heap, bool);
		flags.pushBack(true);
		flags.pushBack();
		expect(flags.toArray()).toEqual([true, false]);
		const names = new List(heap, utf8(8));
		names.pushBack("ada");
		expect(names.get(names.pushFront("bob"))).toBe("bob");
		expect([...names]).toEqual(["bob", "ada"]);
		for (const l of [floats, flags, names]) l.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("works on struct payloads in place through views and a reusable cursor", () => {
		const heap = new Heap();
		const list = new List(heap, Vec2);
		const a = list.pushBack({ x: 1, y: 2 });
		const b = list.pushBack();
		expect(list.get(b)).toEqual({ x: 0, y: 0 });
		const view = list.view(a);
		view.x += 10;
		expect(list.get(a)).toEqual({ x: 11, y: 2 });
		const c1 = list.cursor(a);
		const c2 = list.cursor(b);
		expect(c1).toBe(c2);
		c2.y = 7;
		expect(list.get(b)).toEqual({ x: 0, y: 7 });
		for (const v of list) v.x = -1;
		expect(list.toArray()).toEqual([
			{ x: -1, y: 2 },
			{ x: -1, y: 7 },
		]);
		list.set(a, { x: 5, y: 5 });
		expect(list.popFront()).toEqual({ x: 5, y: 5 });
		list.free();
	});

	it("lays nodes out as links, owner tag and an aligned payload", () => {
		expect(List.nodeLayout(u8)).toEqual({ size: 13, align: 8 });
		expect(List.nodeLayout(u32)).toEqual({ size: 16, align: 8 });
		expect(List.nodeLayout(f64)).toEqual({ size: 24, align: 8 });
		const Wide = struct("Wide", { a: f64 }, { align: 32 });
		expect(List.nodeLayout(Wide)).toEqual({ size: 64, align: 32 });
		const heap = new Heap();
		const list = new List(heap, Wide);
		for (let i = 0; i < 10; i++) {
			const n = list.pushBack({ a: i });
			// The low 3 bits of a handle are the node's generation; the node's address is 8 bytes into its
			// block (so that it is never a block's start), whose start is aligned for the payload.
			expect(((n & ~7) - 8) % 32).toBe(0);
			expect(list.payload(n) % 32).toBe(0);
		}
		expect(list.toArray().map((w) => w.a)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		list.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("lets an iterator's current node be removed, and refuses a removed node it was to visit next", () => {
		const heap = new Heap();
		const list = new List(heap, u32);
		for (let i = 0; i < 6; i++) list.pushBack(i);
		for (const n of list.nodes()) if (list.get(n) % 2 === 1) list.remove(n);
		expect(list.toArray()).toEqual([0, 2, 4]);
		const it = list.nodes();
		const first = it.next().value as number;
		list.remove(list.next(first) === 0 ? first : (list.next(first) as number));
		expect(() => it.next()).toThrow(/already removed|not a node/);
		list.free();
	});

	it("clears all nodes and keeps working afterwards", () => {
		const heap = new Heap();
		const list = new List(heap, u32);
		for (let i = 0; i < 1000; i++) list.pushBack(i);
		list.clear();
		expect(list.length).toBe(0);
		expect(list.first).toBe(0);
		expect(heap.stats().liveBlocks).toBe(2);
		list.pushBack(7);
		expect(list.toArray()).toEqual([7]);
		list.free();
		expect(heap.stats().liveBlocks).toBe(0);
		heap.check();
	});

	it("reopens from its address, also in a copy of the heap", () => {
		const heap = new Heap();
		const list = new List(heap, Vec2);
		const a = list.pushBack({ x: 1, y: 1 });
		const again = List.open(heap, Vec2, list.address);
		again.pushBack({ x: 2, y: 2 });
		again.remove(a); // a node handle works through any view of the list
		expect(list.toArray()).toEqual([{ x: 2, y: 2 }]);
		const copy = Heap.open(new Uint8Array(heap.u8).buffer);
		const there = List.open(copy, Vec2, list.address);
		there.pushFront({ x: 0, y: 0 });
		expect(there.toArray()).toEqual([
			{ x: 0, y: 0 },
			{ x: 2, y: 2 },
		]);
		there.free();
		expect(copy.stats().liveBlocks).toBe(0);
		list.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("frees at the end of a using block, and free() twice does nothing", () => {
		const heap = new Heap();
		{
			using list = new List(heap, u8);
			list.pushBack(1);
		}
		expect(heap.stats().liveBlocks).toBe(0);
		const list = new List(heap, u8);
		list.free();
		list.free();
		expect(list.address).toBe(0);
		expect(list.owns(0)).toBe(false);
	});

	it("takes nodes from a separate node allocator, and the header and cell from its own", () => {
		const heap = new Heap();
		const counts = { malloc: 0, free: 0 };
		const nodes = {
			heap,
			malloc(size: number, align?: number): number {
				counts.malloc++;
				return heap.malloc(size, align);
			},
			calloc: (n: number, size: number) => heap.calloc(n, size),
			realloc: (p: number, size: number) => heap.realloc(p, size),
			free(p: number): void {
				counts.free++;
				heap.free(p);
			},
			usableSize: (p: number) => heap.usableSize(p),
		};
		const list = new List(heap, f64, { nodes, spare: 0 });
		expect(list.nodeAllocator).toBe(nodes);
		for (let i = 0; i < 10; i++) list.pushBack(i);
		list.popFront();
		list.free();
		expect(counts).toEqual({ malloc: 10, free: 10 });
		expect(heap.stats().liveBlocks).toBe(0);
		expect(() => new List(heap, f64, { nodes: { ...nodes, heap: new Heap() } })).toThrow(TypeError);
	});

	it("keeps removed nodes as spares up to its limit and reuses them before allocating", () => {
		const heap = new Heap();
		const list = new List(heap, f64, { spare: 4 });
		for (let i = 0; i < 10; i++) list.pushBack(i);
		const removed = [list.first, list.next(list.first)];
		for (let i = 0; i < 6; i++) list.popFront();
		expect(list.spares).toBe(4);
		expect(heap.stats().liveBlocks).toBe(2 + 4 + 4); // header and cell, 4 nodes, 4 spares
		const allocations = heap.stats().allocations;
		for (let i = 0; i < 1000; i++) {
			list.pushBack(i); // steady churn: spares only
			list.popFront();
		}
		expect(heap.stats().allocations).toBe(allocations);
		for (const n of removed) if (!list.owns(n)) expect(() => list.remove(n)).toThrow(/already removed/);
		list.trim();
		expect(list.spares).toBe(0);
		expect(heap.stats().liveBlocks).toBe(2 + 4);
		list.popFront();
		list.clear();
		expect(heap.stats().liveBlocks).toBe(2);
		const none = new List(heap, f64, { spare: 0 });
		none.remove(none.pushBack(1));
		expect(none.spares).toBe(0);
		expect(() => new List(heap, f64, { spare: -1 })).toThrow(RangeError);
		expect(List.open(heap, f64, list.address, { spare: 99 }).spares).toBe(0); // the limit stays the stored one
		list.free();
		none.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("keeps every removed node by default, so removal and refilling call neither free nor malloc", () => {
		const heap = new Heap();
		const list = new List(heap, u32);
		const nodes = Array.from({ length: 100 }, (_, i) => list.pushBack(i));
		const full = heap.stats();
		for (let i = 0; i < 100; i++) list.remove(nodes[(i * 37) % 100] as number); // every node, scattered
		expect(list.length).toBe(0);
		expect(list.spares).toBe(100); // as many as its peak length
		expect(heap.stats().liveBlocks).toBe(full.liveBlocks);
		expect(heap.stats().frees).toBe(full.frees);
		for (let i = 0; i < 60; i++) list.pushBack(i);
		expect(list.spares).toBe(40);
		expect(heap.stats().allocations).toBe(full.allocations);
		for (let i = 0; i < 50; i++) list.pushFront(i); // 40 spares, then 10 new nodes
		expect(list.spares).toBe(0);
		expect(heap.stats().liveBlocks).toBe(full.liveBlocks + 10);
		while (list.length > 30) list.popBack();
		expect(list.spares).toBe(80);
		list.trim();
		expect(heap.stats().liveBlocks).toBe(2 + 30);
		heap.check();
		list.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("takes Infinity as no spare limit and caps larger counts at the default", () => {
		const heap = new Heap();
		const unlimited = new List(heap, u32, { spare: Number.POSITIVE_INFINITY });
		const huge = new List(heap, u32, { spare: 2 ** 40 });
		for (const list of [unlimited, huge]) {
			for (let i = 0; i < 10; i++) list.pushBack(i);
			list.clear();
			for (let i = 0; i < 10; i++) list.pushBack(i);
			while (list.length > 0) list.popFront();
			expect(list.spares).toBe(10);
		}
		for (const bad of [-1, 1.5, Number.NaN, Number.NEGATIVE_INFINITY]) {
			expectRefused(heap, RangeError, () => new List(heap, u32, { spare: bad }));
		}
		expectRefused(heap, TypeError, () => new List(heap, u32, { spare: "3" as unknown as number }));
		unlimited.free();
		huge.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("leaves each list its own spares when nodes move between lists by splicing", () => {
		const heap = new Heap();
		const a = new List(heap, u32);
		const b = new List(heap, u32);
		for (let i = 0; i < 6; i++) a.pushBack(i);
		for (let i = 0; i < 4; i++) b.pushBack(10 + i);
		a.popBack();
		b.popBack(); // one spare each
		a.splice(b, { first: b.first, last: b.next(b.first) }); // a range of two
		expect([a.length, a.spares, b.length, b.spares]).toEqual([7, 1, 1, 1]);
		b.splice(a); // the whole list: O(1)
		expect([a.length, a.spares, b.length, b.spares]).toEqual([0, 1, 8, 1]);
		while (b.length > 0) b.popFront();
		expect(b.spares).toBe(9); // the nodes that came from a are b's spares now
		b.trim();
		// Two headers, b's cell and a's new one, a's spare (the cell that forwarded went with its last node).
		expect(heap.stats().liveBlocks).toBe(5);
		heap.check();
		a.free();
		b.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("frees a list of a million nodes iteratively, without recursion", () => {
		const heap = new Heap({ maxBytes: 1 << 28 });
		const list = new List(heap, u32, { checked: false });
		for (let i = 0; i < 1_000_000; i++) list.pushBack(i);
		expect(list.length).toBe(1_000_000);
		list.free();
		expect(heap.stats().liveBlocks).toBe(0);
		expect(heap.stats().freeBlocks).toBe(1);
	});
});
