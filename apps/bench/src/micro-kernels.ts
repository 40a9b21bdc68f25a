/**
 * Micro-benchmark kernels, one function per workload and allocator kind so each loop stays monomorphic.
 * Each builds a fresh allocator, does its setup untimed, and times only the workload. Each writes one
 * stamp byte per block and checks it before the block is freed; a mismatch throws.
 */
import { Heap } from "@offheap/core";
import { MemPool } from "@thi.ng/malloc";
import { fillIn } from "./format.ts";
import { CHUNK, OFFHEAP_OPTIONS, THING_POOL_BYTES } from "./replay.ts";

export interface MicroRun {
	ms: number;
	/** Highest address handed out, setup included (0 for the baseline). */
	footprint: number;
}

/** A random-churn workload: `init` sizes fill the live set, then step `k` replaces slot `slot[k]` by a block of `size[k]`. */
export interface ChurnPlan {
	init: Uint32Array;
	slot: Uint32Array;
	size: Uint32Array;
}

/** Stamp byte of the block allocated at step `k` (never 0). */
function tagOf(k: number): number {
	return (k & 127) | 128;
}

/** The error a kernel throws; each `#` in `what` stands for the next of `values` (see `fillIn`). */
function broken(kind: string, what: string, ...values: readonly number[]): Error {
	return new Error(`${kind}: ${fillIn(what, ...values)}`);
}

/** Shared by the baseline kernels: a freed slot holds this instead of a block, keeping the array monomorphic. */
const EMPTY = new Uint8Array(0);

// ------------------------------------------------------------------- LIFO: malloc(16) then free, n times

export function lifoOffheap(n: number): MicroRun {
	const heap = new Heap(OFFHEAP_OPTIONS);
	let footprint = 0;
	const t0 = performance.now();
	for (let i = 0; i < n; i++) {
		const p = heap.malloc(16);
		if (p === 0) throw broken("offheap LIFO", "malloc returned NULL");
		heap.u8[p] = tagOf(i);
		if (p + 16 > footprint) footprint = p + 16;
		heap.free(p);
	}
	return { ms: performance.now() - t0, footprint };
}

export function lifoThing(n: number): MicroRun {
	const pool = new MemPool({ size: THING_POOL_BYTES });
	const u8 = new Uint8Array(pool.buf);
	let footprint = 0;
	const t0 = performance.now();
	for (let i = 0; i < n; i++) {
		const p = pool.malloc(16);
		if (p === 0) throw broken("@thi.ng/malloc LIFO", "malloc returned NULL");
		u8[p] = tagOf(i);
		if (p + 16 > footprint) footprint = p + 16;
		pool.free(p);
	}
	return { ms: performance.now() - t0, footprint };
}

export function lifoBaseline(n: number): MicroRun {
	// The last few blocks are kept reachable so the JIT cannot drop the allocation.
	const ring: Uint8Array[] = [EMPTY, EMPTY, EMPTY, EMPTY];
	const t0 = performance.now();
	for (let i = 0; i < n; i++) {
		const b = new Uint8Array(16);
		b[0] = tagOf(i);
		ring[i & 3] = b;
	}
	const elapsed = performance.now() - t0;
	if (ring[(n - 1) & 3]?.[0] !== tagOf(n - 1)) throw broken("baseline LIFO", "lost a block");
	return { ms: elapsed, footprint: 0 };
}

// ------------------------------------------------------------------- random churn over a live set

export function churnOffheap(plan: ChurnPlan, steps: number): MicroRun {
	const heap = new Heap(OFFHEAP_OPTIONS);
	const { init } = plan;
	const live = init.length;
	const ptrs = new Int32Array(live);
	const tags = new Uint8Array(live);
	let footprint = 0;
	for (let j = 0; j < live; j++) {
		const p = heap.malloc(init[j]);
		if (p === 0) throw broken("offheap churn", "malloc returned NULL");
		heap.u8[p] = tags[j] = tagOf(j);
		ptrs[j] = p;
		if (p + init[j] > footprint) footprint = p + init[j];
	}
	const t0 = performance.now();
	for (let from = 0; from < steps; from += CHUNK) {
		footprint = churnOffheapSteps(heap, ptrs, tags, plan, from, Math.min(steps, from + CHUNK), footprint);
	}
	return { ms: performance.now() - t0, footprint };
}

/** Steps `from` to `to` of {@link churnOffheap} (in chunks, like the replays); returns the footprint. */
function churnOffheapSteps(
	heap: Heap,
	ptrs: Int32Array,
	tags: Uint8Array,
	plan: ChurnPlan,
	from: number,
	to: number,
	fp: number,
): number {
	const { slot, size } = plan;
	let footprint = fp;
	for (let k = from; k < to; k++) {
		const j = slot[k];
		const s = size[k];
		const old = ptrs[j];
		if (heap.u8[old] !== tags[j]) throw broken("offheap churn", "block in slot # corrupted at step #", j, k);
		heap.free(old);
		const p = heap.malloc(s);
		if (p === 0) throw broken("offheap churn", "malloc returned NULL");
		heap.u8[p] = tags[j] = tagOf(k);
		ptrs[j] = p;
		if (p + s > footprint) footprint = p + s;
	}
	return footprint;
}

export function churnThing(plan: ChurnPlan, steps: number): MicroRun {
	const pool = new MemPool({ size: THING_POOL_BYTES });
	const u8 = new Uint8Array(pool.buf);
	const { init } = plan;
	const live = init.length;
	const ptrs = new Int32Array(live);
	const tags = new Uint8Array(live);
	let footprint = 0;
	for (let j = 0; j < live; j++) {
		const p = pool.malloc(init[j]);
		if (p === 0) throw broken("@thi.ng/malloc churn", "malloc returned NULL");
		u8[p] = tags[j] = tagOf(j);
		ptrs[j] = p;
		if (p + init[j] > footprint) footprint = p + init[j];
	}
	const t0 = performance.now();
	for (let from = 0; from < steps; from += CHUNK) {
		footprint = churnThingSteps(pool, u8, ptrs, tags, plan, from, Math.min(steps, from + CHUNK), footprint);
	}
	return { ms: performance.now() - t0, footprint };
}

/** Steps `from` to `to` of {@link churnThing}; returns the footprint. */
function churnThingSteps(
	pool: MemPool,
	u8: Uint8Array,
	ptrs: Int32Array,
	tags: Uint8Array,
	plan: ChurnPlan,
	from: number,
	to: number,
	fp: number,
): number {
	const { slot, size } = plan;
	let footprint = fp;
	for (let k = from; k < to; k++) {
		const j = slot[k];
		const s = size[k];
		const old = ptrs[j];
		if (u8[old] !== tags[j])
			throw broken("@thi.ng/malloc churn", "block in slot # corrupted at step #", j, k);
		if (!pool.free(old)) throw broken("@thi.ng/malloc churn", "free of slot # failed at step #", j, k);
		const p = pool.malloc(s);
		if (p === 0) throw broken("@thi.ng/malloc churn", "malloc returned NULL");
		u8[p] = tags[j] = tagOf(k);
		ptrs[j] = p;
		if (p + s > footprint) footprint = p + s;
	}
	return footprint;
}

export function churnBaseline(plan: ChurnPlan, steps: number): MicroRun {
	const { init } = plan;
	const live = init.length;
	const blocks: Uint8Array[] = [];
	const tags = new Uint8Array(live);
	for (let j = 0; j < live; j++) {
		const b = new Uint8Array(init[j]);
		b[0] = tags[j] = tagOf(j);
		blocks.push(b);
	}
	const t0 = performance.now();
	for (let from = 0; from < steps; from += CHUNK) {
		churnBaselineSteps(blocks, tags, plan, from, Math.min(steps, from + CHUNK));
	}
	return { ms: performance.now() - t0, footprint: 0 };
}

/** Steps `from` to `to` of {@link churnBaseline}. */
function churnBaselineSteps(
	blocks: Uint8Array[],
	tags: Uint8Array,
	plan: ChurnPlan,
	from: number,
	to: number,
): void {
	const { slot, size } = plan;
	for (let k = from; k < to; k++) {
		const j = slot[k];
		if (blocks[j]?.[0] !== tags[j])
			throw broken("baseline churn", "block in slot # corrupted at step #", j, k);
		const b = new Uint8Array(size[k]);
		b[0] = tags[j] = tagOf(k);
		blocks[j] = b;
	}
}

// ------------------------------------------------------------------- fragmentation

/*
 * n live 16-B blocks (setup, untimed); timed: free every other one, then allocate n/2 blocks of 24 B,
 * which do not fit the 16-B holes unless the allocator coalesces or splits well. Afterwards (untimed)
 * every live block's stamp is checked.
 */

export function fragOffheap(n: number): MicroRun {
	const heap = new Heap(OFFHEAP_OPTIONS);
	const ptrs = new Int32Array(n);
	let footprint = 0;
	for (let i = 0; i < n; i++) {
		const p = heap.malloc(16);
		if (p === 0) throw broken("offheap fragmentation", "malloc returned NULL");
		heap.u8[p] = tagOf(i);
		ptrs[i] = p;
		if (p + 16 > footprint) footprint = p + 16;
	}
	const t0 = performance.now();
	for (let i = 0; i < n; i += 2) heap.free(ptrs[i]);
	for (let i = 0; i < n; i += 2) {
		const p = heap.malloc(24);
		if (p === 0) throw broken("offheap fragmentation", "malloc returned NULL");
		heap.u8[p] = tagOf(i);
		ptrs[i] = p;
	}
	const elapsed = performance.now() - t0;
	const u8 = heap.u8;
	for (let i = 0; i < n; i++) {
		const p = ptrs[i];
		if (u8[p] !== tagOf(i)) throw broken("offheap fragmentation", "block # corrupted", i);
		const end = p + ((i & 1) === 0 ? 24 : 16);
		if (end > footprint) footprint = end;
	}
	return { ms: elapsed, footprint };
}

export function fragThing(n: number): MicroRun {
	const pool = new MemPool({ size: THING_POOL_BYTES });
	const u8 = new Uint8Array(pool.buf);
	const ptrs = new Int32Array(n);
	let footprint = 0;
	for (let i = 0; i < n; i++) {
		const p = pool.malloc(16);
		if (p === 0) throw broken("@thi.ng/malloc fragmentation", "malloc returned NULL");
		u8[p] = tagOf(i);
		ptrs[i] = p;
		if (p + 16 > footprint) footprint = p + 16;
	}
	const t0 = performance.now();
	for (let i = 0; i < n; i += 2) {
		if (!pool.free(ptrs[i])) throw broken("@thi.ng/malloc fragmentation", "free of block # failed", i);
	}
	for (let i = 0; i < n; i += 2) {
		const p = pool.malloc(24);
		if (p === 0) throw broken("@thi.ng/malloc fragmentation", "malloc returned NULL");
		u8[p] = tagOf(i);
		ptrs[i] = p;
	}
	const elapsed = performance.now() - t0;
	for (let i = 0; i < n; i++) {
		const p = ptrs[i];
		if (u8[p] !== tagOf(i)) throw broken("@thi.ng/malloc fragmentation", "block # corrupted", i);
		const end = p + ((i & 1) === 0 ? 24 : 16);
		if (end > footprint) footprint = end;
	}
	return { ms: elapsed, footprint };
}

export function fragBaseline(n: number): MicroRun {
	const blocks: Uint8Array[] = [];
	for (let i = 0; i < n; i++) {
		const b = new Uint8Array(16);
		b[0] = tagOf(i);
		blocks.push(b);
	}
	const t0 = performance.now();
	for (let i = 0; i < n; i += 2) blocks[i] = EMPTY;
	for (let i = 0; i < n; i += 2) {
		const b = new Uint8Array(24);
		b[0] = tagOf(i);
		blocks[i] = b;
	}
	const elapsed = performance.now() - t0;
	for (let i = 0; i < n; i++)
		if (blocks[i]?.[0] !== tagOf(i)) throw broken("baseline fragmentation", "block # corrupted", i);
	return { ms: elapsed, footprint: 0 };
}
