import { Heap } from "@offheap/core";
import { f64, struct, u32 } from "@offheap/struct";
import { describe, expect, it } from "vitest";
import { Vector } from "../src/index.ts";

describe("vector header", () => {
	it("keeps all state in 40 bytes of the heap, readable without the JS object", () => {
		const heap = new Heap();
		const v = new Vector(heap, u32, { capacity: 10, growthFactor: 1.75 });
		v.pushMany([5, 6, 7]);
		const w = v.address >>> 2;
		// 8 bytes into its block, so that heap.free(v.address) is refused; likewise element 0 comes after
		// two words that name the storage and its vector.
		expect(heap.usableSize(v.address - 8)).toBeGreaterThanOrEqual(48);
		expect(heap.u32[(v.dataAddress >>> 2) - 2]).toBe(0x41544144); // "DATA"
		expect(heap.u32[(v.dataAddress >>> 2) - 1]).toBe(v.address);
		expect(heap.usableSize(v.dataAddress - 8)).toBeGreaterThanOrEqual(8 + 10 * 4);
		expect(heap.u32[w]).toBe(0x54434556); // "VECT"
		expect(heap.u32[w + 1]).toBe(v.dataAddress);
		expect(heap.u32[w + 2]).toBe(3);
		expect(heap.u32[w + 3]).toBe(v.capacity);
		expect(heap.u32[w + 4]).toBe(4);
		expect(heap.u32[w + 5]).toBe(4);
		expect(heap.u32[w + 6]).toBe(v.version);
		expect(heap.u32[w + 7]).toBe(1.75 * 256);
		expect(heap.u32.subarray(v.dataAddress >>> 2, (v.dataAddress >>> 2) + 3)).toEqual(
			new Uint32Array([5, 6, 7]),
		);
		v.free();
		expect(heap.u32[w]).not.toBe(0x54434556);
	});

	it("reopens with its growth factor and storage version, and the views agree on every change", () => {
		const heap = new Heap();
		const Pair = struct("Pair", { a: f64, b: f64 });
		const v = new Vector(heap, Pair, { growthFactor: 1.25 });
		const w = Vector.open(heap, Pair, v.address, { checked: false });
		expect(w.checked).toBe(false);
		expect(w.growthFactor).toBe(1.25);
		for (let i = 0; i < 100; i++) (i % 2 === 0 ? v : w).push({ a: i, b: -i });
		expect(w.toArray()).toEqual(v.toArray());
		expect(w.version).toBe(v.version);
		w.truncate(10);
		expect(v.length).toBe(10);
		v.free();
	});

	it("reopens in a heap rebuilt from the bytes, and grows there", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64);
		v.pushMany([1, 2, 3]);
		const copy = Heap.open(new Uint8Array(heap.u8).buffer);
		const there = Vector.open(copy, f64, v.address);
		for (let i = 0; i < 1000; i++) there.push(i);
		expect(there.length).toBe(1003);
		expect(v.length).toBe(3); // the original is untouched
		copy.check();
		there.free();
		v.free();
	});
});
