import { describe, expect, it } from "vitest";
import { frameTimes, quantile, runBurst, runRealtime, runSteady } from "../src/cli/run-world.ts";
import { createWorld } from "../src/sim/create-world.ts";

describe("run-world", () => {
	it("takes nearest-rank quantiles", () => {
		const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
		expect([quantile(sorted, 0.5), quantile(sorted, 0.99), quantile(sorted, 1), quantile(sorted, 0)]).toEqual(
			[5, 10, 10, 1],
		);
		expect(quantile([], 0.5)).toBe(0);
		expect(frameTimes(new Float64Array([3, 1, 2, 100]), 3)).toEqual({ frames: 3, p50: 2, p99: 3, max: 3 });
	});

	it("measures a steady state and a burst phase", async () => {
		using world = createWorld({
			mode: "offheap",
			budgetBytes: 256 * 1024,
			seed: 1,
			width: 640,
			height: 360,
			asteroids: 40,
		});
		const samples = new Float64Array(100_000);
		const steady = await runSteady(world, 0.05, 10, samples);
		expect(steady.times.frames).toBeGreaterThan(0);
		expect(steady.times.p50).toBeLessThanOrEqual(steady.times.max);
		expect(steady.entitiesMean).toBeGreaterThan(0);
		const burst = await runBurst(world, 12, 400, samples);
		expect(burst.times.frames).toBe(12);
		expect(burst.refused).toBeGreaterThan(0);
		expect(burst.entitiesLast).toBe(world.budget().entities);
	});

	it("steps a world in real time, one frame per 1/60 s of wall time", async () => {
		using world = createWorld({
			mode: "plain",
			budgetBytes: 0,
			seed: 1,
			width: 640,
			height: 360,
			asteroids: 20,
		});
		const started = performance.now();
		const result = await runRealtime(world, 0.25, 5, new Float64Array(1000));
		expect(result.times.frames).toBe(15);
		expect(performance.now() - started).toBeGreaterThanOrEqual(240);
		expect(result.entitiesMean).toBeGreaterThan(0);
	});
});
