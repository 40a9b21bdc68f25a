import { deflateSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32, encodePng, heapMapPng } from "../src/heap-map/png.ts";
import type { HeapBlock } from "../src/sim/api.ts";

const deflate = (data: Uint8Array) => deflateSync(data);

interface Chunk {
	type: string;
	data: Uint8Array;
	crcOk: boolean;
}

function chunks(png: Uint8Array): Chunk[] {
	const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
	const out: Chunk[] = [];
	for (let at = 8; at < png.length; ) {
		const length = view.getUint32(at);
		const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
		const data = png.subarray(at + 8, at + 8 + length);
		out.push({ type, data, crcOk: view.getUint32(at + 8 + length) === crc32(png, at + 4, at + 8 + length) });
		at += 12 + length;
	}
	return out;
}

describe("png", () => {
	it("computes the standard CRC-32", () => {
		expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
		expect(crc32(new Uint8Array(0))).toBe(0);
	});

	it("writes a PNG file: signature, IHDR with the size, IDAT rows, IEND, valid CRCs", () => {
		const pixels = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9, 1, 2, 3, 4, 5, 6]);
		const png = encodePng(3, 2, pixels, deflate);
		expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		const parts = chunks(png);
		expect(parts.map((c) => c.type)).toEqual(["IHDR", "IDAT", "IEND"]);
		expect(parts.every((c) => c.crcOk)).toBe(true);
		const ihdr = new DataView(parts[0]?.data.buffer ?? new ArrayBuffer(0), parts[0]?.data.byteOffset, 13);
		expect([ihdr.getUint32(0), ihdr.getUint32(4), ihdr.getUint8(8), ihdr.getUint8(9)]).toEqual([3, 2, 8, 2]);
		const raw = inflateSync(parts[1]?.data ?? new Uint8Array(0));
		expect([...raw]).toEqual([0, ...pixels.subarray(0, 9), 0, ...pixels.subarray(9)]);
	});

	it("refuses pixels that do not match the size", () => {
		expect(() => encodePng(2, 2, new Uint8Array(11), deflate)).toThrow(RangeError);
		expect(() => encodePng(0, 2, new Uint8Array(0), deflate)).toThrow(/1×1/);
	});

	it("paints the heap map in the owners' colours over the free colour", () => {
		const blocks: HeapBlock[] = [
			{ address: 0, size: 64, owner: "vector" },
			{ address: 64, size: 192, owner: "free" },
		];
		const png = heapMapPng(blocks, 256, deflate, { width: 8, rows: 2, rowHeight: 1 });
		const parts = chunks(png);
		const raw = inflateSync(parts[1]?.data ?? new Uint8Array(0));
		const pixel = (x: number, y: number) => [...raw.subarray(y * 25 + 1 + x * 3, y * 25 + 4 + x * 3)];
		expect(pixel(0, 0)).toEqual([0x59, 0xa1, 0x4f]); // vector: the first 64 of 128 bytes of row 0
		expect(pixel(3, 0)).toEqual([0x59, 0xa1, 0x4f]);
		expect(pixel(4, 0)).toEqual([0xe8, 0xe8, 0xe8]); // free
		expect(pixel(0, 1)).toEqual([0xe8, 0xe8, 0xe8]);
	});
});
