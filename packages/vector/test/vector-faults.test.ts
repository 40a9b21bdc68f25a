import { failAfter, failEvery, failRandomly, Heap, OutOfMemoryError } from "@offheap/core";
import { f64, struct, u8, u32 } from "@offheap/struct";
import { expectRefused, expectUnchanged } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Vector } from "../src/index.ts";

const Particle = struct("Particle", { x: f64, y: f64, life: f64 });

/** Everything observable about a vector. */
function snapshot(v: Vector): unknown {
	return {
		length: v.length,
		capacity: v.capacity,
		data: v.dataAddress,
		version: v.version,
		items: v.toArray(),
	};
}

/** Allocates from `heap` until even `malloc(0)` fails: a fixed budget, really spent. */
function exhaust(heap: Heap): number[] {
	const blocks: number[] = [];
	for (const size of [16384, 1024, 64, 8, 0]) {
		for (let p = heap.malloc(size); p !== 0; p = heap.malloc(size)) blocks.push(p);
	}
	expect(heap.malloc(0)).toBe(0);
	return blocks;
}

const Body = struct("Body", { x: f64, y: f64 });

describe.each([false, true])("Vector in a fixed budget that is spent (checked heap: %s)", (checkedHeap) => {
	const budget = (): Heap => new Heap({ initialBytes: 65536, maxBytes: 65536, checked: checkedHeap });

	it("refuses every call that must allocate with OutOfMemoryError, changing no byte, counter or element", () => {
		const heap = budget();
		const v = new Vector(heap, u32);
		const points = new Vector(heap, Body);
		v.pushMany([1, 2, 3]);
		points.push({ x: 1, y: 2 });
		while (v.length < v.capacity) v.push(v.length + 1);
		while (points.length < points.capacity) points.emplace();
		const full = v.capacity;
		exhaust(heap);
		const before = snapshot(v);
		const grow = (operation: string, elements: number): string =>
			`out of memory: cannot allocate ${elements * 4} B (Vector.${operation}: storage for ${elements} elements (length ${full}, capacity ${full}))`;
		const grown = Math.floor(full * 1.5);
		for (const [call, message] of [
			[() => v.push(9), grow("push", grown)],
			[() => v.insert(0, 9), grow("insert", grown)],
			[() => v.pushMany([9, 9]), grow("pushMany", full + 2)],
			[() => v.reserve(1), grow("reserve", full + 1)],
		] as const) {
			expect(expectRefused(heap, OutOfMemoryError, call).message).toBe(message);
		}
		expect(expectUnchanged(heap, () => v.tryReserve(1))).toBe(false);
		expectRefused(heap, OutOfMemoryError, () => points.push({ x: 3, y: 4 }));
		expectRefused(heap, OutOfMemoryError, () => points.emplace());
		expectRefused(heap, OutOfMemoryError, () => points.insert(0, points.at(0)));
		expect(expectRefused(heap, OutOfMemoryError, () => new Vector(heap, f64)).message).toBe(
			"out of memory: cannot allocate 48 B (Vector.constructor: the vector's header)",
		);
		expect(expectRefused(heap, OutOfMemoryError, () => new Vector(heap, f64, { capacity: 10 })).message).toBe(
			"out of memory: cannot allocate 88 B (Vector.constructor: storage for 10 elements (length 0, capacity 0))",
		);
		expect(snapshot(v)).toEqual(before);
		expect(points.length).toBe(points.capacity);
		// What needs no allocation still works in a spent heap.
		expect(Vector.open(heap, u32, v.address).length).toBe(full);
		v.set(0, 7);
		v.copyFrom([8], 1);
		expect(v.pop()).toBe(full);
		expect(v.push(full)).toBe(full); // room again, without allocating
		v.check();
		points.check();
		heap.check();
	});

	it("refuses growth with the heap and the vector unchanged when freed small blocks wait in the heap's cache", () => {
		const heap = budget();
		const v = new Vector(heap, f64);
		v.pushMany([1, 2, 3, 4, 5, 6, 7, 8]);
		const small = Array.from({ length: 6 }, () => heap.malloc(20)); // 32-byte blocks nobody asks for again
		const blocks = exhaust(heap);
		for (const p of small.filter((_, i) => i % 2 === 0)) heap.free(p); // freed, kept apart from the rest
		expect(v.length).toBe(v.capacity);
		const before = snapshot(v);
		expectRefused(heap, OutOfMemoryError, () => v.push(9));
		expectRefused(heap, OutOfMemoryError, () => v.reserve(64));
		expect(expectUnchanged(heap, () => v.tryReserve(64))).toBe(false);
		expectRefused(heap, OutOfMemoryError, () => new Vector(heap, f64, { capacity: 64 }));
		expect(snapshot(v)).toEqual(before);
		for (const p of blocks) heap.free(p);
		// Room again, except in a checked heap, whose quarantine keeps what was just freed.
		if (checkedHeap) expectRefused(heap, OutOfMemoryError, () => v.push(9));
		else v.push(9);
		v.check();
		heap.check();
	});
});

describe("Vector under allocation failure", () => {
	it("keeps nothing allocated when the header or the initial capacity cannot be had", () => {
		const heap = new Heap();
		expectRefused(heap, OutOfMemoryError, () => new Vector(failAfter(heap, 0), f64));
		// The storage, the larger block, comes first: when it cannot be had, nothing was allocated.
		expectRefused(heap, OutOfMemoryError, () => new Vector(failAfter(heap, 0), f64, { capacity: 10 }));
		expectRefused(heap, OutOfMemoryError, () => new Vector(heap, f64, { capacity: 2 ** 29 })); // beyond any heap
		// When the storage fits and the header then does not, the storage is freed again: only the
		// lifetime counters (allocations, frees, peaks) remember it.
		const before = heap.stats();
		expect(() => new Vector(failAfter(heap, 1), f64, { capacity: 10 })).toThrow(OutOfMemoryError);
		const after = heap.stats();
		for (const key of ["liveBlocks", "usedBytes", "freeBytes", "freeBlocks", "heapBytes"] as const) {
			expect(after[key]).toBe(before[key]);
		}
		expect(after.frees).toBe(before.frees + 1);
		heap.check();
	});

	it("leaves vector and heap exactly as they were when a growing push, insert or emplace fails", () => {
		const heap = new Heap();
		const faulty = failAfter(heap, 2); // the header and the first storage
		const v = new Vector(faulty, u32);
		v.push(1);
		while (v.length < v.capacity) v.push(v.length + 1);
		const pin = heap.malloc(8); // growth cannot happen in place
		const before = snapshot(v);
		const error = expectRefused(heap, OutOfMemoryError, () => v.push(99));
		expect(error.message).toContain("Vector.push: storage for");
		expectRefused(heap, OutOfMemoryError, () => v.insert(0, 99));
		expectRefused(heap, OutOfMemoryError, () => v.pushMany([1, 2, 3]));
		expectRefused(heap, OutOfMemoryError, () => v.reserve(1));
		expect(
			(expectRefused(heap, OutOfMemoryError, () => v.reserve(2 ** 40)) as OutOfMemoryError).requested,
		).toBeGreaterThan(2 ** 31);
		expect(v.tryReserve(1)).toBe(false);
		expect(snapshot(v)).toEqual(before);
		const points = new Vector(heap, Particle);
		points.emplace();
		while (points.length < points.capacity) points.emplace();
		const budget = new Vector(failAfter(heap, 2), Particle, { capacity: points.capacity });
		while (budget.length < budget.capacity) budget.emplace().x = budget.length;
		expectRefused(heap, OutOfMemoryError, () => budget.emplace());
		expect(budget.length).toBe(budget.capacity);
		heap.free(pin);
		for (const x of [v, points, budget]) x.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("fails cleanly at every step of a budget that runs out mid-way", () => {
		const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 16 }); // a fixed 64 KiB
		const start = heap.stats();
		const vectors = [new Vector(heap, f64), new Vector(heap, u8), new Vector(heap, Particle)];
		let failures = 0;
		for (let i = 0; failures < 30; i++) {
			const v = vectors[i % 3] as Vector;
			const length = v.length;
			const bytes = length === v.capacity ? heap.u8.slice() : undefined; // only a growing push can fail
			try {
				if (v.type === Particle) (v as Vector<typeof Particle>).push({ x: i, y: i, life: i });
				else (v as Vector<typeof u8>).push(i & 255);
			} catch (error) {
				expect(error).toBeInstanceOf(OutOfMemoryError);
				expect(v.length).toBe(length);
				expect(bytes && heap.u8.every((byte, at) => byte === bytes[at])).toBe(true);
				failures++;
			}
		}
		heap.check();
		for (const v of vectors) v.free();
		expect(heap.stats().usedBytes).toBe(start.usedBytes);
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("grows on the next try when every other allocation fails", () => {
		const heap = new Heap();
		const faulty = failEvery(heap, 2); // the header succeeds, then every second request fails
		const v = new Vector(faulty, u32);
		const model: number[] = [];
		let refused = 0;
		for (let i = 0; i < 500; i++) {
			const before = snapshot(v);
			try {
				v.push(i);
				model.push(i);
			} catch (error) {
				expect(error).toBeInstanceOf(OutOfMemoryError);
				expect(snapshot(v)).toEqual(before);
				refused++;
			}
		}
		expect(refused).toBeGreaterThan(3);
		expect(refused).toBe(faulty.failures);
		expect(v.toArray()).toEqual(model);
		v.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("keeps over-aligned storage untouched when its move fails", () => {
		const heap = new Heap();
		const Wide = struct("Wide", { a: f64 }, { align: 32 });
		const v = new Vector(failAfter(heap, 2), Wide);
		v.push({ a: 1 });
		while (v.length < v.capacity) v.push({ a: v.length });
		const data = v.dataAddress;
		expectRefused(heap, OutOfMemoryError, () => v.push({ a: 0 }));
		expect(v.dataAddress).toBe(data);
		v.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("survives random allocation failures with every operation either done or not done at all", () => {
		for (const seed of [1, 2, 3, 4, 5]) {
			const heap = new Heap();
			const faulty = failRandomly(heap, 0.3, seed);
			let v: Vector<typeof u32> | undefined;
			while (v === undefined) {
				try {
					v = new Vector(faulty, u32);
				} catch (error) {
					expect(error).toBeInstanceOf(OutOfMemoryError);
				}
			}
			const model: number[] = [];
			const pins: number[] = [];
			for (let i = 0; i < 2000; i++) {
				const before = snapshot(v);
				try {
					switch (i % 5) {
						case 0:
						case 1:
							v.push(i);
							model.push(i);
							break;
						case 2:
							v.insert(model.length >>> 1, i);
							model.splice(model.length >>> 1, 0, i);
							break;
						case 3:
							v.pushMany([i, i + 1, i + 2]);
							model.push(i, i + 1, i + 2);
							break;
						default:
							if (i % 50 === 4) {
								v.shrinkToFit();
								pins.push(heap.malloc(8)); // so later growth often moves
							}
					}
				} catch (error) {
					expect(error).toBeInstanceOf(OutOfMemoryError);
					expect(snapshot(v)).toEqual(before);
				}
			}
			expect(faulty.failures).toBeGreaterThan(10);
			expect(v.toArray()).toEqual(model);
			heap.check();
			v.free();
			for (const pin of pins) heap.free(pin);
			expect(heap.stats().liveBlocks).toBe(0);
		}
	});
});
