import type { BudgetReport, WorldMode } from "../sim/api.ts";
import { formatBytes } from "./format.ts";
import { drawPlot } from "./plot.ts";
import { Series } from "./series.ts";

/** The page samples memory with its panels, ten times per second. */
const SAMPLES_PER_SECOND = 10;
/** Samples kept per mode: a minute. */
const SAMPLES = 60 * SAMPLES_PER_SECOND;

interface MemorySeries {
	readonly used: Series;
	readonly highWater: Series;
}

/** Used bytes and high-water mark over time against the budget, for the active mode. */
export class MemoryPlot {
	private readonly ctx: CanvasRenderingContext2D;
	private readonly series: Record<WorldMode, MemorySeries> = {
		offheap: { used: new Series(SAMPLES), highWater: new Series(SAMPLES) },
		plain: { used: new Series(SAMPLES), highWater: new Series(SAMPLES) },
	};

	constructor(canvas: HTMLCanvasElement) {
		const ctx = canvas.getContext("2d");
		if (ctx === null) throw new TypeError("MemoryPlot: the canvas has no 2d context");
		this.ctx = ctx;
	}

	record(mode: WorldMode, budget: BudgetReport): void {
		this.series[mode].used.push(budget.usedBytes);
		this.series[mode].highWater.push(budget.highWaterBytes);
	}

	reset(): void {
		for (const mode of ["offheap", "plain"] as const) {
			this.series[mode].used.clear();
			this.series[mode].highWater.clear();
		}
	}

	render(mode: WorldMode, budget: BudgetReport): void {
		const { used, highWater } = this.series[mode];
		const estimate = mode === "plain" ? " (estimate)" : "";
		drawPlot(this.ctx, {
			lines: [
				{ series: highWater, color: "#f28e2b", label: `high water${estimate}` },
				{ series: used, color: "#4e79a7", label: `used${estimate}` },
			],
			rules: [{ value: budget.budgetBytes, color: "#e15759", label: "budget" }],
			formatY: formatBytes,
			minYMax: 1024,
			emptyText: "no samples yet",
			spanText: `last ${SAMPLES / SAMPLES_PER_SECOND} s`,
		});
	}
}
