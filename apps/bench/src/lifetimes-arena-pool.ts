/**
 * The `arena-pool` section: @offheap/pool against `new` plain objects and a JS free-list object pool
 * under churn, with garbage-collection events counted; and @offheap/arena per-frame allocation against
 * heap malloc/free and a bare bump pointer. Targets of issue "Step 4 · Lifetimes".
 */
import { constants, PerformanceObserver } from "node:perf_hooks";
import { Arena } from "@offheap/arena";
import { Heap } from "@offheap/core";
import { Pool } from "@offheap/pool";
import type { BenchOptions } from "./bench-options.ts";
import { int, mops, ms, ratio, table, verdict } from "./format.ts";
import { collectGarbage, median } from "./measure.ts";
import type { Section } from "./report.ts";

const SEED = 0x5eed4;

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

// ---------------------------------------------------------------- GC accounting

/** Counts garbage collections the runtime did on its own (forced ones, between runs, are left out). */
class GcCounter {
	private starts: number[] = [];
	private durations: number[] = [];
	private readonly observer: PerformanceObserver;
	constructor() {
		this.observer = new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) {
				const flags = (entry as unknown as { detail?: { flags?: number } }).detail?.flags ?? 0;
				if ((flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) continue;
				this.starts.push(entry.startTime);
				this.durations.push(entry.duration);
			}
		});
		this.observer.observe({ entryTypes: ["gc"] });
	}
	reset(): void {
		this.starts = [];
		this.durations = [];
	}
	/** Collections that started in [t0, t1] (performance.now() times), and their total duration. */
	within(t0: number, t1: number): { events: number; ms: number } {
		let events = 0;
		let ms = 0;
		this.starts.forEach((start, i) => {
			if (start >= t0 && start <= t1) {
				events++;
				ms += this.durations[i] ?? 0;
			}
		});
		return { events, ms };
	}
	disconnect(): void {
		this.observer.disconnect();
	}
}

/** Lets the event loop deliver pending performance entries. */
function settle(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 20));
}

interface Run {
	ms: number;
	gcEvents: number;
	gcMs: number;
	checksum: number;
}

interface Result {
	name: string;
	medianMs: number;
	gcEvents: number;
	gcMs: number;
	opsPerSec: number;
	/** median time ÷ the reference contender's. */
	ratio: number;
	/** What the last run computed: equal across contenders that do the same work. */
	checksum: number;
}

/** What a kernel reports: the bounds of its timed loop (setup excluded) and a checksum. */
interface Timed {
	t0: number;
	t1: number;
	checksum: number;
}

/** Untimed runs of each kernel before the timed rounds, so that every kernel is measured optimized. */
const WARMUP_RUNS = 3;

/** Runs each kernel `runs` times in interleaved rounds, a forced GC and a settled event loop before each. */
async function measure(
	kernels: readonly { name: string; run: () => Timed }[],
	runs: number,
	ops: number,
	counter: GcCounter,
): Promise<Result[]> {
	for (let warm = 0; warm < WARMUP_RUNS; warm++) {
		for (const k of kernels) {
			collectGarbage();
			k.run();
		}
	}
	const samples: Run[][] = kernels.map(() => []);
	for (let round = 0; round < runs; round++) {
		for (let i = 0; i < kernels.length; i++) {
			const kernel = kernels[i] as { name: string; run: () => Timed };
			collectGarbage();
			await settle();
			counter.reset();
			const { t0, t1, checksum } = kernel.run();
			await settle();
			const gc = counter.within(t0, t1);
			samples[i]?.push({ ms: t1 - t0, gcEvents: gc.events, gcMs: gc.ms, checksum });
		}
	}
	const reference = median((samples[0] ?? []).map((r) => r.ms));
	return kernels.map((k, i) => {
		const s = samples[i] ?? [];
		const medianMs = median(s.map((r) => r.ms));
		return {
			name: k.name,
			medianMs,
			gcEvents: median(s.map((r) => r.gcEvents)),
			gcMs: median(s.map((r) => r.gcMs)),
			opsPerSec: ops / (medianMs / 1000),
			ratio: medianMs / reference,
			checksum: s[s.length - 1]?.checksum ?? Number.NaN,
		};
	});
}

// ---------------------------------------------------------------- pool churn

class Entity {
	x: number;
	y: number;
	vx: number;
	vy: number;
	constructor(x: number, y: number, vx: number, vy: number) {
		this.x = x;
		this.y = y;
		this.vx = vx;
		this.vy = vy;
	}
}

interface ChurnPlan {
	live: number;
	slots: Uint32Array;
}

function churnPlan(live: number, steps: number): ChurnPlan {
	const next = prng(SEED ^ live);
	const slots = new Uint32Array(steps);
	for (let k = 0; k < steps; k++) slots[k] = next() % live;
	return { live, slots };
}

// Checksums are int32 (`| 0`): a double accumulator would be boxed in places and cause collections
// of its own, which would be charged to the contender.

/** Each step replaces a random live entity: the old one is dropped (garbage), a new one is built. */
function churnNew(plan: ChurnPlan): Timed {
	const live: Entity[] = [];
	for (let i = 0; i < plan.live; i++) live.push(new Entity(i, i, 1, 1));
	const slots = plan.slots;
	let sum = 0;
	const t0 = performance.now();
	for (let k = 0; k < slots.length; k++) {
		const i = slots[k] as number;
		sum = (sum + (live[i] as Entity).x) | 0;
		live[i] = new Entity(k, k + 1, 0.5, -0.5);
	}
	const t1 = performance.now();
	return { t0, t1, checksum: sum };
}

/** The same with a JS free list of recycled objects (the classic object pool). */
function churnObjectPool(plan: ChurnPlan): Timed {
	const live: Entity[] = [];
	const spare: Entity[] = [];
	for (let i = 0; i < plan.live; i++) live.push(new Entity(i, i, 1, 1));
	const slots = plan.slots;
	let sum = 0;
	const t0 = performance.now();
	for (let k = 0; k < slots.length; k++) {
		const i = slots[k] as number;
		const old = live[i] as Entity;
		sum = (sum + old.x) | 0;
		spare.push(old);
		const e = spare.pop() ?? new Entity(0, 0, 0, 0);
		e.x = k;
		e.y = k + 1;
		e.vx = 0.5;
		e.vy = -0.5;
		live[i] = e;
	}
	const t1 = performance.now();
	return { t0, t1, checksum: sum };
}

/** @offheap/pool with generation-checked handles: freeHandle, alloc, ptr, four f64 writes. */
function churnPoolHandles(plan: ChurnPlan): Timed {
	const heap = new Heap({ initialBytes: 1 << 23, maxBytes: 1 << 26 });
	const pool = new Pool(heap, { size: 32, align: 8 }, { capacity: plan.live });
	const live = new Int32Array(plan.live);
	for (let i = 0; i < plan.live; i++) {
		const h = pool.allocOrThrow();
		const f = pool.ptr(h) >>> 3;
		heap.f64[f] = i;
		heap.f64[f + 1] = i;
		heap.f64[f + 2] = 1;
		heap.f64[f + 3] = 1;
		live[i] = h;
	}
	const slots = plan.slots;
	let sum = 0;
	const t0 = performance.now();
	for (let k = 0; k < slots.length; k++) {
		const i = slots[k] as number;
		const old = live[i] as number;
		sum = ((sum + heap.f64[pool.ptr(old) >>> 3]) as number) | 0;
		pool.freeHandle(old);
		const h = pool.alloc();
		const f = pool.ptr(h) >>> 3;
		const f64 = heap.f64;
		f64[f] = k;
		f64[f + 1] = k + 1;
		f64[f + 2] = 0.5;
		f64[f + 3] = -0.5;
		live[i] = h;
	}
	const t1 = performance.now();
	pool.free();
	return { t0, t1, checksum: sum };
}

/** @offheap/pool through raw pointers: freePtr, allocPtr, four f64 writes. */
function churnPoolPtrs(plan: ChurnPlan): Timed {
	const heap = new Heap({ initialBytes: 1 << 23, maxBytes: 1 << 26 });
	const pool = new Pool(heap, { size: 32, align: 8 }, { capacity: plan.live });
	const live = new Int32Array(plan.live);
	for (let i = 0; i < plan.live; i++) {
		const p = pool.allocPtr();
		const f = p >>> 3;
		heap.f64[f] = i;
		heap.f64[f + 1] = i;
		heap.f64[f + 2] = 1;
		heap.f64[f + 3] = 1;
		live[i] = p;
	}
	const slots = plan.slots;
	let sum = 0;
	const t0 = performance.now();
	for (let k = 0; k < slots.length; k++) {
		const i = slots[k] as number;
		const old = live[i] as number;
		sum = ((sum + heap.f64[old >>> 3]) as number) | 0;
		pool.freePtr(old);
		const p = pool.allocPtr();
		const f = p >>> 3;
		const f64 = heap.f64;
		f64[f] = k;
		f64[f + 1] = k + 1;
		f64[f + 2] = 0.5;
		f64[f + 3] = -0.5;
		live[i] = p;
	}
	const t1 = performance.now();
	pool.free();
	return { t0, t1, checksum: sum };
}

/** The general-purpose heap for comparison: free, malloc(32), four f64 writes. */
function churnHeap(plan: ChurnPlan): Timed {
	const heap = new Heap({ initialBytes: 1 << 23, maxBytes: 1 << 26 });
	const live = new Int32Array(plan.live);
	for (let i = 0; i < plan.live; i++) {
		const p = heap.malloc(32);
		heap.f64[p >>> 3] = i;
		live[i] = p;
	}
	const slots = plan.slots;
	let sum = 0;
	const t0 = performance.now();
	for (let k = 0; k < slots.length; k++) {
		const i = slots[k] as number;
		const old = live[i] as number;
		sum = ((sum + heap.f64[old >>> 3]) as number) | 0;
		heap.free(old);
		const p = heap.malloc(32);
		const f = p >>> 3;
		const f64 = heap.f64;
		f64[f] = k;
		f64[f + 1] = k + 1;
		f64[f + 2] = 0.5;
		f64[f + 3] = -0.5;
		live[i] = p;
	}
	const t1 = performance.now();
	return { t0, t1, checksum: sum };
}

// ---------------------------------------------------------------- arena frames

interface FramePlan {
	frames: number;
	sizes: Uint32Array;
}

function framePlan(frames: number, perFrame: number): FramePlan {
	const next = prng(SEED ^ perFrame);
	const sizes = new Uint32Array(perFrame);
	for (let k = 0; k < perFrame; k++) sizes[k] = 8 + (next() % 249);
	return { frames, sizes };
}

/** The floor: a bump pointer in a local variable over a typed array, reset each frame. */
function framesBareBump(plan: FramePlan): Timed {
	const u32 = new Uint32Array(1 << 20);
	const sizes = plan.sizes;
	let sum = 0;
	const t0 = performance.now();
	for (let frame = 0; frame < plan.frames; frame++) {
		let top = 8;
		for (let k = 0; k < sizes.length; k++) {
			const p = top;
			top = p + (((sizes[k] as number) + 7) & ~7);
			if (top > 4 << 20) throw new Error("bump overflow");
			u32[p >>> 2] = k;
			sum += p & 0xff;
		}
	}
	const t1 = performance.now();
	return { t0, t1, checksum: sum };
}

/** A bump allocator as a small class with a malloc method (what a JS user would write). */
class BumpAllocator {
	top = 8;
	readonly end: number;
	constructor(end: number) {
		this.end = end;
	}
	malloc(size: number): number {
		const p = this.top;
		const next = p + ((size + 7) & ~7);
		if (next > this.end) return 0;
		this.top = next;
		return p;
	}
}

function framesBumpClass(plan: FramePlan): Timed {
	const u32 = new Uint32Array(1 << 20);
	const bump = new BumpAllocator(4 << 20);
	const sizes = plan.sizes;
	let sum = 0;
	const t0 = performance.now();
	for (let frame = 0; frame < plan.frames; frame++) {
		bump.top = 8;
		for (let k = 0; k < sizes.length; k++) {
			const p = bump.malloc(sizes[k] as number);
			u32[p >>> 2] = k;
			sum += p & 0xff;
		}
	}
	const t1 = performance.now();
	return { t0, t1, checksum: sum };
}

function newFrameArena(): { heap: Heap; arena: Arena } {
	const heap = new Heap({ initialBytes: 1 << 22, maxBytes: 1 << 26 });
	// One chunk that holds a frame: steady-state frames never touch the heap.
	return { heap, arena: new Arena(heap, { chunkBytes: 1 << 21 }) };
}

/** @offheap/arena: malloc per allocation, reset to a mark taken once at the end of each frame. */
function framesArenaMark(plan: FramePlan): Timed {
	const { heap, arena } = newFrameArena();
	const sizes = plan.sizes;
	const start = arena.mark();
	let sum = 0;
	const t0 = performance.now();
	for (let frame = 0; frame < plan.frames; frame++) {
		for (let k = 0; k < sizes.length; k++) {
			const p = arena.malloc(sizes[k] as number);
			heap.u32[p >>> 2] = k;
			sum += p & 0xff;
		}
		arena.reset(start);
	}
	const t1 = performance.now();
	arena.free();
	return { t0, t1, checksum: sum };
}

/** @offheap/arena with `using frame = arena.scope()` per frame. */
function framesArenaScope(plan: FramePlan): Timed {
	const { heap, arena } = newFrameArena();
	const sizes = plan.sizes;
	let sum = 0;
	const t0 = performance.now();
	for (let frame = 0; frame < plan.frames; frame++) {
		using _frame = arena.scope();
		for (let k = 0; k < sizes.length; k++) {
			const p = arena.malloc(sizes[k] as number);
			heap.u32[p >>> 2] = k;
			sum += p & 0xff;
		}
	}
	const t1 = performance.now();
	arena.free();
	return { t0, t1, checksum: sum };
}

/** @offheap/arena over a checked heap: redzones, poison and allocation sites on every allocation. */
function framesArenaChecked(plan: FramePlan): Timed {
	const heap = new Heap({ initialBytes: 1 << 22, maxBytes: 1 << 26, checked: true });
	const arena = new Arena(heap, { chunkBytes: 1 << 21 });
	const sizes = plan.sizes;
	const start = arena.mark();
	let sum = 0;
	const t0 = performance.now();
	for (let frame = 0; frame < plan.frames; frame++) {
		for (let k = 0; k < sizes.length; k++) {
			const p = arena.malloc(sizes[k] as number);
			heap.u32[p >>> 2] = k;
			sum += p & 0xff;
		}
		arena.reset(start);
	}
	const t1 = performance.now();
	arena.free();
	return { t0, t1, checksum: sum };
}

/** The general-purpose heap: malloc each block, free them all at the end of the frame. */
function framesHeap(plan: FramePlan): Timed {
	const heap = new Heap({ initialBytes: 1 << 22, maxBytes: 1 << 26 });
	const sizes = plan.sizes;
	const ptrs = new Int32Array(sizes.length);
	let sum = 0;
	const t0 = performance.now();
	for (let frame = 0; frame < plan.frames; frame++) {
		for (let k = 0; k < sizes.length; k++) {
			const p = heap.malloc(sizes[k] as number);
			heap.u32[p >>> 2] = k;
			sum += p & 0xff;
			ptrs[k] = p;
		}
		for (let k = 0; k < sizes.length; k++) heap.free(ptrs[k] as number);
	}
	const t1 = performance.now();
	return { t0, t1, checksum: sum };
}

// ---------------------------------------------------------------- report

interface Target {
	name: string;
	measured: string;
	required: string;
	pass: boolean;
}

function resultTable(results: readonly Result[], opsLabel: string, reference: string): string {
	return table(
		["contender", "median", `${opsLabel}/s`, `time ÷ ${reference}`, "GC events", "GC time"],
		results.map((r) => [
			r.name,
			ms(r.medianMs),
			`${mops(r.opsPerSec)} M`,
			ratio(r.ratio),
			int(r.gcEvents),
			ms(r.gcMs),
		]),
	);
}

function find(results: readonly Result[], name: string): Result {
	const r = results.find((x) => x.name === name);
	if (r === undefined) throw new Error(`no result for ${name}`);
	return r;
}

/** Runs the pool churn and arena frame benchmarks and builds the `arena-pool` section. */
export async function runArenaPoolBench(options?: BenchOptions): Promise<Section> {
	const quick = options?.quick ?? false;
	const runs = options?.runs ?? 5;
	const log = options?.log ?? (() => {});
	const counter = new GcCounter();
	// A heap, arena and pool that live through the whole section, as an application's would. Without
	// them, the forced GC before each run finds no Heap, Arena or Pool alive and drops their hidden
	// classes; every run then rebuilds them, deoptimizes the code compiled for the old ones and waits
	// for recompilation, which measured the JIT rather than the allocators.
	const resident = new Heap();
	const residents = { arena: new Arena(resident), pool: new Pool(resident, 8) };
	try {
		const live = 100_000;
		const steps = quick ? 400_000 : 2_000_000;
		const plan = churnPlan(live, steps);
		log(`arena-pool: pool churn, ${int(live)} live entities, ${int(steps)} replacements`);
		const churn = await measure(
			[
				{ name: "`new Entity()` (GC reclaims)", run: () => churnNew(plan) },
				{ name: "JS object pool (free list of objects)", run: () => churnObjectPool(plan) },
				{ name: "@offheap/pool, handles", run: () => churnPoolHandles(plan) },
				{ name: "@offheap/pool, raw pointers", run: () => churnPoolPtrs(plan) },
				{ name: "@offheap/core heap malloc/free", run: () => churnHeap(plan) },
			],
			runs,
			steps,
			counter,
		);

		if (churn.some((r) => r.checksum !== churn[0]?.checksum)) {
			throw new Error(
				`pool churn contenders disagree: ${churn.map((r) => `${r.name} ${r.checksum}`).join(", ")}`,
			);
		}

		const frames = quick ? 100 : 400;
		const perFrame = 5_000;
		const fplan = framePlan(frames, perFrame);
		log(`arena-pool: ${frames} frames of ${int(perFrame)} allocations`);
		const arena = await measure(
			[
				{ name: "bare bump pointer (local variable)", run: () => framesBareBump(fplan) },
				{ name: "bump allocator class", run: () => framesBumpClass(fplan) },
				{ name: "@offheap/arena, reset(mark) per frame", run: () => framesArenaMark(fplan) },
				{ name: "@offheap/arena, `using` scope per frame", run: () => framesArenaScope(fplan) },
				{ name: "@offheap/core heap malloc + free", run: () => framesHeap(fplan) },
			],
			runs,
			frames * perFrame,
			counter,
		);

		const checkedFrames = quick ? 2 : 10;
		const cplan = framePlan(checkedFrames, perFrame);
		log(`arena-pool: checked mode, ${checkedFrames} frames of ${int(perFrame)} allocations`);
		const checked = await measure(
			[
				{ name: "@offheap/arena, reset(mark) per frame", run: () => framesArenaMark(cplan) },
				{ name: "@offheap/arena on a checked heap", run: () => framesArenaChecked(cplan) },
			],
			runs,
			checkedFrames * perFrame,
			counter,
		);

		const plain = find(churn, "`new Entity()` (GC reclaims)");
		const handles = find(churn, "@offheap/pool, handles");
		const raw = find(churn, "@offheap/pool, raw pointers");
		const bare = find(arena, "bare bump pointer (local variable)");
		const bumpClass = find(arena, "bump allocator class");
		const arenaMark = find(arena, "@offheap/arena, reset(mark) per frame");
		const targets: Target[] = [
			{
				name: "pool (handles) alloc+free vs `new` objects under churn, GC included",
				measured: ratio(plain.medianMs / handles.medianMs),
				required: "> 1.00× faster",
				pass: handles.medianMs < plain.medianMs,
			},
			{
				name: "pool (raw pointers) vs `new` objects under churn, GC included",
				measured: ratio(plain.medianMs / raw.medianMs),
				required: "> 1.00× faster",
				pass: raw.medianMs < plain.medianMs,
			},
			{
				name: "GC events during the pool churn runs (handles, raw)",
				measured: `${int(handles.gcEvents)}, ${int(raw.gcEvents)}`,
				required: "0",
				pass: handles.gcEvents === 0 && raw.gcEvents === 0,
			},
			{
				name: "arena malloc ÷ bare bump pointer (local variable)",
				measured: ratio(arenaMark.medianMs / bare.medianMs),
				required: "≤ 2.00×",
				pass: arenaMark.medianMs <= 2 * bare.medianMs,
			},
			{
				name: "arena malloc ÷ bump allocator class",
				measured: ratio(arenaMark.medianMs / bumpClass.medianMs),
				required: "≤ 2.00×",
				pass: arenaMark.medianMs <= 2 * bumpClass.medianMs,
			},
		];
		const passed = targets.filter((t) => t.pass).length;
		const markdown = [
			`### Targets (${passed} of ${targets.length} met)`,
			"",
			table(
				["target", "measured", "required", "result"],
				targets.map((t) => [t.name, t.measured, t.required, verdict(t.pass)]),
				["left", "right", "right", "left"],
			),
			"",
			`### Pool: ${int(live)} live entities (4 × f64), ${int(steps)} random replacements`,
			"",
			"Each step reads the entity it replaces, frees it and allocates a new one with four fields. " +
				"`new Entity()` leaves the old object to the garbage collector, so its time includes the collections " +
				"it causes; GC events exclude the forced collection before each run.",
			"",
			resultTable(churn, "replacements", "`new`"),
			"",
			`### Arena: ${frames} frames of ${int(perFrame)} allocations of 8–256 B`,
			"",
			"Every allocation writes one word. The arena holds a frame in one chunk, so frames after the first " +
				"never touch the heap; the heap contender mallocs each block and frees them all at the end of the frame.",
			"",
			resultTable(arena, "allocations", "bare bump"),
			"",
			`### Arena in checked mode: ${checkedFrames} frames of ${int(perFrame)} allocations of 8–256 B`,
			"",
			"The same frames with the arena's parent a `new Heap({ checked: true })`: each allocation gets a " +
				"16-byte redzone, fresh-fill and an interned allocation-site stack trace; each reset verifies the " +
				"redzones of what it takes back and poisons it, and memory handed out again is verified first.",
			"",
			resultTable(checked, "allocations", "unchecked"),
			quick ? "\n_Quick mode: fewer runs and steps; not for the record._" : "",
		].join("\n");
		return {
			id: "arena-pool",
			title: "Lifetimes: @offheap/pool and @offheap/arena vs GC objects, object pools and bump pointers",
			markdown,
			data: {
				runs,
				quick,
				churn: { live, steps, results: churn },
				arena: { frames, perFrame, results: arena },
				checked: { frames: checkedFrames, perFrame, results: checked },
				targets,
			},
		};
	} finally {
		counter.disconnect();
		residents.arena.free();
		residents.pool.free();
	}
}
