import type { FrameReport, World } from "../sim/api.ts";

/**
 * A world without a byte budget (the plain one may never refuse) must not be filled forever: after
 * this many bursts "Spawn until full" gives up and says so.
 */
export const MAX_FILL_BURSTS = 400;

/**
 * "Spawn until full": one burst per frame until the world refuses part of a burst, either at once
 * (`spawnBurst` reports it) or when the queued spawns are applied (the next `FrameReport`). A world
 * that never refuses (plain objects) is filled until its reported size reaches the budget, so both
 * modes can be compared under about the same load.
 */
export class SpawnFill {
	readonly burst: number;
	private filling = false;
	private bursts = 0;
	private message = "";

	constructor(burst: number) {
		if (!Number.isInteger(burst) || burst < 1) {
			throw new RangeError(`SpawnFill: burst must be a positive integer, got ${burst}`);
		}
		this.burst = burst;
	}

	get active(): boolean {
		return this.filling;
	}

	/** Bursts sent since the last `start`. */
	get burstCount(): number {
		return this.bursts;
	}

	start(): void {
		this.filling = true;
		this.bursts = 0;
	}

	/** Sends the next burst, once per frame, before the world steps. */
	continue(world: World): void {
		if (!this.filling) return;
		if (this.bursts >= MAX_FILL_BURSTS) {
			this.stop(`stopped after ${this.bursts} bursts without a refusal (this world has no hard budget)`);
			return;
		}
		const budget = world.budget();
		if (budget.usedBytes >= budget.budgetBytes) {
			// Only a world without a hard budget gets here (the plain one: its size is an estimate).
			this.stop(`stopped after ${this.bursts} bursts: the estimated size reached the budget (no hard limit)`);
			return;
		}
		const result = world.spawnBurst(this.burst);
		this.bursts++;
		if (result.refused > 0) this.stopFull(result.refused);
	}

	/** Stops when the step that applied queued spawns refused some. */
	observe(report: FrameReport): void {
		if (this.filling && report.refused > 0) this.stopFull(report.refused);
	}

	stop(message: string): void {
		this.filling = false;
		this.message = message;
	}

	/** Replaces the status line (a manual burst, for instance) without changing the state. */
	note(message: string): void {
		if (!this.filling) this.message = message;
	}

	status(): string {
		return this.filling ? `spawning: ${this.bursts} bursts of ${this.burst} so far` : this.message;
	}

	private stopFull(refused: number): void {
		this.stop(
			`budget reached after ${this.bursts} bursts (the last had ${refused} spawns refused); the world keeps running`,
		);
	}
}
