/// <reference types="node" />
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "node:util";
import { describe, expect, it } from "vitest";

/** The repository root; every path below is relative to it. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface Example {
	/** `file:line` of the example, relative to the repository root. */
	where: string;
	code: string;
}

function sources(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory()
			? sources(join(dir, entry.name))
			: entry.name.endsWith(".ts")
				? [join(dir, entry.name)]
				: [],
	);
}

/** The ```ts blocks of `lines`, after `strip` removed each line's comment prefix. */
function fencedBlocks(where: string, lines: readonly string[], strip: (line: string) => string): Example[] {
	const found: Example[] = [];
	let start = -1;
	let code: string[] = [];
	lines.forEach((line, i) => {
		const text = strip(line);
		if (start < 0 && text.trim() === "```ts") {
			start = i;
			code = [];
		} else if (start >= 0 && text.trim() === "```") {
			found.push({ where: `${where}:${start + 1}`, code: code.join("\n") });
			start = -1;
		} else if (start >= 0) code.push(text);
	});
	return found;
}

/** Every ```ts block of every TSDoc comment in `packages/<pkg>/src`. */
export function examplesOf(pkg: string): Example[] {
	return sources(join(root, "packages", pkg, "src")).flatMap((file) =>
		fencedBlocks(file.slice(root.length + 1), readFileSync(file, "utf8").split("\n"), (line) =>
			line.replace(/^\s*\* ?/, ""),
		),
	);
}

/** Every ```ts block of a Markdown file (a README, a guide), `path` relative to the repository root. */
export function examplesOfMarkdown(path: string): Example[] {
	return fencedBlocks(path, readFileSync(join(root, path), "utf8").split("\n"), (line) => line);
}

/**
 * Runs an example as a module (imports of `@offheap/*` point at the sources) and checks every line
 * `console.log(...); // expected` against what it printed: the comment may add an aside after the
 * value (`3 (if it moved)`, `true: no growth`). Returns the mismatches.
 */
export async function runExample(example: Example, index: number): Promise<string[]> {
	const dir = mkdtempSync(join(tmpdir(), "offheap-example-"));
	const code = example.code.replace(
		/from "@offheap\/(\w+)"/g,
		(_, name: string) => `from ${JSON.stringify(join(root, "packages", name, "src/index.ts"))}`,
	);
	const expected: string[] = [];
	for (const line of code.split("\n")) {
		const m = /^\s*console\.log\(.*\);\s*\/\/ (.*)$/.exec(line);
		if (m) expected.push(m[1] as string);
	}
	const file = join(dir, `example-${process.pid}-${index}.ts`);
	writeFileSync(file, code);
	const printed: string[] = [];
	const log = console.log;
	console.log = (...args: unknown[]) => {
		printed.push(format(...args));
	};
	try {
		await import(/* @vite-ignore */ file);
	} finally {
		console.log = log;
		rmSync(dir, { recursive: true, force: true });
	}
	const problems: string[] = [];
	if (expected.length > 0 && printed.length < expected.length) {
		problems.push(`${example.where}: printed ${printed.length} lines, expected ${expected.length}`);
	}
	expected.forEach((want, i) => {
		const got = printed[i] ?? "";
		if (!matches(got, want)) {
			problems.push(
				`${example.where}: line ${i + 1} printed ${JSON.stringify(got)}, the comment says ${JSON.stringify(want)}`,
			);
		}
	});
	return problems;
}

/**
 * Whether printed text `got` is what the comment `want` says: the same, or the same followed by an
 * aside (`3 (if it moved)`, `true: no growth`); an ellipsis in the comment stands for any text (an
 * address, the rest of a long message).
 */
function matches(got: string, want: string): boolean {
	if (got === want || want.startsWith(`${got}:`) || want.startsWith(`${got} (`)) return true;
	if (!want.includes("…")) return false;
	const pattern = want
		.split("…")
		.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
		.join("[^]*");
	return new RegExp(`^${pattern}`).test(got);
}

async function runAll(examples: readonly Example[], firstIndex: number): Promise<string[]> {
	const problems: string[] = [];
	for (const [i, example] of examples.entries()) {
		try {
			problems.push(...(await runExample(example, firstIndex + i)));
		} catch (error) {
			problems.push(`${example.where}: threw ${String(error)}`);
		}
	}
	return problems;
}

/**
 * The documentation suite of one package: every TSDoc example of its sources and every ```ts block of
 * its README and of the given guides runs, and prints what its comments say.
 */
export function describeDocumentation(pkg: string, guides: readonly string[], minExamples: number): void {
	describe("documentation examples", () => {
		const examples = examplesOf(pkg);

		it("finds the examples in the sources", () => {
			expect(examples.length).toBeGreaterThanOrEqual(minExamples);
		});

		it("runs every example of the README and the guides, printing what the comments say", async () => {
			const blocks = [
				...examplesOfMarkdown(`packages/${pkg}/README.md`),
				...guides.flatMap((guide) => examplesOfMarkdown(`docs/guides/${guide}`)),
			];
			expect(blocks.length).toBeGreaterThan(0);
			expect(await runAll(blocks, 1000)).toEqual([]);
		});

		it("runs every example of the sources and prints what its comments say", async () => {
			expect(await runAll(examples, 0)).toEqual([]);
		});
	});
}
