import {
	DoubleFreeError,
	FaultyAllocator,
	failAfter,
	Heap,
	InvalidPointerError,
	OffheapError,
	OutOfMemoryError,
} from "@offheap/core";
import { describe, expect, it } from "vitest";
import { downgrade, RcSpace, release, releaseWeak, strongCount, weakCount } from "../src/index.ts";
import { type ErrorClass, expectRefused, occupancy } from "./helpers.ts";

const cell = { size: 8, align: 8 };

describe("RcSpace", () => {
	it("allocates zero-filled values aligned for their type, each with one strong reference", () => {
		const heap = new Heap();
		// Dirty the heap first so that zero-filling is observable on reused memory.
		const junk = heap.malloc(60_000);
		heap.u8.fill(0xff, junk, junk + 60_000);
		heap.free(junk);
		const space = new RcSpace(heap);
		const sizes = [0, 1, 3, 24, 100, 1000];
		const aligns = [1, 2, 4, 8, 16, 64, 4096];
		let n = 0;
		for (const align of aligns) {
			for (const size of sizes) {
				const kind = space.kind({ name: `T${n++}`, type: { size, align } });
				const p = space.allocRaw(kind);
				expect(p % Math.max(8, align)).toBe(0);
				expect(heap.u8.subarray(p, p + size).every((b) => b === 0)).toBe(true);
				expect(strongCount(space, p)).toBe(1);
				expect(weakCount(space, p)).toBe(0);
				expect(space.kindOf(p)).toBe(kind);
				expect(heap.usableSize(p - kind.valueOffset)).toBeGreaterThanOrEqual(kind.blockSize);
			}
		}
		heap.check();
		expect(space.stats()).toEqual({
			kinds: n,
			liveValues: n,
			droppedValues: 0,
			created: n,
			freed: 0,
		});
	});

	it("counts live, dropped and freed values in its control block", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const Cell = space.kind({ name: "Cell", type: cell });
		const a = space.allocRaw(Cell);
		const b = space.allocRaw(Cell);
		downgrade(space, a);
		release(space, a);
		expect(space.stats()).toEqual({ kinds: 1, liveValues: 1, droppedValues: 1, created: 2, freed: 0 });
		releaseWeak(space, a);
		release(space, b);
		expect(space.stats()).toEqual({ kinds: 1, liveValues: 0, droppedValues: 0, created: 2, freed: 2 });
	});

	it("gives kinds ids from 1 and refuses a second kind of the same name", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		expect(space.kind({ name: "A", type: cell }).id).toBe(1);
		expect(space.kind({ name: "B", type: cell }).id).toBe(2);
		expectRefused(heap, space, TypeError, () => space.kind({ name: "A", type: cell }));
	});

	it("refuses bad kind definitions and registers nothing", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const bad: [ErrorClass, unknown][] = [
			[TypeError, null],
			[TypeError, { name: "", type: cell }],
			[TypeError, { name: 7, type: cell }],
			[TypeError, { name: "X", type: null }],
			[TypeError, { name: "X", type: cell, drop: "nope" }],
			[RangeError, { name: "X", type: { size: -1, align: 8 } }],
			[RangeError, { name: "X", type: { size: 1.5, align: 8 } }],
			[RangeError, { name: "X", type: { size: 8, align: 3 } }],
			[RangeError, { name: "X", type: { size: 8, align: 0 } }],
			[RangeError, { name: "X", type: { size: 8, align: 2 ** 25 } }],
		];
		for (const [kind, definition] of bad) {
			expectRefused(heap, space, kind, () => space.kind(definition as never));
		}
		expect(space.stats().kinds).toBe(0);
	});

	it("refuses a kind of another space, and anything that is not a kind", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const other = new RcSpace(heap);
		const Foreign = other.kind({ name: "Cell", type: cell });
		expect(expectRefused(heap, space, TypeError, () => space.alloc(Foreign)).message).toContain("another");
		expectRefused(heap, space, TypeError, () => space.allocRaw({ size: 8 } as never));
	});

	it("returns null from tryAlloc and 0 from allocRaw, and throws OutOfMemoryError from alloc, when exhausted", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const space = new RcSpace(heap);
		const Big = space.kind({ name: "Big", type: { size: 1 << 20, align: 8 } });
		expectRefused(heap, space, OutOfMemoryError, () => space.alloc(Big));
		expect(space.tryAlloc(Big)).toBeNull();
		expect(space.allocRaw(Big)).toBe(0);
		expect(space.stats().created).toBe(0);
		const Small = space.kind({ name: "Small", type: cell });
		const ok = space.alloc(Small);
		expect(ok.strongCount).toBe(1);
		ok.release();
	});

	it("throws OutOfMemoryError when its control block cannot be allocated", () => {
		const heap = new Heap();
		const before = occupancy(heap);
		expect(() => new RcSpace(failAfter(heap, 0))).toThrow(OutOfMemoryError);
		expect(occupancy(heap)).toEqual(before);
	});

	it("reopens from the heap's bytes: kinds get their ids back by name, values their drop hooks", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const A = space.kind({ name: "A", type: cell });
		const B = space.kind({ name: "B", type: { size: 4, align: 4 } });
		const a = space.allocRaw(A);
		const b = space.allocRaw(B);
		heap.u32[b >>> 2] = 1234;

		const copy = Heap.open(new Uint8Array(heap.u8).buffer);
		const again = RcSpace.open(copy, space.address);
		const dropped: number[] = [];
		// Registered in the other order, with a drop hook this time.
		const B2 = again.kind({
			name: "B",
			type: { size: 4, align: 4 },
			drop: (p, s) => {
				dropped.push(s.heap.u32[p >>> 2] as number);
			},
		});
		const A2 = again.kind({ name: "A", type: cell });
		expect([A2.id, B2.id]).toEqual([A.id, B.id]);
		expect(again.kind({ name: "C", type: cell }).id).toBe(3);
		expect(again.stats()).toEqual({ kinds: 3, liveValues: 2, droppedValues: 0, created: 2, freed: 0 });
		expect(again.kindOf(b)).toBe(B2);
		expect(release(again, b)).toBe(true);
		expect(dropped).toEqual([1234]);
		release(again, a);
		again.free();
		copy.check();
		expect(copy.stats().liveBlocks).toBe(0);
	});

	it("refuses to rebind a stored kind to another size or alignment", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		space.kind({ name: "A", type: cell });
		const again = RcSpace.open(heap, space.address);
		expectRefused(heap, again, TypeError, () => again.kind({ name: "A", type: { size: 16, align: 8 } }));
		expectRefused(heap, again, TypeError, () => again.kind({ name: "A", type: { size: 8, align: 16 } }));
	});

	it("refuses to open an address that is not a space", () => {
		const heap = new Heap();
		const block = heap.malloc(64);
		expectRefused(heap, undefined, InvalidPointerError, () => RcSpace.open(heap, block));
		expectRefused(heap, undefined, InvalidPointerError, () => RcSpace.open(heap, block + 8));
		heap.free(block);
		expectRefused(heap, undefined, InvalidPointerError, () => RcSpace.open(heap, block));
	});

	it("frees its own blocks only once every value is freed, and only once", () => {
		const heap = new Heap();
		const start = occupancy(heap);
		const space = new RcSpace(heap);
		const Cell = space.kind({ name: "Cell", type: cell });
		for (let i = 0; i < 20; i++) space.kind({ name: `K${i}`, type: cell });
		const p = space.allocRaw(Cell);
		downgrade(space, p);
		const inUse = expectRefused(heap, space, OffheapError, () => space.free());
		expect((inUse as OffheapError).code).toBe("ERR_RC_SPACE_IN_USE");
		expect(inUse.message).toContain("1 live");
		release(space, p);
		const dropped = expectRefused(heap, space, OffheapError, () => space.free());
		expect(dropped.message).toContain("1 dropped");
		releaseWeak(space, p);
		space.free();
		expect(occupancy(heap)).toEqual(start);
		expectRefused(heap, undefined, DoubleFreeError, () => space.free());
		expectRefused(heap, undefined, InvalidPointerError, () => space.allocRaw(Cell));
		expectRefused(heap, undefined, InvalidPointerError, () => space.kind({ name: "Late", type: cell }));
		heap.check();
	});

	it("frees itself at the end of a using scope", () => {
		const heap = new Heap();
		const start = occupancy(heap);
		{
			using space = new RcSpace(heap);
			using value = space.alloc(space.kind({ name: "Cell", type: cell }));
			expect(value.strongCount).toBe(1);
		}
		expect(occupancy(heap)).toEqual(start);
	});

	it("works over any Allocator, not only a Heap", () => {
		const heap = new Heap();
		const start = occupancy(heap);
		const allocator = new FaultyAllocator(heap, () => false);
		const space = new RcSpace(allocator);
		expect(space.heap).toBe(heap);
		const Cell = space.kind({ name: "Cell", type: cell });
		const rc = space.alloc(Cell);
		const w = rc.downgrade();
		rc.release();
		expect(w.upgrade()).toBeNull();
		w.release();
		space.free();
		expect(allocator.requests).toBe(3); // control block, kind table, one value
		expect(occupancy(heap)).toEqual(start);
	});

	it("answers kindOf with undefined for a kind not registered after reopening", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const p = space.allocRaw(space.kind({ name: "Cell", type: cell }));
		const again = RcSpace.open(heap, space.address);
		expect(again.kindOf(p)).toBeUndefined();
		expectRefused(heap, again, TypeError, () => release(again, p));
		expect(strongCount(again, p)).toBe(1);
	});
});
