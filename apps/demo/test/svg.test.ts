import { describe, expect, it } from "vitest";
import { OWNER_COLORS } from "../src/heap-map/layout.ts";
import { formatBytes, heapMapSvg } from "../src/heap-map/svg.ts";
import type { HeapBlock } from "../src/sim/api.ts";

const blocks: HeapBlock[] = [
	{ address: 0, size: 512, owner: "pool" },
	{ address: 512, size: 256, owner: "arena" },
	{ address: 768, size: 8, owner: "rc" },
	{ address: 776, size: 248, owner: "free" },
];

describe("heapMapSvg", () => {
	it("draws one rectangle per live block and row, coloured by owner, over a free background", () => {
		const svg = heapMapSvg(blocks, 1024, { width: 10, rows: 4, rowHeight: 5 });
		expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="44"')).toBe(true);
		expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
		const fills = [
			...svg.matchAll(/<rect x="[^"]+" y="([^"]+)" width="([^"]+)" height="5" fill="([^"]+)"\/>/g),
		];
		expect(fills.map((m) => m[3])).toEqual([
			OWNER_COLORS.pool,
			OWNER_COLORS.pool,
			OWNER_COLORS.arena,
			OWNER_COLORS.rc,
		]);
		expect(fills.map((m) => m[1])).toEqual(["0", "5", "10", "15"]);
		expect(Number(fills[3]?.[2])).toBe(1); // 8 bytes of a 256-byte row, 0.3 px wide, still get a pixel
		expect(svg).toContain(`fill="${OWNER_COLORS.free}"`);
	});

	it("has a legend with the bytes of every owner and an escaped title", () => {
		const svg = heapMapSvg(blocks, 1024, { title: "a <b> & c" });
		expect(svg).toContain(">pool 512 B<");
		expect(svg).toContain(">arena 256 B<");
		expect(svg).toContain(">vector 0 B<");
		expect(svg).toContain(">free 248 B<");
		expect(svg).toContain("<title>a &#60;b&#62; &#38; c</title>");
		expect(svg).toContain("a &#60;b&#62; &#38; c</text>");
		expect(svg).not.toContain("<b>");
	});

	it("formats byte counts for people", () => {
		expect([formatBytes(100), formatBytes(1536), formatBytes(3 * 1024 * 1024)]).toEqual([
			"100 B",
			"1.5 KiB",
			"3.00 MiB",
		]);
	});
});
