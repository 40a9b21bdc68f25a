import { constants, type PerformanceEntry } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { collectGarbage, countGc, GcMonitor } from "../src/cli/gc-monitor.ts";

function entry(kind: number, duration: number): PerformanceEntry {
	return {
		name: "gc",
		entryType: "gc",
		startTime: 0,
		duration,
		detail: { kind, flags: 0 },
	} as unknown as PerformanceEntry;
}

describe("gc monitor", () => {
	it("counts minor and major collections and sums their pauses", () => {
		const counts = countGc([
			entry(constants.NODE_PERFORMANCE_GC_MINOR, 0.5),
			entry(constants.NODE_PERFORMANCE_GC_MINOR, 1.5),
			entry(constants.NODE_PERFORMANCE_GC_MAJOR, 7),
			entry(constants.NODE_PERFORMANCE_GC_INCREMENTAL, 1),
			entry(constants.NODE_PERFORMANCE_GC_WEAKCB, 0.25),
		]);
		expect(counts).toEqual({ events: 5, minor: 2, major: 2, pauseMs: 10.25, maxPauseMs: 7 });
		expect(countGc([])).toEqual({ events: 0, minor: 0, major: 0, pauseMs: 0, maxPauseMs: 0 });
	});

	it("sees the collections that happen while it observes, and only those", async () => {
		setFlagsFromString("--expose-gc");
		const gc = runInNewContext("gc") as () => void;
		const monitor = new GcMonitor();
		monitor.start();
		expect(() => monitor.start()).toThrow(/already/);
		gc();
		gc();
		const seen = await monitor.stop();
		expect(seen.major).toBeGreaterThanOrEqual(2);
		expect(seen.pauseMs).toBeGreaterThan(0);
		await expect(monitor.stop()).rejects.toThrow(/not started/);
		monitor.start();
		const quiet = await monitor.stop();
		expect(quiet.events).toBe(0);
	});

	it("collects only when node exposes gc()", () => {
		const exposed = typeof (globalThis as { gc?: unknown }).gc === "function";
		expect(collectGarbage()).toBe(exposed);
	});
});
