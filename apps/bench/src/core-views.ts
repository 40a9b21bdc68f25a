import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Heap } from "@offheap/core";

/**
 * Which kind of buffer should back a growable heap? Each variant runs in its own process, so that V8
 * never sees two kinds of typed array at one access site (which would make it polymorphic and slow
 * for every variant alike), and so that one variant's detached buffer (see below) never slows another.
 *
 * Growing an unshared `WebAssembly.Memory` detaches its old buffer, and V8 keeps one process-wide flag
 * (the "array buffer detaching protector") that is cleared by the first detach ever: from then on every
 * typed-array access in the process checks whether its buffer was detached. The "grown once" variants
 * measure after such a growth; a shared memory grows without detaching anything.
 */

const VARIANTS = [
	"plain ArrayBuffer",
	"WebAssembly.Memory buffer",
	"WebAssembly.Memory buffer, grown once",
	"shared WebAssembly.Memory, grown once",
	"resizable ArrayBuffer, fixed-length views",
	"resizable ArrayBuffer, length-tracking views",
	"plain SharedArrayBuffer",
	"growable SharedArrayBuffer, fixed-length views",
	"growable SharedArrayBuffer, length-tracking views",
] as const;

type Variant = (typeof VARIANTS)[number];
const BYTES = 1 << 24;

function makeView(variant: Variant): Uint32Array {
	switch (variant) {
		case "plain ArrayBuffer":
			return new Uint32Array(new ArrayBuffer(BYTES));
		case "WebAssembly.Memory buffer":
			return new Uint32Array(new WebAssembly.Memory({ initial: BYTES / 65536, maximum: 16384 }).buffer);
		case "WebAssembly.Memory buffer, grown once":
		case "shared WebAssembly.Memory, grown once": {
			const shared = variant.startsWith("shared");
			const memory = new WebAssembly.Memory({ initial: BYTES / 65536 - 1, maximum: 16384, shared });
			memory.grow(1);
			return new Uint32Array(memory.buffer);
		}
		case "resizable ArrayBuffer, fixed-length views":
			return new Uint32Array(new ArrayBuffer(BYTES, { maxByteLength: 1 << 30 }), 0, BYTES / 4);
		case "resizable ArrayBuffer, length-tracking views":
			return new Uint32Array(new ArrayBuffer(BYTES, { maxByteLength: 1 << 30 }));
		case "plain SharedArrayBuffer":
			return new Uint32Array(new SharedArrayBuffer(BYTES));
		case "growable SharedArrayBuffer, fixed-length views":
			return new Uint32Array(new SharedArrayBuffer(BYTES, { maxByteLength: 1 << 30 }), 0, BYTES / 4);
		case "growable SharedArrayBuffer, length-tracking views":
			return new Uint32Array(new SharedArrayBuffer(BYTES, { maxByteLength: 1 << 30 }));
	}
}

/** Random u32 reads and writes: M accesses per second, best of 5. */
function randomAccess(view: Uint32Array): number {
	const mask = view.length - 1;
	let best = 0;
	for (let run = 0; run < 5; run++) {
		let seed = 12345;
		let sum = 0;
		const t0 = performance.now();
		for (let i = 0; i < 20_000_000; i++) {
			seed = (seed * 1664525 + 1013904223) >>> 0;
			const j = seed & mask;
			sum = (sum + (view[j] as number)) | 0;
			view[j ^ 1] = sum;
		}
		best = Math.max(best, 40_000 / (performance.now() - t0));
		if (sum === 42) console.log("");
	}
	return best;
}

/** Random churn on a heap built in a buffer of the variant's kind: M ops/s (malloc or free), best of 5. */
function heapChurn(variant: Variant): number {
	let best = 0;
	for (let run = 0; run < 5; run++) {
		const heap = makeHeap(variant);
		const live = new Int32Array(10_000);
		let seed = 99;
		const next = () => {
			seed = (seed * 1664525 + 1013904223) >>> 0;
			return seed;
		};
		for (let i = 0; i < live.length; i++) live[i] = heap.malloc(8 + (next() % 505));
		const steps = 1_000_000;
		const t0 = performance.now();
		for (let s = 0; s < steps; s++) {
			const j = next() % live.length;
			heap.free(live[j] as number);
			live[j] = heap.malloc(8 + (next() % 505));
		}
		best = Math.max(best, (2 * steps) / (performance.now() - t0) / 1e3);
	}
	return best;
}

function makeHeap(variant: Variant): Heap {
	switch (variant) {
		case "WebAssembly.Memory buffer":
			// Big enough that the churn never grows it, so no buffer is ever detached in this process.
			return new Heap({ initialBytes: BYTES, maxBytes: 1 << 30 });
		case "WebAssembly.Memory buffer, grown once":
			return new Heap({ initialBytes: 1 << 20, maxBytes: 1 << 30 });
		case "shared WebAssembly.Memory, grown once":
			return new Heap({ initialBytes: 1 << 20, maxBytes: 1 << 30, shared: true });
		default:
			return new Heap({ buffer: makeView(variant).buffer });
	}
}

export interface ViewsRow {
	variant: string;
	accessMps: number;
	churnMops: number;
}

/**
 * Runs every variant in a child process, `passes` times in alternating order, and keeps each variant's
 * best numbers: one process can be slow as a whole (the same variant varies by 1.5x between processes
 * on these machines), so a single process per variant would compare luck, not buffers.
 */
export function measureViews(passes = 3): ViewsRow[] {
	const script = fileURLToPath(import.meta.url);
	const best = new Map<string, ViewsRow>();
	for (let pass = 0; pass < passes; pass++) {
		const order = pass % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
		for (const variant of order) {
			const row = JSON.parse(
				execFileSync(process.execPath, [script, variant], { encoding: "utf8" }),
			) as ViewsRow;
			const seen = best.get(variant);
			best.set(variant, {
				variant,
				accessMps: Math.max(row.accessMps, seen?.accessMps ?? 0),
				churnMops: Math.max(row.churnMops, seen?.churnMops ?? 0),
			});
		}
	}
	return VARIANTS.map((variant) => best.get(variant) as ViewsRow);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const variant = process.argv[2] as Variant;
	if (!VARIANTS.includes(variant)) throw new Error(`unknown variant ${variant}`);
	const row: ViewsRow = {
		variant,
		accessMps: randomAccess(makeView(variant)),
		churnMops: heapChurn(variant),
	};
	process.stdout.write(JSON.stringify(row));
}
