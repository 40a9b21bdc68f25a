import { describe, expect, it } from "vitest";
import { PLAIN_ENTITY_BYTES, PlainWorld } from "../src/sim/plain-world.ts";
import { KIND_ASTEROID } from "../src/sim/rules.ts";

const options = {
	mode: "plain",
	budgetBytes: 1 << 20,
	seed: 3,
	width: 640,
	height: 360,
	asteroids: 50,
} as const;

describe("PlainWorld", () => {
	it("never refuses a spawn: plain objects have no budget", () => {
		using world = new PlainWorld(options);
		const before = world.count(KIND_ASTEROID);
		expect(world.spawnBurst(5000)).toEqual({ spawned: 5000, refused: 0 });
		expect(world.count(KIND_ASTEROID)).toBe(before + 5000);
		const report = world.step(1 / 60);
		expect(report.refused).toBe(0);
		expect(report.spawned).toBeGreaterThanOrEqual(5000);
		expect(world.budget().refusedSpawns).toBe(0);
	});

	it("estimates its memory and has no heap to map", () => {
		using world = new PlainWorld(options);
		for (let frame = 0; frame < 30; frame++) world.step(1 / 60);
		const budget = world.budget();
		expect(budget.entities).toBe(world.entityCount());
		expect(budget.usedBytes).toBe(world.entityCount() * PLAIN_ENTITY_BYTES);
		expect(budget.highWaterBytes).toBeGreaterThanOrEqual(budget.usedBytes);
		expect(budget.budgetBytes).toBe(options.budgetBytes);
		expect(Object.values(budget.bytesByOwner).every((bytes) => bytes === 0)).toBe(true);
		expect(world.heapMap()).toEqual([]);
		expect(world.heapBytes).toBe(0);
	});

	it("draws every entity and forgets them all when freed", () => {
		const world = new PlainWorld(options);
		for (let frame = 0; frame < 30; frame++) world.step(1 / 60);
		let drawn = 0;
		world.forEachSprite(() => drawn++);
		expect(drawn).toBe(world.entityCount());
		world.free();
		expect(world.entityCount()).toBe(0);
	});
});
