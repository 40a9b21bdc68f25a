/**
 * Where things are, found from this module's own location (`apps/bench/dist/paths.js` when built), so
 * the bench works from any working directory.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BenchError } from "./errors.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** `apps/bench`: the parent of `dist/` (or of `src/` when run from sources). */
export const benchRoot: string = resolve(here, "..");

/** Where the report and the machine-readable results go. */
export const resultsDir: string = join(benchRoot, "results");

/** The directory itself and its ancestors, nearest first. */
function ancestors(start: string): string[] {
	const dirs: string[] = [];
	let dir = start;
	for (;;) {
		dirs.push(dir);
		const parent = dirname(dir);
		if (parent === dir) return dirs;
		dir = parent;
	}
}

/** The monorepo root: the nearest ancestor holding `pnpm-workspace.yaml`. */
export function repoRoot(): string {
	const root = ancestors(here).find((dir) => existsSync(join(dir, "pnpm-workspace.yaml")));
	if (root === undefined)
		throw new BenchError(`no pnpm-workspace.yaml above ${here}; is the bench inside the repo?`);
	return root;
}

/** The allocation traces shipped with the bench (`apps/bench/traces`, see its README). */
export const shippedTracesDir: string = join(benchRoot, "traces");

/**
 * The directory of the allocation traces: `$OFFHEAP_TRACES_DIR` when set, else `apps/bench/traces`, which
 * the repository ships. Throws a one-line message (no stack: see main.ts) naming the place looked at.
 */
export function tracesDir(file: string): string {
	const override = process.env.OFFHEAP_TRACES_DIR;
	if (override !== undefined && override !== "") {
		if (!existsSync(join(override, file))) {
			throw new BenchError(`OFFHEAP_TRACES_DIR=${override} does not contain ${file}`);
		}
		return override;
	}
	if (!existsSync(join(shippedTracesDir, file))) {
		throw new BenchError(
			`allocation trace ${file} is missing from ${shippedTracesDir} (the repository ships it; ` +
				"restore it with `git checkout -- apps/bench/traces`, or set OFFHEAP_TRACES_DIR to a directory holding it)",
		);
	}
	return shippedTracesDir;
}
