/**
 * Timing helpers: garbage collection between runs, medians, and interleaved rounds so that every
 * contender is measured under the same background load (the machine has 2 cores and may be busy).
 */
import { cpus, loadavg } from "node:os";

/** Runs a full garbage collection when node runs with `--expose-gc`; otherwise does nothing. */
export function collectGarbage(): void {
	if (typeof gc === "function") gc();
}

/** Whether runs are separated by a forced GC. */
export function gcAvailable(): boolean {
	return typeof gc === "function";
}

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
	if (values.length === 0) throw new Error("median of no values");
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >>> 1;
	return sorted.length % 2 === 1
		? (sorted[mid] as number)
		: ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Summary of the timed runs of one contender. */
export interface Timing {
	medianMs: number;
	minMs: number;
	maxMs: number;
	runs: number;
	samplesMs: number[];
}

export function summarize(samplesMs: readonly number[]): Timing {
	return {
		medianMs: median(samplesMs),
		minMs: Math.min(...samplesMs),
		maxMs: Math.max(...samplesMs),
		runs: samplesMs.length,
		samplesMs: [...samplesMs],
	};
}

/** One thing to time. `run` must build a fresh allocator and return the time of its loop only. */
export interface Contender<R extends { ms: number }> {
	name: string;
	run: () => R;
	/** Timed runs. */
	runs: number;
	/** Untimed runs first, to let the JIT settle. */
	warmup: number;
}

export interface Measured<R> {
	name: string;
	timing: Timing;
	/** The result of the last timed run (footprint and other figures). */
	last: R;
}

/**
 * Warms every contender up, then runs rounds in which each contender that still has runs left runs
 * once, with a GC before every run. Errors propagate: a failed verification is not a result.
 */
export function measureInterleaved<R extends { ms: number }>(
	contenders: readonly Contender<R>[],
): Measured<R>[] {
	for (const c of contenders) {
		for (let i = 0; i < c.warmup; i++) {
			collectGarbage();
			c.run();
		}
	}
	const samples: number[][] = contenders.map(() => []);
	const last: (R | undefined)[] = contenders.map(() => undefined);
	const rounds = Math.max(...contenders.map((c) => c.runs));
	for (let round = 0; round < rounds; round++) {
		contenders.forEach((c, i) => {
			if (round >= c.runs) return;
			collectGarbage();
			const r = c.run();
			samples[i]?.push(r.ms);
			last[i] = r;
		});
	}
	return contenders.map((c, i) => {
		const r = last[i];
		if (r === undefined) throw new Error(`${c.name}: no timed run (runs must be at least 1)`);
		return { name: c.name, timing: summarize(samples[i] ?? []), last: r };
	});
}

/** The machine and process the numbers come from. */
export interface Environment {
	date: string;
	node: string;
	v8: string;
	cpu: string;
	cores: number;
	loadAverage: number[];
	exposeGc: boolean;
}

export function environment(): Environment {
	const cpu = cpus();
	return {
		date: new Date().toISOString(),
		node: process.version,
		v8: process.versions.v8,
		cpu: cpu[0]?.model ?? "unknown",
		cores: cpu.length,
		loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
		exposeGc: gcAvailable(),
	};
}
