import { describe, expect, it } from "vitest";
import { asteroidDebris, asteroidHp, CELL_SIZE, gridSize, wrap } from "../src/sim/rules.ts";

describe("rules", () => {
	it("wraps positions that crossed an edge back into the playfield", () => {
		expect(wrap(-1, 100)).toBe(99);
		expect(wrap(100, 100)).toBe(0);
		expect(wrap(105.5, 100)).toBe(5.5);
		expect(wrap(0, 100)).toBe(0);
		expect(wrap(99.9, 100)).toBe(99.9);
	});

	it("covers the playfield with grid cells", () => {
		expect(gridSize(1280)).toBe(Math.ceil(1280 / CELL_SIZE));
		expect(gridSize(CELL_SIZE)).toBe(1);
		expect(gridSize(CELL_SIZE + 1)).toBe(2);
		expect(gridSize(0)).toBe(1);
	});

	it("gives big asteroids more hit points and more debris", () => {
		expect(asteroidHp(10)).toBe(1);
		expect(asteroidHp(40)).toBe(3);
		expect(asteroidDebris(40)).toBeGreaterThan(asteroidDebris(10));
	});
});
