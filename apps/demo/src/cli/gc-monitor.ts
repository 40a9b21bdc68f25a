import { constants, type PerformanceEntry, PerformanceObserver } from "node:perf_hooks";

/** Garbage-collector work seen by a {@link GcMonitor}. */
export interface GcCounts {
	/** Every GC event. */
	readonly events: number;
	/** Scavenges of the young generation. */
	readonly minor: number;
	/** Mark-sweep-compacts and incremental marking steps. */
	readonly major: number;
	/** Total pause in milliseconds (sum of the events' durations). */
	readonly pauseMs: number;
	/** The longest single pause in milliseconds. */
	readonly maxPauseMs: number;
}

/** Sums GC performance entries, as a {@link GcMonitor} does. */
export function countGc(entries: readonly PerformanceEntry[]): GcCounts {
	let minor = 0;
	let major = 0;
	let pauseMs = 0;
	let maxPauseMs = 0;
	for (const entry of entries) {
		const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
		if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
		else if (
			kind === constants.NODE_PERFORMANCE_GC_MAJOR ||
			kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL
		)
			major++;
		pauseMs += entry.duration;
		if (entry.duration > maxPauseMs) maxPauseMs = entry.duration;
	}
	return { events: entries.length, minor, major, pauseMs, maxPauseMs };
}

/**
 * Counts the garbage collections that happen between {@link GcMonitor.start} and
 * {@link GcMonitor.stop}, through a `PerformanceObserver` of `gc` entries. Node queues the entries
 * and delivers them when the event loop turns, so `stop` waits a moment before it reads them.
 */
export class GcMonitor {
	private readonly entries: PerformanceEntry[] = [];
	private observer: PerformanceObserver | undefined;

	start(): void {
		if (this.observer !== undefined) throw new Error("GcMonitor.start: already started");
		this.entries.length = 0;
		this.observer = new PerformanceObserver((list) => {
			this.entries.push(...list.getEntries());
		});
		this.observer.observe({ entryTypes: ["gc"] });
	}

	/** Stops observing and returns what was collected since {@link GcMonitor.start}. */
	async stop(): Promise<GcCounts> {
		const observer = this.observer;
		if (observer === undefined) throw new Error("GcMonitor.stop: not started");
		await new Promise((resolve) => setTimeout(resolve, 20));
		this.entries.push(...observer.takeRecords());
		observer.disconnect();
		this.observer = undefined;
		return countGc(this.entries);
	}
}

/** Runs a full collection when node runs with `--expose-gc`; reports whether it could. */
export function collectGarbage(): boolean {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (gc === undefined) return false;
	gc();
	return true;
}
