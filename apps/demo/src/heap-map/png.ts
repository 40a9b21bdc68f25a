import type { HeapBlock } from "../sim/api.ts";
import { layoutHeapMap, OWNER_COLORS } from "./layout.ts";
import type { HeapMapImageOptions } from "./svg.ts";

/**
 * A zlib (RFC 1950) compressor, such as node's `deflateSync` or pako's `deflate`: passed in, so
 * this module stays free of platform APIs.
 */
export type Deflate = (data: Uint8Array) => Uint8Array;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309, as PNG chunks use) of `bytes`. */
export function crc32(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
	if (crcTable === undefined) {
		crcTable = new Uint32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			crcTable[n] = c >>> 0;
		}
	}
	let crc = 0xffffffff;
	for (let i = start; i < end; i++)
		crc = (crcTable[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

/** Parses `#rrggbb`. */
function rgb(color: string): [number, number, number] {
	const value = Number.parseInt(color.slice(1), 16);
	return [(value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

/**
 * Encodes an RGB image (`width * height * 3` bytes, rows top to bottom) as a PNG file: 8-bit
 * truecolour, no interlace, filter 0 on every row.
 */
export function encodePng(width: number, height: number, pixels: Uint8Array, deflate: Deflate): Uint8Array {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new RangeError(`encodePng: the image must be at least 1×1 pixel, got ${width}×${height}`);
	}
	if (pixels.length !== width * height * 3) {
		throw new RangeError(
			`encodePng: expected ${width * height * 3} bytes of RGB pixels, got ${pixels.length}`,
		);
	}
	const stride = width * 3;
	const raw = new Uint8Array((stride + 1) * height);
	for (let y = 0; y < height; y++)
		raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
	const header = new Uint8Array(13);
	const view = new DataView(header.buffer);
	view.setUint32(0, width);
	view.setUint32(4, height);
	header.set([8, 2, 0, 0, 0], 8); // bit depth 8, truecolour, deflate, filter set 0, no interlace
	const chunks = [chunk("IHDR", header), chunk("IDAT", deflate(raw)), chunk("IEND", new Uint8Array(0))];
	const file = new Uint8Array(SIGNATURE.length + chunks.reduce((sum, c) => sum + c.length, 0));
	file.set(SIGNATURE, 0);
	let at = SIGNATURE.length;
	for (const c of chunks) {
		file.set(c, at);
		at += c.length;
	}
	return file;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
	const bytes = new Uint8Array(12 + data.length);
	const view = new DataView(bytes.buffer);
	view.setUint32(0, data.length);
	for (let i = 0; i < 4; i++) bytes[4 + i] = type.charCodeAt(i);
	bytes.set(data, 8);
	view.setUint32(8 + data.length, crc32(bytes, 4, 8 + data.length));
	return bytes;
}

/**
 * The heap map as a PNG: the same layout and colours as {@link heapMapSvg}, without the text (the
 * legend is the SVG's job).
 */
export function heapMapPng(
	blocks: readonly HeapBlock[],
	heapBytes: number,
	deflate: Deflate,
	options: HeapMapImageOptions = {},
): Uint8Array {
	const width = options.width ?? 1024;
	const rows = options.rows ?? 128;
	const rowHeight = options.rowHeight ?? 4;
	const height = rows * rowHeight;
	const pixels = new Uint8Array(width * height * 3);
	const [fr, fg, fb] = rgb(OWNER_COLORS.free);
	for (let i = 0; i < pixels.length; i += 3) {
		pixels[i] = fr;
		pixels[i + 1] = fg;
		pixels[i + 2] = fb;
	}
	for (const r of layoutHeapMap(blocks, heapBytes, width, rows, rowHeight)) {
		if (r.owner === "free") continue; // the background: a free rect must not cover a live pixel
		const [cr, cg, cb] = rgb(OWNER_COLORS[r.owner]);
		const x0 = Math.max(0, Math.floor(r.x));
		const x1 = Math.min(width, Math.max(x0 + 1, Math.ceil(r.x + r.width)));
		const y0 = Math.max(0, Math.floor(r.y));
		const y1 = Math.min(height, Math.ceil(r.y + r.height));
		for (let y = y0; y < y1; y++) {
			for (let x = x0; x < x1; x++) {
				const i = (y * width + x) * 3;
				pixels[i] = cr;
				pixels[i + 1] = cg;
				pixels[i + 2] = cb;
			}
		}
	}
	return encodePng(width, height, pixels, deflate);
}
