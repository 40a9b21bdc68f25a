import { type HeapBlock, OWNERS, type Owner } from "../sim/api.ts";
import { layoutHeapMap, OWNER_COLORS } from "./layout.ts";

/** Options of {@link heapMapSvg}. */
export interface HeapMapImageOptions {
	/** Width of the map in pixels. @defaultValue 1024 */
	readonly width?: number;
	/** Rows the heap is folded into. @defaultValue 128 */
	readonly rows?: number;
	/** Height of a row in pixels. @defaultValue 4 */
	readonly rowHeight?: number;
	/** A line of text above the map. @defaultValue none */
	readonly title?: string;
}

const LEGEND_HEIGHT = 24;
const TITLE_HEIGHT = 24;

/** Bytes as the legend shows them: B, KiB or MiB. */
export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
	return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

function escapeXml(text: string): string {
	return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The heap map as an SVG document: the blocks folded into rows like a hex dump (see
 * {@link layoutHeapMap}), coloured by owner, with a legend of the bytes each owner holds. Runs
 * anywhere (no DOM needed).
 */
export function heapMapSvg(
	blocks: readonly HeapBlock[],
	heapBytes: number,
	options: HeapMapImageOptions = {},
): string {
	const width = options.width ?? 1024;
	const rows = options.rows ?? 128;
	const rowHeight = options.rowHeight ?? 4;
	const top = options.title === undefined ? 0 : TITLE_HEIGHT;
	const mapHeight = rows * rowHeight;
	const height = top + mapHeight + LEGEND_HEIGHT;
	const bytes = new Map<Owner, number>(OWNERS.map((owner) => [owner, 0]));
	for (const block of blocks) bytes.set(block.owner, (bytes.get(block.owner) ?? 0) + block.size);
	const out: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
		`<title>${escapeXml(options.title ?? "heap map")}</title>`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
	];
	if (options.title !== undefined) out.push(`<text x="4" y="16">${escapeXml(options.title)}</text>`);
	out.push(`<g transform="translate(0 ${top})" shape-rendering="crispEdges">`);
	out.push(`<rect width="${width}" height="${mapHeight}" fill="${OWNER_COLORS.free}"/>`);
	for (const r of layoutHeapMap(blocks, heapBytes, width, rows, rowHeight)) {
		if (r.owner === "free") continue;
		out.push(
			`<rect x="${round(r.x)}" y="${round(r.y)}" width="${round(r.width)}" height="${round(r.height)}" fill="${OWNER_COLORS[r.owner]}"/>`,
		);
	}
	out.push("</g>");
	let x = 4;
	const y = top + mapHeight + 6;
	for (const owner of OWNERS) {
		const label = `${owner} ${formatBytes(bytes.get(owner) ?? 0)}`;
		out.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${OWNER_COLORS[owner]}" stroke="#666"/>`);
		out.push(`<text x="${x + 16}" y="${y + 11}">${escapeXml(label)}</text>`);
		x += 24 + label.length * 7;
	}
	out.push("</svg>");
	return `${out.join("\n")}\n`;
}

function round(value: number): number {
	return Math.round(value * 100) / 100;
}
