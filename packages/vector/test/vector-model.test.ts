import { failRandomly, Heap, OutOfMemoryError } from "@offheap/core";
import { f64, i32, struct, u16 } from "@offheap/struct";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Vector } from "../src/index.ts";

type Op =
	| { op: "push"; value: number }
	| { op: "pop" }
	| { op: "insert"; at: number; value: number }
	| { op: "remove"; at: number }
	| { op: "swapRemove"; at: number }
	| { op: "set"; at: number; value: number }
	| { op: "truncate"; to: number }
	| { op: "clear" }
	| { op: "reserve"; n: number }
	| { op: "shrink" }
	| { op: "pushMany"; values: number[] }
	| { op: "copyFrom"; values: number[]; at: number }
	| { op: "sort" }
	| { op: "pin" };

const value = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const index = fc.nat({ max: 200 });
const ops: fc.Arbitrary<Op[]> = fc.array(
	fc.oneof(
		{ arbitrary: fc.record({ op: fc.constant("push" as const), value }), weight: 8 },
		{ arbitrary: fc.record({ op: fc.constant("pop" as const) }), weight: 2 },
		{ arbitrary: fc.record({ op: fc.constant("insert" as const), at: index, value }), weight: 3 },
		{ arbitrary: fc.record({ op: fc.constant("remove" as const), at: index }), weight: 2 },
		{ arbitrary: fc.record({ op: fc.constant("swapRemove" as const), at: index }), weight: 2 },
		{ arbitrary: fc.record({ op: fc.constant("set" as const), at: index, value }), weight: 2 },
		{ arbitrary: fc.record({ op: fc.constant("truncate" as const), to: index }), weight: 1 },
		{ arbitrary: fc.record({ op: fc.constant("clear" as const) }), weight: 1 },
		{ arbitrary: fc.record({ op: fc.constant("reserve" as const), n: fc.nat({ max: 300 }) }), weight: 1 },
		{ arbitrary: fc.record({ op: fc.constant("shrink" as const) }), weight: 1 },
		{
			arbitrary: fc.record({
				op: fc.constant("pushMany" as const),
				values: fc.array(value, { maxLength: 40 }),
			}),
			weight: 2,
		},
		{
			arbitrary: fc.record({
				op: fc.constant("copyFrom" as const),
				values: fc.array(value, { maxLength: 5 }),
				at: index,
			}),
			weight: 1,
		},
		{ arbitrary: fc.record({ op: fc.constant("sort" as const) }), weight: 1 },
		{ arbitrary: fc.record({ op: fc.constant("pin" as const) }), weight: 1 },
	),
	{ maxLength: 120 },
);

/** Applies `op` to the vector and to the array model; an index out of range must throw RangeError on both sides. */
function apply(v: Vector<typeof i32>, model: number[], op: Op, heap: Heap, pins: number[]): void {
	const n = model.length;
	switch (op.op) {
		case "push":
			expect(v.push(op.value)).toBe(model.push(op.value));
			return;
		case "pop":
			expect(v.pop()).toBe(model.pop());
			return;
		case "insert":
			if (op.at > n) expect(() => v.insert(op.at, op.value)).toThrow(RangeError);
			else {
				v.insert(op.at, op.value);
				model.splice(op.at, 0, op.value);
			}
			return;
		case "remove":
			if (op.at >= n) expect(() => v.remove(op.at)).toThrow(RangeError);
			else expect(v.remove(op.at)).toBe(model.splice(op.at, 1)[0]);
			return;
		case "swapRemove":
			if (op.at >= n) expect(() => v.swapRemove(op.at)).toThrow(RangeError);
			else {
				const removed = model[op.at];
				const last = model.pop() as number;
				if (op.at < model.length) model[op.at] = last;
				expect(v.swapRemove(op.at)).toBe(removed);
			}
			return;
		case "set":
			if (op.at >= n) expect(() => v.set(op.at, op.value)).toThrow(RangeError);
			else {
				v.set(op.at, op.value);
				model[op.at] = op.value;
			}
			return;
		case "truncate":
			v.truncate(op.to);
			model.length = Math.min(n, op.to);
			return;
		case "clear":
			v.clear();
			model.length = 0;
			return;
		case "reserve":
			v.reserve(op.n);
			expect(v.capacity - v.length).toBeGreaterThanOrEqual(op.n);
			return;
		case "shrink":
			v.shrinkToFit();
			// At most the slack of the block: the heap keeps a tail smaller than its 16-byte minimum block
			// inside the block, and sizes round to 8 (so under 24 bytes), or the smallest block's 12.
			expect(v.capacity * 4).toBeLessThan(Math.max(n * 4 + 24, 13));
			return;
		case "pushMany":
			expect(v.pushMany(op.values)).toBe(model.push(...op.values));
			return;
		case "copyFrom":
			if (op.at + op.values.length > n) expect(() => v.copyFrom(op.values, op.at)).toThrow(RangeError);
			else {
				v.copyFrom(new Int32Array(op.values), op.at);
				model.splice(op.at, op.values.length, ...op.values);
			}
			return;
		case "sort":
			v.sort();
			model.sort((a, b) => a - b);
			return;
		default:
			pins.push(heap.alloc(8)); // pins the vector's neighbourhood so that growth moves
	}
}

describe("Vector against a JS array", () => {
	it("matches the array after every operation, keeps the heap consistent, and frees everything", () => {
		fc.assert(
			fc.property(ops, (sequence) => {
				const heap = new Heap();
				const start = heap.stats();
				const v = new Vector(heap, i32);
				const model: number[] = [];
				const pins: number[] = [];
				for (const op of sequence) {
					apply(v, model, op, heap, pins);
					expect(v.length).toBe(model.length);
					expect(v.capacity).toBeGreaterThanOrEqual(v.length);
					v.check(); // header, storage words, live blocks
					heap.check();
				}
				expect(v.toArray()).toEqual(model);
				expect([...v]).toEqual(model);
				expect(Array.from(v.asTypedArray())).toEqual(model);
				heap.check();
				v.free();
				for (const pin of pins) heap.free(pin);
				const end = heap.stats();
				expect(end.liveBlocks).toBe(start.liveBlocks);
				expect(end.usedBytes).toBe(start.usedBytes);
				expect(end.freeBlocks).toBe(1); // everything coalesced again
			}),
			{ numRuns: 150 },
		);
	});

	it("keeps its spare capacity poisoned through every operation on a checked heap", () => {
		fc.assert(
			fc.property(ops, (sequence) => {
				const heap = new Heap({ checked: { stacks: false } });
				const v = new Vector(heap, i32);
				const model: number[] = [];
				const pins: number[] = [];
				for (const op of sequence) {
					apply(v, model, op, heap, pins);
					v.check(); // nothing wrote past the length
				}
				expect(v.toArray()).toEqual(model);
				heap.check();
				v.free();
				for (const pin of pins) heap.free(pin);
				expect(heap.leaks()).toEqual([]);
			}),
			{ numRuns: 60 },
		);
	});

	it("either completes or changes nothing when allocations fail at random", () => {
		fc.assert(
			fc.property(ops, fc.integer({ min: 1, max: 1_000_000 }), (sequence, seed) => {
				const heap = new Heap();
				const faulty = failRandomly(heap, 0.25, seed);
				let v: Vector<typeof i32>;
				try {
					v = new Vector(faulty, i32);
				} catch {
					expect(heap.stats().liveBlocks).toBe(0);
					return;
				}
				const model: number[] = [];
				const pins: number[] = [];
				for (const op of sequence) {
					const copy = [...model];
					const capacity = v.capacity;
					const data = v.dataAddress;
					try {
						apply(v, model, op, heap, pins);
					} catch (error) {
						if (!(error instanceof OutOfMemoryError)) throw error;
						model.length = 0;
						model.push(...copy); // the model may have changed before the vector threw
						expect(v.toArray()).toEqual(copy);
						expect(v.capacity).toBe(capacity);
						expect(v.dataAddress).toBe(data);
					}
				}
				expect(v.toArray()).toEqual(model);
				heap.check();
				v.free();
				for (const pin of pins) heap.free(pin);
				expect(heap.stats().liveBlocks).toBe(0);
			}),
			{ numRuns: 100 },
		);
	});

	it("keeps struct and narrow elements intact through growth, moves and removals", () => {
		const Item = struct("Item", { id: u16, weight: f64 });
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.nat({ max: 65535 }), fc.double({ noNaN: true }), fc.nat({ max: 3 })), {
					maxLength: 200,
				}),
				(steps) => {
					const heap = new Heap();
					const v = new Vector(heap, Item);
					const w = new Vector(heap, f64);
					const model: { id: number; weight: number }[] = [];
					for (const [id, weight, action] of steps) {
						if (action === 0 && model.length > 0) {
							const at = id % model.length;
							expect(v.swapRemove(at)).toEqual(model[at]);
							const last = model.pop() as { id: number; weight: number };
							if (at < model.length) model[at] = last;
						} else {
							v.push({ id, weight });
							model.push({ id, weight });
						}
						w.push(weight); // interleaved growth of two vectors makes them move
					}
					expect(v.toArray()).toEqual(model);
					heap.check();
					v.free();
					w.free();
					expect(heap.stats().liveBlocks).toBe(0);
				},
			),
			{ numRuns: 100 },
		);
	});
});
