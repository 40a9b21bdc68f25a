import { describe, expect, it } from "vitest";
import { Heap, HeapCorruptionError, OutOfMemoryError } from "../src/index.ts";

/** u32 index of the control block: it starts after the 256-byte NULL guard. */
const CONTROL = 64;

function xorshift(seed: number): () => number {
	let s = seed | 0 || 1;
	return () => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) / 4294967296;
	};
}

describe("Heap creation", () => {
	it("starts as one free block after the control block", () => {
		const heap = new Heap();
		heap.check();
		const s = heap.stats();
		expect(s.heapBytes).toBe(65536);
		expect(s.liveBlocks).toBe(0);
		expect(s.freeBlocks).toBe(1);
		expect(s.usedBytes).toBe(0);
		expect(s.heapBytes).toBe(s.usedBytes + s.freeBytes + s.metadataBytes);
		expect(s.largestFreeBlock).toBe(s.freeBytes);
		expect([...heap.walk()]).toHaveLength(1);
	});

	it("is its own allocator's heap", () => {
		const heap = new Heap();
		expect(heap.heap).toBe(heap);
	});

	it("uses a plain ArrayBuffer of exactly the budget when initialBytes equals maxBytes", () => {
		const heap = new Heap({ initialBytes: 100_000, maxBytes: 100_000 });
		expect(heap.buffer.byteLength).toBe(100_000);
		expect(heap.buffer instanceof ArrayBuffer && !heap.buffer.resizable).toBe(true);
		expect(heap.memory).toBeUndefined();
	});

	it("backs a growable heap with a WebAssembly memory", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 1 << 22 });
		expect(heap.memory).toBeInstanceOf(WebAssembly.Memory);
		expect(heap.buffer).toBe(heap.memory?.buffer);
	});

	it("uses a SharedArrayBuffer when shared is true", () => {
		const growable = new Heap({ shared: true, maxBytes: 1 << 22 });
		const fixed = new Heap({ shared: true, initialBytes: 65536, maxBytes: 65536 });
		expect(growable.buffer).toBeInstanceOf(SharedArrayBuffer);
		expect(fixed.buffer).toBeInstanceOf(SharedArrayBuffer);
		const p = growable.malloc(1 << 20);
		expect(p).not.toBe(0);
		expect(growable.buffer).toBeInstanceOf(SharedArrayBuffer);
		growable.check();
	});

	it("builds a fixed heap in a caller's plain buffer and overwrites whatever it held", () => {
		const buffer = new ArrayBuffer(32768);
		new Uint8Array(buffer).fill(0xab);
		const heap = new Heap({ buffer });
		heap.check();
		expect(heap.buffer).toBe(buffer);
		expect(heap.malloc(40000)).toBe(0);
		const p = heap.calloc(1, 1000);
		expect(heap.u8.subarray(p, p + 1000).every((b) => b === 0)).toBe(true);
	});

	it("grows a caller's resizable buffer up to its maxByteLength", () => {
		const buffer = new ArrayBuffer(16384, { maxByteLength: 1 << 20 });
		const heap = new Heap({ buffer });
		const p = heap.malloc(200_000);
		expect(p).not.toBe(0);
		expect(buffer.byteLength).toBeGreaterThan(200_000);
		expect(heap.malloc(1 << 20)).toBe(0);
		heap.check();
	});

	it("refuses options that are not integers, out of range or inconsistent", () => {
		expect(() => new Heap({ initialBytes: -1 })).toThrow(RangeError);
		expect(() => new Heap({ initialBytes: 1.5 })).toThrow(RangeError);
		expect(() => new Heap({ maxBytes: 2 ** 32 })).toThrow(RangeError);
		expect(() => new Heap({ initialBytes: 1 << 20, maxBytes: 1 << 16 })).toThrow(RangeError);
		expect(() => new Heap({ growthFactor: 1 })).toThrow(RangeError);
		expect(() => new Heap({ buffer: new ArrayBuffer(100) })).toThrow(RangeError);
		expect(() => new Heap({ buffer: new ArrayBuffer(65536), shared: true })).toThrow(RangeError);
	});
});

describe("Heap.malloc", () => {
	it("returns distinct 8-aligned pointers whose blocks do not overlap", () => {
		const heap = new Heap();
		const blocks: [number, number][] = [];
		for (let size = 0; size < 300; size++) {
			const p = heap.malloc(size);
			expect(p % 8).toBe(0);
			expect(heap.usableSize(p)).toBeGreaterThanOrEqual(size);
			blocks.push([p, Math.max(size, 1)]);
		}
		blocks.sort((a, b) => a[0] - b[0]);
		for (let i = 1; i < blocks.length; i++) {
			const prev = blocks[i - 1] as [number, number];
			expect((blocks[i] as [number, number])[0]).toBeGreaterThanOrEqual(prev[0] + prev[1]);
		}
		heap.check();
	});

	it("gives malloc(0) a unique live block each time", () => {
		const heap = new Heap();
		const a = heap.malloc(0);
		const b = heap.malloc(0);
		expect(a).not.toBe(0);
		expect(b).not.toBe(a);
		expect(heap.stats().liveBlocks).toBe(2);
		heap.free(a);
		heap.free(b);
		heap.check();
	});

	it("honours every power-of-two alignment up to 64 KiB", () => {
		const heap = new Heap({ maxBytes: 1 << 24 });
		const live: number[] = [];
		for (let shift = 0; shift <= 16; shift++) {
			const align = 2 ** shift;
			for (const size of [0, 1, 24, 100, 5000]) {
				const p = heap.malloc(size, align);
				expect(p % Math.max(align, 8)).toBe(0);
				live.push(p);
				heap.check();
			}
		}
		for (const p of live) heap.free(p);
		heap.check();
		expect(heap.stats().freeBlocks).toBe(1);
	});

	it("refuses alignments that are not powers of two", () => {
		const heap = new Heap();
		for (const align of [0, 3, 12, -8, 1.5, Number.NaN, 2 ** 25]) {
			expect(() => heap.malloc(16, align)).toThrow(RangeError);
		}
		expect(heap.stats().allocations).toBe(0);
	});

	it("refuses sizes that are negative, fractional, not numbers or beyond the largest heap", () => {
		const heap = new Heap();
		for (const size of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
			expect(() => heap.malloc(size)).toThrow(RangeError);
		}
		expect(() => heap.malloc("16" as unknown as number)).toThrow(
			new TypeError('malloc: size string "16" is not a number'),
		);
		expect(heap.stats().allocations).toBe(0);
		heap.check();
	});

	it("returns 0 and changes nothing when the budget cannot hold the request", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 1 << 20 });
		heap.malloc(100);
		const before = heap.stats();
		expect(heap.malloc(2 << 20)).toBe(0);
		expect(heap.stats()).toEqual(before);
		heap.check();
	});

	it("reuses a freed hole before touching the end of the heap", () => {
		const heap = new Heap();
		const a = heap.malloc(100);
		heap.malloc(100);
		heap.free(a);
		const high = heap.stats().highWaterBytes;
		expect(heap.malloc(96)).toBe(a);
		expect(heap.stats().highWaterBytes).toBe(high);
	});
});

describe("Heap.alloc", () => {
	it("throws OutOfMemoryError naming the request when the budget is exhausted", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		expect(() => heap.alloc(70_000)).toThrow(OutOfMemoryError);
		expect(() => heap.alloc(70_000)).toThrow(/70000 B/);
		expect(heap.alloc(100)).not.toBe(0);
	});
});

describe("Heap.calloc", () => {
	it("returns zeroed memory even when it reuses a dirty block", () => {
		const heap = new Heap();
		const p = heap.malloc(256);
		heap.u8.fill(0xff, p, p + 256);
		heap.free(p);
		const q = heap.calloc(64, 4);
		expect(q).toBe(p);
		expect(heap.u8.subarray(q, q + heap.usableSize(q)).every((b) => b === 0)).toBe(true);
	});

	it("zeroes blocks carved from a top that has held data before", () => {
		const heap = new Heap();
		const a = heap.malloc(1000);
		heap.u8.fill(7, a, a + 1000);
		heap.free(a);
		const b = heap.calloc(2000, 1);
		expect(heap.u8.subarray(b, b + 2000).every((x) => x === 0)).toBe(true);
	});

	it("returns 0 when count * size overflows and refuses non-integers", () => {
		const heap = new Heap();
		expect(heap.calloc(2 ** 20, 2 ** 20)).toBe(0);
		expect(heap.calloc(2 ** 31, 2)).toBe(0);
		expect(() => heap.calloc(-1, 4)).toThrow(RangeError);
		expect(() => heap.calloc(2, 0.5)).toThrow(RangeError);
		expect(heap.stats().allocations).toBe(0);
		expect(heap.calloc(0, 0)).not.toBe(0);
	});
});

describe("Heap.realloc", () => {
	it("grows in place into the top of the heap", () => {
		const heap = new Heap();
		const p = heap.malloc(100);
		heap.u8.fill(9, p, p + 100);
		expect(heap.realloc(p, 5000)).toBe(p);
		expect(heap.u8[p + 99]).toBe(9);
		expect(heap.usableSize(p)).toBeGreaterThanOrEqual(5000);
		heap.check();
	});

	it("grows in place into a free right neighbour", () => {
		const heap = new Heap();
		const p = heap.malloc(100);
		const q = heap.malloc(400);
		heap.malloc(16);
		heap.free(q);
		expect(heap.realloc(p, 300)).toBe(p);
		expect(heap.stats().liveBlocks).toBe(2);
		heap.check();
	});

	it("grows in place past the end of the buffer by growing the heap", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 1 << 22 });
		const p = heap.malloc(1000);
		expect(heap.realloc(p, 1 << 20)).toBe(p);
		expect(heap.stats().heapBytes).toBeGreaterThan(1 << 20);
		heap.check();
	});

	it("shrinks in place and gives the tail back", () => {
		const heap = new Heap();
		const p = heap.malloc(1000);
		heap.malloc(16);
		const used = heap.stats().usedBytes;
		expect(heap.realloc(p, 100)).toBe(p);
		expect(heap.stats().usedBytes).toBe(used - (1008 - 104));
		expect(heap.stats().freeBlocks).toBe(2);
		heap.check();
	});

	it("moves a block it cannot grow, keeps its contents and really frees the old block", () => {
		const heap = new Heap();
		const p = heap.malloc(64);
		heap.malloc(16);
		heap.u8.set([1, 2, 3, 4], p);
		heap.u8[p + 63] = 99;
		const before = heap.stats();
		const q = heap.realloc(p, 4096);
		expect(q).not.toBe(p);
		expect([...heap.u8.subarray(q, q + 4)]).toEqual([1, 2, 3, 4]);
		expect(heap.u8[q + 63]).toBe(99);
		const after = heap.stats();
		expect(after.liveBlocks).toBe(before.liveBlocks);
		expect(after.usedBytes).toBe(before.usedBytes - 72 + 4104);
		expect(() => heap.free(p)).toThrow();
		heap.check();
	});

	it("acts as malloc for a null pointer and keeps a live block for size 0", () => {
		const heap = new Heap();
		const p = heap.realloc(0, 40);
		expect(p).not.toBe(0);
		expect(heap.realloc(p, 0)).toBe(p);
		expect(heap.stats().liveBlocks).toBe(1);
		heap.free(p);
		heap.check();
	});

	it("returns 0 and leaves the old block untouched when the budget cannot hold the new size", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const p = heap.malloc(1000);
		heap.malloc(16);
		heap.u8.fill(5, p, p + 1000);
		const bytes = heap.u8.slice();
		const before = heap.stats();
		expect(heap.realloc(p, 100_000)).toBe(0);
		expect(heap.u8.every((b, i) => b === bytes[i])).toBe(true);
		expect(heap.stats()).toEqual(before);
		expect(heap.usableSize(p)).toBeGreaterThanOrEqual(1000);
	});
});

describe("Heap.free", () => {
	it("merges a block with both free neighbours at once", () => {
		// Blocks of 512 B and more: smaller ones are cached first (see the cache tests).
		const heap = new Heap();
		const a = heap.malloc(600);
		const b = heap.malloc(600);
		const c = heap.malloc(600);
		heap.malloc(600);
		heap.free(a);
		heap.free(c);
		expect(heap.stats().freeBlocks).toBe(3);
		heap.free(b);
		expect(heap.stats().freeBlocks).toBe(2);
		expect(heap.stats().largestFreeBlock).toBeGreaterThanOrEqual(3 * 608);
		heap.check();
	});

	it("leaves one block spanning the heap after everything is freed", () => {
		const heap = new Heap({ maxBytes: 1 << 24 });
		const random = xorshift(7);
		const live: number[] = [];
		for (let i = 0; i < 2000; i++)
			live.push(heap.malloc(Math.floor(random() * 3000), random() < 0.1 ? 64 : undefined));
		for (let i = live.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1));
			[live[i], live[j]] = [live[j] as number, live[i] as number];
		}
		for (const p of live) heap.free(p);
		heap.check();
		const s = heap.stats();
		expect(s.freeBlocks).toBe(1);
		expect(s.largestFreeBlock).toBe(s.freeBytes);
		expect([...heap.walk()]).toHaveLength(1);
	});

	it("frees a block between used neighbours without merging, and gives it back whole to the same size", () => {
		for (const size of [40, 1000]) {
			const heap = new Heap();
			heap.malloc(size);
			const p = heap.malloc(size);
			heap.malloc(size);
			const blockBytes = heap.usableSize(p) + 4;
			const before = heap.stats();
			heap.free(p);
			const freed = heap.stats();
			expect(freed.freeBlocks).toBe(before.freeBlocks + 1);
			expect(freed.usedBytes).toBe(before.usedBytes - blockBytes);
			heap.check();
			const q = heap.malloc(size);
			expect(q).toBe(p);
			expect(heap.stats().freeBlocks).toBe(before.freeBlocks);
			heap.check();
		}
	});

	it("unlinks neighbours from the head, the middle and the tail of their class when they merge", () => {
		const heap = new Heap();
		const blocks: number[] = [];
		for (let i = 0; i < 8; i++) blocks.push(heap.malloc(520));
		const [a, b, c, d, e, , g] = blocks as [number, number, number, number, number, number, number];
		const top = heap.stats().freeBlocks; // the free end of the heap
		// One class holding g (head), e, c, a (tail): every other block free, none adjacent.
		for (const p of [a, c, e, g]) heap.free(p);
		expect(heap.stats().freeBlocks).toBe(top + 4);
		heap.free(d); // merges c (middle of the list) and e (next to the head)
		heap.check();
		expect(heap.stats().freeBlocks).toBe(top + 3);
		heap.free(b); // merges a (tail) and the block c + d + e
		heap.check();
		expect(heap.stats().freeBlocks).toBe(top + 2);
		const f = blocks[5] as number;
		heap.free(f); // merges the big block on its left and g, the head of its class, on its right
		heap.check();
		expect(heap.stats().freeBlocks).toBe(top + 1);
		expect([...heap.walk()][0]).toEqual({ ptr: a, size: 7 * 528 - 4, free: true });
		heap.free(blocks[7] as number);
		heap.check();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("keeps the 64-bit operation counters exact across 2^32", () => {
		const heap = new Heap();
		heap.u32[CONTROL + 14] = 0xffffffff; // the low word of the allocation counter
		heap.u32[CONTROL + 16] = 0xffffffff; // and of the free counter
		heap.free(heap.malloc(8));
		expect(heap.stats().allocations).toBe(2 ** 32);
		expect(heap.stats().frees).toBe(2 ** 32);
	});

	it("treats free(0) as a no-op", () => {
		const heap = new Heap();
		heap.free(0);
		expect(heap.stats().frees).toBe(0);
	});
});

describe("Heap growth", () => {
	it("grows geometrically, keeps every pointer and its contents, and renews the views", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 1 << 24 });
		const sizes: number[] = [];
		const live: number[] = [];
		let oldView = heap.u32;
		let grown = 0;
		for (let i = 0; i < 300; i++) {
			const p = heap.malloc(1000);
			live.push(p);
			sizes.push(heap.stats().heapBytes);
			heap.u32[p >>> 2] = i;
			if (heap.u32 !== oldView) {
				grown++;
				oldView = heap.u32;
			}
		}
		expect(grown).toBeGreaterThan(1);
		expect(new Set(sizes).size).toBe(grown + 1);
		for (let i = 0; i < live.length; i++) expect(heap.u32[(live[i] as number) >>> 2]).toBe(i);
		expect(heap.u8.length).toBe(heap.stats().heapBytes);
		expect(heap.f64.length).toBe(heap.stats().heapBytes / 8);
		heap.check();
	});

	it("stops at maxBytes and then returns 0", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 262144 });
		let count = 0;
		while (heap.malloc(1000) !== 0) count++;
		expect(heap.stats().heapBytes).toBe(262144);
		expect(count).toBeGreaterThan(200);
		heap.check();
	});

	it("never grows a fixed budget", () => {
		const heap = new Heap({ initialBytes: 131072, maxBytes: 131072 });
		while (heap.malloc(512) !== 0);
		expect(heap.stats().heapBytes).toBe(131072);
		heap.check();
	});
});

describe("Heap budget", () => {
	it("fits one block of 90% of a fixed budget after random fills are freed in random order", () => {
		const budget = 1 << 20;
		const heap = new Heap({ initialBytes: budget, maxBytes: budget });
		const random = xorshift(42);
		const live: number[] = [];
		for (;;) {
			const p = heap.malloc(1 + Math.floor(random() * 4000));
			if (p === 0) break;
			live.push(p);
		}
		expect(heap.stats().usedBytes).toBeGreaterThan(budget * 0.9);
		while (live.length > 0) {
			const i = Math.floor(random() * live.length);
			heap.free(live[i] as number);
			live[i] = live[live.length - 1] as number;
			live.pop();
		}
		heap.check();
		expect(heap.malloc(Math.floor(budget * 0.9))).not.toBe(0);
	});
});

describe("Heap.stats", () => {
	it("counts allocations, frees, reallocations and the peak exactly", () => {
		const heap = new Heap();
		const a = heap.malloc(100);
		const b = heap.calloc(10, 10);
		const c = heap.realloc(a, 200); // b is in the way: the block moves (one allocation, one free)
		heap.free(b);
		const s = heap.stats();
		expect(c).not.toBe(a);
		expect(s.allocations).toBe(3);
		expect(s.frees).toBe(2);
		expect(s.reallocations).toBe(1);
		expect(s.liveBlocks).toBe(1);
		expect(s.usedBytes).toBe(heap.usableSize(c) + 4);
		expect(s.peakUsedBytes).toBe(104 + 104 + heap.usableSize(c) + 4); // the move holds both blocks at once
		expect(s.highWaterBytes).toBeGreaterThan(c);
	});
});

describe("Heap.walk and Heap.dump", () => {
	it("walks every block in address order with its usable size", () => {
		const heap = new Heap();
		const a = heap.malloc(10);
		const b = heap.malloc(20);
		heap.free(a);
		const blocks = [...heap.walk()];
		expect(blocks[0]).toEqual({ ptr: a, size: 12, free: true });
		expect(blocks[1]).toEqual({ ptr: b, size: 20, free: false });
		expect(blocks[2]?.free).toBe(true);
	});

	it("prints a block map with address ranges and sizes", () => {
		const heap = new Heap();
		const p = heap.malloc(100);
		const text = heap.dump();
		const start = (p - 4).toString(16).padStart(4, "0");
		const end = (p + 100).toString(16).padStart(4, "0");
		expect(text).toContain(`[0x${start} -> 0x${end}) allocated 104 B`);
		expect(text).toMatch(/free \(top\) \d+ B/);
		expect(text).toMatch(/block-start bitmap/);
	});
});

describe("Heap.open", () => {
	it("reopens a heap from a copy of its bytes with every live block intact", () => {
		const heap = new Heap({ maxBytes: 1 << 22 });
		const random = xorshift(3);
		const live = new Map<number, number>();
		for (let i = 0; i < 500; i++) {
			const p = heap.malloc(Math.floor(random() * 2000));
			heap.u8[p] = i & 255;
			live.set(p, i & 255);
			if (random() < 0.3) {
				const [q] = live.keys();
				heap.free(q as number);
				live.delete(q as number);
			}
		}
		const copy = heap.u8.slice().buffer;
		const again = Heap.open(copy);
		again.check();
		expect(again.stats()).toEqual({ ...heap.stats(), maxBytes: again.stats().heapBytes });
		for (const [p, stamp] of live) expect(again.u8[p]).toBe(stamp);
		for (const p of live.keys()) again.free(p);
		again.check();
		expect(again.stats().liveBlocks).toBe(0);
	});

	it("reopens a heap from its wasm memory and keeps growing", () => {
		const heap = new Heap({ maxBytes: 1 << 22 });
		const p = heap.malloc(8);
		heap.f64[p >>> 3] = 1.5;
		const again = Heap.open(heap.memory as WebAssembly.Memory);
		expect(again.f64[p >>> 3]).toBe(1.5);
		expect(again.malloc(1 << 20)).not.toBe(0);
		again.check();
	});

	it("refuses bytes that are not a heap", () => {
		expect(() => Heap.open(new ArrayBuffer(65536))).toThrow(HeapCorruptionError);
		const heap = new Heap();
		heap.malloc(100);
		const bytes = heap.u8.slice();
		bytes[8] = 1; // heap size no longer matches
		expect(() => Heap.open(bytes.buffer)).toThrow(HeapCorruptionError);
	});
});

describe("The cache of small freed blocks", () => {
	const cachedLines = (heap: Heap) =>
		heap
			.dump()
			.split("\n")
			.filter((line) => line.includes("free (cached)"));

	it("caches a freed small block and hands it out first for its size", () => {
		const heap = new Heap();
		const a = heap.malloc(40);
		heap.malloc(40);
		const before = heap.stats();
		heap.free(a);
		heap.check();
		const s = heap.stats();
		expect(s.freeBlocks).toBe(before.freeBlocks + 1);
		expect(s.liveBlocks).toBe(1);
		expect(s.usedBytes).toBe(48);
		expect(s.freeBytes).toBe(before.freeBytes + 48);
		expect([...heap.walk()][0]).toEqual({ ptr: a, size: 44, free: true });
		expect(cachedLines(heap)).toHaveLength(1);
		expect(heap.malloc(40)).toBe(a);
		heap.check();
		expect(cachedLines(heap)).toHaveLength(0);
	});

	it("settles the cache before it would carve the top, so the cache costs no footprint", () => {
		const heap = new Heap();
		const [a, b, c] = [heap.malloc(40), heap.malloc(40), heap.malloc(40)];
		heap.malloc(40); // keeps c away from the top
		heap.free(a);
		heap.free(b);
		heap.free(c);
		expect(cachedLines(heap)).toHaveLength(3);
		// No free block holds 144 B until a, b and c merge: that block is used, not the top.
		expect(heap.malloc(130)).toBe(a);
		expect(cachedLines(heap)).toHaveLength(0);
		heap.check();
	});

	it("merges a small block next to the top into the top, without caching it", () => {
		const heap = new Heap();
		heap.malloc(40);
		const b = heap.malloc(40);
		heap.free(b);
		expect(cachedLines(heap)).toHaveLength(0);
		expect(heap.stats().freeBlocks).toBe(1);
		heap.check();
	});

	it("settles the cache when the last live block is freed", () => {
		const heap = new Heap();
		const blocks = Array.from({ length: 20 }, (_, i) => heap.malloc(8 * i));
		for (const p of blocks) heap.free(p);
		heap.check();
		expect(heap.stats().freeBlocks).toBe(1);
		expect([...heap.walk()]).toHaveLength(1);
	});

	it("caches at most 256 blocks and frees the rest as usual", () => {
		const heap = new Heap();
		const blocks = Array.from({ length: 600 }, () => heap.malloc(24));
		heap.malloc(24); // keeps the last block away from the top
		for (let i = 0; i < blocks.length; i += 2) heap.free(blocks[i] as number);
		for (let i = 1; i < blocks.length; i += 2) heap.free(blocks[i] as number);
		heap.check();
		expect(cachedLines(heap)).toHaveLength(256);
		expect(heap.stats().liveBlocks).toBe(1);
	});

	it("grows a block in place into a cached right neighbour", () => {
		const heap = new Heap();
		const a = heap.malloc(40);
		const b = heap.malloc(40);
		heap.malloc(40);
		heap.free(b);
		expect(cachedLines(heap)).toHaveLength(1);
		expect(heap.realloc(a, 80)).toBe(a);
		expect(heap.usableSize(a)).toBe(92);
		heap.check();
	});

	it("keeps the block's flags when growing in place frees its cached left neighbour too", () => {
		const heap = new Heap();
		const [a, b, c] = [heap.malloc(40), heap.malloc(40), heap.malloc(40)];
		heap.malloc(40);
		heap.free(a);
		heap.free(c); // both neighbours of b cached: settling frees a, left of b, as well
		expect(heap.realloc(b, 80)).toBe(b);
		heap.check();
		heap.free(b);
		heap.check();
	});

	it("zeroes a cached block that calloc hands out again", () => {
		const heap = new Heap();
		const a = heap.malloc(40);
		const b = heap.malloc(40);
		heap.malloc(40);
		heap.u8.fill(0xff, b, b + 40);
		heap.free(a);
		heap.free(b);
		expect(heap.calloc(1, 40)).toBe(b);
		expect(heap.u8.subarray(b, b + 40).every((byte) => byte === 0)).toBe(true);
	});

	it("zeroes what calloc hands out after settling the cache", () => {
		const heap = new Heap();
		const [a, b, c] = [heap.malloc(40), heap.malloc(40), heap.malloc(40)];
		heap.malloc(40);
		heap.u8.fill(0xff, a, a + 40);
		heap.u8.fill(0xff, b, b + 40);
		heap.u8.fill(0xff, c, c + 40);
		heap.free(a);
		heap.free(b); // cached
		heap.free(c);
		const p = heap.calloc(1, 130); // settles the cache: a, b and c merge into the block handed out
		expect(p).toBe(a);
		expect(heap.u8.subarray(p, p + 130).every((byte) => byte === 0)).toBe(true);
		heap.check();
	});

	it("keeps cached blocks through Heap.open and hands them out again", () => {
		const heap = new Heap();
		const a = heap.malloc(40);
		const b = heap.malloc(40);
		heap.malloc(40);
		heap.free(a);
		heap.free(b);
		const again = Heap.open(heap.u8.slice().buffer);
		again.check();
		const blockLines = (h: Heap) => h.dump().split("\n").slice(1); // the first line names the budget
		expect(blockLines(again)).toEqual(blockLines(heap));
		expect(again.malloc(40)).toBe(b);
		again.check();
	});
});

describe("Heap.check", () => {
	it("names the first bad block when a header is overwritten", () => {
		const heap = new Heap();
		heap.malloc(16);
		const p = heap.malloc(16);
		heap.u32[(p - 4) >>> 2] = 0xffff0;
		expect(() => heap.check()).toThrow(HeapCorruptionError);
		try {
			heap.check();
		} catch (error) {
			expect((error as HeapCorruptionError).block).toBe(p - 4);
		}
	});

	it("notices a broken free-list link and a wrong counter", () => {
		const heap = new Heap();
		const a = heap.malloc(600);
		heap.malloc(600);
		const b = heap.malloc(600);
		heap.malloc(600);
		heap.free(a);
		heap.free(b);
		// b heads the class and a follows it: a's back link must name b.
		heap.u32[(a + 4) >>> 2] = 12345;
		expect(() => heap.check()).toThrow(/back link/);
		heap.u32[(a + 4) >>> 2] = b - 4;
		heap.check();
		heap.u32[(b - 4 + 4) >>> 2] = 12345; // b's forward link
		expect(() => heap.check()).toThrow(HeapCorruptionError);
		const other = new Heap();
		other.malloc(100);
		other.u32[CONTROL + 7] += 8; // the used-bytes counter
		expect(() => other.check()).toThrow(/used-bytes counter/);
	});

	it("notices a wrong cache counter and a cache entry that is no cached block", () => {
		const heap = new Heap();
		const a = heap.malloc(40);
		const b = heap.malloc(40);
		heap.malloc(40);
		heap.free(a);
		heap.free(b); // cached
		heap.check();
		heap.u32[CONTROL + 13] += 1; // the cached-block counter
		expect(() => heap.check()).toThrow(/cached-block counter/);
		heap.u32[CONTROL + 13] -= 1;
		heap.u32[(b - 4) >>> 2] &= ~4; // b no longer marked cached, yet its cache list names it
		expect(() => heap.check()).toThrow(HeapCorruptionError);
	});
});

describe("A refused or failed request", () => {
	/** A fixed budget with small blocks in the cache, a few live blocks between them, and little else. */
	function cachedAndFull(): { heap: Heap; live: number[] } {
		const heap = new Heap({ initialBytes: 8192, maxBytes: 8192 });
		const blocks: number[] = [];
		for (let p = heap.malloc(40); p !== 0; p = heap.malloc(40)) blocks.push(p);
		// Every other block goes to the cache: settling them would merge nothing into a big block.
		for (let i = 0; i < blocks.length; i += 2) heap.free(blocks[i] as number);
		expect(heap.stats().freeBlocks).toBeGreaterThan(10);
		return { heap, live: blocks.filter((_, i) => i % 2 === 1) };
	}

	function expectNothingChanged(heap: Heap, call: () => number): void {
		const bytes = heap.u8.slice();
		const stats = heap.stats();
		expect(call()).toBe(0);
		expect(heap.stats()).toEqual(stats);
		expect(heap.u8).toEqual(bytes);
		heap.check();
	}

	it("leaves the cache of small blocks unsettled when settling would not help malloc, calloc or realloc", () => {
		const { heap, live } = cachedAndFull();
		expectNothingChanged(heap, () => heap.malloc(400));
		expectNothingChanged(heap, () => heap.malloc(200, 256));
		expectNothingChanged(heap, () => heap.calloc(10, 40));
		expectNothingChanged(heap, () => heap.realloc(live[0] as number, 400));
		expectNothingChanged(heap, () => heap.realloc(live.at(-1) as number, 400));
	});

	it("settles the cache when that makes the block it needs, and then succeeds", () => {
		const { heap, live } = cachedAndFull();
		// Freeing a live block between two cached ones makes a run of three that settling merges.
		heap.free(live[3] as number);
		const p = heap.malloc(100);
		expect(p).not.toBe(0);
		heap.check();
		expect(heap.usableSize(p)).toBeGreaterThanOrEqual(100);
	});

	it("lets realloc grow in place into cached neighbours that settle into room", () => {
		const heap = new Heap({ initialBytes: 8192, maxBytes: 8192 });
		const a = heap.malloc(40);
		const b = heap.malloc(40);
		const c = heap.malloc(40);
		heap.malloc(40); // keeps c away from the top
		heap.free(b);
		heap.free(c);
		expect(heap.realloc(a, 120)).toBe(a);
		heap.check();
	});
});

describe("Heap.calloc over bytes the heap never cleared", () => {
	it("returns zeroed memory after a caller's resizable buffer grows over bytes that were past the heap", () => {
		const buffer = new ArrayBuffer(8192 + 7, { maxByteLength: 1 << 20 });
		new Uint8Array(buffer).fill(0xab);
		const heap = new Heap({ buffer });
		const blocks: number[] = [];
		for (let p = heap.calloc(1, 1000); p !== 0 && blocks.length < 40; p = heap.calloc(1, 1000)) {
			expect(heap.u8.subarray(p, p + 1000).every((byte) => byte === 0)).toBe(true);
			blocks.push(p);
		}
		expect(heap.stats().heapBytes).toBeGreaterThan(8192);
		heap.check();
	});

	it("returns zeroed memory after Heap.open of a buffer longer than the heap it holds", () => {
		const heap = new Heap({ initialBytes: 8192, maxBytes: 8192 });
		heap.malloc(100);
		const longer = new ArrayBuffer(1 << 16, { maxByteLength: 1 << 20 });
		const bytes = new Uint8Array(longer);
		bytes.fill(0xcd);
		bytes.set(heap.u8);
		const opened = Heap.open(longer);
		const stored = opened.stats().maxBytes;
		expect(stored).toBe(8192);
		const grown = Heap.open(
			(() => {
				const copy = new ArrayBuffer(1 << 16, { maxByteLength: 1 << 20 });
				new Uint8Array(copy).fill(0xcd);
				const view = new Uint32Array(copy);
				view.set(new Uint32Array(heap.u8.slice().buffer));
				view[CONTROL + 3] = 1 << 20; // a budget that lets the reopened heap grow over the 0xcd bytes
				return copy;
			})(),
		);
		for (let i = 0; i < 40; i++) {
			const p = grown.calloc(1, 1500);
			if (p === 0) break;
			expect(grown.u8.subarray(p, p + 1500).every((byte) => byte === 0)).toBe(true);
		}
		expect(grown.stats().heapBytes).toBeGreaterThan(8192);
		grown.check();
	});
});
