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
import { expectRefused, hexOf, literal, occupancy } from "./helpers.ts";

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
			expectRefused(
				heap,
				space,
				DoubleFreeError,
				`release(${hexOf(p)}): double free: the value was already dropped (strong 0, weak 1): no strong reference is left to use`,
				() => release(space, p),
			);
		});

		it("refuses to release a value whose block was freed, with DoubleFreeError", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const keep = space.allocRaw(Cell);
			const p = space.allocRaw(Cell);
			release(space, p);
			for (const use of [release, releaseWeak]) {
				expectRefused(
					heap,
					space,
					DoubleFreeError,
					`${use.name}(${hexOf(p)}): double free: the value was dropped and its block freed (a reference was released too often)`,
					() => use(space, p),
				);
			}
			release(space, keep);
		});

		it("refuses every other use of a freed value with InvalidPointerError", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const p = space.allocRaw(Cell);
			release(space, p);
			for (const use of [retain, upgrade, downgrade, retainWeak, strongCount, weakCount]) {
				expectRefused(
					heap,
					space,
					InvalidPointerError,
					`${use.name}(${hexOf(p)}): invalid pointer: the value was dropped and its block freed (a reference was released too often)`,
					() => use(space, p),
				);
			}
		});

		it("refuses to retain or downgrade a dropped value with InvalidPointerError", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const p = space.allocRaw(Cell);
			downgrade(space, p);
			release(space, p);
			for (const use of [retain, downgrade]) {
				expectRefused(
					heap,
					space,
					InvalidPointerError,
					`${use.name}(${hexOf(p)}): invalid pointer: the value was already dropped (strong 0, weak 1): no strong reference is left to use`,
					() => use(space, p),
				);
			}
			releaseWeak(space, p);
		});

		it("refuses addresses that are not values, naming each and why, changing nothing", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const p = space.allocRaw(Cell);
			const plain = heap.malloc(64);
			const end = hexOf(heap.u8.length);
			const bad: [number, string | RegExp][] = [
				[0, "0x0000): invalid pointer: NULL"],
				[-16, "-16): invalid pointer: negative"],
				[3, "0x0003): invalid pointer: too low to have an Rc header"],
				[24, "0x0018): invalid pointer: too low to have an Rc header"],
				[8.5, "8.5): invalid pointer: not an integer"],
				[Number.NaN, "NaN): invalid pointer: not an integer"],
				[p + 4, `${hexOf(p + 4)}): invalid pointer: not 8-aligned, so not the address of an Rc value`],
				[
					p + 8,
					`${hexOf(p + 8)}): invalid pointer: no Rc header before it (meta word 0x0000): not a value of an RcSpace, or its block was reused`,
				],
				[
					plain,
					new RegExp(
						`${hexOf(plain)}\\): invalid pointer: no Rc header before it \\(meta word 0x[0-9a-f]{4,}\\): not a value of an RcSpace, or its block was reused$`,
					),
				],
				[2 ** 31, `0x80000000): invalid pointer: past the end of the heap at ${end}`],
				[2 ** 40, `0x10000000000): invalid pointer: past the end of the heap at ${end}`],
			];
			for (const [ptr, detail] of bad) {
				for (const use of [retain, release, upgrade, downgrade, retainWeak, releaseWeak, strongCount]) {
					if (ptr === 0 && (use === release || use === releaseWeak)) continue; // NULL is a no-op there
					const message =
						typeof detail === "string"
							? `${use.name}(${detail}`
							: new RegExp(`^${use.name}\\(${detail.source}`);
					expectRefused(heap, space, InvalidPointerError, message, () => use(space, ptr));
				}
			}
		});

		it("refuses releaseWeak when no weak reference is left, with DoubleFreeError", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const p = space.allocRaw(Cell);
			const none = `releaseWeak(${hexOf(p)}): double free: no weak reference is left to release`;
			expectRefused(heap, space, DoubleFreeError, `${none} (strong 1, weak 0)`, () => releaseWeak(space, p));
			downgrade(space, p);
			releaseWeak(space, p);
			expectRefused(heap, space, DoubleFreeError, `${none} (strong 1, weak 0)`, () => releaseWeak(space, p));
		});

		it("refuses a count that would pass 2^32 - 1 with RangeError", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const p = space.allocRaw(Cell);
			const h = (p - 16) >>> 2;
			const pass = (use: { name: string }, which: string) =>
				`${use.name}(${hexOf(p)}): the ${which} count would pass 2^32 - 1`;
			heap.u32[h] = 0xffffffff;
			expectRefused(heap, space, RangeError, pass(retain, "strong"), () => retain(space, p));
			downgrade(space, p);
			expectRefused(heap, space, RangeError, pass(upgrade, "strong"), () => upgrade(space, p));
			heap.u32[h + 1] = 0xffffffff;
			expectRefused(heap, space, RangeError, pass(downgrade, "weak"), () => downgrade(space, p));
			expectRefused(heap, space, RangeError, pass(retainWeak, "weak"), () => retainWeak(space, p));
		});

		it("refuses arguments of the wrong type with a TypeError naming them, not an engine error", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const p = space.allocRaw(Cell);
			const uses = [retain, release, upgrade, downgrade, retainWeak, releaseWeak, strongCount, weakCount];
			const notNumbers: [unknown, string][] = [
				[BigInt(p), `bigint ${p}n`],
				[Symbol("ptr"), "symbol Symbol(ptr)"],
				[String(p), `string "${p}"`],
				[undefined, "undefined"],
				[{ valueOf: () => p }, "object [object Object]"],
			];
			for (const use of uses) {
				for (const [ptr, described] of notNumbers) {
					expectRefused(
						heap,
						space,
						TypeError,
						`${use.name}: ptr must be a number (the address of a value), got ${described}`,
						() => use(space, ptr as number),
					);
				}
				const notSpaces: [unknown, string][] = [
					[undefined, "undefined"],
					[heap, "object [object Object]"],
					[1n, "bigint 1n"],
					[Symbol.iterator, "symbol Symbol(Symbol.iterator)"],
				];
				for (const [notSpace, described] of notSpaces) {
					expectRefused(
						heap,
						space,
						TypeError,
						`${use.name}: space must be an RcSpace, got ${described}`,
						() => use(notSpace as RcSpace, p),
					);
				}
			}
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
		const dead = `(${hexOf(p)}): %s: its block ${hexOf(p - 32)} is not live (the value was freed): `;
		expectRefused(
			heap,
			space,
			InvalidPointerError,
			new RegExp(`^retain${literal(dead.replace("%s", "invalid pointer"))}`),
			() => retain(space, p),
		);
		expectRefused(
			heap,
			space,
			DoubleFreeError,
			new RegExp(`^release${literal(dead.replace("%s", "double free"))}`),
			() => release(space, p),
		);
		heap.u32.fill(0, (p - 32) >>> 2, p >>> 2);
		heap.free(big);
		release(space, right);
	});
});

describe("values of another space", () => {
	const uses = [retain, release, upgrade, downgrade, retainWeak, releaseWeak, strongCount, weakCount];

	it("refuses a value of another space on the same heap in every raw function, changing nothing", () => {
		const heap = new Heap();
		const mine = new RcSpace(heap);
		const theirs = new RcSpace(heap);
		mine.kind({ name: "Cell", type: cell });
		let drops = 0;
		const Theirs = theirs.kind({
			name: "Cell",
			type: cell,
			drop: () => {
				drops++;
			},
		});
		const p = theirs.allocRaw(Theirs);
		downgrade(theirs, p);
		for (const use of uses) {
			expectRefused(
				heap,
				mine,
				InvalidPointerError,
				`${use.name}(${hexOf(p)}): invalid pointer: the value belongs to another RcSpace ` +
					`(at ${hexOf(theirs.address)}), not to this one (at ${hexOf(mine.address)})`,
				() => use(mine, p),
			);
		}
		// Nothing reached the value or either space's counters: no drop, no underflow, both free cleanly.
		expect(drops).toBe(0);
		expect(mine.stats()).toEqual({ kinds: 1, liveValues: 0, droppedValues: 0, created: 0, freed: 0 });
		expect(theirs.stats()).toEqual({ kinds: 1, liveValues: 1, droppedValues: 0, created: 1, freed: 0 });
		expect([strongCount(theirs, p), weakCount(theirs, p)]).toEqual([1, 1]);
		expect(release(theirs, p)).toBe(true);
		expect(drops).toBe(1);
		expect(releaseWeak(theirs, p)).toBe(true);
		mine.free();
		theirs.free();
		heap.check();
	});

	it("refuses a value of a space on another heap whose address holds a value of this space's heap", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const Cell = space.kind({ name: "Cell", type: cell });
		const p = space.allocRaw(Cell);
		// The same bytes in a second heap, where a new space takes another control block.
		const copy = Heap.open(new Uint8Array(heap.u8).buffer);
		const other = new RcSpace(copy);
		expectRefused(
			copy,
			other,
			InvalidPointerError,
			`retain(${hexOf(p)}): invalid pointer: the value belongs to another RcSpace ` +
				`(at ${hexOf(space.address)}), not to this one (at ${hexOf(other.address)})`,
			() => retain(other, p),
		);
		release(space, p);
	});

	it("refuses data that looks like a value but names no space", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const Cell = space.kind({ name: "Cell", type: cell });
		const model = space.allocRaw(Cell);
		const plain = heap.malloc(64);
		// A copy of a real header, with the space word pointing at plain data.
		heap.u32.set(heap.u32.subarray((model - 32) >>> 2, model >>> 2), plain >>> 2);
		heap.u32[(plain >>> 2) + 2] = plain + 32;
		for (const use of uses) {
			expectRefused(
				heap,
				space,
				InvalidPointerError,
				`${use.name}(${hexOf(plain + 32)}): invalid pointer: the value belongs to no RcSpace ` +
					`(its header names ${hexOf(plain + 32)}, where there is none), not to this one (at ${hexOf(space.address)})`,
				() => use(space, plain + 32),
			);
		}
		release(space, model);
	});
});
