import { describe, expect, it } from "vitest";
import { formatTable, kib, ms } from "../src/cli/table.ts";

describe("table", () => {
	it("aligns the first column left and the others right, with blank lines for empty rows", () => {
		const text = formatTable(
			["", "offheap", "plain"],
			[["frames", "10", "2000"], [], ["GC events", "0", "5"]],
		);
		expect(text.split("\n")).toEqual([
			"           offheap  plain",
			"---------  -------  -----",
			"frames          10   2000",
			"",
			"GC events        0      5",
		]);
	});

	it("formats milliseconds and KiB", () => {
		expect([ms(0.1234), ms(12.34), ms(123.4)]).toEqual(["0.123", "12.3", "123"]);
		expect(kib(1536)).toBe("1.5 KiB");
	});
});
