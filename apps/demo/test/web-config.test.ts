import { describe, expect, it } from "vitest";
import { configFromQuery, DEFAULT_CONFIG } from "../src/web/config.ts";

describe("configFromQuery", () => {
	it("keeps the defaults for an empty query", () => {
		expect(configFromQuery("")).toEqual(DEFAULT_CONFIG);
	});

	it("reads the budget in MiB, the seed and the burst size", () => {
		const config = configFromQuery("?budget=8&seed=7&burst=1000");
		expect(config.budgetBytes).toBe(8 * 1024 * 1024);
		expect(config.seed).toBe(7);
		expect(config.burst).toBe(1000);
		expect(config.width).toBe(DEFAULT_CONFIG.width);
	});

	it("accepts seed 0 and fractional budgets", () => {
		const config = configFromQuery("?seed=0&budget=0.5");
		expect(config.seed).toBe(0);
		expect(config.budgetBytes).toBe(512 * 1024);
	});

	it("ignores malformed or out-of-range values", () => {
		expect(configFromQuery("?budget=abc&seed=-1&burst=0")).toEqual(DEFAULT_CONFIG);
		expect(configFromQuery("?budget=&burst=Infinity")).toEqual(DEFAULT_CONFIG);
	});
});
