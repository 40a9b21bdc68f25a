/**
 * Replays the real allocation traces of `apps/bench/traces` against offheap, @thi.ng/malloc and a plain-JS
 * baseline, and measures speed and footprint.
 */
import { join } from "node:path";
import { bytes, int, mops, ms, ratio, table } from "./format.ts";
import { type Contender, collectGarbage, type Measured, measureInterleaved } from "./measure.ts";
import { tracesDir } from "./paths.ts";
import {
	GROWABLE_OPTIONS,
	type ReplayRun,
	replayBaseline,
	replayBaselineDense,
	replayOffheap,
	replayThing,
	THING_POOL_BYTES,
} from "./replay.ts";
import { parseTraceFile, type Trace, type TraceUsage, traceUsage } from "./trace-parser.ts";

/** One trace to replay, and how much of it @thi.ng/malloc gets. */
export interface TraceSpec {
	/** Name used in tables, e.g. "gcc-cc1". */
	name: string;
	file: string;
	/**
	 * Operations @thi.ng/malloc replays (the others replay them too, for a like-for-like ratio); `undefined`
	 * for the whole trace. Its free is O(live blocks), and a full gcc-cc1 replay takes well over a minute.
	 */
	thingPrefixOps?: number;
}

export const TRACE_SPECS: readonly TraceSpec[] = [
	{ name: "gcc-cc1", file: "gcc-cc1.trace.gz", thingPrefixOps: 400_000 },
	{ name: "sqlite3", file: "sqlite3.trace.gz" },
];

export type AllocatorName =
	| "offheap"
	| "@thi.ng/malloc"
	| "baseline"
	| "baseline, dense slots"
	| "offheap, growable heap"
	| "baseline (growable block)";

/** One allocator's replay of the first `ops` operations of a trace. */
export interface ReplayResult {
	allocator: AllocatorName;
	ops: number;
	/** Whether `ops` is the whole trace. */
	full: boolean;
	runs: number;
	medianMs: number;
	minMs: number;
	maxMs: number;
	/** Operations per second of the median run. */
	opsPerSec: number;
	/** Highest address handed out (`null` for the baseline, which has no address space). */
	footprint: number | null;
	peakLiveBytes: number;
	/** `footprint / peakLiveBytes`. */
	footprintRatio: number | null;
	extra: Record<string, number>;
}

export interface TraceResult {
	name: string;
	ops: number;
	counts: Trace["counts"];
	usage: TraceUsage;
	parseMs: number;
	/** Operations all three allocators replayed for the offheap/@thi.ng ratio. */
	thingOps: number;
	results: ReplayResult[];
	/** offheap ops/s ÷ @thi.ng/malloc ops/s, on `thingOps` operations. */
	vsThing: number;
	/** offheap ops/s ÷ baseline ops/s (the issue's baseline: a Map by block id), on the whole trace. */
	vsBaseline: number;
	/** offheap ops/s ÷ the baseline with a dense handle table, on the whole trace (not graded). */
	vsDenseBaseline: number;
	/** Blocks @thi.ng/malloc still holds at the end beyond those the trace leaves live (realloc leaks). */
	thingLeakedBlocks: number;
	/**
	 * offheap on a growable heap ÷ the baseline, measured together after the rest of the section (see
	 * {@link benchGrowable}); `null` until then. Not graded.
	 */
	growableVsBaseline: number | null;
}

export interface TraceBenchOptions {
	/** Timed runs of each contender (after one warm-up run). */
	runs: number;
	/**
	 * Replay whole traces on @thi.ng/malloc too (once, without warm-up: about a minute for gcc-cc1)
	 * instead of the prefixes of {@link TRACE_SPECS}.
	 */
	thingFull: boolean;
}

function toResult(
	allocator: AllocatorName,
	ops: number,
	trace: Trace,
	m: Measured<ReplayRun>,
	usage: TraceUsage,
): ReplayResult {
	const footprint = allocator.startsWith("baseline") ? null : m.last.footprint;
	return {
		allocator,
		ops,
		full: ops === trace.length,
		runs: m.timing.runs,
		medianMs: m.timing.medianMs,
		minMs: m.timing.minMs,
		maxMs: m.timing.maxMs,
		opsPerSec: ops / (m.timing.medianMs / 1000),
		footprint,
		peakLiveBytes: usage.peakLiveBytes,
		footprintRatio: footprint === null ? null : footprint / usage.peakLiveBytes,
		extra: m.last.extra,
	};
}

/** The contenders on the first `ops` operations; @thi.ng/malloc runs `thingRuns` times (none if 0). */
function replayContenders(
	trace: Trace,
	ops: number,
	runs: number,
	thingRuns: number,
): Contender<ReplayRun>[] {
	const list: Contender<ReplayRun>[] = [
		{ name: "offheap", run: () => replayOffheap(trace, ops), runs, warmup: 1 },
		{ name: "baseline", run: () => replayBaseline(trace, ops), runs, warmup: 1 },
		{ name: "baseline, dense slots", run: () => replayBaselineDense(trace, ops), runs, warmup: 1 },
	];
	if (thingRuns > 0) {
		const warmup = thingRuns === 1 ? 0 : 1;
		list.splice(1, 0, {
			name: "@thi.ng/malloc",
			run: () => replayThing(trace, ops),
			runs: thingRuns,
			warmup,
		});
	}
	return list;
}

/** Parses and replays one trace. */
export function benchTrace(spec: TraceSpec, options: TraceBenchOptions): TraceResult {
	const t0 = performance.now();
	const trace = parseTraceFile(join(tracesDir(spec.file), spec.file), spec.name);
	const parseMs = performance.now() - t0;
	collectGarbage();
	const usage = traceUsage(trace, trace.length);
	const prefix = options.thingFull ? undefined : spec.thingPrefixOps;
	const thingOps = Math.min(prefix ?? trace.length, trace.length);
	const prefixed = thingOps < trace.length;
	const thingRuns = prefixed ? 0 : spec.thingPrefixOps !== undefined ? 1 : options.runs;
	const results: ReplayResult[] = [];
	const full = measureInterleaved(replayContenders(trace, trace.length, options.runs, thingRuns));
	for (const m of full) results.push(toResult(m.name as AllocatorName, trace.length, trace, m, usage));
	if (prefixed) {
		const prefixUsage = traceUsage(trace, thingOps);
		const part = measureInterleaved(replayContenders(trace, thingOps, options.runs, options.runs));
		for (const m of part) results.push(toResult(m.name as AllocatorName, thingOps, trace, m, prefixUsage));
	}
	const find = (allocator: AllocatorName, ops: number): ReplayResult => {
		const r = results.find((x) => x.allocator === allocator && x.ops === ops);
		if (r === undefined) throw new Error(`no ${allocator} result on ${ops} ops`);
		return r;
	};
	const thing = find("@thi.ng/malloc", thingOps);
	const thingLeakedBlocks = (thing.extra.usedBlocks ?? 0) - traceUsage(trace, thingOps).endLiveBlocks;
	return {
		name: trace.name,
		ops: trace.length,
		counts: trace.counts,
		usage,
		parseMs,
		thingOps,
		results,
		vsThing: find("offheap", thingOps).opsPerSec / thing.opsPerSec,
		vsBaseline: find("offheap", trace.length).opsPerSec / find("baseline", trace.length).opsPerSec,
		vsDenseBaseline:
			find("offheap", trace.length).opsPerSec / find("baseline, dense slots", trace.length).opsPerSec,
		thingLeakedBlocks,
		growableVsBaseline: null,
	};
}

/**
 * Replays the whole trace of `result` on offheap's growable heap ({@link GROWABLE_OPTIONS}) and on the
 * baseline, interleaved, and adds both to `result`. Call it after every other measurement of the
 * process: the growable heap's first growth detaches a buffer, which makes V8 check every later
 * typed-array access in the process for detachment.
 */
export function benchGrowable(spec: TraceSpec, result: TraceResult, runs: number): void {
	const trace = parseTraceFile(join(tracesDir(spec.file), spec.file), spec.name);
	collectGarbage();
	const usage = traceUsage(trace, trace.length);
	const measured = measureInterleaved([
		{
			name: "offheap, growable heap",
			run: () => replayOffheap(trace, trace.length, GROWABLE_OPTIONS),
			runs,
			warmup: 1,
		},
		{ name: "baseline (growable block)", run: () => replayBaseline(trace, trace.length), runs, warmup: 1 },
	]);
	const rows = measured.map((m) => toResult(m.name as AllocatorName, trace.length, trace, m, usage));
	result.results.push(...rows);
	const opsPerSec = (name: AllocatorName): number =>
		rows.find((r) => r.allocator === name)?.opsPerSec ?? Number.NaN;
	result.growableVsBaseline = opsPerSec("offheap, growable heap") / opsPerSec("baseline (growable block)");
}

/** The Markdown of the trace replay results. */
export function traceMarkdown(results: readonly TraceResult[]): string {
	const rows: string[][] = [];
	for (const t of results) {
		for (const r of t.results) {
			rows.push([
				t.name,
				r.allocator,
				r.full ? `${int(r.ops)} (all)` : `${int(r.ops)} (prefix)`,
				`${mops(r.opsPerSec)} M`,
				`${ms(r.medianMs)} (${ms(r.minMs)}–${ms(r.maxMs)}, ${r.runs} runs)`,
				r.footprint === null ? "n/a" : bytes(r.footprint),
				bytes(r.peakLiveBytes),
				r.footprintRatio === null ? "n/a" : ratio(r.footprintRatio),
			]);
		}
	}
	const ratios = results.map((t) => [
		t.name,
		`${ratio(t.vsThing)}${t.thingOps < t.ops ? ` (first ${int(t.thingOps)} ops)` : " (all ops)"}`,
		`${ratio(t.vsBaseline)} (all ops)`,
		`${ratio(t.vsDenseBaseline)} (all ops)`,
		t.growableVsBaseline === null ? "not measured" : `${ratio(t.growableVsBaseline)} (all ops)`,
	]);
	const notes = results
		.filter((t) => t.thingOps < t.ops)
		.map(
			(t) =>
				`- ${t.name}: @thi.ng/malloc replays only the first ${int(t.thingOps)} of ${int(t.ops)} operations ` +
				`(its free walks every live block, so the whole trace takes about a minute per run; ` +
				"`--quick` and `--thing-prefix` replay a prefix); all three allocators are timed on that prefix for the offheap ÷ " +
				"@thi.ng ratio. The prefix holds fewer live blocks than the whole trace, which flatters @thi.ng/malloc.",
		);
	for (const t of results) {
		if (t.thingLeakedBlocks > 0) {
			notes.push(
				`- ${t.name}: @thi.ng/malloc ends holding ${int(t.thingLeakedBlocks)} blocks that the trace freed: its ` +
					"realloc, when it moves a block, frees the old one with the wrong address, so the block leaks. " +
					"Its footprint above includes those leaks (replayed as is).",
			);
		}
	}
	return [
		table(
			[
				"trace",
				"allocator",
				"ops replayed",
				"ops/s",
				"median time (min–max)",
				"footprint",
				"peak live",
				"footprint ÷ peak",
			],
			rows,
			["left", "left", "right", "right", "right", "right", "right", "right"],
		),
		"",
		table(
			[
				"trace",
				"offheap ÷ @thi.ng/malloc (ops/s)",
				"offheap ÷ baseline (ops/s)",
				"offheap ÷ baseline with dense slots (ops/s)",
				"growable offheap ÷ baseline (ops/s)",
			],
			ratios,
		),
		"",
		"- ops/s: median run; each run replays on a fresh allocator after one warm-up run, with a GC before each run. " +
			"Every block is stamped on allocation and checked on free and realloc; calloc memory is checked for zeros.",
		"- footprint: highest address handed out (max of ptr + size); peak live: most requested bytes live at once. " +
			`offheap and @thi.ng/malloc each get a fixed ${bytes(THING_POOL_BYTES)} buffer (offheap: ` +
			"`initialBytes === maxBytes`); the baseline (one Uint8Array per block) has no address space.",
		"- offheap, growable heap: the same allocator on a heap that grows from 1 MiB up to 1 GiB (a " +
			"`WebAssembly.Memory`), replayed with its own baseline runs after everything else in the section. Its first " +
			"growth detaches the old buffer, and from then on V8 checks every typed-array access in the process for " +
			"detachment, offheap's and the stamping loop's alike (see the performance guide). Not graded.",
		"- handles: offheap and @thi.ng/malloc keep their pointers in an Int32Array indexed by a dense slot (the trace's " +
			"block ids renamed once, before any timing). The baseline is the one the targets name: its Uint8Arrays in a " +
			'Map by block id. The row "baseline, dense slots" keeps them in an array indexed by the same slots instead: ' +
			"the same plain-JS allocation without the Map, so the ratio over it shows what the Map costs the baseline.",
		...notes,
	].join("\n");
}
