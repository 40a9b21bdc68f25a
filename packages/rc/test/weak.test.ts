import { DoubleFreeError, Heap, HeapCorruptionError, InvalidPointerError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { type Rc, RcSpace, release, releaseWeak, retainWeak, Weak, weakCount } from "../src/index.ts";
import { expectRefused, expectThrown, goneMessage, hexOf, occupancy, serialOf } from "./helpers.ts";

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
		const p = a.ptr;
		const released = "this Weak handle was already released (or turned into a raw pointer)";
		expectRefused(heap, space, DoubleFreeError, `Weak.release(${hexOf(p)}): double free: ${released}`, () =>
			w.release(),
		);
		const uses: [string, () => unknown][] = [
			["upgrade", () => w.upgrade()],
			["clone", () => w.clone()],
			["ptr", () => w.ptr],
			["strongCount", () => w.strongCount],
			["weakCount", () => w.weakCount],
			["intoRaw", () => w.intoRaw()],
		];
		for (const [name, use] of uses) {
			expectRefused(
				heap,
				space,
				InvalidPointerError,
				`Weak.${name}(${hexOf(p)}): invalid pointer: ${released}`,
				use,
			);
		}
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
		expectRefused(
			heap,
			space,
			InvalidPointerError,
			`Weak.open(${hexOf(p)}): invalid pointer: the value was dropped and its block freed (a reference was released too often)`,
			() => Weak.open(space, p),
		);
		const other = space.kind({ name: "Other", type: cell });
		const q = space.allocRaw(Cell);
		expectRefused(
			heap,
			space,
			TypeError,
			`Weak.open(${hexOf(q)}): the value is of kind "Cell", not "Other"`,
			() => Weak.open(space, q, other),
		);
		release(space, q);
	});

	describe.each([true, false])("stale weak handles, checkBlocks %s", (checkBlocks) => {
		it("catches a weak handle whose block was freed by a raw releaseWeak too many", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const a = space.alloc(Cell);
			const w = a.downgrade();
			const p = w.ptr;
			const serial = serialOf(heap, p);
			a.release();
			releaseWeak(space, p); // steals w's count: the block is freed
			expectRefused(
				heap,
				space,
				InvalidPointerError,
				goneMessage("Weak.upgrade", p, serial, checkBlocks, true),
				() => w.upgrade(),
			);
			expectRefused(
				heap,
				space,
				DoubleFreeError,
				goneMessage("Weak.release", p, serial, checkBlocks, true),
				() => w.release(),
			);
			const b = space.alloc(Cell); // the same block, a new value
			expect(b.ptr).toBe(p);
			expectRefused(
				heap,
				space,
				InvalidPointerError,
				goneMessage("Weak.upgrade", p, serial, checkBlocks, false),
				() => w.upgrade(),
			);
			expect(b.strongCount).toBe(1);
			expect(w.released).toBe(false);
			b.release();
		});
	});

	it("refuses to open a value of another space, or with arguments of the wrong type", () => {
		const { heap, space, Cell } = setup();
		const other = new RcSpace(heap);
		const q = other.allocRaw(other.kind({ name: "Cell", type: cell }));
		expectRefused(
			heap,
			space,
			InvalidPointerError,
			`Weak.open(${hexOf(q)}): invalid pointer: the value belongs to another RcSpace (at ${hexOf(other.address)}), ` +
				`not to this one (at ${hexOf(space.address)})`,
			() => Weak.open(space, q),
		);
		const p = space.allocRaw(Cell);
		expectRefused(
			heap,
			space,
			TypeError,
			"Weak.open: ptr must be a number (the address of a value), got symbol Symbol(p)",
			() => Weak.open(space, Symbol("p") as unknown as number),
		);
		expectRefused(heap, space, TypeError, "Weak.open: space must be an RcSpace, got bigint 7n", () =>
			Weak.open(7n as unknown as RcSpace, p),
		);
		expectRefused(
			heap,
			space,
			TypeError,
			'Weak.open: kind must be an RcKind or undefined, got string "Cell"',
			() => Weak.open(space, p, "Cell" as never),
		);
		const w = space.alloc(Cell).downgrade();
		for (const [bad, described] of [
			[null, "null"],
			[w.ptr, String(w.ptr)],
			[Symbol("w"), "symbol Symbol(w)"],
		] as const) {
			expectRefused(
				heap,
				space,
				TypeError,
				`Weak.ptrEq: other must be an Rc or a Weak, got ${described}`,
				() => w.ptrEq(bad as unknown as Rc),
			);
		}
	});

	it("refuses a clone or an upgrade that would pass 2^32 - 1 counts, changing nothing", () => {
		const { heap, space, Cell } = setup();
		const a = space.alloc(Cell);
		const w = a.downgrade();
		const h = (a.ptr - 32) >>> 2;
		heap.u32[h + 4] = 0xffffffff;
		expectRefused(
			heap,
			space,
			RangeError,
			`Weak.upgrade(${hexOf(a.ptr)}): the strong count would pass 2^32 - 1`,
			() => w.upgrade(),
		);
		heap.u32[h + 4] = 1;
		heap.u32[h + 5] = 0xffffffff;
		expectRefused(
			heap,
			space,
			RangeError,
			`Weak.clone(${hexOf(a.ptr)}): the weak count would pass 2^32 - 1`,
			() => w.clone(),
		);
		heap.u32[h + 5] = 2;
		a.release();
		w.release();
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0, freed: 1 });
	});

	it("refuses a last release whose unlink would write through a corrupted list, and keeps its reference", () => {
		const { heap, space, Cell } = setup();
		const rc = space.alloc(Cell);
		const a = rc.ptr;
		const w = rc.downgrade();
		const b = space.alloc(Cell); // the list: b, a
		rc.release(); // dropped: w keeps the block
		heap.u32[((b.ptr - 32) >>> 2) + 1] = 0; // a stray write over b's link to a
		const bytes = heap.u8.slice();
		const stats = [heap.stats(), space.stats()];
		expectThrown(
			HeapCorruptionError,
			`heap corrupted at block ${hexOf(a - 32)}: RcSpace ${hexOf(space.address)}: the list of values is ` +
				`broken at value ${hexOf(a)}: its previous value ${hexOf(b.ptr)} does not link back to it`,
			() => w.release(),
		);
		expect(heap.u8.every((byte, i) => byte === bytes[i])).toBe(true);
		expect([heap.stats(), space.stats()]).toEqual(stats);
		expect(w.released).toBe(false);
		heap.u32[((b.ptr - 32) >>> 2) + 1] = a; // repaired: the same release now works
		w.release();
		b.release();
		space.check();
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0, freed: 2 });
		heap.check();
	});
});
