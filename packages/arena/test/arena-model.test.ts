import { DoubleFreeError, Heap, InvalidPointerError, OutOfMemoryError } from "@offheap/core";
import { type ErrorClass, expectRefused, firstDifference } from "@offheap/test-support/refused";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Arena } from "../src/index.ts";

type Op =
	| { kind: "malloc"; size: number; align: number | undefined }
	| { kind: "free"; pick: number }
	| { kind: "realloc"; pick: number; size: number }
	| { kind: "mark" }
	| { kind: "reset"; pick: number }
	| { kind: "pop"; pick: number }
	| { kind: "misuse"; pick: number; how: number }
	| { kind: "resetAll" };

/** Calls an arena (or its heap) refuses, given a live block's pointer: each must change nothing at all. */
const MISUSES: readonly [ErrorClass, (heap: Heap, arena: Arena, ptr: number) => unknown][] = [
	[InvalidPointerError, (heap, _arena, ptr) => heap.free(ptr)],
	[InvalidPointerError, (heap, _arena, ptr) => heap.realloc(ptr, 1)],
	[InvalidPointerError, (heap, _arena, ptr) => heap.usableSize(ptr)],
	[InvalidPointerError, (_heap, arena, ptr) => arena.free(BigInt(ptr) as unknown as number)],
	[RangeError, (_heap, arena) => arena.malloc(-1)],
	[RangeError, (_heap, arena) => arena.malloc(8, 3)],
	[RangeError, (_heap, arena, ptr) => arena.realloc(ptr, 2 ** 31)],
];

const op: fc.Arbitrary<Op> = fc.oneof(
	{
		weight: 6,
		arbitrary: fc.record({
			kind: fc.constant("malloc" as const),
			size: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 3000 })),
			align: fc.option(fc.constantFrom(1, 8, 16, 64, 512), { nil: undefined }),
		}),
	},
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant("free" as const), pick: fc.nat() }) },
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant("realloc" as const),
			pick: fc.nat(),
			size: fc.integer({ min: 0, max: 2000 }),
		}),
	},
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant("mark" as const) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant("reset" as const), pick: fc.nat() }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant("pop" as const), pick: fc.nat() }) },
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant("misuse" as const),
			pick: fc.nat(),
			how: fc.nat({ max: MISUSES.length - 1 }),
		}),
	},
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant("resetAll" as const) }) },
);

interface Block {
	ptr: number;
	size: number;
	stamp: number;
	/** Freed while not the last allocation: on a checked heap, poisoned and refused from then on. */
	freed?: boolean;
}
interface Mark {
	value: number;
	/** Live blocks when the mark was taken. */
	blocks: number;
	valid: boolean;
}

/** Replays `ops` against an arena and a model: a stack of live blocks and a list of marks. */
function replay(ops: readonly Op[], minAlign: number, maxBytes: number | undefined, checked = false): void {
	const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 22, checked });
	const before = heap.stats();
	const arena = new Arena(heap, {
		chunkBytes: 256,
		minAlign,
		...(maxBytes === undefined ? {} : { maxBytes }),
	});
	const blocks: Block[] = [];
	const marks: Mark[] = [];
	/** Whether the newest block is the arena's last allocation (nothing was taken or rewound since). */
	let lastIsNewest = false;
	let stamp = 1;
	const fill = (b: Block): void => {
		heap.u8.fill(b.stamp, b.ptr, b.ptr + b.size);
	};
	const verify = (): void => {
		for (const b of blocks) {
			if (b.freed) continue;
			const bytes = heap.u8.subarray(b.ptr, b.ptr + b.size);
			if (!bytes.every((x) => x === b.stamp)) throw new Error(`block ${b.ptr} (${b.size} B) lost its stamp`);
		}
	};
	/** Runs `call`; when it returns 0, no heap byte and no heap or arena counter may have changed. */
	const refusedChangesNothing = (call: () => number): number => {
		const state = arena.stats();
		const bytes = heap.u8.slice();
		const stats = heap.stats();
		const p = call();
		if (p === 0) {
			expect(heap.stats()).toEqual(stats);
			expect(firstDifference(heap.u8, bytes)).toBe(-1);
			expect(arena.stats()).toEqual(state);
		}
		return p;
	};
	const truncate = (count: number, keepMarks: number): void => {
		blocks.length = count;
		for (let i = keepMarks; i < marks.length; i++) (marks[i] as Mark).valid = false;
		lastIsNewest = false;
	};
	for (const o of ops) {
		switch (o.kind) {
			case "malloc": {
				// Only a budget makes malloc fail here: then it must change nothing.
				const p =
					maxBytes === undefined
						? arena.malloc(o.size, o.align)
						: refusedChangesNothing(() => arena.malloc(o.size, o.align));
				if (p === 0) {
					expect(maxBytes).toBeDefined();
					break;
				}
				expect(p % Math.max(o.align ?? 1, minAlign)).toBe(0);
				const b = { ptr: p, size: o.size, stamp: (stamp++ % 255) + 1 };
				fill(b);
				blocks.push(b);
				lastIsNewest = true;
				break;
			}
			case "free": {
				if (blocks.length === 0) break;
				const i = o.pick % blocks.length;
				const b = blocks[i] as Block;
				if (b.freed) {
					expectRefused(heap, DoubleFreeError, () => arena.free(b.ptr));
					break;
				}
				arena.free(b.ptr);
				if (lastIsNewest && i === blocks.length - 1) {
					blocks.pop();
					lastIsNewest = false;
				} else if (checked) {
					b.freed = true;
				}
				break;
			}
			case "realloc": {
				if (blocks.length === 0) break;
				const i = o.pick % blocks.length;
				const b = blocks[i] as Block;
				if (b.freed) {
					expectRefused(heap, DoubleFreeError, () => arena.realloc(b.ptr, o.size));
					break;
				}
				const p =
					maxBytes === undefined
						? arena.realloc(b.ptr, o.size)
						: refusedChangesNothing(() => arena.realloc(b.ptr, o.size));
				if (p === 0) break;
				const kept = Math.min(b.size, o.size);
				expect(heap.u8.subarray(p, p + kept).every((x) => x === b.stamp)).toBe(true);
				if (p !== b.ptr) {
					// The old block stays where it is (an arena frees nothing but its last allocation).
					const moved = { ptr: p, size: o.size, stamp: (stamp++ % 255) + 1 };
					fill(moved);
					blocks.push(moved);
				} else {
					expect(lastIsNewest && i === blocks.length - 1).toBe(true);
					b.size = o.size;
					fill(b);
				}
				lastIsNewest = true;
				break;
			}
			case "mark": {
				let value = 0;
				const bytes = heap.u8.slice();
				const stats = heap.stats();
				try {
					value = arena.mark();
				} catch (error) {
					expect(error).toBeInstanceOf(OutOfMemoryError);
					expect(maxBytes).toBeDefined();
					expect(heap.stats()).toEqual(stats);
					expect(firstDifference(heap.u8, bytes)).toBe(-1);
					break;
				}
				marks.push({ value, blocks: blocks.length, valid: true });
				lastIsNewest = false;
				break;
			}
			case "reset":
			case "pop": {
				if (marks.length === 0) break;
				let i = o.pick % marks.length;
				// A mark taken where an invalidated one was is the same number: it stands for both.
				const alias = marks.findIndex((x) => x.valid && x.value === (marks[i] as Mark).value);
				if (alias >= 0) i = alias;
				const m = marks[i] as Mark;
				const call = o.kind === "reset" ? () => arena.reset(m.value) : () => arena.pop(m.value);
				if (!m.valid) {
					expectRefused(heap, InvalidPointerError, call);
					break;
				}
				call();
				truncate(m.blocks, o.kind === "reset" ? i + 1 : i);
				break;
			}
			case "misuse": {
				const live = blocks.filter((b) => !b.freed);
				if (live.length === 0) break;
				const b = live[o.pick % live.length] as Block;
				const [kind, call] = MISUSES[o.how] as (typeof MISUSES)[number];
				expectRefused(heap, kind, () => call(heap, arena, b.ptr));
				break;
			}
			case "resetAll": {
				arena.reset();
				truncate(0, 0);
				expect(arena.stats().chunks).toBeLessThanOrEqual(1);
				expect(arena.stats().usedBytes).toBe(0);
				break;
			}
		}
		verify();
		arena.check();
		heap.check();
		const s = arena.stats();
		expect(s.marks).toBe(marks.filter((m) => m.valid).length);
		expect(s.usedBytes).toBeLessThanOrEqual(s.highWaterBytes);
		if (maxBytes !== undefined) expect(s.reservedBytes).toBeLessThanOrEqual(maxBytes);
	}
	heap.check();
	arena.free();
	heap.check();
	// A checked heap holds freed blocks in quarantine: its counters do not go back, its live blocks do.
	if (checked) {
		expect(heap.leaks()).toEqual([]);
	} else {
		expect(heap.stats().usedBytes).toBe(before.usedBytes);
		expect(heap.stats().liveBlocks).toBe(before.liveBlocks);
	}
}

describe("Arena against a model, with arena.check() and heap.check() after every operation", () => {
	it("keeps every live block intact and marks exact over random operation sequences", () => {
		fc.assert(
			fc.property(fc.array(op, { maxLength: 120 }), fc.constantFrom(1, 8, 32), (ops, minAlign) => {
				replay(ops, minAlign, undefined);
			}),
			{ numRuns: 150 },
		);
	});

	it("keeps every redzone and poisoned byte intact over random operation sequences on a checked heap", () => {
		fc.assert(
			fc.property(fc.array(op, { maxLength: 80 }), fc.constantFrom(1, 8, 32), (ops, minAlign) => {
				replay(ops, minAlign, undefined, true);
			}),
			{ numRuns: 60 },
		);
	});

	it("never holds more than its budget and stays usable when it runs out", () => {
		fc.assert(
			fc.property(fc.array(op, { maxLength: 120 }), fc.integer({ min: 1024, max: 8192 }), (ops, maxBytes) => {
				replay(ops, 8, maxBytes);
			}),
			{ numRuns: 100 },
		);
	});
});
