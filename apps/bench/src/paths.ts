/**
 * Where things are, found from this module's own location (`apps/bench/dist/paths.js` when built), so
 * the bench works from any working directory.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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
		throw new Error(`bench: no pnpm-workspace.yaml above ${here}; is the bench inside the repo?`);
	return root;
}

/**
 * The directory of the allocation traces: `$OFFHEAP_TRACES_DIR` when set, else the first `shared/traces`
 * holding `file` above this module (the shared directory sits next to the repository:
 * `<parent>/main` and `<parent>/shared`). Throws a message naming every place looked at.
 */
export function tracesDir(file: string): string {
	const override = process.env.OFFHEAP_TRACES_DIR;
	if (override !== undefined && override !== "") {
		if (!existsSync(join(override, file))) {
			throw new Error(`bench: OFFHEAP_TRACES_DIR=${override} does not contain ${file}`);
		}
		return override;
	}
	const candidates = ancestors(here).map((dir) => join(dir, "shared", "traces"));
	const found = candidates.find((dir) => existsSync(join(dir, file)));
	if (found === undefined) {
		throw new Error(
			`bench: allocation trace ${file} not found. Looked in:\n  ${candidates.join("\n  ")}\n` +
				"The traces live in shared/traces next to the repository (e.g. /work/shared/traces for /work/main); " +
				"set OFFHEAP_TRACES_DIR to point elsewhere.",
		);
	}
	return found;
}
