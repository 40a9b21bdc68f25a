import type { WorldMode } from "../sim/api.ts";
import { requireElement, setText } from "./dom.ts";
import { formatBytes, formatCount, formatMs } from "./format.ts";
import { FrameStats, SPIKE_MS } from "./frame-stats.ts";
import type { JsHeapReading } from "./memory-probe.ts";
import { drawPlot, type PlotOptions } from "./plot.ts";
import { Series } from "./series.ts";

/** Frames kept for the plot and the percentile: about ten seconds at 60 Hz. */
export const WINDOW_FRAMES = 600;

const FRAME_COLOR = "#f2c14e";
const STEP_COLOR = "#59a14f";

/**
 * Frame times of one mode, shown side by side with the other mode's: the gap between animation frames
 * (everything the page did, GC pauses included) and the world's own `step` time, with spike counts.
 */
export class FramePanel {
	readonly mode: WorldMode;
	/** Gaps between `requestAnimationFrame` callbacks while this mode ran. */
	readonly frameMs: FrameStats = new FrameStats(WINDOW_FRAMES);
	/** `FrameReport.stepMs`: the simulation's share of each frame. */
	readonly stepMs: Series = new Series(WINDOW_FRAMES);
	private readonly ctx: CanvasRenderingContext2D;
	private readonly plot: PlotOptions;
	private readonly fields: Record<"frames" | "p99" | "max" | "spikes" | "heap" | "state", HTMLElement>;

	constructor(root: ParentNode, mode: WorldMode) {
		this.mode = mode;
		const panel = requireElement(root, `[data-frame-panel="${mode}"]`, HTMLElement);
		const ctx = requireElement(panel, "canvas", HTMLCanvasElement).getContext("2d");
		if (ctx === null) throw new TypeError("FramePanel: the canvas has no 2d context");
		this.ctx = ctx;
		const field = (name: string): HTMLElement => requireElement(panel, `[data-field="${name}"]`, HTMLElement);
		this.fields = {
			frames: field("frames"),
			p99: field("p99"),
			max: field("max"),
			spikes: field("spikes"),
			heap: field("heap"),
			state: field("state"),
		};
		this.plot = {
			lines: [
				{ series: this.frameMs.window, color: FRAME_COLOR, label: "frame" },
				{ series: this.stepMs, color: STEP_COLOR, label: "step" },
			],
			rules: [{ value: SPIKE_MS, color: "#e15759", label: `${SPIKE_MS} ms` }],
			formatY: formatMs,
			minYMax: 25,
			emptyText: mode === "plain" ? "not run yet: toggle to plain objects" : "not run yet",
			spanText: `last ${WINDOW_FRAMES} frames`,
		};
	}

	record(frameMs: number, stepMs: number): void {
		if (this.frameMs.record(frameMs)) this.stepMs.push(stepMs);
	}

	reset(): void {
		this.frameMs.reset();
		this.stepMs.clear();
	}

	render(active: boolean, jsHeap: JsHeapReading): void {
		drawPlot(this.ctx, this.plot);
		const summary = this.frameMs.summary();
		setText(this.fields.frames, formatCount(summary.frames));
		setText(this.fields.p99, formatMs(summary.p99));
		setText(this.fields.max, formatMs(summary.max));
		setText(this.fields.spikes, formatCount(summary.spikes));
		if (active) {
			const heap =
				jsHeap.source === "unavailable"
					? "not exposed by this browser"
					: `${formatBytes(jsHeap.bytes)} (${jsHeap.source})`;
			setText(this.fields.heap, heap);
		}
		setText(this.fields.state, active ? "running" : summary.frames === 0 ? "not run yet" : "paused");
	}
}
