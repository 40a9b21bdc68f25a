import type { Series } from "./series.ts";

/** One line of a plot. */
export interface PlotLine {
	readonly series: Series;
	readonly color: string;
	readonly label: string;
}

/** A horizontal reference line (a budget, a frame deadline). */
export interface PlotRule {
	readonly value: number;
	readonly color: string;
	readonly label: string;
}

export interface PlotOptions {
	readonly lines: readonly PlotLine[];
	readonly rules: readonly PlotRule[];
	/** Formats the y axis labels. */
	readonly formatY: (value: number) => string;
	/** Lowest upper bound of the y axis, so a flat series does not fill the whole plot. */
	readonly minYMax: number;
	/** Shown when there is nothing to plot yet. */
	readonly emptyText: string;
	/** What the x axis spans, right-aligned in the key (`last 600 frames`). */
	readonly spanText: string;
}

const MARGIN_LEFT = 64;
const MARGIN_TOP = 18;
const MARGIN_BOTTOM = 6;
const AXIS_COLOR = "#9aa3ad";
const TEXT_COLOR = "#cfd6dd";
const BACKGROUND = "#11161c";

/**
 * Draws the newest samples of each line, right-aligned so that time flows to the left, over a y axis
 * from 0 to the largest sample or rule. Plots are redrawn a few times per second, not per frame.
 */
export function drawPlot(ctx: CanvasRenderingContext2D, options: PlotOptions): void {
	const { width, height } = ctx.canvas;
	ctx.fillStyle = BACKGROUND;
	ctx.fillRect(0, 0, width, height);
	const plotWidth = width - MARGIN_LEFT - 4;
	const plotHeight = height - MARGIN_TOP - MARGIN_BOTTOM;

	let yMax = options.minYMax;
	let samples = 0;
	for (const line of options.lines) {
		yMax = Math.max(yMax, line.series.max());
		samples = Math.max(samples, line.series.length);
	}
	for (const rule of options.rules) yMax = Math.max(yMax, rule.value);
	yMax *= 1.08;
	const y = (value: number): number => MARGIN_TOP + plotHeight - (value / yMax) * plotHeight;

	ctx.font = "11px ui-monospace, monospace";
	ctx.textBaseline = "middle";
	ctx.strokeStyle = AXIS_COLOR;
	ctx.lineWidth = 1;
	ctx.beginPath();
	ctx.moveTo(MARGIN_LEFT + 0.5, MARGIN_TOP);
	ctx.lineTo(MARGIN_LEFT + 0.5, MARGIN_TOP + plotHeight + 0.5);
	ctx.lineTo(width, MARGIN_TOP + plotHeight + 0.5);
	ctx.stroke();
	ctx.fillStyle = TEXT_COLOR;
	ctx.textAlign = "right";
	ctx.fillText(options.formatY(0), MARGIN_LEFT - 4, y(0));
	ctx.fillText(options.formatY(yMax / 1.08), MARGIN_LEFT - 4, y(yMax / 1.08));

	for (const rule of options.rules) {
		const ry = Math.round(y(rule.value)) + 0.5;
		ctx.strokeStyle = rule.color;
		ctx.setLineDash([4, 4]);
		ctx.beginPath();
		ctx.moveTo(MARGIN_LEFT, ry);
		ctx.lineTo(width, ry);
		ctx.stroke();
		ctx.setLineDash([]);
	}

	if (samples === 0) {
		ctx.textAlign = "center";
		ctx.fillStyle = AXIS_COLOR;
		ctx.fillText(options.emptyText, MARGIN_LEFT + plotWidth / 2, MARGIN_TOP + plotHeight / 2);
	}
	for (const line of options.lines) {
		const series = line.series;
		const n = series.length;
		if (n === 0) continue;
		const step = plotWidth / Math.max(1, series.capacity - 1);
		const x0 = MARGIN_LEFT + plotWidth - (n - 1) * step;
		ctx.strokeStyle = line.color;
		ctx.lineWidth = 1.5;
		ctx.beginPath();
		ctx.moveTo(x0, y(series.at(0)));
		for (let i = 1; i < n; i++) ctx.lineTo(x0 + i * step, y(series.at(i)));
		ctx.stroke();
	}

	drawKey(ctx, options, MARGIN_LEFT + 6);
}

/** The key along the top edge: one coloured label per line and rule. */
function drawKey(ctx: CanvasRenderingContext2D, options: PlotOptions, left: number): void {
	ctx.textAlign = "left";
	ctx.textBaseline = "middle";
	let x = left;
	const entries: readonly (PlotLine | PlotRule)[] = [...options.lines, ...options.rules];
	for (const entry of entries) {
		ctx.fillStyle = entry.color;
		ctx.fillRect(x, 5, 10, 3);
		ctx.fillStyle = TEXT_COLOR;
		ctx.fillText(entry.label, x + 14, 7);
		x += 22 + ctx.measureText(entry.label).width;
	}
	ctx.textAlign = "right";
	ctx.fillStyle = AXIS_COLOR;
	ctx.fillText(options.spanText, ctx.canvas.width - 4, 7);
}
