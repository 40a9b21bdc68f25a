/// <reference types="node" />
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "node:util";

const packages = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface Example {
	/** `file:line` of the example. */
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

/** Every ```ts block of every `@example` in a package's sources. */
export function examplesOf(pkg: string): Example[] {
	const found: Example[] = [];
	for (const file of sources(join(packages, pkg, "src"))) {
		const lines = readFileSync(file, "utf8").split("\n");
		let start = -1;
		let code: string[] = [];
		lines.forEach((line, i) => {
			const text = line.replace(/^\s*\* ?/, "");
			if (start < 0 && text.trim() === "```ts") {
				start = i;
				code = [];
			} else if (start >= 0 && text.trim() === "```") {
				found.push({ where: `${file.slice(packages.length + 1)}:${start + 1}`, code: code.join("\n") });
				start = -1;
			} else if (start >= 0) code.push(text);
		});
	}
	return found;
}

/** Every ```ts block of a Markdown file (a README, a guide), the path relative to `packages/`. */
export function examplesOfMarkdown(path: string): Example[] {
	const lines = readFileSync(join(packages, path), "utf8").split("\n");
	const found: Example[] = [];
	let start = -1;
	let code: string[] = [];
	lines.forEach((line, i) => {
		if (start < 0 && line.trim() === "```ts") {
			start = i;
			code = [];
		} else if (start >= 0 && line.trim() === "```") {
			found.push({ where: `${path}:${start + 1}`, code: code.join("\n") });
			start = -1;
		} else if (start >= 0) code.push(line);
	});
	return found;
}

/**
 * Runs an example as a module (imports of `@offheap/*` point at the sources) and checks every line
 * `console.log(...); // expected` against what it printed: the text before any " (" or ":" aside.
 * Returns the mismatches.
 */
export async function runExample(example: Example, index: number): Promise<string[]> {
	const dir = mkdtempSync(join(tmpdir(), "offheap-example-"));
	const code = example.code.replace(
		/from "@offheap\/(\w+)"/g,
		(_, name: string) => `from ${JSON.stringify(join(packages, name, "src/index.ts"))}`,
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
		// The comment may add an explanation after the value: "true: no growth", "3 (if it moved)".
		if (got !== want && !want.startsWith(`${got}:`) && !want.startsWith(`${got} (`)) {
			problems.push(
				`${example.where}: line ${i + 1} printed ${JSON.stringify(got)}, the comment says ${JSON.stringify(want)}`,
			);
		}
	});
	return problems;
}
