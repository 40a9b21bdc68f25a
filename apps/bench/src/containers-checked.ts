/**
 * Part of the `containers` section: what the debugging checks of a checked heap
 * (`new Heap({ checked: true })`) cost vectors and lists. A vector on a checked heap poisons its spare
 * capacity and verifies it before every resize; a list gives every removed node back to the heap (no
 * spares), whose checker records where each node was allocated and freed and validates every node
 * handle. Run in a child process of its own by containers.ts.
 */
import { Heap } from "@offheap/core";
import { List } from "@offheap/list";
import { f64, u32 } from "@offheap/struct";
import { Vector } from "@offheap/vector";
import { int, ms, ratio, table } from "./format.ts";
import { collectGarbage, median } from "./measure.ts";

type HeapKind = "plain" | "checked" | "checked, stacks off";

const HEAP_KINDS: readonly HeapKind[] = ["plain", "checked", "checked, stacks off"];

function makeHeap(kind: HeapKind): Heap {
	if (kind === "plain") return new Heap({ maxBytes: 1 << 30 });
	return new Heap({ maxBytes: 1 << 30, checked: kind === "checked" ? true : { stacks: false } });
}

/** Pushes `n` f64 and pops them again, four times; returns the milliseconds. */
function vectorRun(kind: HeapKind, n: number): number {
	const heap = makeHeap(kind);
	const v = new Vector(heap, f64);
	const t0 = performance.now();
	let sum = 0;
	for (let round = 0; round < 4; round++) {
		for (let i = 0; i < n; i++) v.push(i * 0.5);
		for (let i = 0; i < n; i++) sum += v.pop() as number;
	}
	const t1 = performance.now();
	v.free();
	if (sum !== 4 * 0.25 * n * (n - 1)) throw new Error(`vector on a ${kind} heap: wrong sum ${sum}`);
	return t1 - t0;
}

/** `n` queue steps (push back, pop front) over 1,000 items, then `n` moves of a node to the back. */
function listRun(kind: HeapKind, n: number): number {
	const heap = makeHeap(kind);
	const list = new List(heap, u32);
	const handles = new Uint32Array(1000);
	for (let i = 0; i < 1000; i++) handles[i] = list.pushBack(i);
	const t0 = performance.now();
	let sum = 0;
	for (let i = 0; i < n; i++) {
		list.pushBack(i);
		sum += list.popFront() as number;
	}
	for (let i = 0; i < n; i++) list.moveToBack(list.first);
	const t1 = performance.now();
	list.free();
	// Pops return the first 1,000 items, then the first n - 1,000 pushed.
	const expected = (999 * 1000) / 2 + ((n - 1000) * (n - 1001)) / 2;
	if (n >= 1000 && sum !== expected) throw new Error(`list on a ${kind} heap: wrong sum ${sum}`);
	return t1 - t0;
}

/** Interleaved rounds of every heap kind for one container; medians in milliseconds. */
function measureKinds(run: (kind: HeapKind) => number, runs: number): Map<HeapKind, number> {
	const samples = new Map<HeapKind, number[]>(HEAP_KINDS.map((k) => [k, []]));
	for (const kind of HEAP_KINDS) run(kind); // warm-up
	for (let round = 0; round < runs; round++) {
		for (const kind of round % 2 === 0 ? HEAP_KINDS : [...HEAP_KINDS].reverse()) {
			collectGarbage();
			samples.get(kind)?.push(run(kind));
		}
	}
	return new Map(HEAP_KINDS.map((k) => [k, median(samples.get(k) ?? [])]));
}

/** The table of the checked-heap costs, as Markdown. */
export function measureCheckedHeaps(quick: boolean, runs: number): { markdown: string } {
	const vectorN = quick ? 20_000 : 100_000;
	const listN = quick ? 2_000 : 10_000;
	const vector = measureKinds((kind) => vectorRun(kind, vectorN), runs);
	const list = measureKinds((kind) => listRun(kind, listN), runs);
	const rows = (what: string, times: Map<HeapKind, number>): string[][] => {
		const plain = times.get("plain") ?? Number.NaN;
		return HEAP_KINDS.map((kind) => {
			const t = times.get(kind) ?? Number.NaN;
			return [what, kind, ms(t), ratio(t / plain)];
		});
	};
	const markdown = [
		table(
			["container", "heap", "median", "time ÷ plain heap"],
			[
				...rows(`Vector<f64>: ${int(vectorN)} pushes then pops, 4 times`, vector),
				...rows(`List<u32>: ${int(listN)} queue steps and ${int(listN)} moves`, list),
			],
			["left", "left", "right", "right"],
		),
		"",
		"- plain: the default heap. The checks cost nothing there: the only trace of checked mode on the hot paths",
		"  is one test of a field that is false (measured with and without it, interleaved: within the noise).",
		"- checked: `new Heap({ checked: true })`. The vector poisons what `pop` gives back and verifies its spare",
		"  capacity before each resize; the list frees every removed node (no spares), and the heap records a stack",
		"  trace at every allocation and free and validates every node handle, which dominates.",
		"- checked, stacks off: `checked: { stacks: false }`, the same checks without the stack traces.",
	].join("\n");
	return { markdown };
}
