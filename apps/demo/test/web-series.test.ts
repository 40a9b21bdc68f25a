import { describe, expect, it } from "vitest";
import { Series } from "../src/web/series.ts";

/** mulberry32, so the random sequences below are the same on every run. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), state | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe("Series", () => {
	it("keeps samples oldest first until it is full", () => {
		const series = new Series(4);
		series.push(1);
		series.push(2);
		series.push(3);
		expect(series.length).toBe(3);
		expect(series.toArray()).toEqual([1, 2, 3]);
		expect(series.last()).toBe(3);
	});

	it("drops the oldest sample once full", () => {
		const series = new Series(3);
		for (const value of [1, 2, 3, 4, 5]) series.push(value);
		expect(series.length).toBe(3);
		expect(series.toArray()).toEqual([3, 4, 5]);
		expect(series.at(0)).toBe(3);
		expect(series.max()).toBe(5);
	});

	it("reports NaN as the last sample and 0 as the max when empty, also after clear", () => {
		const series = new Series(2);
		expect(series.last()).toBeNaN();
		expect(series.max()).toBe(0);
		series.push(7);
		series.clear();
		expect(series.length).toBe(0);
		expect(series.last()).toBeNaN();
		expect(series.toArray()).toEqual([]);
	});

	it("refuses a capacity that is not a positive integer", () => {
		expect(() => new Series(0)).toThrow(RangeError);
		expect(() => new Series(2.5)).toThrow(RangeError);
		expect(() => new Series(Number.NaN)).toThrow(RangeError);
	});

	it("agrees with an array model over random pushes and clears", () => {
		const next = random(42);
		for (let run = 0; run < 50; run++) {
			const capacity = 1 + Math.floor(next() * 20);
			const series = new Series(capacity);
			let model: number[] = [];
			for (let op = 0; op < 200; op++) {
				if (next() < 0.03) {
					series.clear();
					model = [];
				} else {
					const value = Math.round(next() * 1000);
					series.push(value);
					model.push(value);
					if (model.length > capacity) model.shift();
				}
				expect(series.length).toBe(model.length);
				expect(series.last()).toBe(model.length === 0 ? Number.NaN : model[model.length - 1]);
				expect(series.max()).toBe(model.length === 0 ? 0 : Math.max(0, ...model));
			}
			expect(series.toArray()).toEqual(model);
		}
	});
});
