import { DoubleFreeError, Heap, InvalidPointerError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { Rc, RcSpace, release, retain, strongCount } from "../src/index.ts";
import { expectRefused, hexOf, occupancy } from "./helpers.ts";

const cell = { size: 8, align: 8 };

function setup(checkBlocks = true) {
	const heap = new Heap();
	const start = occupancy(heap);
	const space = new RcSpace(heap, { checkBlocks });
	const Cell = space.kind({ name: "Cell", type: cell });
	return { heap, start, space, Cell };
}

describe("Rc", () => {
	it("holds one strong count per handle: clone adds one, release gives it back", () => {
		const { heap, space, Cell } = setup();
		const a = space.alloc(Cell);
		heap.f64[a.ptr >>> 3] = 2.5;
		const b = a.clone();
		const c = b.clone();
		expect([a.strongCount, b.strongCount, c.strongCount]).toEqual([3, 3, 3]);
		expect(heap.f64[c.ptr >>> 3]).toBe(2.5);
		expect(c.kind).toBe(Cell);
		b.release();
		expect(a.strongCount).toBe(2);
		expect(b.released).toBe(true);
		expect(a.released).toBe(false);
		c.release();
		expect(a.strongCount).toBe(1);
		expect(a.weakCount).toBe(0);
		a.release();
		expect(space.stats()).toMatchObject({ liveValues: 0, freed: 1 });
	});

	it("refuses every use of a released handle, and a second release with DoubleFreeError", () => {
		const { heap, space, Cell } = setup();
		const a = space.alloc(Cell);
		const b = a.clone();
		b.release();
		const error = expectRefused(heap, space, DoubleFreeError, () => b.release());
		expect(error.message).toContain(`Rc.release(${hexOf(a.ptr)})`);
		expect(error.message).toContain("already released");
		expectRefused(heap, space, InvalidPointerError, () => b.ptr);
		expectRefused(heap, space, InvalidPointerError, () => b.clone());
		expectRefused(heap, space, InvalidPointerError, () => b.downgrade());
		expectRefused(heap, space, InvalidPointerError, () => b.strongCount);
		expectRefused(heap, space, InvalidPointerError, () => b.weakCount);
		expectRefused(heap, space, InvalidPointerError, () => b.intoRaw());
		expect(a.strongCount).toBe(1);
		a.release();
		expectRefused(heap, space, DoubleFreeError, () => a.release());
		expectRefused(heap, space, InvalidPointerError, () => a.ptr);
	});

	it("releases at the end of a using scope, also when the scope throws", () => {
		const { heap, start, space, Cell } = setup();
		const outer = space.alloc(Cell);
		expect(() => {
			using inner = outer.clone();
			expect(outer.strongCount).toBe(2);
			expect(inner.released).toBe(false);
			throw new Error("scope failed");
		}).toThrow("scope failed");
		expect(outer.strongCount).toBe(1);
		{
			using done = outer.clone();
			done.release(); // an explicit release makes the disposal a no-op
		}
		expect(outer.strongCount).toBe(1);
		outer.release();
		space.free();
		expect(occupancy(heap)).toEqual(start);
	});

	it("hands its count to a raw address with intoRaw, and Rc.open adopts it back", () => {
		const { heap, space, Cell } = setup();
		const a = space.alloc(Cell);
		const p = a.intoRaw();
		expect(a.released).toBe(true);
		expect(strongCount(space, p)).toBe(1);
		const b = Rc.open(space, p, Cell);
		expect(b.strongCount).toBe(1);
		expect(b.ptrEq(a)).toBe(true);
		const untyped = Rc.open(space, b.clone().intoRaw());
		expect(untyped.kind).toBe(Cell);
		untyped.release();
		b.release();
		expect(heap.stats().liveBlocks).toBe(2); // control block, kind table
	});

	it("refuses to open a dropped value, a value of an unregistered kind, or a value of another kind", () => {
		const { heap, space, Cell } = setup();
		const Other = space.kind({ name: "Other", type: cell });
		const p = space.allocRaw(Cell);
		expectRefused(heap, space, TypeError, () => Rc.open(space, p, Other));
		const again = RcSpace.open(heap, space.address);
		expectRefused(heap, again, TypeError, () => Rc.open(again, p));
		const w = Rc.open(space, p).downgrade();
		release(space, p);
		expectRefused(heap, space, InvalidPointerError, () => Rc.open(space, p));
		expectRefused(heap, space, InvalidPointerError, () => Rc.open(space, 12345));
		w.release();
	});

	describe.each([true, false])("stale handles, checkBlocks %s", (checkBlocks) => {
		it("catches a handle whose value was freed by a raw release too many", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const keep = space.alloc(Cell);
			const a = space.alloc(Cell);
			release(space, a.ptr); // steals a's count
			expectRefused(heap, space, InvalidPointerError, () => a.ptr);
			expectRefused(heap, space, InvalidPointerError, () => a.clone());
			expectRefused(heap, space, DoubleFreeError, () => a.release());
			keep.release();
		});

		it("catches a handle whose memory now holds a new value at the same address", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const a = space.alloc(Cell);
			const p = a.ptr;
			release(space, p);
			const b = space.alloc(Cell);
			expect(b.ptr).toBe(p); // the allocator reuses the block
			expect(a.ptrEq(b)).toBe(false);
			expectRefused(heap, space, InvalidPointerError, () => a.ptr);
			expectRefused(heap, space, InvalidPointerError, () => a.strongCount);
			const error = expectRefused(heap, space, DoubleFreeError, () => a.release());
			expect(error.message).toContain("stale");
			expect(b.strongCount).toBe(1);
			b.release();
		});

		it("catches a handle whose memory now holds plain data", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const a = space.alloc(Cell);
			release(space, a.ptr);
			const plain = heap.malloc(32);
			heap.u8.fill(0xa7, plain, plain + 32);
			expectRefused(heap, space, InvalidPointerError, () => a.ptr);
			expectRefused(heap, space, DoubleFreeError, () => a.release());
		});

		it("catches a handle whose value was dropped while weak references keep the block", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const a = space.alloc(Cell);
			const w = a.downgrade();
			release(space, a.ptr);
			const error = expectRefused(heap, space, InvalidPointerError, () => a.clone());
			expect(error.message).toContain("strong 0, weak 1");
			expectRefused(heap, space, DoubleFreeError, () => a.release());
			w.release();
		});
	});

	it("with checkBlocks, catches a stale handle even if the reused memory repeats its header", () => {
		const { heap, space, Cell } = setup(true);
		const left = heap.malloc(64);
		const a = space.alloc(Cell);
		const right = space.alloc(Cell); // keeps the merged block off the top of the heap
		const p = a.ptr;
		const header = heap.u32.slice((p - 32) >>> 2, p >>> 2);
		heap.free(left);
		release(space, p); // steals a's count: the block is freed and merges with its left neighbour
		const big = heap.malloc(112);
		expect(big).toBeLessThan(p - 32);
		expect(big + heap.usableSize(big)).toBeGreaterThanOrEqual(p);
		heap.u32.set(header, (p - 32) >>> 2); // plain data that happens to repeat the old header, serial included
		const error = expectRefused(heap, space, InvalidPointerError, () => a.clone());
		expect(error.message).toContain("not live");
		expectRefused(heap, space, DoubleFreeError, () => a.release());
		right.release();
	});

	it("compares values, not only addresses, with ptrEq", () => {
		const { space, Cell } = setup();
		const a = space.alloc(Cell);
		const w = a.downgrade();
		const other = space.alloc(Cell);
		expect(a.ptrEq(w)).toBe(true);
		expect(a.ptrEq(other)).toBe(false);
		expect(a.ptrEq(a.clone())).toBe(true);
		const foreign = new RcSpace(space.heap);
		const f = foreign.alloc(foreign.kind({ name: "Cell", type: cell }));
		expect(a.ptrEq(f)).toBe(false);
	});

	it("keeps a raw retain and a handle release consistent", () => {
		const { space, Cell } = setup();
		const a = space.alloc(Cell);
		retain(space, a.ptr);
		const p = a.ptr;
		a.release();
		expect(strongCount(space, p)).toBe(1);
		expect(release(space, p)).toBe(true);
	});
});
