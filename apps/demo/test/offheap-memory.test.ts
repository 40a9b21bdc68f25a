import { release, strongCount, weakCount } from "@offheap/rc";
import { describe, expect, it } from "vitest";
import { Sprite } from "../src/sim/layouts.ts";
import { growScratch, scratchBytes, spriteFor } from "../src/sim/offheap-memory.ts";
import { OffheapWorld } from "../src/sim/offheap-world.ts";
import { KIND_ASTEROID, KIND_SHIP } from "../src/sim/rules.ts";

const options = {
	mode: "offheap",
	budgetBytes: 256 * 1024,
	seed: 9,
	width: 640,
	height: 360,
	asteroids: 40,
} as const;

describe("offheap memory", () => {
	it("sizes a frame's scratch for the grid and one pair or link per entity", () => {
		expect(scratchBytes(0, 10)).toBeGreaterThanOrEqual(40);
		expect(scratchBytes(1000, 10) - scratchBytes(0, 10)).toBe(8000);
		expect(scratchBytes(1000, 10) % 8).toBe(0);
	});

	it("keeps the old scratch arena when the heap cannot hold a bigger one", () => {
		using world = new OffheapWorld(options);
		const arena = world.scratch;
		const capacity = world.scratchCapacity;
		const memory = () => {
			const { usedBytes, liveBlocks, freeBlocks, largestFreeBlock } = world.heap.stats();
			return { usedBytes, liveBlocks, freeBlocks, largestFreeBlock, map: world.heapMap() };
		};
		const before = memory();
		expect(growScratch(world, 1 << 20, 200)).toBe(false);
		expect(world.scratch).toBe(arena);
		expect(world.scratchCapacity).toBe(capacity);
		expect(memory()).toEqual(before);
		world.step(1 / 60);
		world.heap.check();
	});

	it("retires the arena a frame still reads and frees it when the frame ends", () => {
		using world = new OffheapWorld(options);
		const arena = world.scratch;
		world.inCollision = true;
		expect(growScratch(world, 2048, 200)).toBe(true);
		expect(world.retired).toBe(arena);
		const middle = world.scratch;
		expect(growScratch(world, 4096, 200)).toBe(true); // the one in between is nobody's: freed at once
		expect(world.retired).toBe(arena);
		expect(world.scratch).not.toBe(middle);
		world.inCollision = false;
		world.step(1 / 60);
		expect(world.retired).toBeNull();
		world.heap.check();
	});

	it("hands out the live sprite while entities hold it and a new one after it was dropped", () => {
		const world = new OffheapWorld({ ...options, ships: 0 });
		const rock = world.state.sprites.get(KIND_ASTEROID);
		expect(spriteFor(world, KIND_ASTEROID)).toBe(rock); // upgraded: one more strong reference
		expect(strongCount(world.sprites, rock)).toBe(world.count(KIND_ASTEROID) + 1);
		release(world.sprites, rock);
		expect(world.state.sprites.get(KIND_SHIP)).toBe(0); // no ship ever lived
		const ship = spriteFor(world, KIND_SHIP);
		expect(Sprite.read(world.heap, ship)).toMatchObject({ name: "ship", kind: KIND_SHIP });
		expect([strongCount(world.sprites, ship), weakCount(world.sprites, ship)]).toEqual([1, 1]);
		release(world.sprites, ship); // the last user: dropped, kept by the table's weak reference
		expect(world.state.spriteDrops).toBe(1);
		expect(strongCount(world.sprites, ship)).toBe(0);
		const next = spriteFor(world, KIND_SHIP); // a new descriptor; the dropped one's block is freed
		expect(strongCount(world.sprites, next)).toBe(1);
		expect(world.sprites.stats()).toMatchObject({ droppedValues: 0 });
		release(world.sprites, next);
		world.free();
		expect(world.heap.stats().liveBlocks).toBe(0);
	});
});
