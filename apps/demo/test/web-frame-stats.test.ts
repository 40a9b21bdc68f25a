import { describe, expect, it } from "vitest";
import { FrameStats, MAX_FRAME_GAP_MS, percentile, SPIKE_MS } from "../src/web/frame-stats.ts";
import { Series } from "../src/web/series.ts";

describe("FrameStats", () => {
	it("counts frames over the spike threshold and keeps the all-time max", () => {
		const stats = new FrameStats(10);
		for (const ms of [16, 17, SPIKE_MS, SPIKE_MS + 0.1, 45, 16]) stats.record(ms);
		const summary = stats.summary();
		expect(summary.frames).toBe(6);
		expect(summary.spikes).toBe(2);
		expect(summary.max).toBe(45);
		expect(summary.mean).toBeCloseTo((16 + 17 + 20 + 20.1 + 45 + 16) / 6, 10);
	});

	it("keeps the max and spike count after the spike leaves the window", () => {
		const stats = new FrameStats(3);
		stats.record(80);
		for (let i = 0; i < 5; i++) stats.record(16);
		const summary = stats.summary();
		expect(summary.max).toBe(80);
		expect(summary.spikes).toBe(1);
		expect(summary.p99).toBe(16);
		expect(summary.mean).toBe(16);
	});

	it("leaves out gaps that are no frames: negative, NaN, or longer than a hidden tab's", () => {
		const stats = new FrameStats(10);
		expect(stats.record(-1)).toBe(false);
		expect(stats.record(Number.NaN)).toBe(false);
		expect(stats.record(MAX_FRAME_GAP_MS + 1)).toBe(false);
		expect(stats.record(MAX_FRAME_GAP_MS)).toBe(true);
		expect(stats.summary().frames).toBe(1);
	});

	it("starts from nothing after reset", () => {
		const stats = new FrameStats(4);
		stats.record(50);
		stats.reset();
		expect(stats.summary()).toEqual({ frames: 0, p99: 0, max: 0, spikes: 0, mean: 0 });
	});
});

describe("percentile", () => {
	it("is the nearest-rank percentile of the held samples", () => {
		const series = new Series(200);
		for (let i = 100; i >= 1; i--) series.push(i);
		const scratch = new Float64Array(200);
		expect(percentile(series, 0.99, scratch)).toBe(99);
		expect(percentile(series, 0.5, scratch)).toBe(50);
		expect(percentile(series, 1, scratch)).toBe(100);
		// The samples are read, not reordered.
		expect(series.at(0)).toBe(100);
	});

	it("is the single sample for one frame and 0 for none", () => {
		const series = new Series(5);
		const scratch = new Float64Array(5);
		expect(percentile(series, 0.99, scratch)).toBe(0);
		series.push(33);
		expect(percentile(series, 0.99, scratch)).toBe(33);
	});
});
