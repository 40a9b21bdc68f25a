import { describe, expect, it } from "vitest";
import { Random } from "../src/sim/random.ts";

describe("Random", () => {
	it("draws the same sequence from the same seed", () => {
		const a = new Random(42);
		const b = new Random(42);
		const first = Array.from({ length: 100 }, () => a.next());
		expect(Array.from({ length: 100 }, () => b.next())).toEqual(first);
		expect(new Set(first).size).toBe(100);
	});

	it("draws a different sequence from another seed", () => {
		const a = new Random(1);
		const b = new Random(2);
		expect(Array.from({ length: 10 }, () => a.next())).not.toEqual(
			Array.from({ length: 10 }, () => b.next()),
		);
	});

	it("continues a sequence from its current seed", () => {
		const a = new Random(7);
		a.next();
		a.next();
		const resumed = new Random(a.seed);
		expect(resumed.next()).toBe(a.next());
	});

	it("stays within its ranges and spreads over them", () => {
		const random = new Random(3);
		let low = 0;
		for (let i = 0; i < 10_000; i++) {
			const x = random.next();
			expect(x >= 0 && x < 1).toBe(true);
			const r = random.range(-2, 5);
			expect(r >= -2 && r < 5).toBe(true);
			const n = random.int(6);
			expect(Number.isInteger(n) && n >= 0 && n < 6).toBe(true);
			if (x < 0.5) low++;
		}
		expect(low).toBeGreaterThan(4700);
		expect(low).toBeLessThan(5300);
	});

	it("matches mulberry32's reference output", () => {
		// First outputs of mulberry32(0), as the reference C implementation computes them.
		const random = new Random(0);
		const words = Array.from({ length: 3 }, () => Math.round(random.next() * 4294967296));
		expect(words).toEqual([1144304738, 1416247, 958946056]);
	});
});
