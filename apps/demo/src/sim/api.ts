/**
 * The contract between the simulation (src/sim) and its two front ends (src/cli for the terminal,
 * src/web for the browser). Both front ends drive a {@link World} through this interface only, so the
 * offheap world and the plain-JS-objects world are interchangeable behind one toggle.
 */

/** Who owns a heap block, as the heap map colours it. */
export type Owner = "pool" | "arena" | "vector" | "rc" | "list" | "other" | "free";

/** Every owner, in legend order. */
export const OWNERS: readonly Owner[] = ["pool", "arena", "vector", "rc", "list", "other", "free"];

/** One block of the heap as the heap map draws it: `[address, address + size)`. */
export interface HeapBlock {
	readonly address: number;
	readonly size: number;
	readonly owner: Owner;
}

/** Which implementation runs the simulation. */
export type WorldMode = "offheap" | "plain";

export interface WorldOptions {
	/** Same rules, same seed, different memory: offheap structures in one fixed-budget heap, or plain JS objects. */
	readonly mode: WorldMode;
	/** The whole heap, fixed (`initialBytes == maxBytes`). Ignored by the plain world except for reporting. */
	readonly budgetBytes: number;
	/** Seed of the deterministic random source (spawns, velocities). */
	readonly seed: number;
	/** Size of the playfield in world units (the browser maps it to canvas pixels). */
	readonly width: number;
	readonly height: number;
	/** Asteroids the spawner keeps the field topped up to (ships, bullets and debris come on top). Default 600. */
	readonly asteroids?: number;
	/** Ships flying and shooting (each respawns 1.5 s after it is hit). Default 12. */
	readonly ships?: number;
}

/** What one call of {@link World.step} did. */
export interface FrameReport {
	readonly frame: number;
	readonly entities: number;
	/** Entities created this frame (automatic spawns and bursts queued since the last frame). */
	readonly spawned: number;
	/** Spawns refused this frame because the budget ran out: the simulation degrades, it does not crash. */
	readonly refused: number;
	/** Wall time of the step in milliseconds. */
	readonly stepMs: number;
}

/** Memory figures of the world right now. */
export interface BudgetReport {
	readonly budgetBytes: number;
	/** Bytes in live blocks (heap.stats().usedBytes; an estimate for the plain world). */
	readonly usedBytes: number;
	readonly highWaterBytes: number;
	readonly largestFreeBlock: number;
	/** 1 - largestFreeBlock / freeBytes (0 when free space is one block). */
	readonly fragmentation: number;
	/** Bytes in live blocks by owner (all zero for the plain world). */
	readonly bytesByOwner: Readonly<Record<Owner, number>>;
	readonly entities: number;
	/** Spawns refused since the world was created. */
	readonly refusedSpawns: number;
}

/** A running simulation. */
export interface World extends Disposable {
	readonly mode: WorldMode;
	readonly width: number;
	readonly height: number;
	/** Advances the simulation by `dtSeconds` (clamped by the world to a sane maximum). */
	step(dtSeconds: number): FrameReport;
	/** Queues `count` new entities for the next step (or creates them now); returns how many fit. */
	spawnBurst(count: number): { readonly spawned: number; readonly refused: number };
	budget(): BudgetReport;
	/** Every block of the heap in address order, free ones included; empty for the plain world. */
	heapMap(): readonly HeapBlock[];
	/** Size of the heap the map covers, in bytes (the budget). */
	readonly heapBytes: number;
	/**
	 * Calls `visit` once per drawable entity. `kind` indexes the world's sprite table (0 = ship,
	 * 1 = asteroid, 2 = bullet, 3 = particle ... as the world defines), `radius` in world units.
	 */
	forEachSprite(visit: (x: number, y: number, angle: number, radius: number, kind: number) => void): void;
	/** Releases everything; the heap's stats return to their starting values. */
	free(): void;
}
