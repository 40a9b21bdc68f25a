import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
import { heapMapPng } from "../heap-map/png.ts";
import { heapMapSvg } from "../heap-map/svg.ts";
import { OWNERS, type World, type WorldMode } from "../sim/api.ts";
import { createWorld } from "../sim/create-world.ts";
import { type DemoOptions, parseDemoArgs, USAGE } from "./args.ts";
import { collectGarbage } from "./gc-monitor.ts";
import { type PhaseResult, runBurst, runRealtime, runSteady } from "./run-world.ts";
import { formatTable, kib, ms } from "./table.ts";

const WIDTH = 1280;
const HEIGHT = 720;
const WARMUP_FRAMES = 600;
const BURST_FRAMES = 120;
const MODES: readonly WorldMode[] = ["offheap", "plain"];

function newWorld(mode: WorldMode, options: DemoOptions): World {
	return createWorld({
		mode,
		budgetBytes: options.budgetBytes,
		seed: options.seed,
		width: WIDTH,
		height: HEIGHT,
		asteroids: options.asteroids,
	});
}

function gcRow(label: string, results: readonly PhaseResult[]): string[][] {
	return [
		[
			`${label} GC events (minor/major)`,
			...results.map((r) => `${r.gc.events} (${r.gc.minor}/${r.gc.major})`),
		],
		[
			`${label} GC pause total / max ms`,
			...results.map((r) => `${ms(r.gc.pauseMs)} / ${ms(r.gc.maxPauseMs)}`),
		],
	];
}

function timeRows(label: string, results: readonly PhaseResult[]): string[][] {
	return [
		[`${label} frames`, ...results.map((r) => String(r.times.frames))],
		[
			`${label} entities (mean / last)`,
			...results.map((r) => `${Math.round(r.entitiesMean)} / ${r.entitiesLast}`),
		],
		[
			`${label} frame ms p50 / p99 / max`,
			...results.map((r) => `${ms(r.times.p50)} / ${ms(r.times.p99)} / ${ms(r.times.max)}`),
		],
	];
}

/**
 * `--steady N`: N seconds of steady state per world, one world after the other, collections counted;
 * stepped as fast as frames go, or with `--realtime` at 60 frames per second of wall time.
 */
async function steadyOnly(options: DemoOptions, seconds: number): Promise<void> {
	const samples = new Float64Array(2_000_000);
	const results: PhaseResult[] = [];
	const run = options.realtime ? runRealtime : runSteady;
	for (const mode of MODES) {
		collectGarbage();
		const world = newWorld(mode, options);
		results.push(await run(world, seconds, WARMUP_FRAMES, samples));
		world.free();
	}
	const pace = options.realtime ? "in real time, 60 frames per second" : "frames stepped as fast as they go";
	console.log(`Steady state, ${seconds} s per world, ${pace} (dt = 1/60 s)\n`);
	console.log(formatTable(["", ...MODES], [...timeRows("steady", results), ...gcRow("steady", results)]));
}

async function fullRun(options: DemoOptions): Promise<void> {
	const samples = new Float64Array(2_000_000);
	const burst = Math.ceil(options.budgetBytes / 100 / (BURST_FRAMES / 2));
	const steady: PhaseResult[] = [];
	const bursts: PhaseResult[] = [];
	const rows: string[][] = [];
	const memory: string[][] = [];
	mkdirSync(options.out, { recursive: true });
	for (const mode of MODES) {
		collectGarbage();
		const world = newWorld(mode, options);
		steady.push(await runSteady(world, options.seconds, WARMUP_FRAMES, samples));
		const calm = world.budget();
		if (mode === "offheap") writeMaps(world, options.out, "heap-map-steady", "steady state");
		bursts.push(await runBurst(world, BURST_FRAMES, burst, samples));
		const full = world.budget();
		if (mode === "offheap") {
			writeMaps(world, options.out, "heap-map", `after ${BURST_FRAMES} bursts of ${burst}`);
			memory.push(["used / budget (steady)", `${kib(calm.usedBytes)} / ${kib(calm.budgetBytes)}`]);
			for (const owner of OWNERS)
				memory.push([
					`  ${owner} (steady / full)`,
					`${kib(calm.bytesByOwner[owner])} / ${kib(full.bytesByOwner[owner])}`,
				]);
			memory.push(["used / budget (full)", `${kib(full.usedBytes)} / ${kib(full.budgetBytes)}`]);
			memory.push([
				"fragmentation (steady / full)",
				`${calm.fragmentation.toFixed(3)} / ${full.fragmentation.toFixed(3)}`,
			]);
			memory.push([
				"largest free block (steady / full)",
				`${kib(calm.largestFreeBlock)} / ${kib(full.largestFreeBlock)}`,
			]);
			memory.push(["refused spawns", String(full.refusedSpawns)]);
		}
		world.free();
	}
	rows.push(...timeRows("steady", steady), ...gcRow("steady", steady), []);
	rows.push(...timeRows("burst", bursts), [`burst refused spawns`, ...bursts.map((r) => String(r.refused))]);
	rows.push(...gcRow("burst", bursts));
	console.log(
		`offheap demo: ${options.asteroids} asteroids, budget ${kib(options.budgetBytes)}, seed ${options.seed}; ` +
			`${options.seconds} s of steady state per world, then ${BURST_FRAMES} frames each spawning ${burst}\n`,
	);
	console.log(formatTable(["", ...MODES], rows));
	console.log(`\nThe offheap heap (${kib(options.budgetBytes)} fixed)\n`);
	console.log(formatTable(["", "offheap"], memory));
	console.log(
		`\nHeap maps: ${join(options.out, "heap-map.svg")}, ${join(options.out, "heap-map.png")} (and heap-map-steady.*)`,
	);
}

function writeMaps(world: World, out: string, name: string, title: string): void {
	const blocks = world.heapMap();
	writeFileSync(
		join(out, `${name}.svg`),
		heapMapSvg(blocks, world.heapBytes, { title: `offheap heap map: ${title}` }),
	);
	writeFileSync(
		join(out, `${name}.png`),
		heapMapPng(blocks, world.heapBytes, (data) => deflateSync(data)),
	);
}

async function main(): Promise<void> {
	const defaultOut = resolve(fileURLToPath(new URL("../../out", import.meta.url)));
	const options = parseDemoArgs(process.argv.slice(2), defaultOut);
	if (options.help) {
		console.log(USAGE);
		return;
	}
	if (!collectGarbage())
		console.warn("note: run node with --expose-gc so each phase starts from a collected heap\n");
	if (options.steady !== undefined) await steadyOnly(options, options.steady);
	else await fullRun(options);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	console.error(`\n${USAGE}`);
	process.exitCode = 1;
});
