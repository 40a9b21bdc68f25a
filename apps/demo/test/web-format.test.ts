import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatMs, formatPercent } from "../src/web/format.ts";

describe("format", () => {
	it("writes bytes in the largest unit that keeps the number at least 1", () => {
		expect(formatBytes(0)).toBe("0 B");
		expect(formatBytes(1023)).toBe("1023 B");
		expect(formatBytes(1024)).toBe("1.0 KiB");
		expect(formatBytes(4 * 1024 * 1024)).toBe("4.00 MiB");
		expect(formatBytes(3 * 1024 ** 3)).toBe("3.00 GiB");
		expect(formatBytes(-2048)).toBe("-2.0 KiB");
		expect(formatBytes(Number.NaN)).toBe("n/a");
	});

	it("writes milliseconds and percentages with one decimal", () => {
		expect(formatMs(16.666)).toBe("16.7 ms");
		expect(formatMs(Number.POSITIVE_INFINITY)).toBe("n/a");
		expect(formatPercent(0.1234)).toBe("12.3 %");
		expect(formatPercent(Number.NaN)).toBe("n/a");
	});

	it("groups thousands with a thin space whatever the locale", () => {
		expect(formatCount(0)).toBe("0");
		expect(formatCount(999)).toBe("999");
		expect(formatCount(1000)).toBe("1\u2009000");
		expect(formatCount(1234567.4)).toBe("1\u2009234\u2009567");
	});
});
