import type { World } from "../sim/api.ts";
import { collectGarbage, type GcCounts, GcMonitor } from "./gc-monitor.ts";

/** The simulation's fixed time step: 60 frames per simulated second. */
export const DT: number = 1 / 60;

/** Frame times of a phase, in milliseconds. */
export interface FrameTimes {
	readonly frames: number;
	readonly p50: number;
	readonly p99: number;
	readonly max: number;
}

/** What one phase of one world did. */
export interface PhaseResult {
	readonly times: FrameTimes;
	readonly entitiesMean: number;
	readonly entitiesLast: number;
	readonly refused: number;
	readonly gc: GcCounts;
}

/** The `q` quantile (0..1) of `sorted`, nearest rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
	if (sorted.length === 0) return 0;
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
	return sorted[rank] as number;
}

/** Percentiles of the first `frames` samples. */
export function frameTimes(samples: Float64Array, frames: number): FrameTimes {
	const sorted = samples.slice(0, frames).sort();
	return { frames, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: quantile(sorted, 1) };
}

// The measured loops are plain synchronous functions: locals of an async function that live across
// an await are kept in a heap-allocated context, so their doubles would be boxed on every write and
// the harness would make the garbage it is there to count.

/** Steps `world` for `seconds` of wall time (or until `samples` is full); sums[0] += entities. */
function stepFor(world: World, seconds: number, samples: Float64Array, sums: Float64Array): number {
	const end = performance.now() + seconds * 1000;
	let frames = 0;
	let entities = 0;
	let refused = 0;
	while (frames < samples.length) {
		const report = world.step(DT);
		samples[frames] = report.stepMs;
		entities += report.entities;
		refused += report.refused;
		frames++;
		if ((frames & 63) === 0 && performance.now() >= end) break; // a clock read boxes a double
	}
	sums[0] = entities;
	sums[1] = refused;
	return frames;
}

/** Steps `world` `frames` times, spawning a burst of `burst` entities before each step. */
function burstFor(
	world: World,
	frames: number,
	burst: number,
	samples: Float64Array,
	sums: Float64Array,
): void {
	let entities = 0;
	let refused = 0;
	for (let frame = 0; frame < frames; frame++) {
		refused += world.spawnBurst(burst).refused;
		const report = world.step(DT);
		samples[frame] = report.stepMs;
		entities += report.entities;
	}
	sums[0] = entities;
	sums[1] = refused;
}

/**
 * Measures a world's steady state: `warmup` frames first (compiling, reaching the population), then
 * a full collection, then `seconds` of frames stepped as fast as they go while a {@link GcMonitor}
 * counts the collections.
 */
export async function runSteady(
	world: World,
	seconds: number,
	warmup: number,
	samples: Float64Array,
): Promise<PhaseResult> {
	for (let i = 0; i < warmup; i++) world.step(DT);
	return measurePhase(world, samples, (sums) => stepFor(world, seconds, samples, sums));
}

/** Spawns `burst` entities before each of `frames` steps, counting the collections meanwhile. */
export async function runBurst(
	world: World,
	frames: number,
	burst: number,
	samples: Float64Array,
): Promise<PhaseResult> {
	return measurePhase(world, samples, (sums) => {
		burstFor(world, frames, burst, samples, sums);
		return frames;
	});
}

/**
 * Measures a world's steady state in real time, as a game runs it: one step of 1/60 s every 1/60 s
 * of wall time for `seconds`, after `warmup` frames and a full collection. The waits between frames
 * allocate a little (a timer and a promise per frame); the worlds' own garbage dwarfs it.
 */
export async function runRealtime(
	world: World,
	seconds: number,
	warmup: number,
	samples: Float64Array,
): Promise<PhaseResult> {
	for (let i = 0; i < warmup; i++) world.step(DT);
	return measurePhase(world, samples, async (sums) => {
		const start = performance.now();
		const frames = Math.min(samples.length, Math.round(seconds / DT));
		for (let frame = 0; frame < frames; frame++) {
			const wait = start + (frame + 1) * DT * 1000 - performance.now();
			if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			stepOnce(world, frame, samples, sums);
		}
		return frames;
	});
}

/**
 * Runs one phase after a full collection, counting the collections while it runs. `run` steps the
 * world, records each frame's step time in `samples` and sums entities and refusals into `sums`, and
 * returns how many frames it stepped.
 */
async function measurePhase(
	world: World,
	samples: Float64Array,
	run: (sums: Float64Array) => number | Promise<number>,
): Promise<PhaseResult> {
	const sums = new Float64Array(2);
	collectGarbage();
	const monitor = new GcMonitor();
	monitor.start();
	const frames = await run(sums);
	const gc = await monitor.stop();
	return {
		times: frameTimes(samples, frames),
		entitiesMean: (sums[0] as number) / frames,
		entitiesLast: world.budget().entities,
		refused: sums[1] as number,
		gc,
	};
}

function stepOnce(world: World, frame: number, samples: Float64Array, sums: Float64Array): void {
	const report = world.step(DT);
	samples[frame] = report.stepMs;
	sums[0] = (sums[0] as number) + report.entities;
	sums[1] = (sums[1] as number) + report.refused;
}
