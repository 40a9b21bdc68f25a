import { type HeapMapRect, layoutHeapMap, OWNER_COLORS } from "../heap-map/layout.ts";
import type { BudgetReport, HeapBlock, Owner } from "../sim/api.ts";
import { OWNERS } from "../sim/api.ts";
import { setText } from "./dom.ts";
import { formatBytes } from "./format.ts";

const ROWS = 144;
const BACKGROUND = "#11161c";
/** Bytes before the first block (allocator metadata) and past the last row keep this colour. */
const BACKGROUND_PIXEL: number = toPixel(BACKGROUND);
const OWNER_PIXELS: Readonly<Record<Owner, number>> = Object.fromEntries(
	OWNERS.map((owner) => [owner, toPixel(OWNER_COLORS[owner])]),
) as Record<Owner, number>;
const TEXT_COLOR = "#cfd6dd";

/**
 * The heap map: every block of the world's heap drawn by address and size, coloured by owner, with a
 * legend of bytes by owner. Redrawn a few times per second; `world.heapMap()` walks the whole heap.
 */
export class HeapMapView {
	private readonly ctx: CanvasRenderingContext2D;
	private readonly legend: HTMLElement;
	private readonly legendValues: Record<Owner, HTMLElement>;
	private readonly image: ImageData;
	private readonly pixels: Uint32Array;
	private blocks: readonly HeapBlock[] = [];

	constructor(canvas: HTMLCanvasElement, legend: HTMLElement) {
		const ctx = canvas.getContext("2d");
		if (ctx === null) throw new TypeError("HeapMapView: the canvas has no 2d context");
		this.ctx = ctx;
		this.image = ctx.createImageData(canvas.width, canvas.height);
		this.pixels = new Uint32Array(this.image.data.buffer);
		this.legend = legend;
		this.legendValues = buildLegend(legend);
	}

	/** The blocks drawn last (empty before the first draw and for the plain world). */
	lastBlocks(): readonly HeapBlock[] {
		return this.blocks;
	}

	draw(blocks: readonly HeapBlock[], heapBytes: number, budget: BudgetReport): void {
		this.blocks = blocks;
		const { ctx } = this;
		const { width, height } = ctx.canvas;
		if (blocks.length === 0) {
			ctx.fillStyle = BACKGROUND;
			ctx.fillRect(0, 0, width, height);
			this.drawNoMap(width, height);
		} else {
			this.paint(layoutHeapMap(blocks, heapBytes, width, ROWS, Math.floor(height / ROWS)));
			ctx.putImageData(this.image, 0, 0);
		}
		this.legend.classList.toggle("legend-empty", blocks.length === 0);
		for (const name of OWNERS) {
			const text = blocks.length === 0 ? "n/a" : formatBytes(budget.bytesByOwner[name]);
			setText(this.legendValues[name], text);
		}
	}

	/**
	 * Fills the rectangles into a pixel buffer rather than calling `fillRect` per block: a full heap
	 * has tens of thousands of blocks. Rectangles are snapped to whole pixels, so each pixel shows one
	 * owner's true colour (the last block drawn there) and no anti-aliased seams appear.
	 */
	private paint(rects: readonly HeapMapRect[]): void {
		const { pixels, image } = this;
		const width = image.width;
		pixels.fill(BACKGROUND_PIXEL);
		for (const rect of rects) {
			const color = OWNER_PIXELS[rect.owner];
			const x0 = Math.min(width - 1, Math.floor(rect.x));
			const x1 = Math.min(width, Math.max(x0 + 1, Math.round(rect.x + rect.width)));
			const yEnd = Math.min(image.height, rect.y + rect.height);
			if (x1 - x0 === 1) {
				// Most blocks of a full heap are narrower than a pixel: a store beats a fill call.
				for (let y = rect.y; y < yEnd; y++) pixels[y * width + x0] = color;
			} else {
				for (let y = rect.y; y < yEnd; y++) pixels.fill(color, y * width + x0, y * width + x1);
			}
		}
	}

	private drawNoMap(width: number, height: number): void {
		const { ctx } = this;
		ctx.fillStyle = TEXT_COLOR;
		ctx.font = "13px system-ui, sans-serif";
		ctx.textAlign = "center";
		ctx.textBaseline = "middle";
		ctx.fillText(
			"Plain JS objects live in the garbage-collected heap: there is no block map.",
			width / 2,
			height / 2 - 10,
		);
		ctx.fillText("Switch back to offheap to see every block.", width / 2, height / 2 + 10);
	}
}

/** One swatch, name and value per owner; returns the value elements to update. */
function buildLegend(legend: HTMLElement): Record<Owner, HTMLElement> {
	legend.replaceChildren();
	const values = {} as Record<Owner, HTMLElement>;
	for (const owner of OWNERS) {
		const item = document.createElement("li");
		const swatch = document.createElement("span");
		swatch.className = "swatch";
		swatch.style.background = OWNER_COLORS[owner];
		const name = document.createElement("span");
		name.className = "owner";
		name.textContent = owner;
		const value = document.createElement("span");
		value.className = "bytes";
		value.dataset.owner = owner;
		item.append(swatch, name, value);
		legend.append(item);
		values[owner] = value;
	}
	return values;
}

/** `#rrggbb` as an opaque `ImageData` pixel read through a little-endian `Uint32Array` (0xAABBGGRR). */
export function toPixel(hex: string): number {
	const rgb = Number.parseInt(hex.slice(1, 7), 16);
	return (0xff000000 | ((rgb & 0xff) << 16) | (rgb & 0xff00) | ((rgb >>> 16) & 0xff)) >>> 0;
}
