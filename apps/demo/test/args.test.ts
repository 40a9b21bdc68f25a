import { describe, expect, it } from "vitest";
import { parseDemoArgs, USAGE } from "../src/cli/args.ts";

describe("parseDemoArgs", () => {
	it("defaults to a 4-second run on a 4 MiB budget", () => {
		expect(parseDemoArgs([], "/out")).toEqual({
			seconds: 4,
			budgetBytes: 4 * 1024 * 1024,
			asteroids: 600,
			out: "/out",
			steady: undefined,
			seed: 1,
			realtime: false,
			help: false,
		});
	});

	it("reads every flag, past pnpm's -- separator", () => {
		const options = parseDemoArgs(
			[
				"--",
				"--seconds",
				"2.5",
				"--budget",
				"1.5",
				"--entities",
				"300",
				"--out",
				"x",
				"--steady",
				"10",
				"--seed",
				"9",
				"--realtime",
			],
			"/out",
		);
		expect(options).toEqual({
			seconds: 2.5,
			budgetBytes: 1.5 * 1024 * 1024,
			asteroids: 300,
			out: "x",
			steady: 10,
			seed: 9,
			realtime: true,
			help: false,
		});
		expect(parseDemoArgs(["-h"], "/out").help).toBe(true);
	});

	it("refuses what it does not understand, naming the flag", () => {
		expect(() => parseDemoArgs(["--seconds", "0"], "/out")).toThrow(RangeError);
		expect(() => parseDemoArgs(["--budget", "lots"], "/out")).toThrow(/--budget/);
		expect(() => parseDemoArgs(["--frobnicate"], "/out")).toThrow(TypeError);
		expect(USAGE).toContain("--steady");
	});
});
