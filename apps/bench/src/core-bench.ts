/**
 * The `core` section: the allocator of @offheap/core against @thi.ng/malloc and plain JS, on real
 * traces and micro benchmarks, checked against the targets of issue "Step 1".
 */
import type { BenchOptions } from "./bench-options.ts";
import { mops, ratio, table, verdict } from "./format.ts";
import { type MicroResult, microMarkdown, runMicro } from "./micro.ts";
import type { Section } from "./report.ts";
import { benchGrowable, benchTrace, TRACE_SPECS, type TraceResult, traceMarkdown } from "./traces.ts";

/** A number the allocator must reach, compared in the same run. */
export interface Target {
	name: string;
	measured: number;
	/** `measured >= bound` for "min", `measured <= bound` for "max". */
	bound: number;
	kind: "min" | "max";
	unit: "×" | "M ops/s";
	pass: boolean;
	note: string;
}

function target(
	name: string,
	measured: number,
	kind: Target["kind"],
	bound: number,
	unit: Target["unit"],
	note = "",
): Target {
	const pass = Number.isFinite(measured) && (kind === "min" ? measured >= bound : measured <= bound);
	return { name, measured, bound, kind, unit, pass, note };
}

function traceOf(traces: readonly TraceResult[], name: string): TraceResult {
	const t = traces.find((x) => x.name === name);
	if (t === undefined) throw new Error(`no results for trace ${name}`);
	return t;
}

export function coreTargets(traces: readonly TraceResult[], micro: readonly MicroResult[]): Target[] {
	const gcc = traceOf(traces, "gcc-cc1");
	const sqlite = traceOf(traces, "sqlite3");
	const prefixNote = (t: TraceResult): string =>
		t.thingOps < t.ops ? `on the first ${t.thingOps.toLocaleString("en-US")} ops` : "whole trace";
	const gccFootprint =
		gcc.results.find((r) => r.allocator === "offheap" && r.full)?.footprintRatio ?? Number.NaN;
	const churn = micro.find((r) => r.workload === "churn" && r.param === 10_000 && r.allocator === "offheap");
	return [
		target("gcc-cc1: offheap ÷ @thi.ng/malloc ops/s", gcc.vsThing, "min", 50, "×", prefixNote(gcc)),
		target("sqlite3: offheap ÷ @thi.ng/malloc ops/s", sqlite.vsThing, "min", 3, "×", prefixNote(sqlite)),
		target("gcc-cc1: offheap ÷ baseline ops/s", gcc.vsBaseline, "min", 5, "×", "whole trace"),
		target("sqlite3: offheap ÷ baseline ops/s", sqlite.vsBaseline, "min", 5, "×", "whole trace"),
		target("gcc-cc1: offheap footprint ÷ peak live bytes", gccFootprint, "max", 1.15, "×", "whole trace"),
		target(
			"random churn, 10k live blocks: offheap",
			churn === undefined ? Number.NaN : churn.opsPerSec / 1e6,
			"min",
			15,
			"M ops/s",
			"malloc and free count one op each",
		),
	];
}

function targetsMarkdown(targets: readonly Target[]): string {
	const show = (t: Target, x: number): string => (t.unit === "×" ? ratio(x) : `${mops(x * 1e6)} M ops/s`);
	return table(
		["target", "measured", "required", "result", "note"],
		targets.map((t) => [
			t.name,
			show(t, t.measured),
			`${t.kind === "min" ? "≥" : "≤"} ${show(t, t.bound)}`,
			verdict(t.pass),
			t.note,
		]),
		["left", "right", "right", "left", "left"],
	);
}

/** Runs the trace replays and the micro benchmarks and builds the `core` section. */
export async function runCoreBench(options: BenchOptions): Promise<Section> {
	const traces: TraceResult[] = [];
	for (const spec of TRACE_SPECS) {
		const t0 = performance.now();
		traces.push(benchTrace(spec, { runs: options.runs, thingFull: options.thingFull }));
		options.log(`core: trace ${spec.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
		await Promise.resolve();
	}
	const t0 = performance.now();
	const micro = runMicro({ runs: options.runs, scale: options.quick ? 0.2 : 1 });
	options.log(`core: micro benchmarks done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
	// Last: the growable heap detaches a buffer when it first grows, which slows every later typed-array
	// access in this process (see benchGrowable).
	for (const spec of TRACE_SPECS) {
		const t1 = performance.now();
		benchGrowable(spec, traceOf(traces, spec.name), options.runs);
		options.log(`core: growable ${spec.name} done in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
		await Promise.resolve();
	}
	const targets = coreTargets(traces, micro);
	const passed = targets.filter((t) => t.pass).length;
	const markdown = [
		`### Targets (${passed} of ${targets.length} met)`,
		"",
		targetsMarkdown(targets),
		"",
		"Ratios compare allocators measured in the same run, never numbers from another day: the replay loop's own " +
			"cost (stamping and checking every block) is a large share of each operation.",
		"",
		"### Real traces",
		"",
		traceMarkdown(traces),
		"",
		"### Micro benchmarks",
		"",
		microMarkdown(micro),
		options.quick ? "\n_Quick mode: fewer runs and shorter micro benchmarks; not for the record._" : "",
	].join("\n");
	return {
		id: "core",
		title: "Allocator: @offheap/core vs @thi.ng/malloc vs plain JS",
		markdown,
		data: {
			options: { runs: options.runs, quick: options.quick, thingFull: options.thingFull },
			targets,
			traces,
			micro,
		},
	};
}
