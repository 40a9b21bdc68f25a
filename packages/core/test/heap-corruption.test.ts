import { firstDifference } from "@offheap/test-support/refused";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DoubleFreeError, Heap, HeapCorruptionError, InvalidPointerError } from "../src/index.ts";

// What the default (unchecked) heap promises about its own metadata: a small overflow past a block's
// usable end (the classic C bug that rewrites the next block's header and first link) is detected
// before the heap trusts the damaged word, or is harmless; the heap never hands out a block that
// overlaps a live one, and a call that detects corruption leaves every byte as it was.

interface Live {
	ptr: number;
	size: number;
}

type Outcome = "detected" | "detected by check()" | "harmless" | "misblamed" | "overlap";

function xorshift(seed: number): () => number {
	let s = seed | 0 || 1;
	return () => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) / 4294967296;
	};
}

function overlaps(live: readonly Live[], ptr: number, size: number): boolean {
	return live.some((b) => ptr < b.ptr + b.size && b.ptr < ptr + size);
}

/**
 * One trial: random churn, then 1–8 random bytes written past the usable end of a random live block,
 * then random frees, reallocs and mallocs (the damaged block's own free among the first). Returns what
 * became of the corruption.
 */
function trial(seed: number): Outcome {
	const random = xorshift(seed);
	const pick = (n: number) => Math.floor(random() * n);
	const size = () => (random() < 0.8 ? 1 + pick(120) : 1 + pick(3000));
	const heap =
		random() < 0.5
			? new Heap({ initialBytes: 16384, maxBytes: 16384 })
			: new Heap({ initialBytes: 8192, maxBytes: 1 << 18 });
	const live: Live[] = [];
	for (let i = 0; i < 60 + pick(120); i++) {
		if (live.length > 0 && random() < 0.4) {
			const [b] = live.splice(pick(live.length), 1) as [Live];
			heap.free(b.ptr);
		} else {
			const n = size();
			const p = heap.malloc(n);
			if (p !== 0) live.push({ ptr: p, size: heap.usableSize(p) });
		}
	}
	if (live.length === 0) return "harmless";
	const victim = live[pick(live.length)] as Live;
	const garbage = 1 + pick(8);
	for (let i = 0; i < garbage; i++) heap.u8[victim.ptr + victim.size + i] = pick(256);
	// The overflowing block's neighbour, if it is live, is no longer what its owner thinks: leave it out
	// of the overlap check's bytes (its header is the damage), but keep it live.
	const steps = 20 + pick(40);
	for (let step = 0; step < steps; step++) {
		const bytes = heap.u8.slice();
		const stats = heap.stats();
		try {
			const r = random();
			if (live.length > 0 && r < 0.45) {
				const index = step === 0 && random() < 0.5 ? live.indexOf(victim) : pick(live.length);
				const b = live[index] as Live;
				if (random() < 0.3) {
					const n = size();
					const q = heap.realloc(b.ptr, n);
					if (q !== 0) {
						live.splice(index, 1);
						const usable = heap.usableSize(q);
						if (overlaps(live, q, usable)) return "overlap";
						live.push({ ptr: q, size: usable });
					}
				} else {
					heap.free(b.ptr);
					live.splice(index, 1);
				}
			} else {
				const n = size();
				const p = heap.malloc(n, random() < 0.1 ? 64 : undefined);
				if (p !== 0) {
					const usable = heap.usableSize(p);
					if (overlaps(live, p, usable)) return "overlap";
					live.push({ ptr: p, size: usable });
				}
			}
		} catch (error) {
			if (error instanceof HeapCorruptionError) {
				expect(heap.stats(), error.message).toEqual(stats);
				expect(firstDifference(heap.u8, bytes), error.message).toBe(-1);
				return "detected";
			}
			if (error instanceof DoubleFreeError || error instanceof InvalidPointerError) return "misblamed";
			throw error;
		}
	}
	try {
		heap.check();
		return "harmless";
	} catch (error) {
		if (error instanceof HeapCorruptionError) return "detected by check()";
		throw error;
	}
}

describe("a small overflow into the next block's metadata", () => {
	it("never makes the heap hand out an overlapping block, nor blame a double free", () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
				expect(["detected", "detected by check()", "harmless"]).toContain(trial(seed));
			}),
			// 2033698903: a class head overwritten, found by the malloc after settling (the heads are now
			// verified before the cache settles).
			// 656247755: a live block's header overwritten to say free, over an old boundary tag left in its
			// payload (a double free is now blamed only when the block's neighbour and list links agree).
			// A fixed seed keeps CI deterministic; change it locally to search further (two holes were found
			// that way, each about once in a thousand seeds).
			{ numRuns: 300, seed: 20261208, examples: [[2033698903], [656247755]] },
		);
	});

	it("is detected or harmless in at least 99.5% of 2,000 random trials", () => {
		const outcomes = new Map<Outcome, number>();
		for (let seed = 1; seed <= 2000; seed++) {
			const outcome = trial(seed * 7919);
			outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
		}
		const good =
			(outcomes.get("detected") ?? 0) +
			(outcomes.get("detected by check()") ?? 0) +
			(outcomes.get("harmless") ?? 0);
		expect(outcomes.get("overlap") ?? 0).toBe(0);
		expect(good / 2000, JSON.stringify([...outcomes])).toBeGreaterThanOrEqual(0.995);
	});
});
