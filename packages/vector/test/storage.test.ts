import { describe, expect, it } from "vitest";
import { grownCapacity, maxCapacity, minCapacity } from "../src/internal/storage.ts";

describe("capacity arithmetic", () => {
	it("starts at 64 bytes' worth, at least 4 elements, or 1 for elements over 1 KiB", () => {
		expect(minCapacity(1)).toBe(64);
		expect(minCapacity(8)).toBe(8);
		expect(minCapacity(24)).toBe(4);
		expect(minCapacity(1024)).toBe(4);
		expect(minCapacity(1025)).toBe(1);
	});

	it("grows by the factor, or to what is needed when that is more", () => {
		expect(grownCapacity(0, 1, 1.5, 8)).toBe(8);
		expect(grownCapacity(8, 9, 1.5, 8)).toBe(12);
		expect(grownCapacity(8, 9, 2, 8)).toBe(16);
		expect(grownCapacity(8, 100, 2, 8)).toBe(100);
		expect(grownCapacity(3, 4, 1.125, 8)).toBe(8); // never under the minimum
	});

	it("caps growth at the largest block and reports a need beyond it as overflow", () => {
		const max = maxCapacity(8);
		expect(max * 8).toBeLessThanOrEqual(2 ** 31);
		expect(grownCapacity(max - 1, max, 2, 8)).toBe(max);
		expect(grownCapacity(max, max + 1, 2, 8)).toBe(-1);
		expect(grownCapacity(0, 2 ** 53, 1.5, 1)).toBe(-1);
	});
});
