import { Series } from "./series.ts";

/** A frame slower than this is counted as a spike (a dropped frame at 60 Hz and then some). */
export const SPIKE_MS = 20;

/**
 * Gaps between animation frames longer than this are not frames at all: the tab was hidden or the
 * debugger paused the page. They are left out so they do not pass for GC pauses.
 */
export const MAX_FRAME_GAP_MS = 1000;

/** What the frame-time panel of one mode shows. */
export interface FrameSummary {
	/** Frames recorded since the last reset. */
	readonly frames: number;
	/** 99th percentile of the recent window, in ms. */
	readonly p99: number;
	/** Slowest frame since the last reset, in ms. */
	readonly max: number;
	/** Frames slower than {@link SPIKE_MS} since the last reset. */
	readonly spikes: number;
	/** Mean of the recent window, in ms. */
	readonly mean: number;
}

/**
 * Frame times of one mode: a recent window for the plot and the percentile, plus all-time max and spike
 * counts. A GC pause shows up here as a long frame; nothing in a page can tell a GC pause from other
 * stalls, so the panel says "frame-time spikes", not "GC pauses".
 */
export class FrameStats {
	readonly window: Series;
	private frames = 0;
	private maxMs = 0;
	private spikeCount = 0;
	private readonly sortScratch: Float64Array;

	constructor(windowFrames: number) {
		this.window = new Series(windowFrames);
		this.sortScratch = new Float64Array(windowFrames);
	}

	/** Records one frame; returns false (and records nothing) for a gap that is no frame. */
	record(ms: number): boolean {
		if (!(ms >= 0) || ms > MAX_FRAME_GAP_MS) return false;
		this.window.push(ms);
		this.frames++;
		if (ms > this.maxMs) this.maxMs = ms;
		if (ms > SPIKE_MS) this.spikeCount++;
		return true;
	}

	reset(): void {
		this.window.clear();
		this.frames = 0;
		this.maxMs = 0;
		this.spikeCount = 0;
	}

	/** Computed a few times per second for the panel, not per frame. */
	summary(): FrameSummary {
		const n = this.window.length;
		return {
			frames: this.frames,
			p99: percentile(this.window, 0.99, this.sortScratch),
			max: this.maxMs,
			spikes: this.spikeCount,
			mean: n === 0 ? 0 : sum(this.window) / n,
		};
	}
}

/** Nearest-rank percentile (`q` in (0, 1]) of the samples; 0 when there are none. */
export function percentile(series: Series, q: number, scratch: Float64Array): number {
	const n = series.length;
	if (n === 0) return 0;
	const sorted = scratch.subarray(0, n);
	for (let i = 0; i < n; i++) sorted[i] = series.at(i);
	sorted.sort();
	const rank = Math.min(n, Math.max(1, Math.ceil(q * n)));
	return sorted[rank - 1] as number;
}

function sum(series: Series): number {
	let total = 0;
	for (let i = 0; i < series.length; i++) total += series.at(i);
	return total;
}
