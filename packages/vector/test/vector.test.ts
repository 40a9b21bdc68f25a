import { Heap } from "@offheap/core";
import {
	array,
	bool,
	f32,
	f64,
	i8,
	i16,
	i32,
	i64,
	ptr,
	struct,
	u8,
	u16,
	u32,
	u64,
	union,
	utf8,
} from "@offheap/struct";
import { describe, expect, it } from "vitest";
import { Vector } from "../src/index.ts";

const Vec2 = struct("Vec2", { x: f32, y: f32 });
const Particle = struct("Particle", { pos: Vec2, vel: Vec2, life: f64 }); // 24 bytes

function fresh(): Heap {
	return new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 26 });
}

describe("Vector", () => {
	it("starts empty, allocates only its header, and frees everything it owns", () => {
		const heap = fresh();
		const before = heap.stats();
		const v = new Vector(heap, f64);
		expect(v.length).toBe(0);
		expect(v.capacity).toBe(0);
		expect(v.dataAddress).toBe(0);
		expect(heap.stats().liveBlocks).toBe(before.liveBlocks + 1);
		for (let i = 0; i < 1000; i++) v.push(i);
		expect(heap.stats().liveBlocks).toBe(before.liveBlocks + 2);
		v.free();
		expect(heap.stats().liveBlocks).toBe(before.liveBlocks);
		expect(heap.stats().usedBytes).toBe(before.usedBytes);
		heap.check();
	});

	it("allocates the initial capacity at once and keeps the storage while pushes fit", () => {
		const heap = fresh();
		const v = new Vector(heap, u32, { capacity: 100 });
		expect(v.capacity).toBeGreaterThanOrEqual(100);
		const data = v.dataAddress;
		const version = v.version;
		for (let i = 0; i < 100; i++) v.push(i);
		expect(v.dataAddress).toBe(data);
		expect(v.version).toBe(version);
		v.free();
	});

	it("grows geometrically by its growth factor from a minimum of 64 bytes' worth", () => {
		const heap = fresh();
		const v = new Vector(heap, f64, { growthFactor: 2 });
		v.push(0);
		expect(v.capacity).toBe(8);
		const seen = new Set<number>([v.capacity]);
		for (let i = 1; i < 1000; i++) {
			v.push(i);
			seen.add(v.capacity);
		}
		expect([...seen]).toEqual([8, 16, 32, 64, 128, 256, 512, 1024]);
		const w = new Vector(heap, f64);
		expect(w.growthFactor).toBe(1.5);
		w.reserve(8);
		const caps = [w.capacity];
		for (let i = 0; i < 100; i++) {
			w.push(i);
			if (w.capacity !== caps[caps.length - 1]) caps.push(w.capacity);
		}
		expect(caps).toEqual([8, 12, 18, 27, 40, 60, 90, 135]);
		v.free();
		w.free();
	});

	it("grows in place through realloc when the next block is free, keeping its address and version", () => {
		const heap = fresh();
		const v = new Vector(heap, f64);
		v.push(1);
		const data = v.dataAddress;
		for (let i = 0; i < 10_000; i++) v.push(i);
		expect(v.dataAddress).toBe(data); // the vector is the last block: it grows into the top
		expect(v.version).toBe(0);
		v.free();
	});

	it("moves when a neighbour blocks it, copying the elements and bumping the version", () => {
		const heap = fresh();
		const v = new Vector(heap, i32);
		v.pushMany([1, 2, 3, 4]);
		const blocker = heap.malloc(8);
		const data = v.dataAddress;
		const more = Array.from({ length: 60 }, (_, i) => i + 5);
		v.pushMany(more);
		expect(v.dataAddress).not.toBe(data);
		expect(v.version).toBe(1);
		expect(v.toArray()).toEqual([1, 2, 3, 4, ...more]);
		heap.free(blocker);
		v.free();
		heap.check();
	});

	it("pushes, gets, sets and pops every scalar type with its own value semantics", () => {
		const heap = fresh();
		const cases: [Parameters<typeof Vector.prototype.push>[0][], Vector][] = [
			[[1.5, -2.25, Number.NaN], new Vector(heap, f64)],
			[[0.5, -8], new Vector(heap, f32)],
			[[-(2 ** 31), 2 ** 31 - 1], new Vector(heap, i32)],
			[[0, 2 ** 32 - 1], new Vector(heap, u32)],
			[[-32768, 32767], new Vector(heap, i16)],
			[[0, 65535], new Vector(heap, u16)],
			[[-128, 127], new Vector(heap, i8)],
			[[0, 255], new Vector(heap, u8)],
			[[true, false, true], new Vector(heap, bool)],
			[[-(2n ** 63n), 2n ** 63n - 1n], new Vector(heap, i64)],
			[[0n, 2n ** 64n - 1n], new Vector(heap, u64)],
			[[0, 4096], new Vector(heap, ptr(f64))],
		];
		for (const [values, v] of cases) {
			for (const x of values) v.push(x as never);
			expect(v.toArray()).toEqual(values);
			expect(v.get(1)).toEqual(values[1]);
			v.set(0, values[1] as never);
			expect(v.get(0)).toEqual(values[1]);
			expect(v.pop()).toEqual(values[values.length - 1]);
			expect(v.length).toBe(values.length - 1);
			v.free();
		}
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("pushes every number into float vectors, and converts unchecked pushes into integer vectors as their typed array does", () => {
		const heap = fresh();
		const floats = new Vector(heap, f64);
		for (const x of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0]) floats.push(x);
		expect(floats.toArray()).toEqual([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0]);
		const narrow = new Vector(heap, f32);
		narrow.push(1e40);
		narrow.push(0.1);
		expect(narrow.toArray()).toEqual([Number.POSITIVE_INFINITY, Math.fround(0.1)]);
		const bytes = new Vector(heap, u8, { checked: false });
		for (const x of [256, 1.9, -1, Number.NaN]) bytes.push(x);
		expect(bytes.toArray()).toEqual([0, 1, 255, 0]);
		const words = new Vector(heap, i32);
		expect(() => words.push(2 ** 31)).toThrow(RangeError);
		expect(() => words.push(0.5)).toThrow(RangeError);
		expect(() => words.push(Number.NaN)).toThrow(RangeError);
		expect(words.length).toBe(0);
		words.push(-(2 ** 31));
		words.push(2 ** 31 - 1);
		const unsigned = new Vector(heap, u32);
		for (const bad of [-1, 2 ** 32, 1.5, Number.NaN]) expect(() => unsigned.push(bad)).toThrow(RangeError);
		unsigned.push(2 ** 32 - 1);
		unsigned.push(-0);
		expect([...words.toArray(), ...unsigned.toArray()]).toEqual([-(2 ** 31), 2 ** 31 - 1, 2 ** 32 - 1, 0]);
		for (const v of [floats, narrow, bytes, words, unsigned]) v.free();
		expect(heap.check()).toBeUndefined();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("pops undefined from an empty vector and keeps its capacity", () => {
		const heap = fresh();
		const v = new Vector(heap, u8, { capacity: 16 });
		expect(v.pop()).toBeUndefined();
		v.push(9);
		expect(v.pop()).toBe(9);
		expect(v.pop()).toBeUndefined();
		expect(v.capacity).toBeGreaterThanOrEqual(16);
		v.free();
	});

	it("copies struct elements in and out, and works on them in place through at() and cursor()", () => {
		const heap = fresh();
		const v = new Vector(heap, Particle);
		expect(Particle.size).toBe(24);
		for (let i = 0; i < 10; i++) v.push({ pos: { x: i, y: 0 }, vel: { x: 1, y: 2 }, life: 1 });
		expect(v.get(3)).toEqual({ pos: { x: 3, y: 0 }, vel: { x: 1, y: 2 }, life: 1 });
		const p = v.at(3);
		p.pos.x += p.vel.x;
		p.life = 0.5;
		expect(v.get(3)).toEqual({ pos: { x: 4, y: 0 }, vel: { x: 1, y: 2 }, life: 0.5 });
		expect(v.at(-1).pos.x).toBe(9);
		const c1 = v.cursor(0);
		const c2 = v.cursor(1);
		expect(c1).toBe(c2); // one cursor, moved
		for (let i = 0; i < v.length; i++) v.cursor(i).pos.y = i * 10;
		expect(v.toArray().map((e) => e.pos.y)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
		v.set(0, { pos: { x: -1, y: -1 }, vel: { x: 0, y: 0 }, life: 2 });
		expect(v.get(0).pos).toEqual({ x: -1, y: -1 });
		expect(v.pop()?.pos).toEqual({ x: 9, y: 90 });
		v.free();
		heap.check();
	});

	it("emplaces zero-filled struct elements and hands back the cursor on them", () => {
		const heap = fresh();
		const v = new Vector(heap, Vec2);
		v.push({ x: 7, y: 7 });
		v.pop(); // leaves 7s behind in the spare capacity
		const c = v.emplace();
		expect(c.x).toBe(0);
		expect(c.y).toBe(0);
		c.y = 3;
		for (let i = 0; i < 50; i++) v.emplace().x = i;
		expect(v.length).toBe(51);
		expect(v.get(0)).toEqual({ x: 0, y: 3 });
		expect(v.get(50)).toEqual({ x: 49, y: 0 });
		v.free();
	});

	it("holds unions, arrays and strings, and gives views only for aggregates", () => {
		const heap = fresh();
		const Bits = union("Bits", { f: f32, u: u32 });
		const unions = new Vector(heap, Bits);
		unions.push({ f: 1 });
		expect(unions.get(0).u).toBe(0x3f800000);
		expect(unions.at(0).u).toBe(0x3f800000);
		const triples = new Vector(heap, array(i16, 3));
		triples.push([1, 2, 3]);
		triples.at(0).set(1, 20);
		expect(triples.get(0)).toEqual([1, 20, 3]);
		const names = new Vector(heap, utf8(8));
		names.pushMany(["ada", "grace"]);
		expect(names.at(1)).toBe("grace");
		expect(names.toArray()).toEqual(["ada", "grace"]);
		expect(() => names.cursor(0)).toThrow(TypeError);
		for (const v of [unions, triples, names]) v.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("inserts and removes with shifting, and swap-removes in O(1)", () => {
		const heap = fresh();
		const v = new Vector(heap, u16);
		v.insert(0, 2);
		v.insert(0, 0);
		v.insert(1, 1);
		v.insert(3, 3);
		expect(v.toArray()).toEqual([0, 1, 2, 3]);
		expect(v.remove(1)).toBe(1);
		expect(v.toArray()).toEqual([0, 2, 3]);
		v.pushMany([4, 5]);
		expect(v.swapRemove(0)).toBe(0);
		expect(v.toArray()).toEqual([5, 2, 3, 4]);
		expect(v.swapRemove(3)).toBe(4);
		expect(v.toArray()).toEqual([5, 2, 3]);
		v.free();
	});

	it("inserts and removes struct elements, moving whole elements", () => {
		const heap = fresh();
		const v = new Vector(heap, Vec2);
		for (let i = 0; i < 5; i++) v.push({ x: i, y: -i });
		v.insert(2, { x: 99, y: 99 });
		expect(v.toArray().map((e) => e.x)).toEqual([0, 1, 99, 2, 3, 4]);
		expect(v.remove(0)).toEqual({ x: 0, y: -0 });
		expect(v.swapRemove(0)).toEqual({ x: 1, y: -1 });
		expect(v.toArray()).toEqual([
			{ x: 4, y: -4 },
			{ x: 99, y: 99 },
			{ x: 2, y: -2 },
			{ x: 3, y: -3 },
		]);
		v.free();
	});

	it("truncates and clears without giving capacity back, and shrinks to fit on request", () => {
		const heap = fresh();
		const v = new Vector(heap, f64);
		for (let i = 0; i < 100; i++) v.push(i);
		const capacity = v.capacity;
		v.truncate(200);
		expect(v.length).toBe(100);
		v.truncate(10);
		expect(v.length).toBe(10);
		expect(v.capacity).toBe(capacity);
		v.shrinkToFit();
		expect(v.capacity).toBe(10);
		expect(v.toArray()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		v.clear();
		expect(v.length).toBe(0);
		expect(v.capacity).toBe(10);
		const used = heap.stats().usedBytes;
		v.shrinkToFit();
		expect(v.capacity).toBe(0);
		expect(v.dataAddress).toBe(0);
		expect(heap.stats().usedBytes).toBeLessThan(used);
		v.push(1); // and it grows again from nothing
		expect(v.toArray()).toEqual([1]);
		v.free();
		heap.check();
	});

	it("reserves amortized room, and tryReserve answers false where reserve throws", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const v = new Vector(heap, f64);
		v.reserve(10);
		expect(v.capacity).toBeGreaterThanOrEqual(10);
		const capacity = v.capacity;
		v.reserve(capacity); // room for `capacity` more: grows by the factor or to the need
		expect(v.capacity).toBeGreaterThanOrEqual(capacity);
		v.reserve(0);
		expect(v.tryReserve(1_000_000)).toBe(false);
		expect(v.tryReserve(2 ** 40)).toBe(false); // beyond any heap: capacity overflow
		expect(v.tryReserve(100)).toBe(true);
		v.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("iterates over values, and over views for struct elements", () => {
		const heap = fresh();
		const v = new Vector(heap, i32);
		v.pushMany([3, 1, 4, 1, 5]);
		expect([...v]).toEqual([3, 1, 4, 1, 5]);
		let seen = 0;
		for (const x of v.values()) {
			seen += x;
			if (seen === 3) v.pop(); // the iterator reads the length at every step
		}
		expect(seen).toBe(3 + 1 + 4 + 1);
		const s = new Vector(heap, Vec2);
		s.pushMany([
			{ x: 1, y: 1 },
			{ x: 2, y: 2 },
		]);
		for (const e of s) e.x *= 10;
		expect(s.toArray()).toEqual([
			{ x: 10, y: 1 },
			{ x: 20, y: 2 },
		]);
		v.free();
		s.free();
	});

	it("reopens from its address with the same element type, also in a copy of the heap", () => {
		const heap = fresh();
		const v = new Vector(heap, Particle, { growthFactor: 2 });
		v.push({ pos: { x: 1, y: 2 }, vel: { x: 3, y: 4 }, life: 5 });
		const again = Vector.open(heap, Particle, v.address);
		again.push({ pos: { x: 6, y: 7 }, vel: { x: 8, y: 9 }, life: 10 });
		expect(v.length).toBe(2); // one header, two views
		expect(v.get(1).life).toBe(10);
		expect(again.growthFactor).toBe(2);
		const copy = Heap.open(new Uint8Array(heap.u8).buffer);
		const there = Vector.open(copy, Particle, v.address);
		expect(there.toArray()).toEqual(v.toArray());
		there.free();
		copy.check();
		expect(copy.stats().liveBlocks).toBe(0);
		again.free();
		expect(again.length).toBe(0);
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("frees at the end of a using block, and free() twice does nothing", () => {
		const heap = fresh();
		{
			using v = new Vector(heap, u8);
			v.pushMany([1, 2, 3]);
			expect(heap.stats().liveBlocks).toBe(2);
		}
		expect(heap.stats().liveBlocks).toBe(0);
		const w = new Vector(heap, u8);
		w.free();
		w.free();
		expect(w.address).toBe(0);
		expect(heap.stats().liveBlocks).toBe(0);
		heap.check();
	});

	it("works through any allocator: blocks come from it and go back to it", () => {
		const heap = fresh();
		const calls: string[] = [];
		const traced = {
			heap,
			malloc(size: number, align?: number): number {
				calls.push("malloc");
				return heap.malloc(size, align);
			},
			calloc(count: number, size: number): number {
				calls.push("calloc");
				return heap.calloc(count, size);
			},
			realloc(p: number, size: number): number {
				calls.push("realloc");
				return heap.realloc(p, size);
			},
			free(p: number): void {
				calls.push("free");
				heap.free(p);
			},
			usableSize: (p: number) => heap.usableSize(p),
		};
		const v = new Vector(traced, f64);
		for (let i = 0; i < 20; i++) v.push(i);
		v.free();
		expect(calls[0]).toBe("malloc"); // the header
		expect(calls.filter((c) => c === "free").length).toBe(2);
		expect(calls).toContain("realloc");
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("keeps over-aligned elements aligned when it grows and moves", () => {
		const heap = fresh();
		const Wide = struct("Wide", { a: f64 }, { align: 64 });
		const v = new Vector(heap, Wide);
		const blockers: number[] = [];
		for (let i = 0; i < 200; i++) {
			v.push({ a: i });
			expect(v.dataAddress % 64).toBe(0);
			if (i % 7 === 0) blockers.push(heap.malloc(24));
		}
		expect(v.toArray().map((e) => e.a)).toEqual(Array.from({ length: 200 }, (_, i) => i));
		v.shrinkToFit();
		expect(v.dataAddress % 64).toBe(0);
		expect(v.get(199).a).toBe(199);
		for (const b of blockers) heap.free(b);
		v.free();
		heap.check();
		expect(heap.stats().liveBlocks).toBe(0);
	});
});
