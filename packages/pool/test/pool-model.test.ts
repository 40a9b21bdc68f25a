import { DoubleFreeError, Heap, InvalidPointerError } from "@offheap/core";
import { type ErrorClass, expectRefused, expectUnchanged } from "@offheap/test-support/refused";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NULL_HANDLE, Pool } from "../src/index.ts";

/** Calls a pool refuses, given a live slot's pointer and handle: each must change nothing at all. */
const MISUSES: readonly [
	ErrorClass | undefined,
	(heap: Heap, pool: Pool, ptr: number, handle: number) => unknown,
][] = [
	[InvalidPointerError, (heap, _pool, ptr) => heap.free(ptr)],
	[InvalidPointerError, (heap, _pool, ptr) => heap.realloc(ptr, 1)],
	[InvalidPointerError, (_heap, pool, ptr) => pool.freePtr(ptr + 4)],
	[InvalidPointerError, (_heap, pool, _ptr, handle) => pool.ptr(BigInt(handle) as unknown as number)],
	[RangeError, (_heap, pool) => pool.malloc(-1)],
	[undefined, (_heap, pool) => pool.malloc(pool.slotBytes + 1)],
	[undefined, (_heap, pool, ptr) => pool.realloc(ptr, pool.slotBytes + 1)],
];

type Op =
	| { kind: "alloc" }
	| { kind: "allocPtr" }
	| { kind: "free"; pick: number }
	| { kind: "freePtr"; pick: number }
	| { kind: "stale"; pick: number }
	| { kind: "misuse"; pick: number; how: number }
	| { kind: "clear" };

const op: fc.Arbitrary<Op> = fc.oneof(
	{ weight: 5, arbitrary: fc.record({ kind: fc.constant("alloc" as const) }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant("allocPtr" as const) }) },
	{ weight: 4, arbitrary: fc.record({ kind: fc.constant("free" as const), pick: fc.nat() }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant("freePtr" as const), pick: fc.nat() }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant("stale" as const), pick: fc.nat() }) },
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant("misuse" as const),
			pick: fc.nat(),
			how: fc.nat({ max: MISUSES.length - 1 }),
		}),
	},
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant("clear" as const) }) },
);

interface Slot {
	handle: number;
	ptr: number;
	stamp: number;
}

/** Replays `ops` against a pool and a model (the live slots and every handle ever freed). */
function replay(
	ops: readonly Op[],
	capacity: number,
	growable: boolean,
	slotSize: number,
	checked = false,
): void {
	const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 24, checked });
	const before = heap.stats();
	const maxCapacity = growable ? 64 : capacity;
	const pool = new Pool(heap, slotSize, { capacity, growable, maxCapacity });
	const live: Slot[] = [];
	const dead: number[] = [];
	let peak = 0;
	let stamp = 1;
	const take = (handle: number): void => {
		const ptr = pool.ptr(handle);
		expect(live.some((s) => s.handle === handle || s.ptr === ptr)).toBe(false);
		const slot = { handle, ptr, stamp: (stamp++ % 255) + 1 };
		heap.u8.fill(slot.stamp, ptr, ptr + slotSize);
		live.push(slot);
		peak = Math.max(peak, live.length);
	};
	for (const o of ops) {
		switch (o.kind) {
			case "alloc":
			case "allocPtr": {
				const full = live.length === (growable ? maxCapacity : capacity);
				if (o.kind === "alloc") {
					const h = pool.alloc();
					expect(h === NULL_HANDLE).toBe(full);
					if (h !== NULL_HANDLE) take(h);
				} else {
					const p = pool.allocPtr();
					expect(p === 0).toBe(full);
					if (p !== 0) take(pool.handleOf(p));
				}
				break;
			}
			case "free":
			case "freePtr": {
				if (live.length === 0) break;
				const [slot] = live.splice(o.pick % live.length, 1) as [Slot];
				if (o.kind === "free") pool.freeHandle(slot.handle);
				else pool.freePtr(slot.ptr);
				dead.push(slot.handle);
				break;
			}
			case "stale": {
				if (dead.length === 0) break;
				const h = dead[o.pick % dead.length] as number;
				// Generations need 2^bits − 1 frees of one slot to wrap: far more than these runs do.
				expect(pool.isLive(h)).toBe(false);
				expectRefused(heap, InvalidPointerError, () => pool.ptr(h));
				expectRefused(heap, DoubleFreeError, () => pool.freeHandle(h));
				break;
			}
			case "misuse": {
				if (live.length === 0) break;
				const slot = live[o.pick % live.length] as Slot;
				const [kind, call] = MISUSES[o.how] as (typeof MISUSES)[number];
				if (kind === undefined)
					expect(expectUnchanged(heap, () => call(heap, pool, slot.ptr, slot.handle))).toBe(0);
				else expectRefused(heap, kind, () => call(heap, pool, slot.ptr, slot.handle));
				break;
			}
			case "clear": {
				pool.clear();
				for (const s of live) dead.push(s.handle);
				live.length = 0;
				break;
			}
		}
		for (const s of live) {
			expect(pool.ptr(s.handle)).toBe(s.ptr);
			expect(heap.u8.subarray(s.ptr, s.ptr + slotSize).every((x) => x === s.stamp)).toBe(true);
		}
		expect(pool.live).toBe(live.length);
		expect(pool.highWater).toBe(peak);
		expect([...pool].sort((a, b) => a - b)).toEqual(live.map((s) => s.handle).sort((a, b) => a - b));
		pool.check();
		heap.check();
	}
	heap.check();
	pool.free();
	if (checked) {
		// A checked heap keeps freed blocks in quarantine: what it reports instead is that none leaked.
		expect(heap.leakReport()).toBe("");
		return;
	}
	expect(heap.stats().usedBytes).toBe(before.usedBytes);
	expect(heap.stats().liveBlocks).toBe(before.liveBlocks);
}

describe("Pool against a model, with pool.check() and heap.check() after every operation", () => {
	it("matches a fixed-budget model: live set, handles, stale detection, high water", () => {
		fc.assert(
			fc.property(
				fc.array(op, { maxLength: 150 }),
				fc.integer({ min: 1, max: 40 }),
				fc.constantFrom(1, 8, 24, 100),
				(ops, capacity, slotSize) => replay(ops, capacity, false, slotSize),
			),
			{ numRuns: 150 },
		);
	});

	it("matches a growable model across chunks", () => {
		fc.assert(
			fc.property(fc.array(op, { maxLength: 150 }), fc.integer({ min: 1, max: 8 }), (ops, capacity) =>
				replay(ops, capacity, true, 16),
			),
			{ numRuns: 150 },
		);
	});

	it("matches a growable model in a checked heap, whose check() also verifies every free slot's poison", () => {
		fc.assert(
			fc.property(fc.array(op, { maxLength: 100 }), fc.integer({ min: 1, max: 8 }), (ops, capacity) =>
				replay(ops, capacity, true, 24, true),
			),
			{ numRuns: 40 },
		);
	});
});
