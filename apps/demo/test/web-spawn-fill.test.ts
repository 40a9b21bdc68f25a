import { describe, expect, it } from "vitest";
import type { FrameReport, World } from "../src/sim/api.ts";
import { MAX_FILL_BURSTS, SpawnFill } from "../src/web/spawn-fill.ts";

/**
 * Only `spawnBurst` and `budget` matter to SpawnFill. This world accepts `capacity` entities, then
 * refuses; it reports `bytesPerEntity` per entity against `budgetBytes`.
 */
function worldWithRoom(
	capacity: number,
	bytesPerEntity = 0,
	budgetBytes = 1024,
): { world: World; calls: number[] } {
	let room = capacity;
	let entities = 0;
	const calls: number[] = [];
	const world = {
		budget: () => ({ usedBytes: entities * bytesPerEntity, budgetBytes }),
		spawnBurst(count: number) {
			calls.push(count);
			const spawned = Math.min(room, count);
			room -= spawned;
			entities += spawned;
			return { spawned, refused: count - spawned };
		},
	} as unknown as World;
	return { world, calls };
}

function report(refused: number): FrameReport {
	return { frame: 1, entities: 0, spawned: 0, refused, stepMs: 0 };
}

describe("SpawnFill", () => {
	it("sends one burst per frame until a burst is refused, then stops", () => {
		const { world, calls } = worldWithRoom(1200);
		const fill = new SpawnFill(500);
		fill.start();
		for (let frame = 0; frame < 10; frame++) fill.continue(world);
		expect(calls).toEqual([500, 500, 500]);
		expect(fill.active).toBe(false);
		expect(fill.burstCount).toBe(3);
		expect(fill.status()).toBe(
			"budget reached after 3 bursts (the last had 300 spawns refused); the world keeps running",
		);
	});

	it("stops when the step that applies queued spawns refuses some", () => {
		const { world, calls } = worldWithRoom(Number.POSITIVE_INFINITY);
		const fill = new SpawnFill(100);
		fill.start();
		fill.continue(world);
		fill.observe(report(0));
		expect(fill.active).toBe(true);
		expect(fill.status()).toBe("spawning: 1 bursts of 100 so far");
		fill.continue(world);
		fill.observe(report(42));
		expect(fill.active).toBe(false);
		fill.continue(world);
		expect(calls).toEqual([100, 100]);
		expect(fill.status()).toContain("42 spawns refused");
	});

	it("gives up after MAX_FILL_BURSTS on a world that never refuses", () => {
		const { world, calls } = worldWithRoom(Number.POSITIVE_INFINITY);
		const fill = new SpawnFill(1);
		fill.start();
		for (let frame = 0; frame < MAX_FILL_BURSTS + 5; frame++) fill.continue(world);
		expect(calls.length).toBe(MAX_FILL_BURSTS);
		expect(fill.active).toBe(false);
		expect(fill.status()).toContain(`stopped after ${MAX_FILL_BURSTS} bursts without a refusal`);
	});

	it("fills a world that never refuses until its reported size reaches the budget", () => {
		const { world, calls } = worldWithRoom(Number.POSITIVE_INFINITY, 10, 2000);
		const fill = new SpawnFill(50);
		fill.start();
		for (let frame = 0; frame < 20; frame++) fill.continue(world);
		// 4 bursts make 2000 bytes: the fifth frame sees the budget reached and sends nothing.
		expect(calls).toEqual([50, 50, 50, 50]);
		expect(fill.active).toBe(false);
		expect(fill.status()).toBe(
			"stopped after 4 bursts: the estimated size reached the budget (no hard limit)",
		);
	});

	it("does nothing before start or after stop, and notes only while idle", () => {
		const { world, calls } = worldWithRoom(10);
		const fill = new SpawnFill(5);
		fill.continue(world);
		fill.observe(report(3));
		expect(calls).toEqual([]);
		fill.note("burst of 5: 5 fit, 0 refused");
		expect(fill.status()).toBe("burst of 5: 5 fit, 0 refused");
		fill.start();
		fill.note("ignored while filling");
		expect(fill.status()).toBe("spawning: 0 bursts of 5 so far");
		fill.stop("stopped: mode changed");
		fill.continue(world);
		expect(calls).toEqual([]);
		expect(fill.status()).toBe("stopped: mode changed");
	});

	it("refuses a burst size that is not a positive integer", () => {
		expect(() => new SpawnFill(0)).toThrow(RangeError);
		expect(() => new SpawnFill(1.5)).toThrow(RangeError);
	});
});
