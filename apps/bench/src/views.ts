/**
 * The `views` section: which kind of buffer should back a growable heap. The measurement itself is
 * `core-views.ts` (each variant in its own process); this turns its rows into the report's table.
 */
import type { BenchOptions } from "./bench-options.ts";
import { measureViews, type ViewsRow } from "./core-views.ts";
import { mops, ratio, table } from "./format.ts";
import type { Section } from "./report.ts";

export async function runViewsBench(options: BenchOptions): Promise<Section> {
	const t0 = performance.now();
	const rows: ViewsRow[] = measureViews();
	options.log(`views: ${rows.length} variants measured in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
	const plain = rows.find((r) => r.variant === "plain ArrayBuffer");
	const rel = (x: number, base: number | undefined): string => (base === undefined ? "n/a" : ratio(x / base));
	const markdown = [
		table(
			["buffer behind the views", "random u32 access", "vs plain", "heap churn, 10k live", "vs plain"],
			rows.map((r) => [
				r.variant,
				`${mops(r.accessMps * 1e6)} M/s`,
				rel(r.accessMps, plain?.accessMps),
				`${mops(r.churnMops * 1e6)} M ops/s`,
				rel(r.churnMops, plain?.churnMops),
			]),
		),
		"",
		"- Best of 5 runs in a process, and the best of 3 processes per variant run in alternating order (one " +
			"process can be slow as a whole); each variant in its own process so no access site sees two kinds of " +
			"typed array. Random access: 20M reads and writes over a 16 MiB view. Churn: 1M steps of free + malloc " +
			"(8–512 B) with 10k live blocks, on a heap built in a buffer of that kind.",
		"- WebAssembly.Memory rows: growing an unshared wasm memory detaches its old buffer, and V8's first detach in a " +
			"process makes every later typed-array access in that process check for detachment. The plain row never " +
			'grows (its heap starts at 16 MiB); the "grown once" rows grow before they are measured (the heap from ' +
			"1 MiB). A shared memory (`shared: true`) grows without detaching anything.",
	].join("\n");
	return { id: "views", title: "Buffers behind a growable heap", markdown, data: { rows } };
}
