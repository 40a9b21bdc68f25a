import { describe, expect, it } from "vitest";
import type { World, WorldOptions } from "../src/sim/api.ts";
import { createWorld } from "../src/sim/create-world.ts";
import { OffheapWorld } from "../src/sim/offheap-world.ts";
import { PlainWorld } from "../src/sim/plain-world.ts";
import { Random } from "../src/sim/random.ts";
import { KIND_COUNT } from "../src/sim/rules.ts";

const base: Omit<WorldOptions, "mode"> = {
	budgetBytes: 4 << 20,
	seed: 5,
	width: 800,
	height: 450,
	asteroids: 120,
};

function counts(world: World): number[] {
	const typed = world as OffheapWorld | PlainWorld;
	return Array.from({ length: KIND_COUNT }, (_, kind) => typed.count(kind));
}

describe("createWorld", () => {
	it("builds the world of the mode asked for", () => {
		using offheap = createWorld({ ...base, mode: "offheap" });
		using plain = createWorld({ ...base, mode: "plain" });
		expect(offheap).toBeInstanceOf(OffheapWorld);
		expect(plain).toBeInstanceOf(PlainWorld);
		expect([offheap.mode, plain.mode]).toEqual(["offheap", "plain"]);
		expect(offheap.heapBytes).toBe(base.budgetBytes);
		expect(plain.heapBytes).toBe(0);
		expect([offheap.width, offheap.height, plain.width, plain.height]).toEqual([800, 450, 800, 450]);
	});

	it("computes the same frames in both modes from the same seed", () => {
		using offheap = createWorld({ ...base, mode: "offheap" });
		using plain = createWorld({ ...base, mode: "plain" });
		expect(counts(offheap)).toEqual(counts(plain));
		for (let frame = 1; frame <= 600; frame++) {
			const a = offheap.step(1 / 60);
			const b = plain.step(1 / 60);
			expect([a.frame, a.entities, a.spawned, a.refused]).toEqual([
				b.frame,
				b.entities,
				b.spawned,
				b.refused,
			]);
			if (frame % 50 === 0) expect(counts(offheap)).toEqual(counts(plain));
		}
		const spritesA: number[] = [];
		const spritesB: number[] = [];
		offheap.forEachSprite((x, y, angle, radius, kind) => spritesA.push(x, y, angle, radius, kind));
		plain.forEachSprite((x, y, angle, radius, kind) => spritesB.push(x, y, angle, radius, kind));
		expect(spritesA).toEqual(spritesB); // same positions, double for double
	});

	it("stays in step under any mix of step lengths and bursts while the budget holds", () => {
		for (let trial = 0; trial < 6; trial++) {
			const random = new Random(1000 + trial);
			const options = {
				...base,
				seed: random.int(2 ** 31),
				asteroids: 20 + random.int(80),
				ships: random.int(8),
			};
			using offheap = createWorld({ ...options, mode: "offheap" });
			using plain = createWorld({ ...options, mode: "plain" });
			for (let action = 0; action < 150; action++) {
				if (random.next() < 0.1) {
					const n = random.int(200);
					expect(offheap.spawnBurst(n)).toEqual(plain.spawnBurst(n));
				} else {
					const dt = random.next() < 0.1 ? random.range(0, 0.3) : 1 / 60;
					expect(offheap.step(dt).entities).toBe(plain.step(dt).entities);
				}
			}
			expect(counts(offheap)).toEqual(counts(plain));
			expect(offheap.budget().refusedSpawns).toBe(0);
		}
	});

	it("reaches a steady state: the population stops drifting", () => {
		for (const mode of ["offheap", "plain"] as const) {
			using world = createWorld({ ...base, mode, asteroids: 200 });
			for (let frame = 0; frame < 300; frame++) world.step(1 / 60);
			const samples: number[] = [];
			for (let frame = 0; frame < 600; frame++) samples.push(world.step(1 / 60).entities);
			const firstHalf = samples.slice(0, 300).reduce((s, n) => s + n, 0) / 300;
			const secondHalf = samples.slice(300).reduce((s, n) => s + n, 0) / 300;
			expect(Math.abs(secondHalf - firstHalf) / firstHalf).toBeLessThan(0.15);
			expect(Math.min(...samples)).toBeGreaterThan(150);
			expect(Math.max(...samples)).toBeLessThan(600);
		}
	});
});
