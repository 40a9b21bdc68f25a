import { Heap, InvalidPointerError } from "@offheap/core";
import { bool, f32, f64, i64, struct, u8 } from "@offheap/struct";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Vector } from "../src/index.ts";

const Vec2 = struct("Vec2", { x: f32, y: f32 });

function expectThrown(call: () => unknown): Error {
	try {
		call();
	} catch (error) {
		return error as Error;
	}
	throw new Error("expected the call to throw");
}

describe("bulk operations", () => {
	it("pushes a typed array in one copy, converting as TypedArray.set does, and grows at most once", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64);
		v.push(-1);
		const before = heap.stats().reallocations;
		expect(v.pushMany(new Float64Array(1000).map((_, i) => i))).toBe(1001);
		expect(heap.stats().reallocations - before).toBeLessThanOrEqual(1);
		expect(v.get(1000)).toBe(999);
		v.pushMany(new Int8Array([-3, 4]));
		expect(v.toArray().slice(-2)).toEqual([-3, 4]);
		const bytes = new Vector(heap, u8);
		bytes.pushMany(new Float32Array([1.7, 300]));
		expect(bytes.toArray()).toEqual([1, 44]);
		const big = new Vector(heap, i64);
		big.pushMany(new BigUint64Array([2n ** 64n - 1n]));
		expect(big.get(0)).toBe(-1n);
		for (const x of [v, bytes, big]) x.free();
	});

	it("pushes booleans from arrays of booleans and from typed arrays of 0 and non-0", () => {
		const heap = new Heap();
		const v = new Vector(heap, bool);
		v.pushMany([true, false]);
		v.pushMany(new Uint8Array([0, 2, 255]));
		expect(v.toArray()).toEqual([true, false, false, true, true]);
		expect(Array.from(v.asTypedArray())).toEqual([1, 0, 0, 1, 1]);
		v.free();
	});

	it("pushes its own contents, read before growth can move or detach them", () => {
		const heap = new Heap();
		for (const checked of [true, false]) {
			const v = new Vector(heap, f64, { checked });
			v.pushMany([1, 2, 3, 4, 5, 6, 7, 8]);
			const pin = heap.malloc(8); // the growth below must move
			v.pushMany(v.asTypedArray());
			expect(v.toArray()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
			const s = new Vector(heap, Vec2, { checked });
			s.push({ x: 1, y: 2 });
			s.pushMany([s.at(0), s.at(0), s.at(0), s.at(0)]);
			expect(s.toArray()).toEqual(Array.from({ length: 5 }, () => ({ x: 1, y: 2 })));
			heap.free(pin);
			v.free();
			s.free();
		}
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("pushes struct values from any array-like, or nothing when one of them is bad", () => {
		const heap = new Heap();
		const v = new Vector(heap, Vec2);
		expect(v.pushMany({ length: 2, 0: { x: 1, y: 1 }, 1: { x: 2, y: 2 } })).toBe(2);
		expectRefused(heap, TypeError, () =>
			v.pushMany([
				{ x: 3, y: 3 },
				{ x: "no" as unknown as number, y: 3 },
			]),
		);
		expect(v.length).toBe(2);
		expect(v.pushMany([])).toBe(2);
		v.free();
	});

	it("reads every value before the vector's state: getters that shorten, move or free the vector are caught", () => {
		const heap = new Heap();
		const v = new Vector(heap, Vec2);
		for (let i = 0; i < 4; i++) v.push({ x: i, y: i });
		const shortening = {
			get x() {
				v.truncate(1);
				return 9;
			},
			y: 9,
		};
		expect(() => v.copyFrom([{ x: 0, y: 0 }, shortening], 2)).toThrow(
			new RangeError("Vector.copyFrom: 2 values at offset 2 do not fit in length 1"),
		);
		expect(v.toArray()).toEqual([{ x: 0, y: 0 }]);
		const freeing = {
			get x() {
				v.free();
				return 9;
			},
			y: 9,
		};
		expect(() => v.copyFrom([freeing], 0)).toThrow(
			new InvalidPointerError("Vector.copyFrom", 0, "the vector was freed"),
		);
		const w = new Vector(heap, Vec2);
		const freeingW = {
			get x() {
				w.free();
				return 9;
			},
			y: 9,
		};
		expect(() => w.pushMany([freeingW])).toThrow(
			new InvalidPointerError("Vector.pushMany", 0, "the vector was freed"),
		);
		heap.check();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("overwrites a range in place with copyFrom, from typed arrays or values", () => {
		const heap = new Heap();
		const v = new Vector(heap, f32);
		v.pushMany([0, 0, 0, 0, 0]);
		v.copyFrom(new Float32Array([1, 2]));
		v.copyFrom([9], 4);
		v.copyFrom([], 5);
		expect(v.toArray()).toEqual([1, 2, 0, 0, 9]);
		const s = new Vector(heap, Vec2);
		s.pushMany([
			{ x: 0, y: 0 },
			{ x: 0, y: 0 },
		]);
		s.copyFrom([{ x: 5, y: 6 }], 1);
		expect(s.get(1)).toEqual({ x: 5, y: 6 });
		expectRefused(heap, RangeError, () => s.copyFrom([{ x: 5, y: 6 }], 2));
		v.free();
		s.free();
	});

	it("sorts scalars numerically by default or by a comparator, booleans as false before true", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64);
		v.pushMany([3, Number.NaN, -0, 0, -5, 10]);
		v.sort();
		expect(v.toArray()).toEqual([-5, -0, 0, 3, 10, Number.NaN]);
		v.truncate(5);
		v.sort((a, b) => b - a);
		expect(v.toArray()).toEqual([10, 3, -0, 0, -5]); // stable: -0 and 0 compare equal
		const flags = new Vector(heap, bool);
		flags.pushMany([true, false, true, false]);
		expect(flags.sort().toArray()).toEqual([false, false, true, true]);
		expect(flags.sort((a, b) => Number(b) - Number(a)).toArray()).toEqual([true, true, false, false]);
		v.free();
		flags.free();
	});

	it("refuses a comparator that moves, shrinks or shortens the vector, writing nothing back", () => {
		const heap = new Heap({ checked: true }); // a write into freed storage or the spare capacity is caught
		const v = new Vector(heap, f64);
		v.pushMany([5, 4, 3, 2, 1, 0, -1, -2]);
		const pin = heap.malloc(8); // the pushes below must move the storage
		let pushed = false;
		const error = expectThrown(() =>
			v.sort((a, b) => {
				if (!pushed) for (let i = 0; i < 8; i++) v.push(100 + i);
				pushed = true;
				return a - b;
			}),
		);
		expect(error).toBeInstanceOf(InvalidPointerError);
		expect(error.message).toMatch(
			/^Vector\.sort\(0x[0-9a-f]+\): invalid pointer: stale view of the storage at 0x[0-9a-f]+: the comparator changed the vector \(storage version 0, length 8 when the sort began; version 2, length 16 now\)/,
		);
		expect(v.toArray()).toEqual([5, 4, 3, 2, 1, 0, -1, -2, 100, 101, 102, 103, 104, 105, 106, 107]);
		let popped = false;
		expect(() =>
			v.sort((a, b) => {
				if (!popped) v.truncate(2);
				popped = true;
				return a - b;
			}),
		).toThrow(
			"the comparator changed the vector (storage version 2, length 16 when the sort began; version 2, length 2 now)",
		);
		expect(v.toArray()).toEqual([5, 4]);
		v.check();
		heap.check();
		heap.free(pin);
		v.free();
	});

	it("leaves the elements as they were when the comparator throws", () => {
		const heap = new Heap();
		const v = new Vector(heap, u8);
		v.pushMany([3, 1, 2]);
		expect(() =>
			v.sort(() => {
				throw new Error("no");
			}),
		).toThrow("no");
		expect(v.toArray()).toEqual([3, 1, 2]);
		v.free();
	});
});
