/** Where a JS heap figure came from, so the page can say what it measured. */
export type JsHeapSource = "measureUserAgentSpecificMemory" | "performance.memory" | "unavailable";

export interface JsHeapReading {
	readonly bytes: number;
	readonly source: JsHeapSource;
}

interface ChromiumMemory {
	readonly usedJSHeapSize: number;
}

interface MemoryMeasurement {
	readonly bytes: number;
}

type MeasureMemory = () => Promise<MemoryMeasurement>;

/**
 * Reads the size of the page's JS heap where the browser exposes it. Both worlds share that heap (and
 * so does the page itself), so this is the page's figure, not one world's.
 *
 * `performance.measureUserAgentSpecificMemory()` is precise but needs a cross-origin-isolated page and
 * may take seconds to resolve (Chromium waits for a GC), so at most one measurement is in flight.
 * `performance.memory` (Chromium only, coarse-grained) is read in the meantime.
 */
export class MemoryProbe {
	private latest: JsHeapReading = { bytes: Number.NaN, source: "unavailable" };
	private inFlight = false;
	private measure: MeasureMemory | undefined;

	constructor() {
		const candidate = (performance as { measureUserAgentSpecificMemory?: MeasureMemory })
			.measureUserAgentSpecificMemory;
		this.measure =
			typeof candidate === "function" && globalThis.crossOriginIsolated === true
				? candidate.bind(performance)
				: undefined;
	}

	/** The newest reading (NaN bytes when the browser exposes neither API). */
	reading(): JsHeapReading {
		return this.latest;
	}

	/** Refreshes the reading; cheap, call it a few times per second. */
	poll(): void {
		if (this.measure !== undefined && !this.inFlight) {
			this.inFlight = true;
			this.measure().then(
				(result) => {
					this.inFlight = false;
					this.latest = { bytes: result.bytes, source: "measureUserAgentSpecificMemory" };
				},
				() => {
					// Not an error of the page: the browser declined (e.g. a security policy); fall back for good.
					this.inFlight = false;
					this.measure = undefined;
				},
			);
		}
		if (this.latest.source !== "measureUserAgentSpecificMemory") {
			const memory = (performance as { memory?: ChromiumMemory }).memory;
			if (memory !== undefined) this.latest = { bytes: memory.usedJSHeapSize, source: "performance.memory" };
		}
	}
}
