import {
	DoubleFreeError,
	FaultyAllocator,
	failAfter,
	Heap,
	HeapCorruptionError,
	InvalidPointerError,
	OffheapError,
	OutOfMemoryError,
} from "@offheap/core";
import { describe, expect, it } from "vitest";
import { downgrade, RcSpace, release, releaseWeak, strongCount, weakCount } from "../src/index.ts";
import { exhaust, expectRefused, expectThrown, hexOf, literal, occupancy } from "./helpers.ts";

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
		expectRefused(
			heap,
			space,
			TypeError,
			'RcSpace.kind: a kind named "A" is already registered in this space',
			() => space.kind({ name: "A", type: cell }),
		);
	});

	it("refuses bad kind definitions and registers nothing", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const valid = "(valid options: name, type, drop)";
		const bad: [typeof TypeError | typeof RangeError, unknown, string][] = [
			[TypeError, null, "RcSpace.kind: expected a definition { name, type, drop? }, got null"],
			[TypeError, [], "RcSpace.kind: expected a definition { name, type, drop? }, got array of 0"],
			[TypeError, 5n, "RcSpace.kind: expected a definition { name, type, drop? }, got bigint 5n"],
			[TypeError, { name: "X", type: cell, dorp: () => {} }, `RcSpace.kind: unknown option "dorp" ${valid}`],
			[
				TypeError,
				{ name: "X", type: cell, Drop: () => {} },
				`RcSpace.kind: unknown option "Drop"; did you mean "drop"? ${valid}`,
			],
			[
				TypeError,
				{ name: "X", type: cell, [Symbol("s")]: 1 },
				`RcSpace.kind: unknown option Symbol(s) ${valid}`,
			],
			[TypeError, { name: "", type: cell }, 'RcSpace.kind: name must be a non-empty string, got string ""'],
			[TypeError, { name: 7, type: cell }, "RcSpace.kind: name must be a non-empty string, got 7"],
			[
				TypeError,
				{ name: Symbol("n"), type: cell },
				"RcSpace.kind: name must be a non-empty string, got symbol Symbol(n)",
			],
			[
				TypeError,
				{ name: "X", type: null },
				'RcSpace.kind("X"): type must be an object with size and align, got null',
			],
			[
				TypeError,
				{ name: "X", type: cell, drop: "nope" },
				'RcSpace.kind("X"): drop must be a function, got string "nope"',
			],
			[
				RangeError,
				{ name: "X", type: { size: -1, align: 8 } },
				'RcSpace.kind("X"): size -1 is not an integer in [0, 2147418112]',
			],
			[
				RangeError,
				{ name: "X", type: { size: 1.5, align: 8 } },
				'RcSpace.kind("X"): size 1.5 is not an integer in [0, 2147418112]',
			],
			[
				RangeError,
				{ name: "X", type: { size: 8n, align: 8 } },
				'RcSpace.kind("X"): size bigint 8n is not an integer in [0, 2147418112]',
			],
			[
				RangeError,
				{ name: "X", type: { size: 8, align: 3 } },
				'RcSpace.kind("X"): align 3 is not a power of two in [1, 2^24]',
			],
			[
				RangeError,
				{ name: "X", type: { size: 8, align: 0 } },
				'RcSpace.kind("X"): align 0 is not a power of two in [1, 2^24]',
			],
			[
				RangeError,
				{ name: "X", type: { size: 8, align: 2 ** 25 } },
				'RcSpace.kind("X"): align 33554432 is not a power of two in [1, 2^24]',
			],
			[
				RangeError,
				{ name: "X", type: { size: 8, align: Symbol("a") } },
				'RcSpace.kind("X"): align symbol Symbol(a) is not a power of two in [1, 2^24]',
			],
		];
		for (const [kind, definition, message] of bad) {
			expectRefused(heap, space, kind, message, () => space.kind(definition as never));
		}
		expect(space.stats().kinds).toBe(0);
	});

	it("refuses a kind of another space, and anything that is not a kind", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const other = new RcSpace(heap);
		const Foreign = other.kind({ name: "Cell", type: cell });
		for (const alloc of [
			() => space.alloc(Foreign),
			() => space.tryAlloc(Foreign),
			() => space.allocRaw(Foreign),
		]) {
			expectRefused(
				heap,
				space,
				TypeError,
				'RcSpace.alloc: kind "Cell" is registered in another RcSpace',
				alloc,
			);
		}
		for (const [notKind, described] of [
			[{ size: 8 }, "object [object Object]"],
			[undefined, "undefined"],
			[null, "null"],
			[5n, "bigint 5n"],
			[Symbol("k"), "symbol Symbol(k)"],
		] as const) {
			const allocs = [
				(k: never) => space.alloc(k),
				(k: never) => space.tryAlloc(k),
				(k: never) => space.allocRaw(k),
			];
			for (const alloc of allocs) {
				expectRefused(
					heap,
					space,
					TypeError,
					`RcSpace.alloc: kind must be an RcKind from space.kind(), got ${described}`,
					() => alloc(notKind as never),
				);
			}
		}
	});

	it("returns null from tryAlloc and 0 from allocRaw, and throws OutOfMemoryError from alloc, when exhausted", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const space = new RcSpace(heap);
		const Big = space.kind({ name: "Big", type: { size: 1 << 20, align: 8 } });
		expectRefused(
			heap,
			space,
			OutOfMemoryError,
			`out of memory: cannot allocate ${32 + (1 << 20)} B (an Rc value of kind "Big" (header included))`,
			() => space.alloc(Big),
		);
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
		expectRefused(
			heap,
			undefined,
			OutOfMemoryError,
			"out of memory: cannot allocate 56 B (the control block of an RcSpace)",
			() => new RcSpace(failAfter(heap, 0)),
		);
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
		const recorded =
			'RcSpace.kind("A"): the heap recorded this kind with size 8 and align 8, but the definition has';
		expectRefused(heap, again, TypeError, `${recorded} size 16 and align 8`, () =>
			again.kind({ name: "A", type: { size: 16, align: 8 } }),
		);
		expectRefused(heap, again, TypeError, `${recorded} size 8 and align 16`, () =>
			again.kind({ name: "A", type: { size: 8, align: 16 } }),
		);
	});

	it("refuses to open an address that is not a space", () => {
		const heap = new Heap();
		const block = heap.malloc(64);
		const noSpace = (at: number) =>
			`RcSpace.open(${hexOf(at)}): invalid pointer: no RcSpace control block (magic) here`;
		const notLive = (at: number) =>
			new RegExp(`^${literal(`RcSpace.open(${hexOf(at)}): invalid pointer: not a live block: `)}.+`);
		expectRefused(heap, undefined, InvalidPointerError, noSpace(block), () => RcSpace.open(heap, block));
		expectRefused(heap, undefined, InvalidPointerError, notLive(block + 8), () =>
			RcSpace.open(heap, block + 8),
		);
		// The magic number at the start of a block too small for a control block.
		const small = heap.malloc(16);
		heap.u32[small >>> 2] = 0x52635370;
		heap.u32[(small >>> 2) + 1] = 2;
		expectRefused(heap, undefined, InvalidPointerError, noSpace(small), () => RcSpace.open(heap, small));
		heap.free(block);
		expectRefused(heap, undefined, InvalidPointerError, notLive(block), () => RcSpace.open(heap, block));
	});

	it("refuses to open a space of another layout version", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		heap.u32[(space.address >>> 2) + 1] = 1;
		expectRefused(
			heap,
			undefined,
			InvalidPointerError,
			`RcSpace.open(${hexOf(space.address)}): invalid pointer: an RcSpace of layout version 1, not 2`,
			() => RcSpace.open(heap, space.address),
		);
	});

	it("frees its own blocks only once every value is freed, and only once", () => {
		const heap = new Heap();
		const start = occupancy(heap);
		const space = new RcSpace(heap);
		const Cell = space.kind({ name: "Cell", type: cell });
		for (let i = 0; i < 20; i++) space.kind({ name: `K${i}`, type: cell });
		const p = space.allocRaw(Cell);
		downgrade(space, p);
		const inUse = (live: number, dropped: number) =>
			`RcSpace.free(${hexOf(space.address)}): 1 value block(s) are still allocated ` +
			`(${live} live, ${dropped} dropped but weakly referenced): release them first`;
		const error = expectRefused(heap, space, OffheapError, inUse(1, 0), () => space.free());
		expect((error as OffheapError).code).toBe("ERR_RC_SPACE_IN_USE");
		release(space, p);
		expectRefused(heap, space, OffheapError, inUse(0, 1), () => space.free());
		releaseWeak(space, p);
		space.free();
		expect(occupancy(heap)).toEqual(start);
		const at = hexOf(space.address);
		expectRefused(
			heap,
			undefined,
			DoubleFreeError,
			`RcSpace.free(${at}): double free: this RcSpace was already freed`,
			() => space.free(),
		);
		const freed = (operation: string) =>
			`RcSpace.${operation}(${at}): invalid pointer: this RcSpace was freed`;
		expectRefused(heap, undefined, InvalidPointerError, freed("alloc"), () => space.allocRaw(Cell));
		expectRefused(heap, undefined, InvalidPointerError, freed("alloc"), () => space.alloc(Cell));
		expectRefused(heap, undefined, InvalidPointerError, freed("kind"), () =>
			space.kind({ name: "Late", type: cell }),
		);
		expectRefused(heap, undefined, InvalidPointerError, freed("stats"), () => space.stats());
		expectRefused(heap, undefined, InvalidPointerError, freed("check"), () => space.check());
		heap.check();
	});

	it("refuses to free itself when its counters say no value is left but its list still holds one", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const p = space.allocRaw(space.kind({ name: "Cell", type: cell }));
		heap.u32[(space.address >>> 2) + 6] = 0; // a stray write over liveValues
		const bytes = heap.u8.slice();
		const stats = heap.stats();
		expectThrown(
			HeapCorruptionError,
			`heap corrupted at block ${hexOf(space.address)}: RcSpace ${hexOf(space.address)}: it counts no values, ` +
				`but its list of values starts at ${hexOf(p)}`,
			() => space.free(),
		);
		expect(heap.u8.every((byte, i) => byte === bytes[i])).toBe(true);
		expect(heap.stats()).toEqual(stats);
		heap.u32[(space.address >>> 2) + 6] = 1;
		space.check();
		release(space, p);
		space.free();
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
		expectRefused(
			heap,
			again,
			TypeError,
			`release(${hexOf(p)}): the value's kind (id 1) is not registered in this space: call space.kind() ` +
				"with its definition first (after RcSpace.open, register every kind again)",
			() => release(again, p),
		);
		expect(strongCount(again, p)).toBe(1);
	});

	it("refuses kindOf of a value of another space", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const other = new RcSpace(heap);
		const q = other.allocRaw(other.kind({ name: "Cell", type: cell }));
		expectRefused(
			heap,
			space,
			InvalidPointerError,
			`RcSpace.kindOf(${hexOf(q)}): invalid pointer: the value belongs to another RcSpace (at ${hexOf(other.address)}), ` +
				`not to this one (at ${hexOf(space.address)})`,
			() => space.kindOf(q),
		);
		expectRefused(
			heap,
			space,
			TypeError,
			"RcSpace.kindOf: ptr must be a number (the address of a value), got bigint 8n",
			() => space.kindOf(8n as unknown as number),
		);
	});

	it("refuses its JS object once the space was freed through another object, even if a new space took its place", () => {
		const heap = new Heap();
		const first = new RcSpace(heap);
		const Cell = first.kind({ name: "Cell", type: cell });
		const second = RcSpace.open(heap, first.address);
		const Cell2 = second.kind({ name: "Cell", type: cell });
		first.free();
		const gone = (operation: string) =>
			`RcSpace.${operation}(${hexOf(first.address)}): invalid pointer: the control block no longer holds this ` +
			"RcSpace: it was freed through another RcSpace object (from RcSpace.open), or overwritten";
		const uses: [string, () => unknown][] = [
			["alloc", () => second.allocRaw(Cell2)],
			["kind", () => second.kind({ name: "Other", type: cell })],
			["stats", () => second.stats()],
			["free", () => second.free()],
		];
		for (const [operation, use] of uses)
			expectRefused(heap, undefined, InvalidPointerError, gone(operation), use);
		// A new space in the same block: the old object still refuses, and touches nothing of the new one.
		const third = new RcSpace(heap);
		expect(third.address).toBe(first.address);
		third.kind({ name: "Cell", type: cell });
		for (const [operation, use] of uses)
			expectRefused(heap, third, InvalidPointerError, gone(operation), use);
		expect(Cell.space).toBe(first);
		third.free();
		heap.check();
	});
});

describe("RcSpace options and arguments", () => {
	const valid = "(valid options: checkBlocks, leakDetection, onLeak)";
	const badOptions: [unknown, string][] = [
		[{ checkblocks: false }, `unknown option "checkblocks"; did you mean "checkBlocks"? ${valid}`],
		[{ leakDetection: true, leaks: true }, `unknown option "leaks" ${valid}`],
		[{ [Symbol("o")]: 1 }, `unknown option Symbol(o) ${valid}`],
		[null, "options must be an object, got null"],
		[7n, "options must be an object, got bigint 7n"],
		[Symbol("o"), "options must be an object, got symbol Symbol(o)"],
		[{ checkBlocks: "no" }, 'option checkBlocks must be a boolean, got string "no"'],
		[{ checkBlocks: 0 }, "option checkBlocks must be a boolean, got 0"],
		[{ leakDetection: 1n }, "option leakDetection must be a boolean, got bigint 1n"],
		[{ onLeak: "log" }, 'option onLeak must be a function, got string "log"'],
	];

	it("refuses unknown options and options of the wrong type when creating a space, allocating nothing", () => {
		const heap = new Heap();
		for (const [options, message] of badOptions) {
			expectRefused(
				heap,
				undefined,
				TypeError,
				`RcSpace: ${message}`,
				() => new RcSpace(heap, options as never),
			);
		}
	});

	it("refuses unknown options and options of the wrong type when opening a space", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		for (const [options, message] of badOptions) {
			expectRefused(heap, space, TypeError, `RcSpace.open: ${message}`, () =>
				RcSpace.open(heap, space.address, options as never),
			);
		}
	});

	it("refuses an allocator that is not one, and an address that is not a number", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const notAllocators: [unknown, string][] = [
			[undefined, "undefined"],
			[{ heap }, "object [object Object]"],
			[3n, "bigint 3n"],
			[Symbol("a"), "symbol Symbol(a)"],
		];
		for (const [allocator, described] of notAllocators) {
			const tail = `allocator must be an Allocator (a Heap, an arena, a pool …), got ${described}`;
			expectRefused(heap, space, TypeError, `RcSpace: ${tail}`, () => new RcSpace(allocator as never));
			expectRefused(heap, space, TypeError, `RcSpace.open: ${tail}`, () =>
				RcSpace.open(allocator as never, space.address),
			);
		}
		for (const [address, described] of [
			[BigInt(space.address), `bigint ${space.address}n`],
			[Symbol("s"), "symbol Symbol(s)"],
			[String(space.address), `string "${space.address}"`],
		] as const) {
			expectRefused(
				heap,
				space,
				TypeError,
				`RcSpace.open: address must be a number (a space's address), got ${described}`,
				() => RcSpace.open(heap, address as never),
			);
		}
	});

	it("accepts every known option, and undefined for each", () => {
		const heap = new Heap();
		const all = new RcSpace(heap, { checkBlocks: false, leakDetection: true, onLeak: () => {} });
		expect([all.checkBlocks, all.leakDetection]).toEqual([false, true]);
		const none = new RcSpace(heap, { checkBlocks: undefined, leakDetection: undefined, onLeak: undefined });
		expect([none.checkBlocks, none.leakDetection]).toEqual([true, false]);
		const again = RcSpace.open(heap, all.address, { checkBlocks: true });
		expect(again.checkBlocks).toBe(true);
	});
});

describe("RcSpace on an exhausted fixed budget", () => {
	it("refuses to create a space, changing nothing", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const blocks = exhaust(heap);
		expectRefused(
			heap,
			undefined,
			OutOfMemoryError,
			"out of memory: cannot allocate 56 B (the control block of an RcSpace)",
			() => new RcSpace(heap),
		);
		for (const b of blocks) heap.free(b);
		new RcSpace(heap).free();
		heap.check();
	});

	it("refuses to register a kind, changing nothing, whether the kind table is new or must grow", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const empty = new RcSpace(heap);
		const grown = new RcSpace(heap);
		grown.kind({ name: "First", type: cell });
		const blocks = exhaust(heap);
		expectRefused(
			heap,
			empty,
			OutOfMemoryError,
			'out of memory: cannot allocate 20 B (the kind table of an RcSpace, for kind "Cell")',
			() => empty.kind({ name: "Cell", type: cell }),
		);
		expectRefused(
			heap,
			grown,
			OutOfMemoryError,
			'out of memory: cannot allocate 44 B (the kind table of an RcSpace, for kind "Cell")',
			() => grown.kind({ name: "Cell", type: cell }),
		);
		expect([empty.stats().kinds, grown.stats().kinds]).toEqual([0, 1]);
		for (const b of blocks) heap.free(b);
		expect(empty.kind({ name: "Cell", type: cell }).id).toBe(1);
		expect(grown.kind({ name: "Cell", type: cell }).id).toBe(2);
		empty.check();
		grown.check();
		heap.check();
	});

	it("refuses to allocate a value while freed values wait in the heap's small-block cache, changing nothing", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const space = new RcSpace(heap);
		const Cell = space.kind({ name: "Cell", type: cell });
		const Big = space.kind({ name: "Big", type: { size: 100, align: 8 } });
		const cells = Array.from({ length: 8 }, () => space.allocRaw(Cell));
		const blocks = exhaust(heap);
		// Freed blocks of values, adjacent and not: too small for a Big value each.
		for (const i of [1, 2, 5]) release(space, cells[i] as number);
		const bytes = heap.u8.slice();
		const stats = [heap.stats(), space.stats()];
		expect(space.allocRaw(Big)).toBe(0);
		expect(space.tryAlloc(Big)).toBeNull();
		expect([heap.stats(), space.stats()]).toEqual(stats);
		expect(heap.u8.every((byte, i) => byte === bytes[i])).toBe(true);
		expectRefused(
			heap,
			space,
			OutOfMemoryError,
			'out of memory: cannot allocate 132 B (an Rc value of kind "Big" (header included))',
			() => space.alloc(Big),
		);
		space.check();
		heap.check();
		for (const b of blocks) heap.free(b);
		for (const i of [0, 3, 4, 6, 7]) release(space, cells[i] as number);
		space.free();
		heap.check();
	});

	it("refuses to allocate a value with every allocation call, changing nothing, and allocates again once room is made", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 65536 });
		const space = new RcSpace(heap);
		const Cell = space.kind({ name: "Cell", type: cell });
		const kept = space.alloc(Cell);
		const weak = kept.downgrade();
		const blocks = exhaust(heap);
		expectRefused(
			heap,
			space,
			OutOfMemoryError,
			'out of memory: cannot allocate 40 B (an Rc value of kind "Cell" (header included))',
			() => space.alloc(Cell),
		);
		for (const attempt of [() => space.tryAlloc(Cell), () => space.allocRaw(Cell)]) {
			const bytes = heap.u8.slice();
			const stats = [heap.stats(), space.stats()];
			expect(attempt()).toBeFalsy();
			expect(heap.u8.every((byte, i) => byte === bytes[i])).toBe(true);
			expect([heap.stats(), space.stats()]).toEqual(stats);
			space.check();
			heap.check();
		}
		expect(kept.strongCount).toBe(1);
		for (const b of blocks) heap.free(b);
		const more = space.alloc(Cell);
		expect(space.stats()).toMatchObject({ liveValues: 2, created: 2 });
		more.release();
		kept.release();
		weak.release();
		space.check();
		space.free();
		heap.check();
	});
});
