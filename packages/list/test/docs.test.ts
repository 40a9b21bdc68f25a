import { describe, expect, it } from "vitest";
import { examplesOf, examplesOfMarkdown, runExample } from "./support/examples.ts";

describe("documentation examples", () => {
	const examples = examplesOf("list");

	it("finds the examples in the sources", () => {
		expect(examples.length).toBeGreaterThan(25);
	});

	it("runs every example of the README and the guide, printing what the comments say", async () => {
		const blocks = [
			...examplesOfMarkdown("list/README.md"),
			...examplesOfMarkdown("../docs/guides/linked-list.md"),
		];
		expect(blocks.length).toBeGreaterThan(3);
		const problems: string[] = [];
		for (const [i, example] of blocks.entries()) {
			try {
				problems.push(...(await runExample(example, 1000 + i)));
			} catch (error) {
				problems.push(`${example.where}: threw ${String(error)}`);
			}
		}
		expect(problems).toEqual([]);
	});

	it("runs every example and prints what its comments say", async () => {
		const problems: string[] = [];
		for (const [i, example] of examples.entries()) {
			try {
				problems.push(...(await runExample(example, i)));
			} catch (error) {
				problems.push(`${example.where}: threw ${String(error)}`);
			}
		}
		expect(problems).toEqual([]);
	});
});
