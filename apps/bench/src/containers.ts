/**
 * The `containers` section: @offheap/vector against `Array.push` and a hand-grown `Float64Array`
 * (f64) and against an array of objects (a 24-byte struct); @offheap/list against a linked list of JS
 * objects and an Array used as a deque, with garbage-collection events counted; and the measured
 * effect of the vector growth factor (1.5 against 2) on the footprint inside one heap. Targets of
 * issue "Step 3 · Containers".
 */
import { execFileSync } from "node:child_process";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Heap } from "@offheap/core";
import { List } from "@offheap/list";
import { f64, struct, u32 } from "@offheap/struct";
import { Vector } from "@offheap/vector";
import type { BenchOptions } from "./bench-options.ts";
import { measureCheckedHeaps } from "./containers-checked.ts";
import { int, mops, ms, ratio, table, verdict } from "./format.ts";
import { collectGarbage, median } from "./measure.ts";
import type { Section } from "./report.ts";

const Body = struct("Body", { x: f64, y: f64, z: f64 }); // 24 bytes

// Instances that live for the whole run, as a program's containers would: without one, V8 may drop
// a class's object layout between runs (no instance left) and the next run starts from cold code.
const KEEP: unknown[] = [];

function keepAlive(): void {
	if (KEEP.length > 0) return;
	const heap = new Heap();
	for (const checked of [true, false]) {
		KEEP.push(
			new Vector(heap, f64, { checked }),
			new Vector(heap, Body, { checked }),
			new List(heap, u32, { checked }),
		);
	}
	KEEP.push(new JsList(), new JsNode(0));
}

// ---------------------------------------------------------------- peers

/** The linked list a JS programmer writes: one object per node. */
class JsNode {
	prev: JsNode | null = null;
	next: JsNode | null = null;
	value: number;
	constructor(value: number) {
		this.value = value;
	}
}

class JsList {
	head: JsNode | null = null;
	tail: JsNode | null = null;
	length = 0;
	pushBack(value: number): JsNode {
		const node = new JsNode(value);
		node.prev = this.tail;
		if (this.tail === null) this.head = node;
		else this.tail.next = node;
		this.tail = node;
		this.length++;
		return node;
	}
	popFront(): number | undefined {
		const node = this.head;
		if (node === null) return undefined;
		this.head = node.next;
		if (this.head === null) this.tail = null;
		else this.head.prev = null;
		node.next = null;
		this.length--;
		return node.value;
	}
	remove(node: JsNode): void {
		if (node.prev === null) this.head = node.next;
		else node.prev.next = node.next;
		if (node.next === null) this.tail = node.prev;
		else node.next.prev = node.prev;
		node.prev = null;
		node.next = null;
		this.length--;
	}
	moveToBack(node: JsNode): void {
		if (this.tail === node) return;
		this.remove(node);
		node.prev = this.tail;
		if (this.tail === null) this.head = node;
		else this.tail.next = node;
		this.tail = node;
		this.length++;
	}
}

// ---------------------------------------------------------------- measurement

/** Counts garbage collections the runtime did on its own (forced ones, between runs, are left out). */
class GcCounter {
	private entries: { start: number; duration: number }[] = [];
	private readonly observer: PerformanceObserver;
	constructor() {
		this.observer = new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) {
				const flags = (entry as unknown as { detail?: { flags?: number } }).detail?.flags ?? 0;
				if ((flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) continue;
				this.entries.push({ start: entry.startTime, duration: entry.duration });
			}
		});
		this.observer.observe({ entryTypes: ["gc"] });
	}
	reset(): void {
		this.entries = [];
	}
	within(t0: number, t1: number): { events: number; ms: number } {
		let events = 0;
		let total = 0;
		for (const e of this.entries) {
			if (e.start >= t0 && e.start <= t1) {
				events++;
				total += e.duration;
			}
		}
		return { events, ms: total };
	}
	disconnect(): void {
		this.observer.disconnect();
	}
}

function settle(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 20));
}

/** What a kernel reports: the bounds of its timed loop (setup excluded) and a checksum. */
interface Timed {
	t0: number;
	t1: number;
	checksum: number;
}

interface Kernel {
	name: string;
	run: () => Timed;
}

interface Result {
	name: string;
	medianMs: number;
	opsPerSec: number;
	gcEvents: number;
	gcMs: number;
	checksum: number;
}

/** Runs the kernels in interleaved rounds (a warm-up first), a forced GC and a settled event loop before each run. */
async function measure(
	kernels: readonly Kernel[],
	runs: number,
	ops: number,
	counter: GcCounter,
): Promise<Result[]> {
	for (const k of kernels) {
		collectGarbage();
		k.run();
		k.run();
	}
	const samples: { ms: number; gcEvents: number; gcMs: number; checksum: number }[][] = kernels.map(() => []);
	for (let round = 0; round < runs; round++) {
		for (const [i, kernel] of kernels.entries()) {
			collectGarbage();
			await settle();
			counter.reset();
			const { t0, t1, checksum } = kernel.run();
			await settle();
			const gc = counter.within(t0, t1);
			samples[i]?.push({ ms: t1 - t0, gcEvents: gc.events, gcMs: gc.ms, checksum });
		}
	}
	return kernels.map((k, i) => {
		const s = samples[i] ?? [];
		const medianMs = median(s.map((r) => r.ms));
		return {
			name: k.name,
			medianMs,
			opsPerSec: ops / (medianMs / 1000),
			gcEvents: median(s.map((r) => r.gcEvents)),
			gcMs: median(s.map((r) => r.gcMs)),
			checksum: s[s.length - 1]?.checksum ?? Number.NaN,
		};
	});
}

function checkSums(results: readonly Result[], what: string): void {
	const first = results[0]?.checksum;
	for (const r of results) {
		if (r.checksum !== first)
			throw new Error(`${what}: ${r.name} computed ${r.checksum}, ${results[0]?.name} ${first}`);
	}
}

function resultRows(results: readonly Result[], reference: string, gc: boolean): string[][] {
	const ref = results.find((r) => r.name === reference)?.medianMs ?? Number.NaN;
	return results.map((r) => [
		r.name,
		mops(r.opsPerSec),
		ms(r.medianMs),
		ratio(ref / r.medianMs),
		...(gc ? [String(r.gcEvents), ms(r.gcMs)] : []),
	]);
}

function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return (t ^ (t >>> 14)) >>> 0;
	};
}

// ---------------------------------------------------------------- vector kernels

/** Bytes of the fixed budget the container kernels run in (as a game on a fixed budget would). */
const CONTAINER_BUDGET = 64 << 20;

/** The heap of a container kernel: a fixed budget, which never grows and so never detaches a buffer. */
function containerHeap(): Heap {
	return new Heap({ initialBytes: CONTAINER_BUDGET, maxBytes: CONTAINER_BUDGET });
}

/**
 * The heap of a vector kernel: a fixed budget, or (`growable`) a default heap that grows from 64 KiB.
 * A growable heap detaches its old buffer when it grows, after which V8 checks every typed-array access
 * in the process for detachment; the growable kernels therefore run in a process of their own.
 */
function vectorHeap(growable: boolean): Heap {
	return growable ? new Heap({ maxBytes: 1 << 30 }) : containerHeap();
}

function vectorPushKernels(n: number, growable: boolean): Kernel[] {
	const pushVector = (checked: boolean): Timed => {
		const heap = vectorHeap(growable);
		const v = new Vector(heap, f64, { checked });
		const t0 = performance.now();
		for (let i = 0; i < n; i++) v.push(i * 0.5);
		const t1 = performance.now();
		const checksum = v.get(n - 1) + v.length;
		v.free();
		return { t0, t1, checksum };
	};
	return [
		{
			name: "Array.push",
			run: () => {
				const a: number[] = [];
				const t0 = performance.now();
				for (let i = 0; i < n; i++) a.push(i * 0.5);
				const t1 = performance.now();
				return { t0, t1, checksum: (a[n - 1] as number) + a.length };
			},
		},
		{ name: "Vector<f64> unchecked", run: () => pushVector(false) },
		{ name: "Vector<f64> checked (default)", run: () => pushVector(true) },
		{
			name: "hand-grown Float64Array (2×)",
			run: () => {
				let a = new Float64Array(8);
				let length = 0;
				const t0 = performance.now();
				for (let i = 0; i < n; i++) {
					if (length === a.length) {
						const grown = new Float64Array(length * 2);
						grown.set(a);
						a = grown;
					}
					a[length++] = i * 0.5;
				}
				const t1 = performance.now();
				return { t0, t1, checksum: (a[n - 1] as number) + length };
			},
		},
	];
}

function structPushKernels(n: number): Kernel[] {
	const copyIn = (checked: boolean): Timed => {
		const heap = vectorHeap(false);
		const v = new Vector(heap, Body, { checked });
		const value = { x: 0, y: 0, z: 0 };
		const t0 = performance.now();
		for (let i = 0; i < n; i++) {
			value.x = i;
			value.y = i * 2;
			value.z = i * 3;
			v.push(value);
		}
		const t1 = performance.now();
		const checksum = v.get(n - 1).z + v.length;
		v.free();
		return { t0, t1, checksum };
	};
	const emplace = (checked: boolean): Timed => {
		const heap = vectorHeap(false);
		const v = new Vector(heap, Body, { checked });
		const t0 = performance.now();
		for (let i = 0; i < n; i++) {
			const b = v.emplace();
			b.x = i;
			b.y = i * 2;
			b.z = i * 3;
		}
		const t1 = performance.now();
		const checksum = v.get(n - 1).z + v.length;
		v.free();
		return { t0, t1, checksum };
	};
	return [
		{
			name: "Array of objects: push({ x, y, z })",
			run: () => {
				const a: { x: number; y: number; z: number }[] = [];
				const t0 = performance.now();
				for (let i = 0; i < n; i++) a.push({ x: i, y: i * 2, z: i * 3 });
				const t1 = performance.now();
				return { t0, t1, checksum: (a[n - 1]?.z as number) + a.length };
			},
		},
		{ name: "Vector<Body> emplace() + cursor, unchecked", run: () => emplace(false) },
		{ name: "Vector<Body> emplace() + cursor, checked", run: () => emplace(true) },
		{ name: "Vector<Body> push(object), unchecked", run: () => copyIn(false) },
		{ name: "Vector<Body> push(object), checked", run: () => copyIn(true) },
	];
}

// ---------------------------------------------------------------- list kernels

/**
 * A queue of `live` items under `n` push/pop pairs: each step pushes at the back and pops the front.
 * `withArray` adds the Array used as a deque (left out for large queues, where each `shift` copies).
 */
function queueKernels(n: number, live: number, withArray: boolean): Kernel[] {
	const offheap = (checked: boolean): Timed => {
		const heap = containerHeap();
		const list = new List(heap, u32, { checked });
		for (let i = 0; i < live; i++) list.pushBack(i);
		let sum = 0;
		const t0 = performance.now();
		for (let i = 0; i < n; i++) {
			list.pushBack(i);
			sum += list.popFront() as number;
		}
		const t1 = performance.now();
		list.free();
		return { t0, t1, checksum: sum };
	};
	const array: Kernel = {
		name: "Array as deque (push/shift)",
		run: () => {
			const a: number[] = [];
			for (let i = 0; i < live; i++) a.push(i);
			let sum = 0;
			const t0 = performance.now();
			for (let i = 0; i < n; i++) {
				a.push(i);
				sum += a.shift() as number;
			}
			return { t0, t1: performance.now(), checksum: sum };
		},
	};
	return [
		{
			name: "JS object list",
			run: () => {
				const list = new JsList();
				for (let i = 0; i < live; i++) list.pushBack(i);
				let sum = 0;
				const t0 = performance.now();
				for (let i = 0; i < n; i++) {
					list.pushBack(i);
					sum += list.popFront() as number;
				}
				return { t0, t1: performance.now(), checksum: sum };
			},
		},
		...(withArray ? [array] : []),
		{ name: "List<u32> unchecked", run: () => offheap(false) },
		{ name: "List<u32> checked (default)", run: () => offheap(true) },
	];
}

/** Builds a list of `n` nodes and removes them all in a random order, by handle. */
function removeKernels(n: number): Kernel[] {
	const order = new Uint32Array(n);
	for (let i = 0; i < n; i++) order[i] = i;
	const random = mulberry32(0xc0ffee);
	for (let i = n - 1; i > 0; i--) {
		const j = random() % (i + 1);
		const t = order[i] as number;
		order[i] = order[j] as number;
		order[j] = t;
	}
	const offheap = (checked: boolean, spare: number | undefined): Timed => {
		const heap = containerHeap();
		const list = new List(heap, u32, spare === undefined ? { checked } : { checked, spare });
		const handles = new Uint32Array(n);
		const t0 = performance.now();
		for (let i = 0; i < n; i++) handles[i] = list.pushBack(i);
		let sum = 0;
		for (let i = 0; i < n; i++) {
			const node = handles[order[i] as number] as number;
			sum += list.get(node);
			list.remove(node);
		}
		const t1 = performance.now();
		list.free();
		return { t0, t1, checksum: sum };
	};
	return [
		{
			name: "JS object list",
			run: () => {
				const list = new JsList();
				const handles: JsNode[] = new Array(n);
				const t0 = performance.now();
				for (let i = 0; i < n; i++) handles[i] = list.pushBack(i);
				let sum = 0;
				for (let i = 0; i < n; i++) {
					const node = handles[order[i] as number] as JsNode;
					sum += node.value;
					list.remove(node);
				}
				return { t0, t1: performance.now(), checksum: sum };
			},
		},
		{ name: "List<u32> unchecked", run: () => offheap(false, undefined) },
		{ name: "List<u32> checked (default)", run: () => offheap(true, undefined) },
		{ name: `List<u32> unchecked, spare: ${int(n)}`, run: () => offheap(false, n) },
	];
}

/** An LRU order of `live` items: `n` touches move a random item to the back. */
function lruKernels(n: number, live: number): Kernel[] {
	const picks = new Uint32Array(n);
	const random = mulberry32(0x1e2);
	for (let i = 0; i < n; i++) picks[i] = random() % live;
	const offheap = (checked: boolean): Timed => {
		const heap = containerHeap();
		const list = new List(heap, u32, { checked });
		const handles = new Uint32Array(live);
		for (let i = 0; i < live; i++) handles[i] = list.pushBack(i);
		const t0 = performance.now();
		for (let i = 0; i < n; i++) list.moveToBack(handles[picks[i] as number] as number);
		const t1 = performance.now();
		const checksum = list.get(list.first) + list.get(list.last);
		list.free();
		return { t0, t1, checksum };
	};
	return [
		{
			name: "JS object list",
			run: () => {
				const list = new JsList();
				const handles: JsNode[] = [];
				for (let i = 0; i < live; i++) handles.push(list.pushBack(i));
				const t0 = performance.now();
				for (let i = 0; i < n; i++) list.moveToBack(handles[picks[i] as number] as JsNode);
				const t1 = performance.now();
				return { t0, t1, checksum: (list.head?.value as number) + (list.tail?.value as number) };
			},
		},
		{ name: "List<u32> unchecked", run: () => offheap(false) },
		{ name: "List<u32> checked (default)", run: () => offheap(true) },
	];
}

// ---------------------------------------------------------------- growth factor

interface GrowthResult {
	scenario: string;
	factor: number;
	medianMs: number;
	/** Mean over the run of the heap's footprint (high-water mark) divided by the bytes of elements. */
	footprint: number;
	moves: number;
}

type Scenario = (heap: Heap, factor: number, steps: number, sample: (live: number) => void) => number;

function vectors(heap: Heap, factor: number, count: number): Vector<typeof f64>[] {
	return Array.from({ length: count }, () => new Vector(heap, f64, { growthFactor: factor, checked: false }));
}

function liveBytes(vs: readonly Vector<typeof f64>[], extra = 0): number {
	let total = extra;
	for (const v of vs) total += v.length * 8;
	return total;
}

function moves(vs: readonly Vector<typeof f64>[]): number {
	let total = 0;
	for (const v of vs) total += v.version;
	return total;
}

/** Growing vectors in one heap; `sample` is called every steps/100 pushes with the live bytes. */
const SCENARIOS: readonly { name: string; describe: string; steps: number; run: Scenario }[] = [
	{
		name: "one vector",
		describe: "a single vector grows alone (always in place, at the end of the heap)",
		steps: 2_000_000,
		run: (heap, factor, steps, sample) => {
			const vs = vectors(heap, factor, 1);
			const v = vs[0] as Vector<typeof f64>;
			for (let i = 1; i <= steps; i++) {
				v.push(i);
				if (i % (steps / 100) === 0) sample(liveBytes(vs));
			}
			return moves(vs);
		},
	},
	{
		name: "64 vectors, skewed",
		describe: "64 vectors, pushes spread with a skew (some grow large, most stay small)",
		steps: 2_000_000,
		run: (heap, factor, steps, sample) => {
			const random = mulberry32(42);
			const vs = vectors(heap, factor, 64);
			for (let i = 1; i <= steps; i++) {
				const r = (random() / 2 ** 32) * (random() / 2 ** 32);
				(vs[Math.floor(r * 64)] as Vector<typeof f64>).push(i);
				if (i % (steps / 100) === 0) sample(liveBytes(vs));
			}
			return moves(vs);
		},
	},
	{
		name: "1000 vectors",
		describe: "1,000 vectors, pushes spread uniformly",
		steps: 1_000_000,
		run: (heap, factor, steps, sample) => {
			const random = mulberry32(7);
			const vs = vectors(heap, factor, 1000);
			for (let i = 1; i <= steps; i++) {
				(vs[random() % 1000] as Vector<typeof f64>).push(i);
				if (i % (steps / 100) === 0) sample(liveBytes(vs));
			}
			return moves(vs);
		},
	},
	{
		name: "256 vectors with churn",
		describe: "256 vectors; one push in 2,000 frees a random vector and starts a new one",
		steps: 2_000_000,
		run: (heap, factor, steps, sample) => {
			const random = mulberry32(9);
			const vs = vectors(heap, factor, 256);
			let moved = 0;
			for (let i = 1; i <= steps; i++) {
				const k = random() % 256;
				const v = vs[k] as Vector<typeof f64>;
				if (random() % 2000 === 0) {
					moved += v.version;
					v.free();
					vs[k] = new Vector(heap, f64, { growthFactor: factor, checked: false });
				} else v.push(i);
				if (i % (steps / 100) === 0) sample(liveBytes(vs));
			}
			return moved + moves(vs);
		},
	},
	{
		name: "one vector among allocations",
		describe: "one vector grows while a 48-byte block is allocated every 64 pushes (and kept)",
		steps: 2_000_000,
		run: (heap, factor, steps, sample) => {
			const vs = vectors(heap, factor, 1);
			const v = vs[0] as Vector<typeof f64>;
			let other = 0;
			for (let i = 1; i <= steps; i++) {
				v.push(i);
				if (i % 64 === 0) {
					heap.alloc(48);
					other += 48;
				}
				if (i % (steps / 100) === 0) sample(liveBytes(vs, other));
			}
			return moves(vs);
		},
	},
];

function growthRun(scenario: (typeof SCENARIOS)[number], factor: number, steps: number): GrowthResult {
	const heap = new Heap({ maxBytes: 1 << 30 });
	let sum = 0;
	let samples = 0;
	let calls = 0;
	let sampling = 0;
	const t0 = performance.now();
	const moved = scenario.run(heap, factor, steps, (live) => {
		const s0 = performance.now();
		// Skip the first tenth of the run: the heap's fixed start weighs too much while vectors are tiny.
		if (++calls > 10 && live > 0) {
			sum += heap.stats().highWaterBytes / live;
			samples++;
		}
		sampling += performance.now() - s0;
	});
	const elapsed = performance.now() - t0 - sampling;
	return {
		scenario: scenario.name,
		factor,
		medianMs: elapsed,
		footprint: sum / Math.max(1, samples),
		moves: moved,
	};
}

function growthStudy(options: BenchOptions): { rows: GrowthResult[]; markdown: string } {
	const rows: GrowthResult[] = [];
	const runs = Math.min(3, options.runs);
	for (const scenario of SCENARIOS) {
		const steps = options.quick ? scenario.steps / 5 : scenario.steps;
		for (const factor of [1.5, 2]) {
			collectGarbage();
			growthRun(scenario, factor, steps / 10); // warm-up
			const done: GrowthResult[] = [];
			for (let r = 0; r < runs; r++) {
				collectGarbage();
				done.push(growthRun(scenario, factor, steps));
			}
			const times = done.map((d) => d.medianMs);
			rows.push({ ...(done[0] as GrowthResult), medianMs: median(times) });
		}
	}
	const byScenario = SCENARIOS.map((s) => {
		const a = rows.find((r) => r.scenario === s.name && r.factor === 1.5) as GrowthResult;
		const b = rows.find((r) => r.scenario === s.name && r.factor === 2) as GrowthResult;
		return [
			s.name,
			a.footprint.toFixed(3),
			b.footprint.toFixed(3),
			`${(((a.footprint - b.footprint) / b.footprint) * 100).toFixed(1)}%`,
			int(a.moves),
			int(b.moves),
			ms(a.medianMs),
			ms(b.medianMs),
		];
	});
	const mean = (factor: number) => {
		const f = rows.filter((r) => r.factor === factor);
		return f.reduce((s, r) => s + r.footprint, 0) / f.length;
	};
	const markdown = [
		table(
			[
				"scenario",
				"footprint ÷ live, 1.5",
				"footprint ÷ live, 2",
				"1.5 vs 2",
				"moves, 1.5",
				"moves, 2",
				"time, 1.5",
				"time, 2",
			],
			byScenario,
		),
		"",
		`Mean footprint ÷ live bytes over the scenarios: **${mean(1.5).toFixed(3)}** with 1.5, **${mean(2).toFixed(3)}** with 2.`,
		"",
		...SCENARIOS.map((s) => `- ${s.name}: ${s.describe}.`),
		"- footprint ÷ live: the heap's high-water mark divided by the bytes of the elements (and of the other blocks, where",
		"  there are some), averaged over 90 samples taken over the last nine tenths of the run, so the result does not",
		"  hang on where the last growth step fell. Lower is better.",
		"- moves: growth steps that could not extend the block in place (the vector's storage version).",
	].join("\n");
	return { rows, markdown };
}

// ---------------------------------------------------------------- groups, each in its own process

/**
 * Each group of contenders runs in a child process of its own, so that no group inherits the JIT
 * state (inlining decisions, type feedback, heap sizes) of the ones before it; the contenders of a
 * group share a process and run in interleaved rounds, so they see the same machine load.
 */
const GROUPS = [
	"vector-f64",
	"vector-f64-growable",
	"vector-struct",
	"list-queue",
	"list-queue-large",
	"list-removal",
	"list-lru",
	"growth",
	"checked",
] as const;
type Group = (typeof GROUPS)[number];

interface Sizes {
	pushN: number;
	structN: number;
	queueN: number;
	/** Items in the larger queue, whose JS nodes outlive the young generation. */
	queueLargeLive: number;
	removeN: number;
	lruN: number;
	lruLive: number;
}

function sizes(quick: boolean): Sizes {
	const scale = quick ? 0.2 : 1;
	return {
		pushN: Math.round(1_000_000 * scale),
		structN: Math.round(500_000 * scale),
		queueN: Math.round(1_000_000 * scale),
		queueLargeLive: Math.round(100_000 * scale),
		removeN: Math.round(500_000 * scale),
		lruN: Math.round(1_000_000 * scale),
		lruLive: Math.round(100_000 * scale),
	};
}

async function runGroup(group: Group, options: BenchOptions): Promise<unknown> {
	keepAlive();
	const n = sizes(options.quick);
	const counter = new GcCounter();
	try {
		switch (group) {
			case "vector-f64":
			case "vector-f64-growable": {
				const kernels = vectorPushKernels(n.pushN, group === "vector-f64-growable");
				return checked(await measure(kernels, options.runs, n.pushN, counter), group);
			}
			case "vector-struct":
				return checked(await measure(structPushKernels(n.structN), options.runs, n.structN, counter), group);
			case "list-queue":
				return checked(
					await measure(queueKernels(n.queueN, 1000, true), options.runs, n.queueN * 2, counter),
					group,
				);
			case "list-queue-large":
				return checked(
					await measure(queueKernels(n.queueN, n.queueLargeLive, false), options.runs, n.queueN * 2, counter),
					group,
				);
			case "list-removal":
				return checked(await measure(removeKernels(n.removeN), options.runs, n.removeN * 2, counter), group);
			case "list-lru":
				return checked(await measure(lruKernels(n.lruN, n.lruLive), options.runs, n.lruN, counter), group);
			case "checked":
				return measureCheckedHeaps(options.quick, Math.min(options.runs, 5));
			default:
				return growthStudy(options);
		}
	} finally {
		counter.disconnect();
	}
}

function checked(results: Result[], what: string): Result[] {
	checkSums(results, what);
	return results;
}

function inChild<R>(group: Group, options: BenchOptions): R {
	const script = fileURLToPath(import.meta.url);
	const args = [
		"--expose-gc",
		script,
		group,
		`--runs=${options.runs}`,
		...(options.quick ? ["--quick"] : []),
	];
	return JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 })) as R;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const group = process.argv[2] as Group;
	if (!GROUPS.includes(group)) throw new Error(`unknown group ${group}; one of ${GROUPS.join(", ")}`);
	const quick = process.argv.includes("--quick");
	const runsArg = process.argv.find((a) => a.startsWith("--runs="));
	const options: BenchOptions = {
		runs: runsArg === undefined ? 5 : Number(runsArg.slice(7)),
		quick,
		thingFull: false,
		write: false,
		log: () => {},
	};
	runGroup(group, options).then(
		(result) => process.stdout.write(JSON.stringify(result)),
		(error: unknown) => {
			process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
			process.exitCode = 1;
		},
	);
}

// ---------------------------------------------------------------- section

/** The section: every group in its own child process (synchronously), then the tables and targets. */
export async function runContainersBench(options: BenchOptions): Promise<Section> {
	const { pushN, structN, queueN, queueLargeLive, removeN, lruN, lruLive } = sizes(options.quick);
	options.log(`  vector push of f64 (${int(pushN)})…`);
	const push = inChild<Result[]>("vector-f64", options);
	options.log(`  vector push of f64 (${int(pushN)}) on a growable heap…`);
	const pushGrowable = inChild<Result[]>("vector-f64-growable", options);
	options.log(`  vector push of a 24-byte struct (${int(structN)})…`);
	const structs = inChild<Result[]>("vector-struct", options);
	options.log(`  list as a queue (${int(queueN)} push/pop pairs)…`);
	const queue = inChild<Result[]>("list-queue", options);
	options.log(`  list as a queue of ${int(queueLargeLive)} items…`);
	const queueLarge = inChild<Result[]>("list-queue-large", options);
	options.log(`  list build and random removal (${int(removeN)})…`);
	const removal = inChild<Result[]>("list-removal", options);
	options.log(`  list LRU touches (${int(lruN)} over ${int(lruLive)})…`);
	const lru = inChild<Result[]>("list-lru", options);
	options.log("  growth factor 1.5 against 2…");
	const growth = inChild<{ rows: GrowthResult[]; markdown: string }>("growth", options);
	options.log("  checked heaps: the cost of the debugging checks…");
	const checkedHeaps = inChild<{ markdown: string }>("checked", options);

	const get = (rs: readonly Result[], name: string) => rs.find((r) => r.name === name) as Result;
	const arrayPush = get(push, "Array.push");
	const vecUnchecked = get(push, "Vector<f64> unchecked");
	const vecChecked = get(push, "Vector<f64> checked (default)");
	const growableArray = get(pushGrowable, "Array.push");
	const growableChecked = get(pushGrowable, "Vector<f64> checked (default)");
	const listTargets = [
		["queue", queue],
		["build + random removal", removal],
		["LRU touches", lru],
	] as const;
	const targetRows: string[][] = [
		[
			"vector push f64, unchecked ÷ Array.push (ops/s)",
			ratio(arrayPush.medianMs / vecUnchecked.medianMs),
			"≥ 1.00×",
			verdict(vecUnchecked.medianMs <= arrayPush.medianMs),
		],
		[
			"vector push f64, checked ÷ Array.push (ops/s)",
			ratio(arrayPush.medianMs / vecChecked.medianMs),
			"≥ 1.00×",
			verdict(vecChecked.medianMs <= arrayPush.medianMs),
		],
		[
			"vector push f64 on a growable heap, checked ÷ Array.push (ops/s)",
			ratio(growableArray.medianMs / growableChecked.medianMs),
			"not graded",
			"(see below)",
		],
		...listTargets.flatMap(([name, rs]) => {
			const js = get(rs, "JS object list");
			const list = get(rs, "List<u32> checked (default)");
			const unchecked = get(rs, "List<u32> unchecked");
			return [
				[
					`list ${name}: List (default) ÷ JS object list (ops/s)`,
					ratio(js.medianMs / list.medianMs),
					"> 1.00×",
					verdict(list.medianMs < js.medianMs),
				],
				[
					`list ${name}: List unchecked ÷ JS object list (ops/s)`,
					ratio(js.medianMs / unchecked.medianMs),
					"> 1.00×",
					verdict(unchecked.medianMs < js.medianMs),
				],
				[
					`list ${name}: GC events during List runs`,
					String(list.gcEvents),
					"0",
					verdict(list.gcEvents === 0),
				],
			];
		}),
	];

	const headers = ["contender", "M ops/s", "median", "vs reference"];
	const gcHeaders = [...headers, "GC events", "GC time"];
	const markdown = [
		"Preliminary: measured on a shared machine (other work was running); ratios between contenders of the same",
		"table are more trustworthy than absolute numbers. Every contender runs in interleaved rounds after a warm-up,",
		"with a forced GC before each run; GC events and time are the collections V8 ran on its own during the timed loop.",
		"",
		"### Targets",
		"",
		table(["target", "measured", "goal", "verdict"], targetRows, ["left", "right", "right", "left"]),
		"",
		`### Vector: push ${int(pushN)} f64 into an empty container`,
		"",
		table(gcHeaders, resultRows(push, "Array.push", true)),
		"",
		`The vectors live in a fixed budget of ${CONTAINER_BUDGET / 2 ** 20} MiB (\`initialBytes === maxBytes\`), as do the lists below. The same`,
		"kernels with every vector on a default heap that grows from 64 KiB (its own process, its own Array.push runs):",
		"",
		table(gcHeaders, resultRows(pushGrowable, "Array.push", true)),
		"",
		"A growable heap's first growth detaches its old buffer (an unshared `WebAssembly.Memory` cannot grow otherwise),",
		"and from then on V8 checks every typed-array access in the process for detachment: the vector's and the",
		"hand-grown Float64Array's alike, not Array.push's. See the performance guide.",
		"",
		`### Vector: push ${int(structN)} 24-byte structs (x, y, z: f64)`,
		"",
		table(gcHeaders, resultRows(structs, "Array of objects: push({ x, y, z })", true)),
		"",
		`### List: a queue of 1,000 items, ${int(queueN)} push-back/pop-front pairs (ops count both)`,
		"",
		table(gcHeaders, resultRows(queue, "JS object list", true)),
		"",
		`### List: a queue of ${int(queueLargeLive)} items, ${int(queueN)} push-back/pop-front pairs (ops count both)`,
		"",
		table(gcHeaders, resultRows(queueLarge, "JS object list", true)),
		"",
		"The same queue with a live set that outlasts V8's young generation: each JS node survives scavenges and is",
		"promoted before it is popped, so the collector copies and marks what the heap list simply reuses.",
		"",
		`### List: build ${int(removeN)} nodes, then remove them all in random order by handle (ops count both)`,
		"",
		table(gcHeaders, resultRows(removal, "JS object list", true)),
		"",
		"By default a list keeps every node it removes as a spare (as many as its peak length), so removal hands no node",
		"back to the heap until `trim()`, `clear()` or `free()`; `spare: n` caps the spares (the JS list leaves the freeing",
		"to the GC, later).",
		"",
		`### List: ${int(lruN)} LRU touches (move a random node to the back) over ${int(lruLive)} nodes`,
		"",
		table(gcHeaders, resultRows(lru, "JS object list", true)),
		"",
		"### Vector growth factor: 1.5 against 2 in one coalescing heap",
		"",
		growth.markdown,
		"",
		"### Checked heaps: what the debugging checks cost vectors and lists",
		"",
		checkedHeaps.markdown,
	].join("\n");
	return {
		id: "containers",
		title: "Containers: vector and list",
		markdown,
		data: { push, pushGrowable, structs, queue, queueLarge, removal, lru, growth: growth.rows },
	};
}
