import { Heap, InvalidPointerError } from "@offheap/core";
import { array, f32, f64, i16, struct, type Type, u8, u32, utf8 } from "@offheap/struct";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Vector } from "../src/index.ts";

const Vec2 = struct("Vec2", { x: f32, y: f32 });
const Body = struct("Body", { pos: Vec2, vel: Vec2 });

/** A full vector whose next growth must move: a block right after its storage pins it. */
function pinned<T extends Type>(
	heap: Heap,
	type: T,
	checked: boolean,
	make: (i: number) => Parameters<Vector<T>["push"]>[0],
): Vector<T> {
	const v = new Vector(heap, type, { checked });
	v.push(make(0));
	while (v.length < v.capacity) v.push(make(v.length));
	heap.malloc(8); // the pin: growth cannot happen in place
	return v;
}

describe.each([true, false])("values that alias the vector's own elements (checked: %s)", (checked) => {
	it("pushes a view of its own element into a full vector whose growth moves the storage", () => {
		const heap = new Heap();
		const v = pinned(heap, Vec2, checked, (i) => ({ x: i, y: -i }));
		const length = v.length;
		const version = v.version;
		expect(v.push(v.at(1))).toBe(length + 1);
		expect(v.version).toBe(version + 1); // it did move
		expect(v.get(length)).toEqual({ x: 1, y: -1 });
		expect(v.toArray().slice(0, 3)).toEqual([
			{ x: 0, y: -0 },
			{ x: 1, y: -1 },
			{ x: 2, y: -2 },
		]);
		heap.check();
	});

	it("pushes a value holding views of its own elements (nested structs, arrays)", () => {
		const heap = new Heap();
		const bodies = pinned(heap, Body, checked, (i) => ({ pos: { x: i, y: i }, vel: { x: -i, y: -i } }));
		const n = bodies.length;
		bodies.push({ pos: bodies.at(2).pos, vel: bodies.at(3).vel });
		expect(bodies.get(n)).toEqual({ pos: { x: 2, y: 2 }, vel: { x: -3, y: -3 } });
		const Triple = array(i16, 3);
		const triples = pinned(heap, Triple, checked, (i) => [i, i + 1, i + 2]);
		const m = triples.length;
		const last = triples.at(-1);
		// An array-like that reads the element through its view only when the vector reads it.
		const lazy = {
			length: 3,
			get 0() {
				return last.get(0);
			},
			get 1() {
				return last.get(1);
			},
			get 2() {
				return last.get(2);
			},
		};
		triples.push(lazy);
		expect(triples.get(m)).toEqual([m - 1, m, m + 1]);
		heap.check();
	});

	it("inserts a view of its own last element at the front: the element it named, read before the shift", () => {
		const heap = new Heap();
		const v = new Vector(heap, Vec2, { checked, capacity: 16 });
		for (let i = 0; i < 5; i++) v.push({ x: i, y: i });
		v.insert(0, v.at(-1));
		expect(v.toArray().map((e) => e.x)).toEqual([4, 0, 1, 2, 3, 4]);
		v.insert(2, v.at(1));
		expect(v.toArray().map((e) => e.x)).toEqual([4, 0, 0, 1, 2, 3, 4]);
		heap.check();
	});

	it("inserts a view of its own element into a full vector whose growth moves the storage", () => {
		const heap = new Heap();
		const v = pinned(heap, Vec2, checked, (i) => ({ x: i, y: i }));
		const last = v.length - 1;
		v.insert(0, v.at(-1));
		expect(v.get(0)).toEqual({ x: last, y: last });
		expect(v.get(1)).toEqual({ x: 0, y: 0 });
		expect(v.length).toBe(last + 2);
		heap.check();
	});

	it("sets an element from a view of another of its elements, and of itself", () => {
		const heap = new Heap();
		const v = new Vector(heap, Body, { checked });
		for (let i = 0; i < 4; i++) v.push({ pos: { x: i, y: i }, vel: { x: 10 + i, y: 10 + i } });
		v.set(0, v.at(3));
		v.set(1, v.at(1));
		v.set(2, { pos: v.at(2).vel, vel: v.at(2).pos }); // reads every field before writing any
		expect(v.toArray()).toEqual([
			{ pos: { x: 3, y: 3 }, vel: { x: 13, y: 13 } },
			{ pos: { x: 1, y: 1 }, vel: { x: 11, y: 11 } },
			{ pos: { x: 12, y: 12 }, vel: { x: 2, y: 2 } },
			{ pos: { x: 3, y: 3 }, vel: { x: 13, y: 13 } },
		]);
	});

	it("reads a value whose getters or valueOf change the vector before it reads the vector's state", () => {
		const heap = new Heap();
		const v = pinned(heap, Vec2, checked, (i) => ({ x: i, y: i }));
		const n = v.length;
		const sneaky = {
			get x() {
				v.pop(); // the value changes the vector while it is read
				return 7;
			},
			y: 8,
		};
		v.push(sneaky);
		expect(v.length).toBe(n); // one popped, one pushed
		expect(v.get(n - 1)).toEqual({ x: 7, y: 8 });
		if (!checked) {
			const bytes = pinned(heap, u8, false, (i) => i);
			const length = bytes.length;
			const tricky = {
				valueOf() {
					for (let i = 0; i < 100; i++) bytes.push(1); // grows and moves while the value converts
					return 9;
				},
			};
			bytes.set(0, tricky as unknown as number);
			expect(bytes.get(0)).toBe(9);
			expect(bytes.length).toBe(length + 100);
		}
		heap.check();
	});

	it("pushes, inserts and sets struct values that a type refuses halfway without changing anything", () => {
		const heap = new Heap();
		const Named = struct("Named", { id: u32, name: utf8(4) });
		const v = new Vector(heap, Named, { checked });
		v.push({ id: 1, name: "ab" });
		while (v.length < v.capacity) v.push({ id: v.length, name: "cd" });
		const before = v.toArray();
		const bad = { id: 9, name: "far too long" };
		expectRefused(heap, RangeError, () => v.push(bad)); // full: it would have had to grow
		expectRefused(heap, RangeError, () => v.insert(0, bad));
		expectRefused(heap, RangeError, () => v.set(0, bad));
		v.pop();
		expectRefused(heap, RangeError, () => v.push(bad)); // room: it would have written id first
		expect(v.toArray()).toEqual(before.slice(0, -1));
		v.free();
	});

	it("refuses a value that is refused after growth would have begun, with the vector and the heap unchanged", () => {
		const heap = new Heap();
		const v = pinned(heap, f64, checked, (i) => i);
		expectRefused(heap, TypeError, () => v.push(1n as unknown as number));
		expectRefused(heap, TypeError, () => v.insert(0, Symbol("s") as unknown as number));
		const ints = pinned(heap, u32, checked, (i) => i);
		expectRefused(heap, TypeError, () => ints.push(1n as unknown as number));
		expectRefused(heap, TypeError, () => ints.insert(1, Symbol("s") as unknown as number));
		expectRefused(heap, TypeError, () => ints.set(0, 1n as unknown as number));
	});

	it("keeps a stale view stale: a view taken before a move is refused (checked) and never written through", () => {
		const heap = new Heap();
		const v = pinned(heap, Vec2, checked, (i) => ({ x: i, y: i }));
		const view = v.at(0);
		v.push({ x: -1, y: -1 }); // moves
		if (checked) expectRefused(heap, InvalidPointerError, () => v.push(view));
		expect(v.get(0)).toEqual({ x: 0, y: 0 });
	});
});
