import { Heap, InvalidPointerError } from "@offheap/core";
import { f32, f64, struct, u8 } from "@offheap/struct";
import { describe, expect, it } from "vitest";
import { Vector } from "../src/index.ts";

const Vec2 = struct("Vec2", { x: f32, y: f32 });

/** A vector of `type` whose next growth must move: a block right after its storage pins it. */
function pinned(heap: Heap, checked: boolean): { v: Vector<typeof Vec2>; pin: number } {
	const v = new Vector(heap, Vec2, { checked });
	v.push({ x: 1, y: 2 });
	while (v.length < v.capacity) v.push({ x: 0, y: 0 });
	return { v, pin: heap.malloc(8) };
}

function expectStale(use: () => unknown, detail: string): void {
	let caught: unknown;
	try {
		use();
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeInstanceOf(InvalidPointerError);
	expect((caught as Error).constructor).toBe(InvalidPointerError);
	expect((caught as Error).message).toContain(detail);
}

describe("stale views", () => {
	it("detects a struct view from at() used after the storage moved, in checked mode", () => {
		const heap = new Heap();
		const { v } = pinned(heap, true);
		const view = v.at(0);
		expect(view.x).toBe(1);
		const version = v.version;
		v.push({ x: 3, y: 4 }); // moves
		expect(v.version).toBe(version + 1);
		expectStale(() => view.x, "the vector's storage was moved or shrunk");
		expectStale(() => {
			view.y = 5;
		}, "stale view of the storage");
		expect(v.at(0).x).toBe(1); // a new view is fine
		v.free();
	});

	it("keeps views valid while the storage grows in place or only the length changes", () => {
		const heap = new Heap();
		const v = new Vector(heap, Vec2, { checked: true });
		v.push({ x: 1, y: 2 });
		const view = v.at(0);
		for (let i = 0; i < 1000; i++) v.push({ x: i, y: i }); // the vector is the last block: in place
		expect(v.version).toBe(0);
		view.x = 42;
		v.pop();
		v.truncate(1);
		expect(v.get(0).x).toBe(42);
		v.free();
	});

	it("refreshes the cursor at every cursor() call, and refuses it in between once the storage moved", () => {
		const heap = new Heap();
		const { v } = pinned(heap, true);
		const c = v.cursor(0);
		v.push({ x: 0, y: 0 });
		expectStale(() => c.x, "the vector's storage was moved or shrunk");
		expect(v.cursor(0).x).toBe(1);
		expect(c.x).toBe(1); // the same cursor, moved again
		v.free();
		expectStale(() => c.x, "the vector was freed");
	});

	it("detects a view or iterator used after the vector was freed", () => {
		const heap = new Heap();
		const v = new Vector(heap, Vec2);
		v.push({ x: 1, y: 1 });
		const view = v.at(0);
		const it = v.values();
		v.free();
		expectStale(() => view.x, "the vector was freed");
		expectStale(() => it.next(), "the vector was freed");
	});

	it("detects typed arrays, views and iterators taken before shrinkToFit gave the tail back in place", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64, { capacity: 64 });
		v.pushMany(Array.from({ length: 40 }, (_, i) => i));
		const points = new Vector(heap, Vec2, { capacity: 64 });
		for (let i = 0; i < 40; i++) points.push({ x: i, y: i });
		const a = v.asTypedArray();
		const view = points.at(39);
		const cursor = points.cursor(39);
		const it = v.values();
		it.next();
		const data = v.dataAddress;
		const version = v.version;
		v.truncate(2);
		points.truncate(2);
		v.shrinkToFit();
		points.shrinkToFit();
		expect(v.dataAddress).toBe(data); // shrunk in place: the tail went back to the heap
		expect(v.capacity).toBeLessThan(40);
		expect(v.version).toBe(version + 1);
		expectStale(() => {
			a[39] = 1; // would write into memory the heap may already have handed out
		}, "the vector's storage was moved or shrunk (version 0 when the view was taken, 1 now)");
		expectStale(() => view.x, "the vector's storage was moved or shrunk");
		expectStale(() => {
			cursor.x = 1;
		}, "the vector's storage was moved or shrunk");
		expectStale(
			() => it.next(),
			"the vector's storage was moved or shrunk (version 0 when iteration began, 1 now)",
		);
		expect(v.asTypedArray()[1]).toBe(1); // taken again, fine
		heap.check();
		v.free();
		points.free();
	});

	it("lets unchecked views read wherever they point, at no cost", () => {
		const heap = new Heap();
		const { v } = pinned(heap, false);
		const view = v.at(0);
		expect(view.$heap).toBe(heap); // a plain view over the heap
		v.push({ x: 0, y: 0 });
		expect(() => view.x).not.toThrow();
		v.free();
	});

	it("detects a checked typed array used after the storage moved, on any access", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64);
		v.pushMany([1, 2, 3, 4, 5, 6, 7, 8]);
		expect(v.length).toBe(v.capacity);
		const pin = heap.malloc(8);
		const a = v.asTypedArray();
		expect(a).toBeInstanceOf(Float64Array);
		expect(a.length).toBe(8);
		expect([...a]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		expect(a.subarray(1, 3)).toEqual(new Float64Array([2, 3]));
		a[0] = 10;
		expect(v.get(0)).toBe(10);
		v.push(9); // moves
		expectStale(() => a[0], "the vector's storage was moved or shrunk");
		expectStale(() => {
			a[1] = 0;
		}, "the vector's storage was moved or shrunk");
		expectStale(() => a.length, "stale view");
		expectStale(() => a.reduce((s, x) => s + x, 0), "stale view");
		expectStale(() => Object.keys(a), "stale view");
		expectStale(() => 0 in a, "stale view");
		expect(v.asTypedArray()[8]).toBe(9);
		heap.free(pin);
		v.free();
	});

	it("detects a checked typed array whose heap grew and replaced its buffer", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 1 << 24 });
		const v = new Vector(heap, u8);
		v.pushMany([1, 2, 3]);
		const checkedArray = v.asTypedArray();
		const plain = v.asTypedArray({ checked: false });
		const big = heap.malloc(1 << 20); // the heap grows: its views are re-created over a new buffer
		expect(v.version).toBe(0); // the vector itself did not move
		expectStale(() => checkedArray[0], "the heap grew and replaced its buffer");
		expect(plain.length).toBe(0); // the plain array is detached, silently
		expect(v.asTypedArray()[2]).toBe(3);
		heap.free(big);
		v.free();
	});

	it("hands out plain typed arrays when unchecked", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64, { checked: false });
		v.pushMany([1, 2]);
		const a = v.asTypedArray();
		expect(ArrayBuffer.isView(a)).toBe(true);
		expect(a.buffer).toBe(heap.buffer);
		expect(a.byteOffset).toBe(v.dataAddress);
		const checked = new Vector(heap, f64, { checked: true });
		expect(ArrayBuffer.isView(checked.asTypedArray())).toBe(false); // a Proxy
		expect(ArrayBuffer.isView(checked.asTypedArray({ checked: false }))).toBe(true);
		v.free();
		checked.free();
	});

	it("stops an iterator once the storage moved, so pushing while iterating fails instead of reading freed memory", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64);
		v.pushMany([1, 2, 3, 4, 5, 6, 7, 8]);
		const pin = heap.malloc(8);
		expectStale(() => {
			for (const x of v) v.push(x);
		}, "the vector's storage was moved or shrunk (version 0 when iteration began, 1 now)");
		heap.free(pin);
		v.free();
	});

	it("lets an iterator created on an empty vector see its first elements", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64);
		const it = v.values();
		v.pushMany([1, 2]);
		expect([...it]).toEqual([1, 2]);
		v.free();
	});
});
