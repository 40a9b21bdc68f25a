import { describe, expect, it } from "vitest";
import { FaultyAllocator, failAfter, failEvery, failRandomly, Heap } from "../src/index.ts";

describe("fault injection", () => {
	it("lets the first n requests through and fails every later one", () => {
		const heap = new Heap();
		const faulty = failAfter(heap, 2);
		const a = faulty.malloc(8);
		const b = faulty.calloc(2, 8);
		expect(a).not.toBe(0);
		expect(b).not.toBe(0);
		expect(faulty.malloc(8)).toBe(0);
		expect(faulty.calloc(1, 1)).toBe(0);
		expect(faulty.failures).toBe(2);
		expect(faulty.requests).toBe(4);
		expect(heap.stats().liveBlocks).toBe(2);
	});

	it("fails a growing realloc and leaves the block untouched, but lets shrinking through", () => {
		const heap = new Heap();
		const faulty = failAfter(heap, 1);
		const p = faulty.malloc(100);
		heap.u8[p] = 42;
		expect(faulty.realloc(p, 1000)).toBe(0);
		expect(heap.u8[p]).toBe(42);
		expect(faulty.realloc(p, 50)).toBe(p);
		faulty.free(p);
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("fails every n-th request", () => {
		const faulty = failEvery(new Heap(), 3);
		const outcome = Array.from({ length: 7 }, () => faulty.malloc(4) !== 0);
		expect(outcome).toEqual([true, true, false, true, true, false, true]);
	});

	it("fails at random but replays exactly from the same seed", () => {
		const run = (seed: number) => {
			const faulty = failRandomly(new Heap(), 0.3, seed);
			return Array.from({ length: 200 }, () => faulty.malloc(4) === 0);
		};
		expect(run(7)).toEqual(run(7));
		const failed = run(7).filter(Boolean).length;
		expect(failed).toBeGreaterThan(30);
		expect(failed).toBeLessThan(90);
		expect(run(7)).not.toEqual(run(8));
	});

	it("forwards the heap, frees and usable sizes", () => {
		const heap = new Heap();
		const faulty = new FaultyAllocator(heap, () => false);
		expect(faulty.heap).toBe(heap);
		const p = faulty.malloc(10);
		expect(faulty.usableSize(p)).toBe(12);
		faulty.free(p);
		expect(faulty.frees).toBe(1);
		expect(() => faulty.free(p)).toThrow();
	});

	it("takes a new policy at any time", () => {
		const faulty = new FaultyAllocator(new Heap(), () => true);
		expect(faulty.malloc(8)).toBe(0);
		faulty.policy = () => false;
		expect(faulty.malloc(8)).not.toBe(0);
		expect(faulty.requests).toBe(2);
	});

	it("refuses bad counts and probabilities", () => {
		const heap = new Heap();
		expect(() => failAfter(heap, -1)).toThrow(RangeError);
		expect(() => failEvery(heap, 0)).toThrow(RangeError);
		expect(() => failRandomly(heap, 1.5, 1)).toThrow(RangeError);
		expect(() => failRandomly(heap, 0.5, 0.5)).toThrow(RangeError);
	});
});
