import { describe, expect, it } from "vitest";
import { OWNER_COLORS } from "../src/heap-map/layout.ts";
import { OWNERS } from "../src/sim/api.ts";
import { toPixel } from "../src/web/heap-map-view.ts";

describe("toPixel", () => {
	it("packs #rrggbb as the bytes r, g, b, 255 of a little-endian ImageData pixel", () => {
		const pixel = new Uint32Array([toPixel("#4e79a7")]);
		expect([...new Uint8ClampedArray(pixel.buffer)]).toEqual([0x4e, 0x79, 0xa7, 0xff]);
	});

	it("gives every owner a distinct opaque pixel", () => {
		const pixels = OWNERS.map((owner) => toPixel(OWNER_COLORS[owner]));
		expect(new Set(pixels).size).toBe(OWNERS.length);
		for (const pixel of pixels) expect(pixel >>> 24).toBe(0xff);
	});
});
