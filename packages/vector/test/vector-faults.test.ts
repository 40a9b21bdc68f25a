import { failAfter, failEvery, failRandomly, Heap, OutOfMemoryError } from "@offheap/core";
import { f64, struct, u8, u32 } from "@offheap/struct";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Vector } from "../src/index.ts";

const Particle = struct("Particle", { x: f64, y: f64, life: f64 });

/** Everything observable about a vector. */
function snapshot(v: Vector<typeof u32>): unknown {
	return {
		length: v.length,
		capacity: v.capacity,
		data: v.dataAddress,
		version: v.version,
		items: v.toArray(),
	};
}

describe("Vector under allocation failure", () => {
	it("keeps nothing allocated when the header or the initial capacity cannot be had", () => {
		const heap = new Heap();
		expectRefused(heap, OutOfMemoryError, () => new Vector(failAfter(heap, 0), f64));
		expectRefused(heap, OutOfMemoryError, () => new Vector(heap, f64, { capacity: 2 ** 29 })); // beyond any heap
		// The header is allocated before the storage fails, and freed again: only the lifetime counters
		// (allocations, frees, peaks) remember it.
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
