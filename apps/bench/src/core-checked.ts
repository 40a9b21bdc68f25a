import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Heap } from "@offheap/core";
import type { BenchOptions } from "./bench-options.ts";
import { mops, ratio, table } from "./format.ts";
import type { Section } from "./report.ts";

/**
 * What checked mode costs. Each variant runs in its own process, so the unchecked heap's call sites
 * never see a checked heap (whose methods are own properties) and stay exactly as in production.
 */

const VARIANTS = [
	"checked mode off (default)",
	"checked, no stack traces",
	"checked, with stack traces",
] as const;
type Variant = (typeof VARIANTS)[number];

const LIVE = 10_000;

function makeHeap(variant: Variant): Heap {
	const options = { initialBytes: 1 << 20, maxBytes: 1 << 30 };
	if (variant === "checked mode off (default)") return new Heap(options);
	return new Heap({ ...options, checked: { stacks: variant === "checked, with stack traces" } });
}

/** Random churn, 8–512 B, 10k live blocks: M ops/s (malloc or free), best of 3. */
function churn(variant: Variant, steps: number): number {
	let best = 0;
	for (let run = 0; run < 3; run++) {
		const heap = makeHeap(variant);
		const live = new Int32Array(LIVE);
		let seed = 7;
		const next = (): number => {
			seed = (seed * 1664525 + 1013904223) >>> 0;
			return seed;
		};
		for (let i = 0; i < LIVE; i++) live[i] = heap.malloc(8 + (next() % 505));
		const t0 = performance.now();
		for (let s = 0; s < steps; s++) {
			const j = next() % LIVE;
			heap.free(live[j] as number);
			live[j] = heap.malloc(8 + (next() % 505));
		}
		best = Math.max(best, (2 * steps) / (performance.now() - t0) / 1e3);
		heap.check();
	}
	return best;
}

interface CheckedRow {
	variant: string;
	mops: number;
}

export async function runCheckedBench(options: BenchOptions): Promise<Omit<Section, "id">> {
	const script = fileURLToPath(import.meta.url);
	const steps = options.quick ? 50_000 : 200_000;
	// A stack trace costs tens of microseconds: that variant runs a tenth of the steps.
	const stepsOf = (variant: Variant): number =>
		variant === "checked, with stack traces" ? steps / 10 : steps;
	const rows = VARIANTS.map((variant) => {
		const out = execFileSync(process.execPath, [script, variant, String(stepsOf(variant))], {
			encoding: "utf8",
		});
		return JSON.parse(out) as CheckedRow;
	});
	const off = rows[0]?.mops ?? Number.NaN;
	options.log(`checked: ${rows.map((r) => `${r.variant} ${r.mops.toFixed(2)} M ops/s`).join(", ")}`);
	const markdown = [
		table(
			["heap", "random churn, 10k live blocks", "vs off"],
			rows.map((r) => [
				r.variant,
				`${mops(r.mops * 1e6)} M ops/s`,
				`${ratio(r.mops / off)} (1/${Math.round(off / r.mops)})`,
			]),
		),
		"",
		`- ${steps.toLocaleString("en-US")} steps of free + malloc (8–512 B; a tenth of that with stack traces), best of 3 runs, each variant in its own ` +
			"process. Checked mode adds 40 B of redzone per block, fills every block on malloc and free, holds 1 MiB " +
			"of freed blocks in quarantine, and (with stacks) captures a stack trace per malloc and free.",
	].join("\n");
	return { title: "Checked mode: what the debugging allocator costs", markdown, data: { rows, steps } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const variant = process.argv[2] as Variant;
	if (!VARIANTS.includes(variant)) throw new Error(`unknown variant ${variant}`);
	const row: CheckedRow = { variant, mops: churn(variant, Number(process.argv[3])) };
	process.stdout.write(JSON.stringify(row));
}
