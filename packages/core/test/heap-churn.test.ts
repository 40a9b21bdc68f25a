import { firstDifference } from "@offheap/test-support/refused";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Heap } from "../src/index.ts";

type Op =
	| { kind: "malloc"; size: number; align: number | undefined }
	| { kind: "calloc"; count: number; size: number }
	| { kind: "realloc"; pick: number; size: number }
	| { kind: "free"; pick: number };

const size = fc.oneof(
	fc.integer({ min: 0, max: 64 }),
	fc.integer({ min: 0, max: 5000 }),
	fc.constantFrom(0, 8, 12, 16, 256),
);
const op: fc.Arbitrary<Op> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record({
			kind: fc.constant("malloc" as const),
			size,
			align: fc.option(fc.constantFrom(1, 8, 16, 64, 256, 4096), { nil: undefined }),
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant("calloc" as const),
			count: fc.integer({ min: 0, max: 40 }),
			size: fc.integer({ min: 0, max: 100 }),
		}),
	},
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant("realloc" as const), pick: fc.nat(), size }) },
	{ weight: 4, arbitrary: fc.record({ kind: fc.constant("free" as const), pick: fc.nat() }) },
);

interface Live {
	ptr: number;
	size: number;
	stamp: number;
	align: number;
}

/** Fills a block with its stamp so any overlap or stray write shows up when it is verified. */
function stamp(heap: Heap, block: Live): void {
	heap.u8.fill(block.stamp, block.ptr, block.ptr + block.size);
}

function verify(heap: Heap, block: Live, bytes = block.size): void {
	const u8 = heap.u8;
	for (let i = 0; i < bytes; i++) {
		if (u8[block.ptr + i] !== block.stamp) {
			throw new Error(`block ${block.ptr} (${block.size} B) lost its stamp at byte ${i}`);
		}
	}
}

/** Replays `ops` against a small heap and a model of its live blocks; returns the heap. */
function replay(ops: Op[], heap: Heap, checkEveryStep: boolean): Heap {
	const live: Live[] = [];
	let nextStamp = 1;
	const take = (pick: number) => live[pick % live.length] as Live;
	for (const o of ops) {
		// A call that returns 0 must leave every byte and counter as it was (cache included).
		const bytesBefore = checkEveryStep && o.kind !== "free" ? heap.u8.slice() : undefined;
		const statsBefore = heap.stats();
		const unchanged = () => {
			expect(heap.stats()).toEqual(statsBefore);
			if (bytesBefore !== undefined) expect(firstDifference(heap.u8, bytesBefore)).toBe(-1);
		};
		if (o.kind === "malloc" || o.kind === "calloc") {
			const bytes = o.kind === "malloc" ? o.size : o.count * o.size;
			const ptr = o.kind === "malloc" ? heap.malloc(o.size, o.align) : heap.calloc(o.count, o.size);
			if (ptr === 0) {
				unchanged();
				continue;
			}
			const align = o.kind === "malloc" ? Math.max(o.align ?? 8, 8) : 8;
			expect(ptr % align).toBe(0);
			expect(heap.usableSize(ptr)).toBeGreaterThanOrEqual(bytes);
			if (o.kind === "calloc") expect(heap.u8.subarray(ptr, ptr + bytes).every((b) => b === 0)).toBe(true);
			const block = { ptr, size: bytes, stamp: nextStamp, align };
			nextStamp = (nextStamp % 255) + 1;
			stamp(heap, block);
			live.push(block);
		} else if (live.length > 0 && o.kind === "realloc") {
			const block = take(o.pick);
			verify(heap, block);
			const ptr = heap.realloc(block.ptr, o.size);
			if (ptr === 0) {
				unchanged();
				verify(heap, block);
				continue;
			}
			expect(ptr % 8).toBe(0);
			verify(heap, { ...block, ptr }, Math.min(block.size, o.size));
			block.ptr = ptr;
			block.size = o.size;
			stamp(heap, block);
		} else if (live.length > 0 && o.kind === "free") {
			const index = o.pick % live.length;
			const block = live[index] as Live;
			verify(heap, block);
			heap.free(block.ptr);
			live[index] = live[live.length - 1] as Live;
			live.pop();
		}
		if (checkEveryStep) heap.check();
	}
	heap.check();
	for (const block of live) verify(heap, block);
	const s = heap.stats();
	expect(s.liveBlocks).toBe(live.length);
	expect(s.heapBytes).toBe(s.usedBytes + s.freeBytes + s.metadataBytes);
	for (const block of live) heap.free(block.ptr);
	heap.check();
	expect(heap.stats().freeBlocks).toBe(1);
	expect(heap.stats().usedBytes).toBe(0);
	return heap;
}

describe("Heap under random churn", () => {
	it("keeps every block's contents, alignment and the invariants after each step of a small growable heap", () => {
		fc.assert(
			fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
				replay(ops, new Heap({ initialBytes: 8192, maxBytes: 1 << 18 }), true);
			}),
			{ numRuns: 150 },
		);
	});

	it("keeps every invariant on a tight fixed budget where allocations fail", () => {
		fc.assert(
			fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
				replay(ops, new Heap({ initialBytes: 16384, maxBytes: 16384 }), true);
			}),
			{ numRuns: 150 },
		);
	});

	it("changes nothing when a small, cache-heavy fixed budget refuses a request", () => {
		const small = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constantFrom(0, 8, 16, 500, 1000, 3000));
		const churn: fc.Arbitrary<Op> = fc.oneof(
			{
				weight: 5,
				arbitrary: fc.record({
					kind: fc.constant("malloc" as const),
					size: small,
					align: fc.option(fc.constantFrom(16, 64, 512), { nil: undefined, freq: 6 }),
				}),
			},
			{
				weight: 1,
				arbitrary: fc.record({
					kind: fc.constant("calloc" as const),
					count: fc.integer({ min: 1, max: 8 }),
					size: small,
				}),
			},
			{
				weight: 2,
				arbitrary: fc.record({ kind: fc.constant("realloc" as const), pick: fc.nat(), size: small }),
			},
			{ weight: 4, arbitrary: fc.record({ kind: fc.constant("free" as const), pick: fc.nat() }) },
		);
		fc.assert(
			fc.property(fc.array(churn, { minLength: 50, maxLength: 300 }), (ops) => {
				replay(ops, new Heap({ initialBytes: 8192, maxBytes: 8192 }), true);
			}),
			{ numRuns: 150 },
		);
	});

	it("stays consistent over long sequences, checked at the end", () => {
		fc.assert(
			fc.property(fc.array(op, { minLength: 500, maxLength: 2000 }), (ops) => {
				replay(ops, new Heap({ initialBytes: 65536, maxBytes: 1 << 22 }), false);
			}),
			{ numRuns: 20 },
		);
	});

	it("survives a reopen through a copy of its bytes at any point", () => {
		fc.assert(
			fc.property(fc.array(op, { maxLength: 200 }), fc.nat(), (ops, cut) => {
				const at = ops.length === 0 ? 0 : cut % ops.length;
				const heap = new Heap({ initialBytes: 8192, maxBytes: 1 << 20 });
				const first = ops.slice(0, at).filter((o) => o.kind !== "free" && o.kind !== "realloc");
				for (const o of first) {
					if (o.kind === "malloc") heap.malloc(o.size, o.align);
					else if (o.kind === "calloc") heap.calloc(o.count, o.size);
				}
				const again = Heap.open(heap.u8.slice().buffer);
				again.check();
				expect(again.stats().liveBlocks).toBe(heap.stats().liveBlocks);
				expect([...again.walk()]).toEqual([...heap.walk()]);
			}),
			{ numRuns: 50 },
		);
	});
});
