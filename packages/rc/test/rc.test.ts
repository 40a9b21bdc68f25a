import { DoubleFreeError, Heap, HeapCorruptionError, InvalidPointerError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { Rc, RcSpace, release, retain, strongCount } from "../src/index.ts";
import { expectRefused, expectThrown, goneMessage, hexOf, occupancy, serialOf } from "./helpers.ts";

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
		const p = a.ptr;
		const released = "this Rc handle was already released (or turned into a raw pointer)";
		expectRefused(heap, space, DoubleFreeError, `Rc.release(${hexOf(p)}): double free: ${released}`, () =>
			b.release(),
		);
		const uses: [string, () => unknown][] = [
			["ptr", () => b.ptr],
			["clone", () => b.clone()],
			["downgrade", () => b.downgrade()],
			["strongCount", () => b.strongCount],
			["weakCount", () => b.weakCount],
			["intoRaw", () => b.intoRaw()],
		];
		for (const [name, use] of uses) {
			expectRefused(
				heap,
				space,
				InvalidPointerError,
				`Rc.${name}(${hexOf(p)}): invalid pointer: ${released}`,
				use,
			);
		}
		expect(a.strongCount).toBe(1);
		a.release();
		expectRefused(heap, space, DoubleFreeError, `Rc.release(${hexOf(p)}): double free: ${released}`, () =>
			a.release(),
		);
		expectRefused(
			heap,
			space,
			InvalidPointerError,
			`Rc.ptr(${hexOf(p)}): invalid pointer: ${released}`,
			() => a.ptr,
		);
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
		expectRefused(
			heap,
			space,
			TypeError,
			`Rc.open(${hexOf(p)}): the value is of kind "Cell", not "Other"`,
			() => Rc.open(space, p, Other),
		);
		const again = RcSpace.open(heap, space.address);
		expectRefused(
			heap,
			again,
			TypeError,
			`Rc.open(${hexOf(p)}): the value's kind (id 1) is not registered in this space: call space.kind() ` +
				"with its definition first (after RcSpace.open, register every kind again)",
			() => Rc.open(again, p),
		);
		const w = Rc.open(space, p).downgrade();
		release(space, p);
		expectRefused(
			heap,
			space,
			InvalidPointerError,
			`Rc.open(${hexOf(p)}): invalid pointer: the value was already dropped (strong 0, weak 1): no strong reference is left to use`,
			() => Rc.open(space, p),
		);
		expectRefused(
			heap,
			space,
			InvalidPointerError,
			"Rc.open(0x3039): invalid pointer: not 8-aligned, so not the address of an Rc value",
			() => Rc.open(space, 12345),
		);
		w.release();
	});

	describe.each([true, false])("stale handles, checkBlocks %s", (checkBlocks) => {
		it("catches a handle whose value was freed by a raw release too many", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const keep = space.alloc(Cell);
			const a = space.alloc(Cell);
			const p = a.ptr;
			const serial = serialOf(heap, p);
			release(space, p); // steals a's count
			expectRefused(
				heap,
				space,
				InvalidPointerError,
				goneMessage("Rc.ptr", p, serial, checkBlocks, true),
				() => a.ptr,
			);
			expectRefused(
				heap,
				space,
				InvalidPointerError,
				goneMessage("Rc.clone", p, serial, checkBlocks, true),
				() => a.clone(),
			);
			expectRefused(
				heap,
				space,
				DoubleFreeError,
				goneMessage("Rc.release", p, serial, checkBlocks, true),
				() => a.release(),
			);
			expect(a.released).toBe(false);
			keep.release();
		});

		it("catches a handle whose memory now holds a new value at the same address", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const a = space.alloc(Cell);
			const p = a.ptr;
			const serial = serialOf(heap, p);
			release(space, p);
			const b = space.alloc(Cell);
			expect(b.ptr).toBe(p); // the allocator reuses the block
			expect(a.ptrEq(b)).toBe(false);
			expectRefused(
				heap,
				space,
				InvalidPointerError,
				goneMessage("Rc.ptr", p, serial, checkBlocks, false),
				() => a.ptr,
			);
			expectRefused(
				heap,
				space,
				InvalidPointerError,
				goneMessage("Rc.strongCount", p, serial, checkBlocks, false),
				() => a.strongCount,
			);
			expectRefused(
				heap,
				space,
				DoubleFreeError,
				goneMessage("Rc.release", p, serial, checkBlocks, false),
				() => a.release(),
			);
			expect(b.strongCount).toBe(1);
			b.release();
		});

		it("catches a handle whose memory now holds a value of another space at the same address", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const other = new RcSpace(heap, { checkBlocks });
			const Theirs = other.kind({ name: "Cell", type: cell });
			const a = space.alloc(Cell);
			const p = a.ptr;
			const serial = serialOf(heap, p);
			release(space, p);
			const q = other.allocRaw(Theirs);
			expect(q).toBe(p);
			// Even with the same serial, the header names the other space.
			heap.u32[((q - 32) >>> 2) + 6] = serial;
			expectRefused(
				heap,
				space,
				InvalidPointerError,
				goneMessage("Rc.clone", p, serial, checkBlocks, false),
				() => a.clone(),
			);
			expectRefused(
				heap,
				space,
				DoubleFreeError,
				goneMessage("Rc.release", p, serial, checkBlocks, false),
				() => a.release(),
			);
			expect(strongCount(other, q)).toBe(1);
		});

		it("catches a handle whose memory now holds plain data", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const a = space.alloc(Cell);
			const p = a.ptr;
			const serial = serialOf(heap, p);
			release(space, p);
			const plain = heap.malloc(40);
			expect(plain).toBe(p - 32);
			heap.u8.fill(0xa7, plain, plain + 40);
			expectRefused(
				heap,
				space,
				InvalidPointerError,
				goneMessage("Rc.ptr", p, serial, checkBlocks, false),
				() => a.ptr,
			);
			expectRefused(
				heap,
				space,
				DoubleFreeError,
				goneMessage("Rc.release", p, serial, checkBlocks, false),
				() => a.release(),
			);
		});

		it("catches a handle whose value was dropped while weak references keep the block", () => {
			const { heap, space, Cell } = setup(checkBlocks);
			const a = space.alloc(Cell);
			const p = a.ptr;
			const w = a.downgrade();
			release(space, p);
			const dropped = "the value was already dropped (strong 0, weak 1): no strong reference is left to use";
			expectRefused(
				heap,
				space,
				InvalidPointerError,
				`Rc.clone(${hexOf(p)}): invalid pointer: ${dropped}`,
				() => a.clone(),
			);
			expectRefused(heap, space, DoubleFreeError, `Rc.release(${hexOf(p)}): double free: ${dropped}`, () =>
				a.release(),
			);
			w.release();
		});
	});

	it("with checkBlocks, catches a stale handle even if the reused memory repeats its header", () => {
		const { heap, space, Cell } = setup(true);
		const left = heap.malloc(64);
		const a = space.alloc(Cell);
		const right = space.alloc(Cell); // keeps the merged block off the top of the heap
		const p = a.ptr;
		const serial = serialOf(heap, p);
		const header = heap.u32.slice((p - 32) >>> 2, p >>> 2);
		heap.free(left);
		release(space, p); // steals a's count: the block is freed and merges with its left neighbour
		const big = heap.malloc(112);
		expect(big).toBeLessThan(p - 32);
		expect(big + heap.usableSize(big)).toBeGreaterThanOrEqual(p);
		heap.u32.set(header, (p - 32) >>> 2); // plain data that happens to repeat the old header, serial included
		expectRefused(heap, space, InvalidPointerError, goneMessage("Rc.clone", p, serial, true, true), () =>
			a.clone(),
		);
		expectRefused(heap, space, DoubleFreeError, goneMessage("Rc.release", p, serial, true, true), () =>
			a.release(),
		);
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
		for (const [bad, described] of [
			[undefined, "undefined"],
			[a.ptr, String(a.ptr)],
			[5n, "bigint 5n"],
			[Symbol("rc"), "symbol Symbol(rc)"],
		] as const) {
			expectRefused(
				space.heap,
				space,
				TypeError,
				`Rc.ptrEq: other must be an Rc or a Weak, got ${described}`,
				() => a.ptrEq(bad as unknown as Rc),
			);
		}
	});

	it("refuses to open a value of another space, or with arguments of the wrong type", () => {
		const { heap, space, Cell } = setup();
		const other = new RcSpace(heap);
		const q = other.allocRaw(other.kind({ name: "Cell", type: cell }));
		expectRefused(
			heap,
			space,
			InvalidPointerError,
			`Rc.open(${hexOf(q)}): invalid pointer: the value belongs to another RcSpace (at ${hexOf(other.address)}), ` +
				`not to this one (at ${hexOf(space.address)})`,
			() => Rc.open(space, q),
		);
		const p = space.allocRaw(Cell);
		expectRefused(
			heap,
			space,
			TypeError,
			`Rc.open: ptr must be a number (the address of a value), got bigint ${p}n`,
			() => Rc.open(space, BigInt(p) as unknown as number),
		);
		expectRefused(heap, space, TypeError, "Rc.open: space must be an RcSpace, got symbol Symbol(s)", () =>
			Rc.open(Symbol("s") as unknown as RcSpace, p),
		);
		for (const [kind, described] of [
			[null, "null"],
			[{ size: 8, align: 8 }, "object [object Object]"],
			[1n, "bigint 1n"],
		] as const) {
			expectRefused(
				heap,
				space,
				TypeError,
				`Rc.open: kind must be an RcKind or undefined, got ${described}`,
				() => Rc.open(space, p, kind as never),
			);
		}
		expect(strongCount(space, p)).toBe(1);
		expect(strongCount(other, q)).toBe(1);
	});

	it("refuses a clone or a downgrade that would pass 2^32 - 1 counts, changing nothing", () => {
		const { heap, space, Cell } = setup();
		const a = space.alloc(Cell);
		const h = (a.ptr - 32) >>> 2;
		heap.u32[h + 4] = 0xffffffff;
		expectRefused(
			heap,
			space,
			RangeError,
			`Rc.clone(${hexOf(a.ptr)}): the strong count would pass 2^32 - 1`,
			() => a.clone(),
		);
		heap.u32[h + 4] = 1;
		heap.u32[h + 5] = 0xffffffff;
		expectRefused(
			heap,
			space,
			RangeError,
			`Rc.downgrade(${hexOf(a.ptr)}): the weak count would pass 2^32 - 1`,
			() => a.downgrade(),
		);
		heap.u32[h + 5] = 1;
		a.release();
		expect(space.stats()).toMatchObject({ liveValues: 0, freed: 1 });
	});

	it("refuses a release whose unlink would write through a corrupted list, and keeps its reference", () => {
		const { heap, space, Cell } = setup();
		const a = space.alloc(Cell);
		const b = space.alloc(Cell); // the list: b, a
		const w = b.downgrade();
		heap.u32[(a.ptr - 32) >>> 2] = a.ptr + 4096; // a stray write over a's link to b
		expectThrown(
			HeapCorruptionError,
			`heap corrupted at block ${hexOf(a.ptr - 32)}: RcSpace ${hexOf(space.address)}: value ${hexOf(a.ptr)} ` +
				`(kind 1) links back to ${hexOf(a.ptr + 4096)}, not to ${hexOf(b.ptr)}`,
			() => space.check(),
		);
		const bytes = heap.u8.slice();
		const stats = [heap.stats(), space.stats()];
		expectThrown(
			HeapCorruptionError,
			`heap corrupted at block ${hexOf(a.ptr - 32)}: RcSpace ${hexOf(space.address)}: the list of values is ` +
				`broken at value ${hexOf(a.ptr)}: its previous value ${hexOf(a.ptr + 4096)} does not link back to it`,
			() => a.release(),
		);
		expect(heap.u8.every((byte, i) => byte === bytes[i])).toBe(true);
		expect([heap.stats(), space.stats()]).toEqual(stats);
		expect(a.released).toBe(false);
		heap.u32[(a.ptr - 32) >>> 2] = b.ptr; // repaired: the same release now works
		space.check();
		a.release();
		b.release();
		w.release();
		space.check();
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0, freed: 2 });
		heap.check();
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
