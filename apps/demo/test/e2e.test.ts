import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OWNER_COLORS } from "../src/heap-map/layout.ts";
import type { Owner } from "../src/sim/api.ts";
import type { DemoCounters } from "../src/web/demo-app.ts";
import { buildAndServe, DEMO_DIR, launchChromium, requireChromium, type ServedPage } from "./e2e/harness.ts";

const SCREENSHOT_DIR = join(DEMO_DIR, "out");

/** Summary of the heap map as the page last drew it, computed in the page (the block list is long). */
interface HeapMapSummary {
	readonly blocks: number;
	readonly liveBlocks: number;
	readonly liveBytes: number;
	readonly owners: readonly Owner[];
}

function heapMapSummary(page: Page): Promise<HeapMapSummary> {
	return page.evaluate(() => {
		const blocks = window.__demo?.heapMapBlocks() ?? [];
		const live = blocks.filter((block) => block.owner !== "free");
		return {
			blocks: blocks.length,
			liveBlocks: live.length,
			liveBytes: live.reduce((sum, block) => sum + block.size, 0),
			owners: [...new Set(live.map((block) => block.owner))].sort(),
		};
	});
}

function counters(page: Page): Promise<DemoCounters> {
	return page.evaluate(() => {
		if (window.__demo === undefined) throw new Error("window.__demo is missing");
		return window.__demo.counters();
	});
}

async function text(page: Page, selector: string): Promise<string> {
	return (await page.locator(selector).textContent()) ?? "";
}

function frames(page: Page): Promise<number> {
	return page.evaluate(() => window.__demo?.frames() ?? -1);
}

/** Pixels of the heap-map canvas in each owner's colour: proof that the map was drawn, not only computed. */
function heapMapPixelsByOwner(page: Page): Promise<Record<string, number>> {
	return page.evaluate((colors) => {
		const canvas = document.querySelector<HTMLCanvasElement>("#heap-map");
		const ctx = canvas?.getContext("2d");
		if (canvas === null || canvas === undefined || ctx === null || ctx === undefined) return {};
		const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
		const byRgb = new Map<number, string>();
		for (const [owner, hex] of Object.entries(colors)) byRgb.set(Number.parseInt(hex.slice(1), 16), owner);
		const counts: Record<string, number> = {};
		for (let i = 0; i < data.length; i += 4) {
			const owner = byRgb.get(((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0));
			if (owner !== undefined) counts[owner] = (counts[owner] ?? 0) + 1;
		}
		return counts;
	}, OWNER_COLORS);
}

describe("the demo page in Chromium", () => {
	let served: ServedPage | undefined;
	let browser: Browser | undefined;

	beforeAll(async () => {
		requireChromium();
		served = await buildAndServe();
		browser = await launchChromium();
	}, 60_000);

	afterAll(async () => {
		await browser?.close();
		await served?.close();
	});

	it("runs frames, fills the budget through the real button, degrades without errors, and runs plain objects", async () => {
		if (browser === undefined || served === undefined) throw new Error("setup failed");
		const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
		const consoleErrors: string[] = [];
		const pageErrors: string[] = [];
		page.on("console", (message) => {
			if (message.type() === "error") consoleErrors.push(message.text());
		});
		page.on("pageerror", (error) => pageErrors.push(`${error.name}: ${error.message}`));
		const failedRequests: string[] = [];
		page.on("response", (response) => {
			if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
		});
		await page.goto(served.url);

		await page.waitForFunction(() => (window.__demo?.frames() ?? 0) > 20, undefined, { timeout: 15_000 });
		const before = await counters(page);
		const mapBefore = await heapMapSummary(page);
		expect(before.mode).toBe("offheap");
		expect(before.refusedSpawns).toBe(0);
		expect(mapBefore.blocks).toBeGreaterThan(0);
		expect(await page.locator("#badge-full").isHidden()).toBe(true);

		await page.getByRole("button", { name: "Spawn until full" }).click();
		await page.waitForFunction(() => (window.__demo?.counters().refusedSpawns ?? 0) > 0, undefined, {
			timeout: 30_000,
		});
		// Let the heap map (refreshed every 250 ms) catch up, and the world run on at its budget.
		const framesAtFull = await frames(page);
		await page.waitForFunction((n) => (window.__demo?.frames() ?? 0) > n + 30, framesAtFull, {
			timeout: 10_000,
		});
		const full = await counters(page);
		const mapFull = await heapMapSummary(page);

		expect(full.refusedSpawns).toBeGreaterThan(0);
		expect(full.entities).toBeGreaterThan(before.entities);
		expect(full.usedBytes).toBeGreaterThan(before.usedBytes);
		expect(full.highWaterBytes).toBeGreaterThan(before.highWaterBytes);
		expect(full.usedBytes).toBeLessThanOrEqual(full.budgetBytes);
		expect(full.filling).toBe(false);
		expect(mapFull.liveBlocks).toBeGreaterThan(mapBefore.liveBlocks);
		expect(mapFull.liveBytes).toBeGreaterThan(mapBefore.liveBytes);
		expect(mapFull.owners.length).toBeGreaterThan(1);
		await expect.poll(() => text(page, "#badge-full")).toMatch(/^budget full: [\d\u2009]+ spawns refused$/);
		expect(await page.locator("#badge-full").isVisible()).toBe(true);
		await expect.poll(() => text(page, "#counter-refused")).not.toBe("0");

		const pixels = await heapMapPixelsByOwner(page);
		// Blocks smaller than a pixel share pixels, so not every owner need show; live colours must.
		const liveOwnersDrawn = mapFull.owners.filter((owner) => (pixels[owner] ?? 0) > 0);
		expect(liveOwnersDrawn.length, JSON.stringify(pixels)).toBeGreaterThanOrEqual(2);

		await mkdir(SCREENSHOT_DIR, { recursive: true });
		await page.screenshot({ path: join(SCREENSHOT_DIR, "e2e.png"), fullPage: true });

		await page.getByRole("button", { name: "plain objects" }).click();
		await page.waitForFunction(
			() => window.__demo?.counters().mode === "plain" && window.__demo.frames() > 30,
			undefined,
			{ timeout: 15_000 },
		);
		const plain = await counters(page);
		expect(plain.mode).toBe("plain");

		// The plain world has no hard budget: it is filled until its estimated size reaches the budget.
		await page.getByRole("button", { name: "Spawn until full" }).click();
		await page.waitForFunction(() => window.__demo?.counters().filling === true, undefined, {
			timeout: 5_000,
		});
		await page.waitForFunction(() => window.__demo?.counters().filling === false, undefined, {
			timeout: 30_000,
		});
		const plainFull = await counters(page);
		expect(plainFull.entities).toBeGreaterThan(plain.entities);
		expect(plainFull.usedBytes).toBeGreaterThan(plain.usedBytes);
		expect(await heapMapSummary(page)).toEqual({ blocks: 0, liveBlocks: 0, liveBytes: 0, owners: [] });
		await expect.poll(() => text(page, '[data-frame-panel="plain"] [data-field="state"]')).toBe("running");
		await expect.poll(() => text(page, '[data-frame-panel="offheap"] [data-field="state"]')).toBe("paused");
		await expect.poll(() => text(page, '[data-frame-panel="plain"] [data-field="frames"]')).not.toBe("0");
		await page.screenshot({ path: join(SCREENSHOT_DIR, "e2e-plain.png"), fullPage: true });

		await page.getByRole("button", { name: "offheap" }).click();
		await page.getByRole("button", { name: "Reset" }).click();
		await page.waitForFunction(() => (window.__demo?.frames() ?? 0) > 10, undefined, { timeout: 10_000 });
		const reset = await counters(page);
		expect(reset.mode).toBe("offheap");
		expect(reset.refusedSpawns).toBe(0);
		expect(reset.entities).toBeLessThan(full.entities);
		expect(await page.locator("#badge-full").isHidden()).toBe(true);

		expect(await page.evaluate(() => window.__demo?.errors ?? ["no test hook"])).toEqual([]);
		expect(pageErrors).toEqual([]);
		expect(failedRequests).toEqual([]);
		expect(consoleErrors).toEqual([]);
		await page.close();
	}, 60_000);
});
