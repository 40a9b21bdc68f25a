import { Heap } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { type RcLeak, RcSpace } from "../src/index.ts";

// The package's vitest config runs node with --expose-gc: a FinalizationRegistry reports only what the
// collector reclaimed, so these tests collect on purpose.
const collect = (globalThis as { gc?: () => void }).gc;

/** Collects garbage and lets finalization callbacks run, until `done()` or `rounds` rounds. */
async function collectUntil(done: () => boolean, rounds = 20): Promise<void> {
	expect(typeof collect).toBe("function");
	for (let round = 0; round < rounds && !done(); round++) {
		(collect as () => void)();
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

const cell = { size: 8, align: 8 };

/** Creates handles and drops them on the floor without releasing them. */
function leakSome(space: RcSpace): number {
	const Cell = space.kindOf(space.allocRaw(space.kind({ name: "Leaky", type: cell })));
	if (Cell === undefined) throw new Error("unreachable");
	const strong = space.alloc(Cell);
	strong.downgrade();
	return strong.intoRaw(); // the strong handle is accounted for; the weak one is lost
}

describe("leak detection", () => {
	it("reports handles collected without being released, with where they were created", async () => {
		const heap = new Heap();
		const space = new RcSpace(heap, { leakDetection: true });
		const Cell = space.kind({ name: "Cell", type: cell });
		const ptrs: number[] = [];
		(() => {
			for (let i = 0; i < 3; i++) ptrs.push(space.alloc(Cell).ptr); // lost strong handles
		})();
		const kept = space.alloc(Cell);
		(() => {
			kept.clone().release(); // released: not a leak
			using scoped = kept.clone(); // disposed: not a leak
			expect(scoped.strongCount).toBe(2);
		})();
		const leaks: RcLeak[] = [];
		await collectUntil(() => {
			leaks.push(...space.takeLeaks());
			return leaks.length >= 3;
		});
		expect(leaks.map((l) => l.ptr).sort()).toEqual([...ptrs].sort());
		for (const leak of leaks) {
			expect(leak.kind).toBe("Cell");
			expect(leak.strength).toBe("strong");
			expect(leak.stack).toContain("leak-tracker.test.ts");
		}
		// The leaked counts are still held: the values stay alive until someone releases them.
		expect(space.stats().liveValues).toBe(4);
		expect(kept.strongCount).toBe(1);
	});

	it("passes leaks to onLeak, weak handles included, and not handles turned into raw addresses", async () => {
		const heap = new Heap();
		const reported: RcLeak[] = [];
		const space = new RcSpace(heap, { leakDetection: true, onLeak: (leak) => reported.push(leak) });
		const ptr = leakSome(space);
		await collectUntil(() => reported.length >= 1);
		await collectUntil(() => false, 3); // a few more rounds: nothing else may be reported
		expect(reported).toHaveLength(1);
		expect(reported[0]).toMatchObject({ kind: "Leaky", ptr, strength: "weak" });
		expect(space.takeLeaks()).toEqual([]);
	});

	it("is off by default: handles are not registered and nothing is reported", () => {
		const space = new RcSpace(new Heap());
		expect(space.leakDetection).toBe(false);
		expect(space.tracker).toBeUndefined();
		leakSome(space);
		expect(space.takeLeaks()).toEqual([]);
	});
});
