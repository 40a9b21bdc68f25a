/**
 * Entry of the benchmark app: `pnpm bench [section ...] [options]` from the repository root, or
 * `node --expose-gc dist/main.js [section ...] [options]` here (see `USAGE`).
 * Runs the selected sections (default: all), each in a child process of its own (this script again,
 * with the internal flag `--section-child`), prints each one's Markdown to stdout, and writes
 * `results/report.md`, `results/<id>.json` and the marked parts of `docs/guides/performance.md`.
 * Errors print as one clean message (see {@link describeError}), never as a stack trace.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type BenchOptions, parseArgs, USAGE } from "./bench-options.ts";
import { runCoreBench } from "./core-bench.ts";
import { runCheckedBench } from "./core-checked.ts";
import { BenchError, describeError } from "./errors.ts";
import { environment } from "./measure.ts";
import { tracesDir } from "./paths.ts";
import { type Section, type SectionRun, writeResults } from "./report.ts";
import { TRACE_SPECS } from "./traces.ts";
import { runViewsBench } from "./views.ts";

/** What a section runner returns; the registry's id wins over the section's own. */
type SectionBody = Omit<Section, "id"> & { id?: string };

interface SectionEntry {
	id: string;
	run: (options: BenchOptions) => Promise<SectionBody>;
	/** Whether the section replays the allocation traces (checked before any section starts). */
	traces?: boolean;
}

/** Every section, in report order; the docs markers of each are `<!-- bench:<id>:start/end -->`. */
const SECTIONS: readonly SectionEntry[] = [
	{ id: "core", run: runCoreBench, traces: true },
	{ id: "views", run: runViewsBench },
	{ id: "checked", run: runCheckedBench },
	{ id: "struct", run: async (options) => (await import("./struct-particles.ts")).runStructBench(options) },
	{
		id: "containers",
		run: async (options) => (await import("./containers.ts")).runContainersBench(options),
	},
	{
		id: "arena-pool",
		run: async (options) => (await import("./lifetimes-arena-pool.ts")).runArenaPoolBench(options),
	},
	{ id: "rc", run: async (options) => (await import("./lifetimes-rc.ts")).runRcBench(options) },
];

/** The flag that makes this script run one section and print its {@link SectionRun} as JSON. */
const CHILD_FLAG = "--section-child";

/**
 * Runs the section `id` in a child process of its own and returns what it measured. No section inherits
 * the state a section before it left in V8: its JIT decisions and type feedback, its heap sizes, and its
 * protectors, which are process-wide (the first detached ArrayBuffer in a process, such as the old buffer
 * of a growing unshared heap, makes every later typed-array access in that process check for
 * detachment; see docs/guides/performance.md).
 */
function runInChild(id: string, argv: readonly string[]): SectionRun {
	const script = fileURLToPath(import.meta.url);
	const flags = argv.filter((a) => a.startsWith("-"));
	let out: string;
	try {
		out = execFileSync(process.execPath, ["--expose-gc", script, id, ...flags, CHILD_FLAG], {
			encoding: "utf8",
			maxBuffer: 1 << 28,
			stdio: ["ignore", "pipe", "inherit"],
		});
	} catch (error) {
		// The child has printed its own error to stderr (inherited); say only how it ended.
		const { status, signal } = error as { status?: number | null; signal?: string | null };
		throw new BenchError(
			signal ? `its process was killed by ${signal}` : `its process exited with code ${status ?? "?"}`,
		);
	}
	return JSON.parse(out) as SectionRun;
}

/** The child's side of {@link runInChild}: runs one section and prints its run as JSON. */
async function runChild(entry: SectionEntry, options: BenchOptions): Promise<void> {
	const env = environment();
	const t0 = performance.now();
	const section: Section = { ...(await entry.run(options)), id: entry.id };
	const run: SectionRun = { section, durationMs: performance.now() - t0, env };
	process.stdout.write(JSON.stringify(run));
}

async function main(argv: readonly string[]): Promise<number> {
	const child = argv.includes(CHILD_FLAG);
	const { ids, options, help } = parseArgs(argv.filter((a) => a !== CHILD_FLAG));
	if (child) {
		const entry = SECTIONS.find((s) => s.id === ids[0]);
		if (entry === undefined || ids.length !== 1) throw new BenchError(`${CHILD_FLAG} takes one section id`);
		await runChild(entry, options);
		return 0;
	}
	if (help) {
		process.stdout.write(`${USAGE}\n\nsections: ${SECTIONS.map((s) => s.id).join(", ")}\n`);
		return 0;
	}
	const unknown = ids.filter((id) => !SECTIONS.some((s) => s.id === id));
	if (unknown.length > 0) {
		throw new BenchError(
			`unknown section ${unknown.join(", ")}; registered: ${SECTIONS.map((s) => s.id).join(", ")}`,
		);
	}
	if (typeof gc !== "function")
		options.log("warning: run node with --expose-gc, or runs are not separated by GC");
	const selected = ids.length === 0 ? SECTIONS : SECTIONS.filter((s) => ids.includes(s.id));
	// A missing trace fails here, once, rather than in each section's process.
	if (selected.some((s) => s.traces === true)) for (const spec of TRACE_SPECS) tracesDir(spec.file);
	const done: SectionRun[] = [];
	let failed = 0;
	const start = performance.now();
	for (const entry of selected) {
		options.log(`running section ${entry.id} in its own process…`);
		try {
			const run = runInChild(entry.id, argv);
			const { section, durationMs } = run;
			done.push(run);
			process.stdout.write(`## ${section.title}\n\n${section.markdown.trim()}\n\n`);
			options.log(`section ${entry.id} took ${(durationMs / 1000).toFixed(1)} s`);
		} catch (error) {
			failed++;
			options.log(`section ${entry.id} FAILED: ${describeError(error)}`);
		}
	}
	if (options.write && done.length > 0) {
		const { written, notes } = writeResults(
			done,
			SECTIONS.map((s) => s.id),
		);
		for (const path of written) options.log(`wrote ${path}`);
		for (const note of notes) options.log(`note: ${note}`);
	}
	options.log(`total ${((performance.now() - start) / 1000).toFixed(1)} s`);
	return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		const child = process.argv.includes(CHILD_FLAG) ? ` (section ${process.argv[2] ?? "?"})` : "";
		process.stderr.write(`bench${child}: ${describeError(error)}\n`);
		process.exitCode = 2;
	},
);
