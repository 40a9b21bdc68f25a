import type { HeapBlock, Owner } from "../sim/api.ts";

/** One rectangle of a heap map, in pixels. */
export interface HeapMapRect {
	readonly x: number;
	readonly y: number;
	readonly width: number;
	readonly height: number;
	readonly owner: Owner;
}

/** Colour of each owner, shared by the SVG/PNG writer and the canvas. */
export const OWNER_COLORS: Readonly<Record<Owner, string>> = {
	pool: "#4e79a7",
	arena: "#f28e2b",
	vector: "#59a14f",
	rc: "#e15759",
	list: "#b07aa1",
	other: "#9c755f",
	free: "#e8e8e8",
};

/**
 * Lays the heap out row by row, like a hex dump: `bytesPerRow = heapBytes / rows` bytes per row of
 * `width` pixels, each block a run of rectangles (it wraps onto the next row). Blocks narrower than a
 * pixel still get one pixel so a small live block is never invisible.
 */
export function layoutHeapMap(
	blocks: readonly HeapBlock[],
	heapBytes: number,
	width: number,
	rows: number,
	rowHeight: number,
): HeapMapRect[] {
	const rects: HeapMapRect[] = [];
	const bytesPerRow = Math.max(1, Math.ceil(heapBytes / rows));
	const scale = width / bytesPerRow;
	for (const block of blocks) {
		let start = block.address;
		const end = block.address + block.size;
		while (start < end) {
			const row = Math.floor(start / bytesPerRow);
			const rowEnd = Math.min(end, (row + 1) * bytesPerRow);
			const x = (start - row * bytesPerRow) * scale;
			const w = Math.max(1, (rowEnd - start) * scale);
			rects.push({ x, y: row * rowHeight, width: w, height: rowHeight, owner: block.owner });
			start = rowEnd;
		}
	}
	return rects;
}
