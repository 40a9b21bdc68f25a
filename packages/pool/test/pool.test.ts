import { FaultyAllocator, Heap, InvalidPointerError, OutOfMemoryError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { NULL_HANDLE, Pool, PoolAllocator, PoolState } from "../src/index.ts";

function newHeap(): Heap {
	return new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 26 });
}

describe("Pool slots", () => {
	it("sizes slots from a byte count or a type, at least 8 bytes and 8-aligned", () => {
		const heap = newHeap();
		expect(new Pool(heap, 1).slotBytes).toBe(8);
		expect(new Pool(heap, 12).slotBytes).toBe(16);
		expect(new Pool(heap, { size: 20, align: 4 }).slotBytes).toBe(24);
		const wide = new Pool(heap, { size: 24, align: 64 }, { capacity: 10 });
		expect(wide.slotBytes).toBe(64);
		expect(wide.slotAlign).toBe(64);
		for (let i = 0; i < 10; i++) expect(wide.allocPtr() % 64).toBe(0);
		heap.check();
	});

	it("hands out distinct slots that do not overlap and keeps their bytes", () => {
		const heap = newHeap();
		const pool = new Pool(heap, 24, { capacity: 100 });
		const ptrs = new Set<number>();
		for (let i = 0; i < 100; i++) {
			const p = pool.ptr(pool.allocOrThrow());
			heap.u8.fill(i + 1, p, p + 24);
			ptrs.add(p);
		}
		expect(ptrs.size).toBe(100);
		for (const p of ptrs) expect(new Set(heap.u8.subarray(p, p + 24)).size).toBe(1);
	});

	it("reuses the most recently freed slot first, in O(1)", () => {
		const pool = new Pool(newHeap(), 16, { capacity: 8 });
		const a = pool.allocPtr();
		const b = pool.allocPtr();
		pool.freePtr(a);
		pool.freePtr(b);
		expect(pool.allocPtr()).toBe(b);
		expect(pool.allocPtr()).toBe(a);
	});
});

describe("Pool budget", () => {
	it("treats capacity as a hard budget: alloc returns NULL_HANDLE, allocOrThrow throws, nothing changes", () => {
		const heap = newHeap();
		const pool = new Pool(heap, 32, { capacity: 3 });
		for (let i = 0; i < 3; i++) expect(pool.alloc()).not.toBe(NULL_HANDLE);
		const stats = pool.stats();
		const bytes = heap.u8.slice();
		expect(pool.alloc()).toBe(NULL_HANDLE);
		expect(pool.allocPtr()).toBe(0);
		expect(pool.malloc(8)).toBe(0);
		expect(() => pool.allocOrThrow()).toThrow(OutOfMemoryError);
		expect(pool.stats()).toEqual(stats);
		expect(heap.u8.every((b, i) => b === bytes[i])).toBe(true);
	});

	it("grows by chunks that double, up to maxCapacity", () => {
		const heap = newHeap();
		const pool = new Pool(heap, 16, { capacity: 3, growable: true, maxCapacity: 20 });
		expect(pool.capacity).toBe(4);
		const seen: number[] = [];
		for (let i = 0; i < 20; i++) {
			pool.allocOrThrow();
			seen.push(pool.capacity);
		}
		expect(seen).toEqual([4, 4, 4, 4, 8, 8, 8, 8, 16, 16, 16, 16, 16, 16, 16, 16, 20, 20, 20, 20]);
		expect(pool.stats().chunks).toBe(4);
		expect(pool.alloc()).toBe(NULL_HANDLE);
		expect(() => pool.allocOrThrow()).toThrow(/budget/);
		heap.check();
	});

	it("reports live, capacity and the high-water mark", () => {
		const pool = new Pool(newHeap(), 8, { capacity: 10 });
		const hs = [pool.allocOrThrow(), pool.allocOrThrow(), pool.allocOrThrow()];
		pool.freeHandle(hs[0] as number);
		pool.freeHandle(hs[1] as number);
		pool.allocOrThrow();
		expect([pool.live, pool.capacity, pool.highWater]).toEqual([2, 10, 3]);
		expect(pool.stats()).toMatchObject({ live: 2, capacity: 10, highWater: 3, maxCapacity: 10, chunks: 1 });
	});
});

describe("Pool handles", () => {
	it("packs slot index and generation into a small integer below 2^30 and gives it back for the pointer", () => {
		const pool = new Pool(newHeap(), 8, { capacity: 1000, growable: true, maxCapacity: 1 << 16 });
		for (let i = 0; i < 3000; i++) {
			const h = pool.allocOrThrow();
			expect(Number.isInteger(h) && h > 0 && h < 2 ** 30).toBe(true);
			expect(pool.handleOf(pool.ptr(h))).toBe(h);
		}
		expect(pool.stats().generationBits).toBe(14);
	});

	it("moves a slot to a new generation on free, so the old handle is no longer live", () => {
		const pool = new Pool(newHeap(), 8, { capacity: 1 });
		const first = pool.allocOrThrow();
		pool.freeHandle(first);
		const second = pool.allocOrThrow();
		expect(second).not.toBe(first);
		expect(pool.ptr(second)).toBe(pool.ptr(pool.handleOf(pool.ptr(second))));
		expect(pool.isLive(first)).toBe(false);
		expect(pool.isLive(second)).toBe(true);
	});

	it("wraps generations after 2^bits − 1 frees, when a very old handle matches again", () => {
		// 2^24 slots leave 6 bits of generation: 63 generations per slot.
		const pool = new Pool(newHeap(), 8, { capacity: 1, growable: true, maxCapacity: 1 << 24 });
		expect(pool.stats().generationBits).toBe(6);
		const first = pool.allocOrThrow();
		let h = first;
		for (let i = 0; i < 62; i++) {
			pool.freeHandle(h);
			h = pool.allocOrThrow();
			expect(h).not.toBe(first);
		}
		pool.freeHandle(h);
		expect(pool.allocOrThrow()).toBe(first);
	});

	it("never reports anything but its own live handles as live", () => {
		const heap = newHeap();
		const pool = new Pool(heap, 8);
		const other = new Pool(heap, 8);
		const h = other.allocOrThrow();
		pool.allocOrThrow();
		for (const x of [
			0,
			-1,
			2 ** 30,
			1.5,
			Number.NaN,
			h,
			"1" as unknown as number,
			undefined as unknown as number,
		]) {
			expect(pool.isLive(x)).toBe(false);
		}
	});
});

describe("Pool iteration", () => {
	it("visits every live slot once, in slot order, with its handle and pointer", () => {
		const pool = new Pool(newHeap(), 8, { capacity: 4, growable: true });
		const handles: number[] = [];
		for (let i = 0; i < 20; i++) handles.push(pool.allocOrThrow());
		for (let i = 0; i < 20; i += 3) pool.freeHandle(handles[i] as number);
		const live = handles.filter((_, i) => i % 3 !== 0);
		const seen: [number, number][] = [];
		pool.forEach((h, p) => {
			seen.push([h, p]);
		});
		expect(seen.map(([h]) => h)).toEqual(live);
		for (const [h, p] of seen) expect(pool.ptr(h)).toBe(p);
		expect([...pool]).toEqual(live);
	});

	it("lets the visitor free the slot it is visiting", () => {
		const pool = new Pool(newHeap(), 8, { capacity: 10 });
		for (let i = 0; i < 10; i++) pool.allocOrThrow();
		pool.forEach((h) => {
			pool.freeHandle(h);
		});
		expect(pool.live).toBe(0);
	});

	it("frees every live slot with clear(), making every handle stale", () => {
		const pool = new Pool(newHeap(), 8, { capacity: 10 });
		const hs = Array.from({ length: 7 }, () => pool.allocOrThrow());
		pool.freeHandle(hs[2] as number);
		pool.clear();
		expect(pool.live).toBe(0);
		expect(hs.some((h) => pool.isLive(h))).toBe(false);
		expect(Array.from({ length: 10 }, () => pool.alloc()).every((h) => h !== NULL_HANDLE)).toBe(true);
	});
});

describe("Pool as an Allocator", () => {
	it("serves requests that fit a slot and refuses the others with 0", () => {
		const heap = newHeap();
		const pool = new Pool(heap, { size: 24, align: 8 }, { capacity: 4 });
		const p = pool.malloc(24, 8);
		expect(p).not.toBe(0);
		expect(pool.usableSize(p)).toBe(24);
		expect(pool.malloc(25)).toBe(0);
		expect(pool.malloc(8, 16)).toBe(0);
		expect(pool.realloc(p, 16)).toBe(p);
		expect(pool.realloc(p, 100)).toBe(0);
		expect(pool.realloc(0, 8)).not.toBe(0);
		heap.u8.fill(0xff, p, p + 24);
		pool.free(p);
		const z = pool.calloc(3, 8);
		expect(heap.u8.subarray(z, z + 24).every((x) => x === 0)).toBe(true);
		expect(pool.calloc(5, 8)).toBe(0);
		pool.free(0);
	});

	it("holds a linked list's nodes: malloc, link, walk, free", () => {
		const heap = newHeap();
		const nodes = new Pool(heap, { size: 16, align: 8 }, { capacity: 2, growable: true });
		let head = 0;
		for (let i = 0; i < 100; i++) {
			const n = nodes.malloc(16, 8);
			heap.u32[n >>> 2] = head;
			heap.f64[(n + 8) >>> 3] = i;
			head = n;
		}
		let sum = 0;
		for (let n = head; n !== 0; n = heap.u32[n >>> 2] as number) sum += heap.f64[(n + 8) >>> 3] as number;
		expect(sum).toBe(4950);
		while (head !== 0) {
			const next = heap.u32[head >>> 2] as number;
			nodes.free(head);
			head = next;
		}
		expect(nodes.live).toBe(0);
	});

	it("asks its parent for one block per chunk at the slot alignment, the first shared with the header", () => {
		const heap = newHeap();
		const parent = new FaultyAllocator(heap, () => false);
		const pool = new Pool(parent, { size: 8, align: 256 }, { capacity: 4, growable: true });
		expect(parent.requests).toBe(1);
		expect(pool.address % 256).toBe(0);
		const ptrs = Array.from({ length: 16 }, () => pool.allocPtr());
		for (const p of ptrs) expect(p % 256).toBe(0);
		expect(pool.stats().chunks).toBe(3);
		expect(parent.requests).toBe(3);
		pool.free();
		expect(parent.frees).toBe(3);
		heap.check();
	});
});

describe("Pool lifetime", () => {
	it("is a PoolAllocator and a PoolState, sharing one state, and refuses the hot paths once disposed", () => {
		const heap = new Heap();
		const pool = new Pool(heap, 16, { capacity: 64 });
		expect(pool).toBeInstanceOf(PoolAllocator);
		expect(pool).toBeInstanceOf(PoolState);
		const allocator: PoolAllocator = pool;
		const state: PoolState = pool;
		const p = allocator.allocPtr();
		const h = pool.alloc();
		expect([state.live, state.stats().live]).toEqual([2, 2]);
		allocator.freePtr(p);
		expect(state.live).toBe(1);
		state[Symbol.dispose]();
		expect(heap.stats().liveBlocks).toBe(0);
		expect(() => allocator.allocPtr()).toThrow(InvalidPointerError);
		expect(() => pool.ptr(h)).toThrow(InvalidPointerError);
	});

	it("returns every chunk and its header to the parent on free() and on dispose", () => {
		const heap = newHeap();
		const before = heap.stats();
		const pool = new Pool(heap, 40, { capacity: 8, growable: true });
		for (let i = 0; i < 100; i++) pool.allocOrThrow();
		pool.free();
		expect(pool.address).toBe(0);
		expect(heap.stats().usedBytes).toBe(before.usedBytes);
		expect(heap.stats().liveBlocks).toBe(before.liveBlocks);
		{
			using scoped = new Pool(heap, 8);
			scoped.allocOrThrow();
		}
		expect(heap.stats().liveBlocks).toBe(before.liveBlocks);
		pool[Symbol.dispose]();
		heap.check();
	});

	it("reopens from its address, also after the heap was reopened from its bytes", () => {
		const heap = newHeap();
		const pool = new Pool(heap, 16, { capacity: 4, growable: true });
		const handles = Array.from({ length: 30 }, () => pool.allocOrThrow());
		pool.freeHandle(handles[5] as number);
		const again = Pool.open(heap, pool.address);
		expect(again.stats()).toEqual(pool.stats());
		expect(again.ptr(handles[7] as number)).toBe(pool.ptr(handles[7] as number));
		expect(again.isLive(handles[5] as number)).toBe(false);
		const copy = Heap.open(new Uint8Array(heap.u8).buffer);
		const reopened = Pool.open(copy, pool.address);
		expect([...reopened]).toEqual([...pool]);
		reopened.freeHandle(handles[0] as number);
		expect(reopened.live).toBe(28);
		expect(pool.live).toBe(29);
	});

	it("accounts for the bytes it holds: 320 + n × (s + 4) for n slots of s bytes, plus alignment padding", () => {
		const heap = newHeap();
		expect(new Pool(heap, 24, { capacity: 100 }).stats().reservedBytes).toBe(320 + 100 * (24 + 4));
		expect(new Pool(heap, 24, { capacity: 3 }).stats().reservedBytes).toBe(320 + 3 * (24 + 4));
		expect(new Pool(heap, { size: 8, align: 64 }, { capacity: 3 }).stats().reservedBytes).toBe(
			320 + 3 * (64 + 4),
		);
		// Past 64 the header is padded to the alignment; later chunks pad their generation words.
		expect(new Pool(heap, { size: 8, align: 256 }, { capacity: 3 }).stats().reservedBytes).toBe(
			512 + 3 * (256 + 4),
		);
		const growing = new Pool(heap, 24, { capacity: 2, growable: true, maxCapacity: 5 });
		for (let i = 0; i < 5; i++) growing.allocPtr();
		expect(growing.stats().reservedBytes).toBe(320 + 2 * (24 + 4) + (8 + 2 * 24) + (8 + 1 * 24));
	});
});
