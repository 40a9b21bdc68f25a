import { FaultyAllocator, failAfter, Heap, OutOfMemoryError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { downgrade, type Rc, RcSpace, release, releaseWeak } from "../src/index.ts";
import { occupancy } from "./helpers.ts";

/** Node: three owned children (u32 addresses) and a weak parent (u32 address). */
const NODE = { size: 16, align: 8 };

interface Run {
	heap: Heap;
	allocator: FaultyAllocator;
	/** Whether failures go on once they start (else only one request fails). */
	persistent: boolean;
	failures: number;
	space?: RcSpace | undefined;
}

function snapshot(run: Run): unknown {
	return { bytes: run.heap.u8.slice(), heap: run.heap.stats(), space: run.space?.stats() };
}

/**
 * Runs one allocating step. When the allocator fails it, checks that nothing changed and the heap is
 * sound; then, if failures are one-off, runs it again (it must succeed), else gives up (undefined).
 */
function step<T>(run: Run, attempt: () => T, failed: (result: T) => boolean): T | undefined {
	const before = snapshot(run);
	const calls = run.allocator.failures;
	let result: T | undefined;
	let threw = false;
	try {
		result = attempt();
	} catch (error) {
		if (!(error instanceof OutOfMemoryError)) throw error;
		threw = true;
	}
	if (!threw && !failed(result as T)) return result;
	expect(run.allocator.failures).toBe(calls + 1);
	expect(snapshot(run)).toEqual(before);
	run.space?.check();
	run.heap.check();
	run.failures++;
	if (run.persistent) return undefined;
	result = attempt();
	expect(failed(result)).toBe(false);
	return result;
}

/** Builds a small tree of values with every kind of allocation call, then releases everything. */
function scenario(run: Run): void {
	const never = () => false;
	run.space = step(run, () => new RcSpace(run.allocator), never);
	const space = run.space;
	if (space === undefined) return;
	const Node = step(
		run,
		() =>
			space.kind({
				name: "Node",
				type: NODE,
				drop: (ptr, s) => {
					const u32 = s.heap.u32;
					const fields = [u32[ptr >>> 2], u32[(ptr >>> 2) + 1], u32[(ptr >>> 2) + 2], u32[(ptr >>> 2) + 3]];
					for (let i = 0; i < 3; i++) release(s, fields[i] as number);
					releaseWeak(s, fields[3] as number);
				},
			}),
		never,
	);
	const Leaf = step(run, () => space.kind({ name: "Leaf", type: { size: 4, align: 4 } }), never);
	const handles: Rc[] = [];
	if (Node !== undefined && Leaf !== undefined) {
		const root = step(run, () => space.alloc(Node), never);
		if (root !== undefined) {
			handles.push(root);
			for (let i = 0; i < 3; i++) {
				const child =
					i === 0
						? step(
								run,
								() => space.tryAlloc(Node),
								(r) => r === null,
							)?.intoRaw()
						: step(
								run,
								() => space.allocRaw(i === 1 ? Node : Leaf),
								(p) => p === 0,
							);
				if (child === undefined) break;
				if (i < 2) {
					downgrade(space, root.ptr);
					space.heap.u32[(child >>> 2) + 3] = root.ptr;
				}
				space.heap.u32[(root.ptr >>> 2) + i] = child;
			}
		}
		const extra = step(
			run,
			() => space.tryAlloc(Leaf),
			(r) => r === null,
		);
		if (extra !== null && extra !== undefined) {
			handles.push(extra.clone(), extra);
			const weak = extra.downgrade();
			handles.push(weak.upgrade() as Rc);
			weak.release();
		}
	}
	for (const h of handles) h.release();
	expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0 });
	space.free();
}

function callsOfACleanRun(): number {
	const heap = new Heap();
	const allocator = new FaultyAllocator(heap, () => false);
	scenario({ heap, allocator, persistent: false, failures: 0 });
	return allocator.requests;
}

describe("fault injection", () => {
	const total = callsOfACleanRun();

	it("needs several allocations, each of which is tried failing below", () => {
		expect(total).toBe(8); // control block, 2 kind records, root, 3 children, 1 leaf
	});

	it.each(Array.from({ length: total }, (_, i) => i + 1))(
		"survives a failure of allocation %i: nothing changes, the retry works, nothing leaks",
		(nth) => {
			const heap = new Heap();
			const start = occupancy(heap);
			const allocator = new FaultyAllocator(heap, (request) => request === nth);
			const run: Run = { heap, allocator, persistent: false, failures: 0 };
			scenario(run);
			expect(run.failures).toBe(1);
			expect(occupancy(heap)).toEqual(start);
			heap.check();
		},
	);

	it.each(Array.from({ length: total }, (_, i) => i + 1))(
		"gives up cleanly when every allocation fails from call %i on: nothing leaks",
		(nth) => {
			const heap = new Heap();
			const start = occupancy(heap);
			const run: Run = { heap, allocator: failAfter(heap, nth - 1), persistent: true, failures: 0 };
			scenario(run);
			expect(run.failures).toBeGreaterThanOrEqual(1);
			expect(occupancy(heap)).toEqual(start);
			heap.check();
		},
	);
});
