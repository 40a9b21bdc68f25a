import { DoubleFreeError, Heap, InvalidPointerError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { RcSpace, release, releaseWeak, retainWeak, Weak, weakCount } from "../src/index.ts";
import { expectRefused, occupancy } from "./helpers.ts";

const cell = { size: 8, align: 8 };

function setup(checkBlocks = true) {
	const heap = new Heap();
	const start = occupancy(heap);
	const space = new RcSpace(heap, { checkBlocks });
	const Cell = space.kind({ name: "Cell", type: cell });
	return { heap, start, space, Cell };
}

describe("Weak", () => {
	it("upgrades to a new strong handle while the value lives and to null after the drop", () => {
		const { space, Cell } = setup();
		const a = space.alloc(Cell);
		const w = a.downgrade();
		expect([w.strongCount, w.weakCount]).toEqual([1, 1]);
		const b = w.upgrade();
		expect(b).not.toBeNull();
		expect(b?.ptrEq(a)).toBe(true);
		expect(a.strongCount).toBe(2);
		b?.release();
		a.release();
		expect(w.upgrade()).toBeNull();
		expect([w.strongCount, w.weakCount]).toEqual([0, 1]);
		w.release();
	});

	it("frees the block with the last weak reference after the drop; the heap returns to its start", () => {
		const { heap, start, space, Cell } = setup();
		const a = space.alloc(Cell);
		const w1 = a.downgrade();
		const w2 = w1.clone();
		a.release();
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 1, freed: 0 });
		w1.release();
		expect(space.stats()).toMatchObject({ droppedValues: 1, freed: 0 });
		w2.release();
		expect(space.stats()).toMatchObject({ droppedValues: 0, freed: 1 });
		space.free();
		expect(occupancy(heap)).toEqual(start);
		heap.check();
	});

	it("clones after the drop, and releases at the end of a using scope", () => {
		const { space, Cell } = setup();
		const a = space.alloc(Cell);
		const w = a.downgrade();
		a.release();
		{
			using c = w.clone();
			expect(c.weakCount).toBe(2);
			expect(c.upgrade()).toBeNull();
		}
		expect(w.weakCount).toBe(1);
		expect(w.ptr).toBeGreaterThan(0);
		w.release();
		expect(space.stats().freed).toBe(1);
	});

	it("refuses use after release, and a second release with DoubleFreeError", () => {
		const { heap, space, Cell } = setup();
		const a = space.alloc(Cell);
		const w = a.downgrade();
		const v = w.clone();
		w.release();
		expect(w.released).toBe(true);
		expectRefused(heap, space, DoubleFreeError, () => w.release());
		expectRefused(heap, space, InvalidPointerError, () => w.upgrade());
		expectRefused(heap, space, InvalidPointerError, () => w.clone());
		expectRefused(heap, space, InvalidPointerError, () => w.ptr);
		expectRefused(heap, space, InvalidPointerError, () => w.weakCount);
		expect(v.weakCount).toBe(1);
		v.release();
		a.release();
	});

	it("hands its count to a raw address with intoRaw, and Weak.open adopts it back", () => {
		const { heap, space, Cell } = setup();
		const a = space.alloc(Cell);
		const p = a.downgrade().intoRaw();
		retainWeak(space, p);
		expect(weakCount(space, p)).toBe(2);
		const w = Weak.open(space, p, Cell);
		expect(w.ptrEq(a)).toBe(true);
		a.release();
		w.release();
		expect(releaseWeak(space, p)).toBe(true);
		expectRefused(heap, space, InvalidPointerError, () => Weak.open(space, p));
		const other = space.kind({ name: "Other", type: cell });
		const q = space.allocRaw(Cell);
		expectRefused(heap, space, TypeError, () => Weak.open(space, q, other));
		release(space, q);
	});

	describe.each([true, false])("stale weak handles, checkBlocks %s", (checkBlocks) => {
		it("catches a weak handle whose block was freed by a raw releaseWeak too many", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const a = space.alloc(Cell);
			const w = a.downgrade();
			a.release();
			releaseWeak(space, w.ptr); // steals w's count: the block is freed
			expectRefused(heap, space, InvalidPointerError, () => w.upgrade());
			expectRefused(heap, space, DoubleFreeError, () => w.release());
			const b = space.alloc(Cell); // the same block, a new value
			expectRefused(heap, space, InvalidPointerError, () => w.upgrade());
			expect(b.strongCount).toBe(1);
			b.release();
		});
	});
});
