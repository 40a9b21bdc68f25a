import { examplesOfMarkdown, runExample } from "@offheap/test-support/examples";
import { describe, expect, it } from "vitest";

describe("the demo guide", () => {
	it("runs every example of docs/guides/demo.md, printing what its comments say", async () => {
		const examples = examplesOfMarkdown("docs/guides/demo.md");
		expect(examples.length).toBeGreaterThan(0);
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
