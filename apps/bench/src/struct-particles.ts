/**
 * The `struct` section: update 100k particles `{ pos: Vec2, vel: Vec2, life: f32 }` per frame through
 * an @offheap/struct cursor, against hand-written Float32Array code, plain JS objects and
 * buffer-backed-object, and check the targets of issue "Step 2" (within 1.2× of the hand-written
 * loop, no JS allocation in the loop).
 *
 * Each contender runs in its own process (a fresh V8, so no access site ever sees another
 * contender's classes), and the processes of all contenders are interleaved over several rounds so
 * that they share whatever load the machine has. Run directly, `node --expose-gc
 * dist/struct-particles.js` prints the section.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Heap } from "@offheap/core";
import { configure, f32, struct } from "@offheap/struct";
import bbo from "buffer-backed-object"; // CommonJS (UMD) only: no named exports under node
import type { BenchOptions } from "./bench-options.ts";
import { bytes, ratio, table, verdict } from "./format.ts";
import { median } from "./measure.ts";
import type { Section } from "./report.ts";

const COUNT = 100_000;
/** buffer-backed-object takes seconds per frame: it updates this many particles, and its time is scaled. */
const SLOW_COUNT = 10_000;
/** The checksum covers the first particles only, so that every contender can compute it. */
const CHECKED = 10_000;
const DT = 1 / 60;

const CONTENDERS = [
	"hand-written Float32Array",
	"offheap cursor, unchecked",
	"offheap cursor, checked",
	"offheap cursor, closures (CSP), unchecked",
	"offheap cursor, closures (CSP), checked",
	"plain JS objects",
	"buffer-backed-object 1.0.1",
	"buffer-backed-object 1.0.1, flat fields",
] as const;
type Contender = (typeof CONTENDERS)[number];

/** What one child process reports. */
interface ChildResult {
	contender: Contender;
	/** Median time of one frame (one update of every particle). */
	msPerFrame: number;
	/** Median time of one frame of the hand-written loop, measured alternately with the contender. */
	handMsPerFrame: number;
	/** Median over the samples of (contender time ÷ hand-written time of the adjacent sample). */
	ratio: number;
	/** `heapUsed` after one frame minus before it (GC'd before), in bytes. */
	heapDeltaOneFrame: number;
	/** Garbage collections during `gcFrames` frames. */
	gcs: number;
	gcFrames: number;
	/** Sum of the first positions after a fixed number of frames from the same start (checks equivalence). */
	checksum: number;
}

type Frame = () => void;

/**
 * The starting state of particle `i`. Every value has a fraction (and is exact in float32), so plain
 * objects hold doubles from the start: integers first would make V8 change the fields'
 * representation from small integers to doubles mid-benchmark.
 */
function initial(i: number): [number, number, number, number, number] {
	return [
		(i % 1000) + 0.5,
		((i * 7) % 1000) + 0.25,
		((i % 13) - 6) / 4 + 0.125,
		((i % 7) - 3) / 4 + 0.0625,
		1.5 + (i % 100),
	];
}

function offheapFrame(checked: boolean): { frame: Frame; checksum: () => number } {
	// Declared here, not at module level: after `configure`, so that the closures contender really
	// gets closure accessors; and only in offheap's processes, because the schema literal `{ x, y }`
	// shares V8's hidden-class transitions with the plain objects' `{ x, y }` and would force their
	// fields from unboxed doubles to tagged values (a heap number allocated per write).
	const Vec2 = struct("Vec2", { x: f32, y: f32 });
	const Particle = struct("Particle", { pos: Vec2, vel: Vec2, life: f32 });
	const heap = new Heap({ initialBytes: 4 << 20 });
	const size = Particle.size;
	const base = heap.alloc(COUNT * size, Particle.align);
	const w = Particle.cursor(heap);
	for (let i = 0; i < COUNT; i++) {
		const [x, y, vx, vy, life] = initial(i);
		w.$at(base + i * size).$write({ pos: { x, y }, vel: { x: vx, y: vy }, life });
	}
	const c = Particle.cursor(heap, { checked });
	const frame = (): void => {
		for (let i = 0; i < COUNT; i++) {
			c.$at(base + i * size);
			const pos = c.pos;
			const vel = c.vel;
			pos.x += vel.x * DT;
			pos.y += vel.y * DT;
			c.life -= DT;
		}
	};
	const checksum = (): number => {
		let s = 0;
		for (let i = 0; i < CHECKED; i++) s += c.$at(base + i * size).pos.x + c.pos.y;
		return s;
	};
	return { frame, checksum };
}

function handFrame(): { frame: Frame; checksum: () => number } {
	const heap = new Heap({ initialBytes: 4 << 20 });
	const base = heap.alloc(COUNT * 20, 4);
	const f = heap.f32;
	for (let i = 0; i < COUNT; i++) f.set(initial(i), (base >>> 2) + i * 5);
	const frame = (): void => {
		const v = heap.f32; // as a user must: the heap may have grown since the last frame
		for (let i = 0, j = base >>> 2; i < COUNT; i++, j += 5) {
			v[j] = (v[j] as number) + (v[j + 2] as number) * DT;
			v[j + 1] = (v[j + 1] as number) + (v[j + 3] as number) * DT;
			v[j + 4] = (v[j + 4] as number) - DT;
		}
	};
	const checksum = (): number => {
		let s = 0;
		for (let i = 0, j = base >>> 2; i < CHECKED; i++, j += 5)
			s += (heap.f32[j] as number) + (heap.f32[j + 1] as number);
		return s;
	};
	return { frame, checksum };
}

interface Particle {
	pos: { x: number; y: number };
	vel: { x: number; y: number };
	life: number;
}

function objectFrame(): { frame: Frame; checksum: () => number } {
	const ps: Particle[] = [];
	for (let i = 0; i < COUNT; i++) {
		const [x, y, vx, vy, life] = initial(i);
		ps.push({ pos: { x, y }, vel: { x: vx, y: vy }, life });
	}
	const frame = (): void => {
		for (let i = 0; i < COUNT; i++) {
			const p = ps[i] as Particle;
			p.pos.x += p.vel.x * DT;
			p.pos.y += p.vel.y * DT;
			p.life -= DT;
		}
	};
	const checksum = (): number => ps.slice(0, CHECKED).reduce((s, p) => s + (p.pos.x + p.pos.y), 0);
	return { frame, checksum };
}

function bboFrame(): { frame: Frame; checksum: () => number } {
	const { ArrayOfBufferBackedObjects, Float32, NestedBufferBackedObject } = bbo;
	const vec = { x: Float32(), y: Float32() };
	const descriptors = {
		pos: NestedBufferBackedObject(vec),
		vel: NestedBufferBackedObject(vec),
		life: Float32(),
	};
	const ps = ArrayOfBufferBackedObjects(new ArrayBuffer(SLOW_COUNT * 20), descriptors, {
		length: SLOW_COUNT,
	});
	for (let i = 0; i < SLOW_COUNT; i++) {
		const [x, y, vx, vy, life] = initial(i);
		const p = ps[i] as (typeof ps)[number];
		p.pos.x = x;
		p.pos.y = y;
		p.vel.x = vx;
		p.vel.y = vy;
		p.life = life;
	}
	const frame = (): void => {
		for (let i = 0; i < SLOW_COUNT; i++) {
			const p = ps[i] as (typeof ps)[number];
			const pos = p.pos;
			const vel = p.vel;
			pos.x += vel.x * DT;
			pos.y += vel.y * DT;
			p.life -= DT;
		}
	};
	const checksum = (): number => ps.slice(0, CHECKED).reduce((s, p) => s + (p.pos.x + p.pos.y), 0);
	return { frame, checksum };
}

/** The peer's best case: the same data as five flat fields, so no nested object is made per access. */
function bboFlatFrame(): { frame: Frame; checksum: () => number } {
	const { ArrayOfBufferBackedObjects, Float32 } = bbo;
	const descriptors = { px: Float32(), py: Float32(), vx: Float32(), vy: Float32(), life: Float32() };
	const ps = ArrayOfBufferBackedObjects(new ArrayBuffer(SLOW_COUNT * 20), descriptors, {
		length: SLOW_COUNT,
	});
	for (let i = 0; i < SLOW_COUNT; i++) {
		const [px, py, vx, vy, life] = initial(i);
		Object.assign(ps[i] as (typeof ps)[number], { px, py, vx, vy, life });
	}
	const frame = (): void => {
		for (let i = 0; i < SLOW_COUNT; i++) {
			const p = ps[i] as (typeof ps)[number];
			p.px += p.vx * DT;
			p.py += p.vy * DT;
			p.life -= DT;
		}
	};
	const checksum = (): number => ps.slice(0, CHECKED).reduce((s, p) => s + (p.px + p.py), 0);
	return { frame, checksum };
}

function setUp(contender: Contender): { frame: Frame; checksum: () => number } {
	switch (contender) {
		case "hand-written Float32Array":
			return handFrame();
		case "offheap cursor, unchecked":
			return offheapFrame(false);
		case "offheap cursor, checked":
			return offheapFrame(true);
		case "offheap cursor, closures (CSP), unchecked":
			configure({ codegen: false });
			return offheapFrame(false);
		case "offheap cursor, closures (CSP), checked":
			configure({ codegen: false });
			return offheapFrame(true);
		case "plain JS objects":
			return objectFrame();
		case "buffer-backed-object 1.0.1":
			return bboFrame();
		case "buffer-backed-object 1.0.1, flat fields":
			return bboFlatFrame();
	}
}

function collect(): void {
	if (typeof gc === "function") gc();
}

/** Times `frames` frames of `frame`, in ms per frame. */
function time(frame: Frame, frames: number): number {
	const t0 = performance.now();
	for (let i = 0; i < frames; i++) frame();
	return (performance.now() - t0) / frames;
}

/**
 * Runs in the child process: measures one contender, alternating its samples with samples of the
 * hand-written loop (its own functions and data, in the same process) so that both see the same
 * background load, and prints a ChildResult as JSON.
 */
async function child(contender: Contender, quick: boolean): Promise<void> {
	const { PerformanceObserver } = await import("node:perf_hooks");
	const slow = contender.startsWith("buffer-backed-object");
	const scale = slow ? COUNT / SLOW_COUNT : 1;
	const { frame, checksum } = setUp(contender);
	const hand = contender === "hand-written Float32Array" ? frame : handFrame().frame;
	// Same number of frames before the checksum for everyone, then warm-up and timing.
	for (let i = 0; i < 3; i++) frame();
	const sum = checksum();
	const warmup = slow ? 2 : quick ? 50 : 200;
	for (let i = 0; i < warmup; i++) frame();
	for (let i = 0; i < (quick ? 50 : 200); i++) hand();
	const framesPerSample = slow ? 1 : 10;
	const sampleCount = slow ? (quick ? 4 : 6) : quick ? 10 : 40;
	const mine: number[] = [];
	const theirs: number[] = [];
	const ratios: number[] = [];
	for (let s = 0; s < sampleCount; s++) {
		// Alternate which of the pair runs first (A B B A …): the first of two runs tends to be faster.
		let x: number;
		let h: number;
		if (s % 2 === 0) {
			x = time(frame, framesPerSample) * scale;
			h = time(hand, 10);
		} else {
			h = time(hand, 10);
			x = time(frame, framesPerSample) * scale;
		}
		mine.push(x);
		theirs.push(h);
		ratios.push(x / h);
	}
	// A forced full GC makes V8 re-tier hot code, and the first frames after it may allocate while
	// they run unoptimized: measure steady state, a few frames later (no GC happens in between
	// unless the frames allocate).
	collect();
	for (let i = 0; i < (slow ? 1 : 5); i++) frame();
	const before = process.memoryUsage().heapUsed;
	frame();
	const heapDeltaOneFrame = (process.memoryUsage().heapUsed - before) * scale;
	let gcs = 0;
	const observer = new PerformanceObserver((list) => {
		gcs += list.getEntries().length;
	});
	observer.observe({ entryTypes: ["gc"] });
	const gcFrames = slow ? 2 : 50;
	collect();
	for (let i = 0; i < (slow ? 1 : 5); i++) frame();
	await new Promise((resolve) => setTimeout(resolve, 50)); // let the entries of earlier GCs arrive first
	gcs = 0;
	for (let i = 0; i < gcFrames; i++) frame();
	await new Promise((resolve) => setTimeout(resolve, 50)); // GC entries are delivered asynchronously
	observer.disconnect();
	const result: ChildResult = {
		contender,
		msPerFrame: median(mine),
		handMsPerFrame: median(theirs),
		ratio: median(ratios),
		heapDeltaOneFrame,
		gcs,
		gcFrames,
		checksum: sum,
	};
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(contender: Contender, quick: boolean): ChildResult {
	const args = ["--expose-gc", fileURLToPath(import.meta.url), "--child", contender];
	if (quick) args.push("--quick");
	const out = execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 20 });
	return JSON.parse(out.trim().split("\n").at(-1) ?? "") as ChildResult;
}

/** The benchmark section. With no options (as `main.ts` registers it), 3 rounds of every contender. */
export async function runStructBench(options?: BenchOptions): Promise<Omit<Section, "id">> {
	const quick = options?.quick ?? false;
	const rounds = quick ? 1 : Math.max(3, Math.min(options?.runs ?? 3, 7));
	const log = options?.log ?? ((m: string): void => void process.stderr.write(`${m}\n`));
	const results = new Map<Contender, ChildResult[]>(CONTENDERS.map((c) => [c, []]));
	for (let r = 0; r < rounds; r++) {
		for (const c of CONTENDERS) results.get(c)?.push(runChild(c, quick));
		log(`struct: round ${r + 1}/${rounds} done`);
	}
	const summary = CONTENDERS.map((contender) => {
		const runs = results.get(contender) ?? [];
		return {
			contender,
			msPerFrame: median(runs.map((x) => x.msPerFrame)),
			ratio: median(runs.map((x) => x.ratio)),
			heapDeltaOneFrame: Math.max(...runs.map((x) => x.heapDeltaOneFrame)),
			gcs: Math.max(...runs.map((x) => x.gcs)),
			gcFrames: runs[0]?.gcFrames ?? 0,
			checksum: runs[0]?.checksum ?? Number.NaN,
			perRound: runs.map((x) => x.ratio),
		};
	});
	const hand = summary[0] as (typeof summary)[number];
	const cursor = summary[1] as (typeof summary)[number];
	// Every Float32 contender computes bit-identical positions; plain objects compute in f64.
	const f32Sums = summary.filter((s) => s.contender !== "plain JS objects").map((s) => s.checksum);
	if (f32Sums.some((s) => s !== hand.checksum)) {
		throw new Error(
			`struct: contenders disagree on the particles: ${summary.map((s) => `${s.contender}=${s.checksum}`).join(", ")}`,
		);
	}
	const rows = summary.map((s) => [
		s.contender,
		`${s.msPerFrame.toFixed(3)} ms`,
		ratio(s.ratio),
		s.perRound.map((x) => x.toFixed(2)).join(" / "),
		bytes(Math.max(0, s.heapDeltaOneFrame)),
		`${s.gcs} in ${s.gcFrames}`,
	]);
	const within = cursor.ratio;
	const noAlloc = cursor.heapDeltaOneFrame < 64 * 1024 && cursor.gcs === 0;
	const markdown = [
		"### Targets",
		"",
		table(
			["target", "measured", "required", "result"],
			[
				[
					"offheap cursor (unchecked) ÷ hand-written Float32Array",
					ratio(within),
					"≤ 1.20×",
					verdict(within <= 1.2),
				],
				[
					"JS allocation in the cursor loop",
					`${bytes(Math.max(0, cursor.heapDeltaOneFrame))} per frame, ${cursor.gcs} GCs in ${cursor.gcFrames} frames`,
					"none",
					verdict(noAlloc),
				],
			],
		),
		"",
		`### ${COUNT.toLocaleString("en-US")} particles { pos: Vec2, vel: Vec2, life: f32 }, one frame = one update of each`,
		"",
		table(
			[
				"contender",
				"time per frame",
				"÷ hand-written",
				"÷ hand-written, per round",
				"heap growth in 1 frame",
				"GCs during frames",
			],
			rows,
		),
		"",
		`- Each contender runs in its own process, ${rounds} round(s) interleaving the contenders. In its process, ` +
			"samples of 10 frames alternate with samples of the hand-written loop (separate code and data), and " +
			"*÷ hand-written* is the median of the per-sample ratios (then the median over rounds; which of the two " +
			"runs first alternates): the ratio stays " +
			"meaningful when other work loads the machine, while absolute times (median, in ms) move with the load.",
		"- Heap growth is `heapUsed` after one frame minus before, in steady state (a few frames after a forced " +
			"GC): an allocation of even 16 B per particle would show as 1.5 MiB. GCs during frames are counted with a " +
			"`PerformanceObserver`.",
		"- The cursor loop: `c.$at(base + i * size); const pos = c.pos, vel = c.vel; pos.x += vel.x * dt; …`. " +
			"The hand-written loop indexes `heap.f32` with precomputed offsets. Checked cursors validate the pointer " +
			"in every `$at` and every value written. *Closures (CSP)* is the fallback used where a content security " +
			"policy forbids `new Function`.",
		`- buffer-backed-object updates ${SLOW_COUNT.toLocaleString("en-US")} particles per frame (it takes seconds ` +
			`for ${COUNT.toLocaleString("en-US")}); its time and heap growth are scaled ×${COUNT / SLOW_COUNT}. Its ` +
			"nested objects are re-created on every `p.pos`; the flat-fields variant shows the peer's best case.",
		"- All Float32 contenders end with bit-identical particles (checked on the first " +
			`${CHECKED.toLocaleString("en-US")}); plain objects compute in float64.`,
	].join("\n");
	return {
		title: "Struct accessors: 100k particles per frame",
		markdown,
		data: { count: COUNT, rounds, summary },
	};
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] === self) {
	const i = process.argv.indexOf("--child");
	if (i >= 0) await child(process.argv[i + 1] as Contender, process.argv.includes("--quick"));
	else {
		const section = await runStructBench({
			runs: 3,
			quick: process.argv.includes("--quick"),
			thingFull: false,
			write: false,
			log: (m) => process.stderr.write(`${m}\n`),
		});
		process.stdout.write(`## ${section.title}\n\n${section.markdown}\n`);
	}
}
