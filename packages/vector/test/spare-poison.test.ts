import { Heap, HeapCorruptionError, hex, InvalidPointerError } from "@offheap/core";
import { f64, struct, u8, u32 } from "@offheap/struct";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Vector } from "../src/index.ts";
import { SPARE_POISON } from "../src/internal/spare-poison.ts";

const Pair = struct("Pair", { a: u32, b: u32 });

/** Every byte of the spare capacity `[length, capacity)` of `v`. */
function spareBytes(v: Vector): number[] {
	const start = v.dataAddress + v.length * v.type.size;
	return [...v.heap.u8.subarray(start, v.dataAddress + v.capacity * v.type.size)];
}

describe("spare capacity on a checked heap", () => {
	it("poisons the spare capacity from the start and after every growth", () => {
		const heap = new Heap({ checked: true });
		const v = new Vector(heap, f64, { capacity: 4 });
		expect(spareBytes(v).every((b) => b === SPARE_POISON)).toBe(true);
		for (let i = 0; i < 50; i++) v.push(i);
		expect(v.capacity).toBeGreaterThan(50);
		expect(spareBytes(v).every((b) => b === SPARE_POISON)).toBe(true);
		v.check();
		v.free();
		expect(heap.leaks()).toEqual([]);
	});

	it("names a write past the length: the element, the vector and where its storage was allocated", () => {
		const heap = new Heap({ checked: true });
		const v = new Vector(heap, f64, { capacity: 8 });
		v.push(1);
		v.push(2);
		heap.f64[(v.dataAddress >>> 3) + 5] = 7; // through a raw view: past the length
		const error = expectRefused(heap, HeapCorruptionError, () => v.check());
		expect(error.message).toContain("element 5");
		expect(error.message).toContain(hex(v.address));
		expect(error.message).toContain("past its length 2 (capacity 8)");
		// The heap's stack trace of the storage's allocation (how many frames it keeps is the heap's choice).
		expect(error.message).toMatch(/allocated at:\n\s+at \S+/);
	});

	it("catches the write before growing, and leaves the vector and the heap as they were", () => {
		const heap = new Heap({ checked: true });
		const v = new Vector(heap, u8, { capacity: 4 });
		v.pushMany([1, 2, 3]);
		heap.u8[v.dataAddress + 3] = 9;
		v.push(4); // the element is written properly now, and the stray byte with it
		heap.u8[v.dataAddress + 3] = 4;
		v.check();
		const capacity = v.capacity;
		v.truncate(2);
		heap.u8[v.dataAddress + 3] = 1; // a stale write into what truncate gave back
		expectRefused(heap, HeapCorruptionError, () => v.reserve(100));
		expect(v.length).toBe(2);
		expect(v.capacity).toBe(capacity);
		expectRefused(heap, HeapCorruptionError, () => v.free());
		heap.u8[v.dataAddress + 3] = SPARE_POISON; // repaired: now it can go
		v.free();
		expect(heap.leaks()).toEqual([]);
	});

	it("poisons what pop, remove, swapRemove, truncate and clear give back", () => {
		const heap = new Heap({ checked: true });
		const v = new Vector(heap, Pair, { capacity: 8 });
		for (let i = 0; i < 8; i++) v.push({ a: i, b: i });
		v.pop();
		v.remove(0);
		v.swapRemove(0);
		expect(spareBytes(v).every((b) => b === SPARE_POISON)).toBe(true);
		v.truncate(2);
		expect(spareBytes(v).length).toBe(6 * Pair.size);
		expect(spareBytes(v).every((b) => b === SPARE_POISON)).toBe(true);
		v.clear();
		expect(spareBytes(v).every((b) => b === SPARE_POISON)).toBe(true);
		v.check();
		v.free();
	});

	it("catches a write through a plain typed array taken before a pop", () => {
		const heap = new Heap({ checked: true });
		const v = new Vector(heap, u32);
		v.pushMany([1, 2, 3]);
		const raw = v.asTypedArray({ checked: false });
		v.pop();
		raw[2] = 5; // the element popped: the array does not know
		const error = expectRefused(heap, HeapCorruptionError, () => v.check());
		expect(error.message).toContain("element 2");
		expect(v.asTypedArray().length).toBe(2); // a new view covers the elements only
	});

	it("still refuses a checked typed array after the storage moved, before any poison is read", () => {
		const heap = new Heap({ checked: true });
		const v = new Vector(heap, f64);
		v.push(1);
		const view = v.asTypedArray();
		for (let i = 0; i < 100; i++) v.push(i); // the checked heap moves the block on every growth
		expect(() => view[0]).toThrow(InvalidPointerError);
		v.check();
		v.free();
	});

	it("does nothing on an unchecked heap: no poison, no check", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64, { capacity: 8 });
		v.push(1);
		expect(spareBytes(v).some((b) => b !== SPARE_POISON)).toBe(true);
		heap.f64[(v.dataAddress >>> 3) + 5] = 7;
		v.check();
		v.free();
		expect(() => v.check()).toThrow(InvalidPointerError);
	});
});
