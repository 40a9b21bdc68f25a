/**
 * Micro benchmarks of the allocator against @thi.ng/malloc and plain JS: LIFO, random churn over a live
 * set, and fragmentation. Every contender gets the same seeded sequence; @thi.ng/malloc runs a prefix
 * of it where it is orders of magnitude slower (its free walks every live block).
 */
import { bytes, int, mops, ms, ratio, table } from "./format.ts";
import { type Contender, type Measured, measureInterleaved } from "./measure.ts";
import {
	type ChurnPlan,
	churnBaseline,
	churnOffheap,
	churnThing,
	fragBaseline,
	fragOffheap,
	fragThing,
	lifoBaseline,
	lifoOffheap,
	lifoThing,
	type MicroRun,
} from "./micro-kernels.ts";
import type { AllocatorName } from "./traces.ts";

export interface MicroOptions {
	/** Timed runs of each contender (fewer for @thi.ng/malloc where one run takes seconds). */
	runs: number;
	/** Scale of the step counts (1 for the report; less for a quick look). */
	scale: number;
}

export interface MicroResult {
	workload: "lifo" | "churn" | "fragmentation";
	/** Live blocks (churn) or N (fragmentation); 0 for LIFO. */
	param: number;
	allocator: AllocatorName;
	/** Operations timed: malloc and free count one each. */
	ops: number;
	runs: number;
	medianMs: number;
	minMs: number;
	maxMs: number;
	opsPerSec: number;
	/** Highest address handed out (`null` for the baseline). */
	footprint: number | null;
	/** Requested bytes live at the end (fragmentation) or at most (churn); `null` when not tracked. */
	liveBytes: number | null;
}

export const SEED = 0x0ff4ea9;
export const LIFO_N = 1_000_000;
export const CHURN_LIVE = [1_000, 10_000] as const;
export const CHURN_STEPS = 1_000_000;
/**
 * Churn steps of @thi.ng/malloc by live-set size: about 1 s per run here (it ran 0.01–0.1 M ops/s,
 * far below the 0.2–0.3 M of the research notes, as its free list fills with holes).
 */
export const THING_CHURN_STEPS: Readonly<Record<number, number>> = { 1000: 40_000, 10000: 10_000 };
/** Timed runs of @thi.ng/malloc where one run takes about a second. */
const THING_SLOW_RUNS = 3;
export const FRAG_N = [10_000, 50_000] as const;

/** mulberry32: a small, fast, seeded PRNG returning uint32. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return (t ^ (t >>> 14)) >>> 0;
	};
}

/** The churn sequence: sizes uniform in 8–512 B, slots uniform over the live set. */
/** Untimed runs of each churn contender before the timed ones. */
const CHURN_WARMUP = 4;

export function churnPlan(live: number, steps: number, seed: number): ChurnPlan {
	const next = prng(seed ^ live);
	const init = new Uint32Array(live);
	for (let j = 0; j < live; j++) init[j] = 8 + (next() % 505);
	const slot = new Uint32Array(steps);
	const size = new Uint32Array(steps);
	for (let k = 0; k < steps; k++) {
		slot[k] = next() % live;
		size[k] = 8 + (next() % 505);
	}
	return { init, slot, size };
}

function toResult(
	workload: MicroResult["workload"],
	param: number,
	ops: number,
	m: Measured<MicroRun>,
	liveBytes: number | null,
): MicroResult {
	const allocator = m.name as AllocatorName;
	return {
		workload,
		param,
		allocator,
		ops,
		runs: m.timing.runs,
		medianMs: m.timing.medianMs,
		minMs: m.timing.minMs,
		maxMs: m.timing.maxMs,
		opsPerSec: ops / (m.timing.medianMs / 1000),
		footprint: allocator === "baseline" ? null : m.last.footprint,
		liveBytes,
	};
}

/** Runs all micro benchmarks. */
export function runMicro(options: MicroOptions): MicroResult[] {
	const { runs, scale } = options;
	const results: MicroResult[] = [];

	const lifoN = Math.round(LIFO_N * scale);
	const lifo: Contender<MicroRun>[] = [
		{ name: "offheap", run: () => lifoOffheap(lifoN), runs, warmup: 1 },
		{ name: "@thi.ng/malloc", run: () => lifoThing(lifoN), runs, warmup: 1 },
		{ name: "baseline", run: () => lifoBaseline(lifoN), runs, warmup: 1 },
	];
	for (const m of measureInterleaved(lifo)) results.push(toResult("lifo", 0, 2 * lifoN, m, null));

	// V8 reaches its steady state on a churn kernel only after 3–4 runs of a million steps here (the
	// first runs go 5–9 M ops/s, then 15–18 M): every contender gets the same warm-up runs.
	for (const live of CHURN_LIVE) {
		const steps = Math.round(CHURN_STEPS * scale);
		const thingSteps = Math.min(steps, Math.round((THING_CHURN_STEPS[live] ?? steps) * scale));
		const plan = churnPlan(live, steps, SEED);
		let initBytes = 0;
		for (const s of plan.init) initBytes += s;
		const churn: Contender<MicroRun>[] = [
			{ name: "offheap", run: () => churnOffheap(plan, steps), runs, warmup: CHURN_WARMUP },
			{
				name: "@thi.ng/malloc",
				run: () => churnThing(plan, thingSteps),
				runs: Math.min(runs, THING_SLOW_RUNS),
				warmup: CHURN_WARMUP,
			},
			{ name: "baseline", run: () => churnBaseline(plan, steps), runs, warmup: CHURN_WARMUP },
		];
		for (const m of measureInterleaved(churn)) {
			const n = m.name === "@thi.ng/malloc" ? thingSteps : steps;
			results.push(toResult("churn", live, 2 * n, m, initBytes));
		}
	}

	for (const n of FRAG_N) {
		// One @thi.ng/malloc run of N = 50k takes several seconds: run it once, warmed up by N = 10k.
		const slow = n > 10_000;
		const frag: Contender<MicroRun>[] = [
			{ name: "offheap", run: () => fragOffheap(n), runs, warmup: 1 },
			{
				name: "@thi.ng/malloc",
				run: () => fragThing(n),
				runs: slow ? 1 : Math.min(runs, THING_SLOW_RUNS),
				warmup: slow ? 0 : 1,
			},
			{ name: "baseline", run: () => fragBaseline(n), runs, warmup: 1 },
		];
		const live = (n >>> 1) * 24 + (n - (n >>> 1)) * 16;
		for (const m of measureInterleaved(frag)) results.push(toResult("fragmentation", n, n, m, live));
	}
	return results;
}

function vsOffheap(results: readonly MicroResult[], r: MicroResult): string {
	const off = results.find(
		(x) => x.workload === r.workload && x.param === r.param && x.allocator === "offheap",
	);
	if (off === undefined || r.allocator === "offheap") return "";
	return ratio(off.opsPerSec / r.opsPerSec);
}

function timeCell(r: MicroResult): string {
	return `${ms(r.medianMs)} (${ms(r.minMs)}–${ms(r.maxMs)}, ${r.runs} run${r.runs === 1 ? "" : "s"})`;
}

/** The Markdown of the micro benchmark results. */
export function microMarkdown(results: readonly MicroResult[]): string {
	const of = (w: MicroResult["workload"]): MicroResult[] => results.filter((r) => r.workload === w);
	const lifo = table(
		["allocator", "ops", "ops/s", "median time (min–max)", "offheap is"],
		of("lifo").map((r) => [
			r.allocator,
			int(r.ops),
			`${mops(r.opsPerSec)} M`,
			timeCell(r),
			vsOffheap(results, r),
		]),
	);
	const churn = table(
		["live blocks", "allocator", "ops", "ops/s", "median time (min–max)", "footprint", "offheap is"],
		of("churn").map((r) => [
			int(r.param),
			r.allocator,
			int(r.ops),
			`${mops(r.opsPerSec)} M`,
			timeCell(r),
			r.footprint === null ? "n/a" : bytes(r.footprint),
			vsOffheap(results, r),
		]),
		["right", "left", "right", "right", "right", "right", "right"],
	);
	const frag = table(
		[
			"N",
			"allocator",
			"free + alloc time (min–max)",
			"footprint after",
			"live bytes",
			"footprint ÷ live",
			"offheap is",
		],
		of("fragmentation").map((r) => [
			int(r.param),
			r.allocator,
			timeCell(r),
			r.footprint === null ? "n/a" : bytes(r.footprint),
			r.liveBytes === null ? "n/a" : bytes(r.liveBytes),
			r.footprint === null || r.liveBytes === null ? "n/a" : ratio(r.footprint / r.liveBytes),
			vsOffheap(results, r),
		]),
		["right", "left", "right", "right", "right", "right", "right"],
	);
	return [
		"**LIFO**: `malloc(16)` then `free`, one million times (2 ops per iteration).",
		"",
		lifo,
		"",
		"**Random churn**: a live set of blocks of 8–512 B; each step frees a random live block and allocates a " +
			`random size (seed ${SEED.toString(16)}, the same sequence for all; 2 ops per step). @thi.ng/malloc runs ` +
			`the first steps of the sequence only. Each contender gets ${CHURN_WARMUP} untimed warm-up runs first: V8 ` +
			"reaches its steady state on these kernels only after 3–4 runs here.",
		"",
		churn,
		"",
		"**Fragmentation**: N live 16-B blocks, free every other one, then allocate N/2 blocks of 24 B; the time " +
			"is that of the free + alloc phase (N ops). Footprint: highest address handed out.",
		"",
		frag,
		"",
		"- offheap is: offheap's ops/s ÷ that row's ops/s (higher is better for offheap). The baseline allocates a " +
			"`Uint8Array` per block and lets the GC free it; its cost is partly paid later, in GC pauses outside the timed loop.",
	].join("\n");
}
