import { describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, requireChromium } from "./e2e/harness.ts";

describe("the end-to-end harness", () => {
	it("fails with install instructions when Chromium is missing, instead of skipping", () => {
		expect(() => requireChromium("/nonexistent/chromium")).toThrow(
			/needs Debian's Chromium at \/nonexistent\/chromium.*apt-get install -y chromium/,
		);
	});

	it("runs Chromium headless without sandbox, GPU or background traffic", () => {
		expect(CHROMIUM_ARGS).toEqual([
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
		]);
	});
});
