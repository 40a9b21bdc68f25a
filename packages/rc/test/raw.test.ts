import { DoubleFreeError, Heap, InvalidPointerError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import {
	downgrade,
	RcSpace,
	release,
	releaseWeak,
	retain,
	retainWeak,
	strongCount,
	upgrade,
	weakCount,
} from "../src/index.ts";
import { expectRefused, hexOf, occupancy } from "./helpers.ts";

const cell = { size: 8, align: 8 };

function setup(checkBlocks = true) {
	const heap = new Heap();
	const start = occupancy(heap);
	const space = new RcSpace(heap, { checkBlocks });
	const Cell = space.kind({ name: "Cell", type: cell });
	return { heap, start, space, Cell };
}

describe("raw counting", () => {
	it("retains and releases; the last release drops the value and frees its block", () => {
		const { heap, space, Cell } = setup();
		const p = space.allocRaw(Cell);
		const blocks = heap.stats().liveBlocks;
		retain(space, p);
		retain(space, p);
		expect(strongCount(space, p)).toBe(3);
		expect(release(space, p)).toBe(false);
		expect(release(space, p)).toBe(false);
		expect(strongCount(space, p)).toBe(1);
		expect(release(space, p)).toBe(true);
		expect(heap.stats().liveBlocks).toBe(blocks - 1);
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0, freed: 1 });
		heap.check();
	});

	it("keeps the block for weak references after the drop and frees it with the last one", () => {
		const { heap, start, space, Cell } = setup();
		const p = space.allocRaw(Cell);
		downgrade(space, p);
		downgrade(space, p);
		expect(weakCount(space, p)).toBe(2);
		expect(release(space, p)).toBe(true);
		expect(strongCount(space, p)).toBe(0);
		expect(weakCount(space, p)).toBe(2);
		expect(space.stats().droppedValues).toBe(1);
		expect(releaseWeak(space, p)).toBe(false);
		expect(releaseWeak(space, p)).toBe(true);
		space.free();
		expect(occupancy(heap)).toEqual(start);
	});

	it("upgrades while the value lives and not after the drop", () => {
		const { space, Cell } = setup();
		const p = space.allocRaw(Cell);
		downgrade(space, p);
		expect(upgrade(space, p)).toBe(true);
		expect(strongCount(space, p)).toBe(2);
		release(space, p);
		release(space, p);
		expect(upgrade(space, p)).toBe(false);
		expect(strongCount(space, p)).toBe(0);
		releaseWeak(space, p);
	});

	it("adds weak references after the drop with retainWeak", () => {
		const { space, Cell } = setup();
		const p = space.allocRaw(Cell);
		downgrade(space, p);
		release(space, p);
		retainWeak(space, p);
		expect(weakCount(space, p)).toBe(2);
		releaseWeak(space, p);
		expect(releaseWeak(space, p)).toBe(true);
	});

	it("does nothing to release or releaseWeak NULL", () => {
		const { heap, space } = setup();
		const bytes = heap.u8.slice();
		const stats = space.stats();
		expect(release(space, 0)).toBe(false);
		expect(releaseWeak(space, 0)).toBe(false);
		expect(heap.u8.every((b, i) => b === bytes[i])).toBe(true);
		expect(space.stats()).toEqual(stats);
	});

	describe.each([true, false])("misuse, checkBlocks %s", (checkBlocks) => {
		it("refuses to release past zero with DoubleFreeError naming the pointer and the counts", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const p = space.allocRaw(Cell);
			downgrade(space, p);
			release(space, p);
			const error = expectRefused(heap, space, DoubleFreeError, () => release(space, p));
			expect(error.message).toContain(`release(${hexOf(p)})`);
			expect(error.message).toContain("strong 0, weak 1");
		});

		it("refuses to release a value whose block was freed, with DoubleFreeError", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const keep = space.allocRaw(Cell);
			const p = space.allocRaw(Cell);
			release(space, p);
			expectRefused(heap, space, DoubleFreeError, () => release(space, p));
			expectRefused(heap, space, DoubleFreeError, () => releaseWeak(space, p));
			release(space, keep);
		});

		it("refuses every other use of a freed value with InvalidPointerError", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const p = space.allocRaw(Cell);
			release(space, p);
			for (const use of [retain, upgrade, downgrade, retainWeak, strongCount, weakCount]) {
				expectRefused(heap, space, InvalidPointerError, () => use(space, p));
			}
		});

		it("refuses to retain or downgrade a dropped value with InvalidPointerError", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const p = space.allocRaw(Cell);
			downgrade(space, p);
			release(space, p);
			const error = expectRefused(heap, space, InvalidPointerError, () => retain(space, p));
			expect(error.message).toContain("dropped");
			expectRefused(heap, space, InvalidPointerError, () => downgrade(space, p));
			releaseWeak(space, p);
		});

		it("refuses addresses that are not values, changing nothing", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const p = space.allocRaw(Cell);
			const plain = heap.malloc(64);
			const bad: unknown[] = [0, -16, 3, 24, 8.5, Number.NaN, p + 8, plain, plain + 16, 2 ** 31, 2 ** 40];
			for (const ptr of bad) {
				for (const use of [retain, release, upgrade, downgrade, retainWeak, releaseWeak, strongCount]) {
					if (ptr === 0 && (use === release || use === releaseWeak)) continue; // NULL is a no-op there
					expectRefused(heap, space, InvalidPointerError, () => use(space, ptr as number));
				}
			}
		});

		it("refuses releaseWeak when no weak reference is left, with DoubleFreeError", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const p = space.allocRaw(Cell);
			const error = expectRefused(heap, space, DoubleFreeError, () => releaseWeak(space, p));
			expect(error.message).toContain("weak 0");
			downgrade(space, p);
			releaseWeak(space, p);
			expectRefused(heap, space, DoubleFreeError, () => releaseWeak(space, p));
		});

		it("refuses a count that would pass 2^32 - 1 with RangeError", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const p = space.allocRaw(Cell);
			const h = (p - 16) >>> 2;
			heap.u32[h] = 0xffffffff;
			expectRefused(heap, space, RangeError, () => retain(space, p));
			downgrade(space, p);
			expectRefused(heap, space, RangeError, () => upgrade(space, p));
			heap.u32[h + 1] = 0xffffffff;
			expectRefused(heap, space, RangeError, () => downgrade(space, p));
			expectRefused(heap, space, RangeError, () => retainWeak(space, p));
		});
	});

	it("with checkBlocks, catches a freed address whose memory now lies inside a larger block", () => {
		const { heap, space, Cell } = setup(true);
		const left = heap.malloc(64);
		const p = space.allocRaw(Cell);
		const header = heap.u32.slice((p - 32) >>> 2, p >>> 2);
		const right = space.allocRaw(Cell); // keeps the merged block off the top of the heap
		heap.free(left);
		release(space, p);
		const big = heap.malloc(112); // takes the merged free block: p - 32 is now inside it
		expect(big).toBeLessThan(p - 32);
		expect(big + heap.usableSize(big)).toBeGreaterThanOrEqual(p);
		// User data that happens to look like the header of a live value of this space.
		heap.u32.set(header, (p - 32) >>> 2);
		heap.u32[(p - 16) >>> 2] = 5;
		const error = expectRefused(heap, space, InvalidPointerError, () => retain(space, p));
		expect(error.message).toContain("not live");
		expectRefused(heap, space, DoubleFreeError, () => release(space, p));
		release(space, right);
	});
});

describe("values of another space", () => {
	it("refuses a value of another space on the same heap in every raw function, changing nothing", () => {
		const heap = new Heap();
		const mine = new RcSpace(heap);
		const theirs = new RcSpace(heap);
		mine.kind({ name: "Cell", type: cell });
		const Theirs = theirs.kind({ name: "Cell", type: cell, drop: () => {} });
		const p = theirs.allocRaw(Theirs);
		downgrade(theirs, p);
		for (const use of [
			retain,
			release,
			upgrade,
			downgrade,
			retainWeak,
			releaseWeak,
			strongCount,
			weakCount,
		]) {
			const error = expectRefused(heap, mine, InvalidPointerError, () => use(mine, p));
			expect(error.message).toMatch(
				new RegExp(
					`\\(${hexOf(p)}\\): invalid pointer: the value belongs to another RcSpace \\(at ${hexOf(theirs.address)}\\), not to this one \\(at ${hexOf(mine.address)}\\)`,
				),
			);
		}
		expect(mine.stats()).toEqual({ kinds: 1, liveValues: 0, droppedValues: 0, created: 0, freed: 0 });
		expect(theirs.stats()).toMatchObject({ liveValues: 1 });
		release(theirs, p);
		releaseWeak(theirs, p);
		mine.free();
		theirs.free();
		heap.check();
	});
});
