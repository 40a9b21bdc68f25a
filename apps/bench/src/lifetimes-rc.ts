/**
 * The `rc` section: what counting references costs with @offheap/rc, through handle objects and through
 * raw addresses (with and without the allocator check), against what a JS program does instead: a count
 * field on a JS object, and the garbage collector with `WeakRef`. Every contender touches the same
 * working set round-robin, in interleaved rounds.
 */
import { Heap } from "@offheap/core";
import { downgrade, type Rc, RcSpace, release, retain, upgrade, type Weak } from "@offheap/rc";
import type { BenchOptions } from "./bench-options.ts";
import { mops, ms, ratio, table } from "./format.ts";
import { type Contender, type Measured, measureInterleaved } from "./measure.ts";
import type { Section } from "./report.ts";

/** Values in the working set, touched round-robin (a power of two). */
const VALUES = 1024;
const MASK = VALUES - 1;
/** Bytes of each value: a small struct. */
const VALUE = { size: 16, align: 8 };

interface Run {
	ms: number;
	/** Operations timed (retain and release count one each). */
	ops: number;
	/** A value computed from the results, so the loop cannot be optimised away. */
	check: number;
}

/** A refcounted JS object: what one writes by hand without this library. */
class JsCounted {
	strong = 1;
	weak = 0;
	x = 0;
	y = 0;
	dropped = false;
}

function jsRelease(o: JsCounted): void {
	if (--o.strong === 0) o.dropped = true;
}

function space(checkBlocks: boolean): { heap: Heap; space: RcSpace; ptrs: number[]; handles: Rc[] } {
	const heap = new Heap({ initialBytes: 1 << 20, maxBytes: 1 << 26 });
	const s = new RcSpace(heap, { checkBlocks });
	const Cell = s.kind({ name: "Cell", type: VALUE });
	const handles: Rc[] = [];
	for (let i = 0; i < VALUES; i++) handles.push(s.alloc(Cell));
	return { heap, space: s, ptrs: handles.map((h) => h.ptr), handles };
}

function expectCount(s: RcSpace, ptrs: readonly number[], strong: number): void {
	for (const p of ptrs) {
		const h = (p - 16) >>> 2;
		if (s.heap.u32[h] !== strong) throw new Error(`rc bench: strong count of ${p} is ${s.heap.u32[h]}`);
	}
}

// ---------------------------------------------------------------- retain + release

function retainRaw(steps: number, checkBlocks: boolean): Run {
	const { space: s, ptrs } = space(checkBlocks);
	const t0 = performance.now();
	for (let k = 0; k < steps; k++) {
		const p = ptrs[k & MASK] as number;
		retain(s, p);
		release(s, p);
	}
	const t = performance.now() - t0;
	expectCount(s, ptrs, 1);
	return { ms: t, ops: 2 * steps, check: ptrs.length };
}

function retainHandles(steps: number): Run {
	const { space: s, handles, ptrs } = space(true);
	const t0 = performance.now();
	for (let k = 0; k < steps; k++) (handles[k & MASK] as Rc).clone().release();
	const t = performance.now() - t0;
	expectCount(s, ptrs, 1);
	return { ms: t, ops: 2 * steps, check: handles.length };
}

function retainUnchecked(steps: number): Run {
	const { heap, space: s, ptrs } = space(false);
	const t0 = performance.now();
	for (let k = 0; k < steps; k++) {
		const u32 = heap.u32;
		const h = ((ptrs[k & MASK] as number) - 16) >>> 2;
		u32[h] = (u32[h] as number) + 1;
		const strong = (u32[h] as number) - 1;
		if (strong === 0) throw new Error("unreachable");
		u32[h] = strong;
	}
	const t = performance.now() - t0;
	expectCount(s, ptrs, 1);
	return { ms: t, ops: 2 * steps, check: ptrs.length };
}

function retainJs(steps: number): Run {
	const objects: JsCounted[] = [];
	for (let i = 0; i < VALUES; i++) objects.push(new JsCounted());
	const t0 = performance.now();
	for (let k = 0; k < steps; k++) {
		const o = objects[k & MASK] as JsCounted;
		o.strong++;
		jsRelease(o);
	}
	const t = performance.now() - t0;
	if (objects.some((o) => o.strong !== 1 || o.dropped)) throw new Error("rc bench: JS counts drifted");
	return { ms: t, ops: 2 * steps, check: objects.length };
}

// ---------------------------------------------------------------- create + drop

function createRaw(steps: number): Run {
	const heap = new Heap({ initialBytes: 1 << 20, maxBytes: 1 << 26 });
	const s = new RcSpace(heap);
	const Cell = s.kind({ name: "Cell", type: VALUE });
	let sum = 0;
	const t0 = performance.now();
	for (let k = 0; k < steps; k++) {
		const p = s.allocRaw(Cell);
		heap.f64[p >>> 3] = k;
		sum += p;
		release(s, p);
	}
	const t = performance.now() - t0;
	if (s.stats().liveValues !== 0) throw new Error("rc bench: values left alive");
	return { ms: t, ops: steps, check: sum };
}

function createHandles(steps: number): Run {
	const heap = new Heap({ initialBytes: 1 << 20, maxBytes: 1 << 26 });
	const s = new RcSpace(heap);
	const Cell = s.kind({ name: "Cell", type: VALUE });
	let sum = 0;
	const t0 = performance.now();
	for (let k = 0; k < steps; k++) {
		const rc = s.alloc(Cell);
		const p = rc.ptr;
		heap.f64[p >>> 3] = k;
		sum += p;
		rc.release();
	}
	const t = performance.now() - t0;
	if (s.stats().liveValues !== 0) throw new Error("rc bench: values left alive");
	return { ms: t, ops: steps, check: sum };
}

function createMalloc(steps: number): Run {
	const heap = new Heap({ initialBytes: 1 << 20, maxBytes: 1 << 26 });
	let sum = 0;
	const t0 = performance.now();
	for (let k = 0; k < steps; k++) {
		const p = heap.malloc(VALUE.size + 16);
		heap.f64[p >>> 3] = k;
		sum += p;
		heap.free(p);
	}
	const t = performance.now() - t0;
	return { ms: t, ops: steps, check: sum };
}

function createJs(steps: number): Run {
	let sum = 0;
	let keep: JsCounted | undefined;
	const t0 = performance.now();
	for (let k = 0; k < steps; k++) {
		const o = new JsCounted();
		o.x = k;
		sum += o.x;
		jsRelease(o);
		if ((k & 0xffff) === 0) keep = o; // one survivor now and then, as real programs have
	}
	const t = performance.now() - t0;
	return { ms: t, ops: steps, check: sum + (keep?.strong ?? 0) };
}

// ---------------------------------------------------------------- weak upgrade

function upgradeRaw(steps: number): Run {
	const { space: s, ptrs } = space(true);
	for (const p of ptrs) downgrade(s, p);
	let alive = 0;
	const t0 = performance.now();
	for (let k = 0; k < steps; k++) {
		const p = ptrs[k & MASK] as number;
		if (upgrade(s, p)) {
			alive++;
			release(s, p);
		}
	}
	const t = performance.now() - t0;
	expectCount(s, ptrs, 1);
	return { ms: t, ops: steps, check: alive };
}

function upgradeHandles(steps: number): Run {
	const { space: s, handles, ptrs } = space(true);
	const weaks: Weak[] = handles.map((h) => h.downgrade());
	let alive = 0;
	const t0 = performance.now();
	for (let k = 0; k < steps; k++) {
		const rc = (weaks[k & MASK] as Weak).upgrade();
		if (rc !== null) {
			alive++;
			rc.release();
		}
	}
	const t = performance.now() - t0;
	expectCount(s, ptrs, 1);
	return { ms: t, ops: steps, check: alive };
}

function upgradeWeakRef(steps: number): Run {
	const objects: JsCounted[] = [];
	for (let i = 0; i < VALUES; i++) objects.push(new JsCounted());
	const refs = objects.map((o) => new WeakRef(o));
	let alive = 0;
	const t0 = performance.now();
	for (let k = 0; k < steps; k++) {
		const o = (refs[k & MASK] as WeakRef<JsCounted>).deref();
		if (o !== undefined) alive += o.strong;
	}
	const t = performance.now() - t0;
	return { ms: t, ops: steps, check: alive + objects.length };
}

// ---------------------------------------------------------------- report

interface Workload {
	id: string;
	title: string;
	note: string;
	/** Name of the contender the others are compared with. */
	peer: string;
	contenders: { name: string; run: (steps: number) => Run; steps: number }[];
}

export interface RcResult {
	workload: string;
	contender: string;
	ops: number;
	runs: number;
	medianMs: number;
	opsPerSec: number;
	vsPeer: number;
}

function workloads(scale: number): Workload[] {
	const n = (x: number): number => Math.max(1000, Math.round(x * scale));
	return [
		{
			id: "retain",
			title: "Retain + release of a live value",
			note: "2 ops per step; the value's count goes 1 → 2 → 1. Handles: `clone()` + `release()`, one JS object per step.",
			peer: "JS object with a count field",
			contenders: [
				{
					name: "raw `retain`/`release`, checkBlocks (default)",
					run: (s) => retainRaw(s, true),
					steps: n(4e6),
				},
				{
					name: "raw `retain`/`release`, checkBlocks: false",
					run: (s) => retainRaw(s, false),
					steps: n(4e6),
				},
				{ name: "`Rc` handle `clone()` + `release()`", run: retainHandles, steps: n(2e6) },
				{ name: "u32 in the heap, no checks (floor)", run: retainUnchecked, steps: n(4e6) },
				{ name: "JS object with a count field", run: retainJs, steps: n(4e6) },
			],
		},
		{
			id: "create",
			title: "Create, write, drop (and free) a 16-byte value",
			note: "1 op per step. The JS object is reclaimed by the garbage collector, whose time counts when it runs inside the loop.",
			peer: "JS object (garbage collected)",
			contenders: [
				{ name: "raw `allocRaw` + `release`", run: createRaw, steps: n(2e6) },
				{ name: "`alloc` handle + `release()`", run: createHandles, steps: n(2e6) },
				{ name: "`Heap.malloc` + `free` of the same block (floor)", run: createMalloc, steps: n(2e6) },
				{ name: "JS object (garbage collected)", run: createJs, steps: n(2e6) },
			],
		},
		{
			id: "upgrade",
			title: "Upgrade a weak reference to a live value (and release it)",
			note: "1 op per step. JS: `WeakRef.deref()`, which needs no release.",
			peer: "JS `WeakRef.deref()`",
			contenders: [
				{ name: "raw `upgrade` + `release`", run: upgradeRaw, steps: n(4e6) },
				{ name: "`Weak.upgrade()` + `Rc.release()`", run: upgradeHandles, steps: n(2e6) },
				{ name: "JS `WeakRef.deref()`", run: upgradeWeakRef, steps: n(4e6) },
			],
		},
	];
}

function measure(workload: Workload, runs: number): RcResult[] {
	const contenders: Contender<Run>[] = workload.contenders.map((c) => ({
		name: c.name,
		run: () => c.run(c.steps),
		runs,
		warmup: 2,
	}));
	const measured: Measured<Run>[] = measureInterleaved(contenders);
	const rate = (m: Measured<Run>): number => m.last.ops / (m.timing.medianMs / 1000);
	const peer = measured.find((m) => m.name === workload.peer);
	if (peer === undefined) throw new Error(`rc bench: no peer ${workload.peer}`);
	return measured.map((m) => ({
		workload: workload.id,
		contender: m.name,
		ops: m.last.ops,
		runs: m.timing.runs,
		medianMs: m.timing.medianMs,
		opsPerSec: rate(m),
		vsPeer: rate(m) / rate(peer),
	}));
}

/** Runs the rc benchmarks and builds the `rc` section. */
export async function runRcBench(options: BenchOptions): Promise<Section> {
	const scale = options.quick ? 0.2 : 1;
	const results: RcResult[] = [];
	const parts: string[] = [
		"Counting references to values in the heap, by raw address and by handle object, against a count " +
			`field on a JS object and the garbage collector. ${VALUES} values touched round-robin; medians of ` +
			`${options.runs} interleaved runs. "× peer" is ops/s divided by the JS peer's ops/s in the same run.`,
	];
	for (const workload of workloads(scale)) {
		const t0 = performance.now();
		const rows = measure(workload, options.runs);
		options.log(`rc: ${workload.id} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
		results.push(...rows);
		parts.push(
			"",
			`### ${workload.title}`,
			"",
			workload.note,
			"",
			table(
				["contender", "M ops/s", "× peer", "median"],
				rows.map((r) => [r.contender, mops(r.opsPerSec), ratio(r.vsPeer), ms(r.medianMs)]),
			),
		);
		await Promise.resolve();
	}
	if (options.quick) parts.push("", "_Quick mode: fewer runs and steps; not for the record._");
	return {
		id: "rc",
		title: "Reference counting: @offheap/rc vs JS objects and WeakRef",
		markdown: parts.join("\n"),
		data: { options: { runs: options.runs, quick: options.quick }, values: VALUES, results },
	};
}
