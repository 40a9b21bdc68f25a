/**
 * Trace replay kernels: one function per allocator kind, so that each loop sees one allocator class and
 * stays monomorphic. The three are the same loop; keep them in step when changing one.
 *
 * Every kernel stamps each block on allocation and verifies it on free and realloc (see `stamp.ts`),
 * checks that calloc memory reads zero and that no allocation returns NULL, and throws on any failure.
 * Each keeps its blocks in a table indexed by the trace's dense handle slots ({@link Trace.slot}): an
 * Int32Array of pointers for offheap and @thi.ng/malloc, an array of `Uint8Array` for the baseline.
 * Only the loop is timed: creating the allocator and the handle table is not. The loop is a function of
 * its own, called on chunks of {@link CHUNK} operations: V8 then compiles it as an ordinary hot function
 * whose code survives the GC between runs, instead of compiling it on the stack (OSR) at the start of
 * every run while the first thousands of operations run unoptimized. All three kernels do the same.
 */
import { Heap, type HeapOptions } from "@offheap/core";
import { MemPool } from "@thi.ng/malloc";
import { fillIn } from "./format.ts";
import * as stamps from "./stamp.ts";
import type { Trace } from "./trace-parser.ts";
import * as traceOps from "./trace-parser.ts";

// Module-local copies of the imported helpers, for every kernel alike: V8 reads an imported binding from
// its module on every use, with a check that it is initialized.
const { stamp, stampBytes, stampBytesOk, stampOf, stampOk, zeroBytesOk, zeroOk } = stamps;

// The kernels compare operation codes with literals (named in a comment at each use): even a module-local
// constant is read from the module's context, with a check that it is initialized, at every use in a loop
// (measured on the sqlite3 replay: 5% of the instructions of the whole offheap replay). These must match
// trace-parser's codes; checked once, here.
if (
	traceOps.OP_MALLOC !== 0 ||
	traceOps.OP_CALLOC !== 1 ||
	traceOps.OP_REALLOC !== 2 ||
	traceOps.OP_FREE !== 3 ||
	traceOps.OP_MEMALIGN !== 4
) {
	throw new Error("replay.ts: the literal operation codes no longer match trace-parser.ts");
}

/** What one replay measured. */
export interface ReplayRun {
	/** Milliseconds of the replay loop. */
	ms: number;
	/** Highest address handed out: max over all blocks of `ptr + size` (0 for the baseline). */
	footprint: number;
	/** Allocator-specific figures read after the loop (untimed). */
	extra: Record<string, number>;
}

/** Size of the fixed buffer given to @thi.ng/malloc (it cannot grow), and to offheap's graded heap. */
export const THING_POOL_BYTES = 64 << 20;
/**
 * Options of the offheap heap of the graded replays and micro benchmarks: a fixed budget of the same size
 * as @thi.ng/malloc's buffer, so both allocators work on the same terms.
 */
export const OFFHEAP_OPTIONS: HeapOptions = { initialBytes: THING_POOL_BYTES, maxBytes: THING_POOL_BYTES };
/**
 * Options of the growable heap also reported: from 1 MiB up to 1 GiB. Its first growth detaches the
 * old buffer, after which V8 checks every typed-array access in the process for detachment (see
 * docs/guides/performance.md), so these replays run after everything else in the section.
 */
export const GROWABLE_OPTIONS: HeapOptions = { initialBytes: 1 << 20, maxBytes: 1 << 30 };

/** Operations per call of a replay loop. */
export const CHUNK = 65536;

/** The error a kernel throws when a check fails; `#` in `what` stands for `value` (see `fillIn`). */
function fail(kind: string, trace: Trace, i: number, what: string, value = 0): Error {
	return new Error(`${kind} replay of ${trace.name}: ${fillIn(what, value)} at operation ${i + 1}`);
}

/** Replays the first `ops` operations of `trace` on a fresh offheap `Heap` made with `options`. */
export function replayOffheap(trace: Trace, ops: number, options: HeapOptions = OFFHEAP_OPTIONS): ReplayRun {
	const heap = new Heap(options);
	const ptrs = new Int32Array(trace.slotCount);
	let footprint = 0;
	const t0 = performance.now();
	for (let from = 0; from < ops; from += CHUNK) {
		footprint = offheapLoop(heap, ptrs, trace, from, Math.min(ops, from + CHUNK), footprint);
	}
	const ms = performance.now() - t0;
	const st = heap.stats();
	return {
		ms,
		footprint,
		extra: { highWaterBytes: st.highWaterBytes, heapBytes: st.heapBytes, liveBlocks: st.liveBlocks },
	};
}

/** Operations `from` to `to` of {@link replayOffheap}; returns the footprint so far. */
function offheapLoop(
	heap: Heap,
	ptrs: Int32Array,
	trace: Trace,
	from: number,
	to: number,
	fp: number,
): number {
	const { op, id, arg, size, slot, oldSize } = trace;
	let u8 = heap.u8;
	let u32 = heap.u32;
	let footprint = fp;
	for (let i = from; i < to; i++) {
		const o = op[i];
		const a = id[i];
		const j = slot[i];
		if (o === 3 /* OP_FREE */) {
			const p = ptrs[j];
			const s = oldSize[i];
			if (!stampOk(u8, u32, p, s, stampOf(a), s)) throw fail("offheap", trace, i, "block # corrupted", a);
			heap.free(p);
		} else if (o === 2 /* OP_REALLOC */) {
			const b = arg[i];
			const s = size[i];
			const old = oldSize[i];
			const q = heap.realloc(ptrs[j], s);
			if (q === 0) throw fail("offheap", trace, i, "realloc to # B returned NULL", s);
			u8 = heap.u8;
			u32 = heap.u32;
			if (!stampOk(u8, u32, q, old, stampOf(a), Math.min(s, old))) {
				throw fail("offheap", trace, i, "realloc lost the contents of block #", a);
			}
			stamp(u8, u32, q, s, stampOf(b));
			ptrs[j] = q;
			if (q + s > footprint) footprint = q + s;
		} else {
			const s = size[i];
			const p =
				o === 0 /* OP_MALLOC */
					? heap.malloc(s)
					: o === 1 /* OP_CALLOC */
						? heap.calloc(1, s)
						: heap.malloc(s, arg[i]);
			if (p === 0) throw fail("offheap", trace, i, "allocation of # B returned NULL", s);
			u8 = heap.u8;
			u32 = heap.u32;
			if (o === 1 /* OP_CALLOC */ && !zeroOk(u8, u32, p, s))
				throw fail("offheap", trace, i, "calloc memory not zero");
			if (o === 4 /* OP_MEMALIGN */ && p % arg[i] !== 0)
				throw fail("offheap", trace, i, "misaligned block #", p);
			stamp(u8, u32, p, s, stampOf(a));
			ptrs[j] = p;
			if (p + s > footprint) footprint = p + s;
		}
	}
	return footprint;
}

/**
 * Replays the first `ops` operations of `trace` on a fresh @thi.ng/malloc `MemPool`. Adaptations (the
 * pool has no such calls): a size-0 request asks for 1 byte, because `malloc(0)` returns 0 there; an
 * aligned request ignores its alignment (the pool aligns to 8; the traces hold no aligned requests).
 */
export function replayThing(trace: Trace, ops: number): ReplayRun {
	const pool = new MemPool({ size: THING_POOL_BYTES });
	const ptrs = new Int32Array(trace.slotCount);
	const u8 = new Uint8Array(pool.buf);
	const u32 = new Uint32Array(pool.buf);
	let footprint = 0;
	const t0 = performance.now();
	for (let from = 0; from < ops; from += CHUNK) {
		footprint = thingLoop(pool, u8, u32, ptrs, trace, from, Math.min(ops, from + CHUNK), footprint);
	}
	const ms = performance.now() - t0;
	const st = pool.stats();
	return { ms, footprint, extra: { usedBlocks: st.used.count, usedBytes: st.used.size, top: st.top } };
}

/** Operations `from` to `to` of {@link replayThing}; returns the footprint so far. */
function thingLoop(
	pool: MemPool,
	u8: Uint8Array,
	u32: Uint32Array,
	ptrs: Int32Array,
	trace: Trace,
	from: number,
	to: number,
	fp: number,
): number {
	const { op, id, arg, size, slot, oldSize } = trace;
	let footprint = fp;
	for (let i = from; i < to; i++) {
		const o = op[i];
		const a = id[i];
		const j = slot[i];
		if (o === 3 /* OP_FREE */) {
			const p = ptrs[j];
			const s = oldSize[i];
			if (!stampOk(u8, u32, p, s, stampOf(a), s))
				throw fail("@thi.ng/malloc", trace, i, "block # corrupted", a);
			if (!pool.free(p)) throw fail("@thi.ng/malloc", trace, i, "free of live block # failed", a);
		} else if (o === 2 /* OP_REALLOC */) {
			const b = arg[i];
			const s = size[i];
			const old = oldSize[i];
			const q = pool.realloc(ptrs[j], s === 0 ? 1 : s);
			if (q === 0) throw fail("@thi.ng/malloc", trace, i, "realloc to # B returned NULL", s);
			if (!stampOk(u8, u32, q, old, stampOf(a), Math.min(s, old))) {
				throw fail("@thi.ng/malloc", trace, i, "realloc lost the contents of block #", a);
			}
			stamp(u8, u32, q, s, stampOf(b));
			ptrs[j] = q;
			if (q + s > footprint) footprint = q + s;
		} else {
			const s = size[i];
			const p = o === 1 /* OP_CALLOC */ ? pool.calloc(s === 0 ? 1 : s) : pool.malloc(s === 0 ? 1 : s);
			if (p === 0) throw fail("@thi.ng/malloc", trace, i, "allocation of # B returned NULL", s);
			if (o === 1 /* OP_CALLOC */ && !zeroOk(u8, u32, p, s))
				throw fail("@thi.ng/malloc", trace, i, "calloc memory not zero");
			stamp(u8, u32, p, s, stampOf(a));
			ptrs[j] = p;
			if (p + s > footprint) footprint = p + s;
		}
	}
	return footprint;
}

/** Stands for a freed slot in the baseline's table, keeping the array monomorphic. */
const EMPTY = new Uint8Array(0);

/**
 * Replays the first `ops` operations of `trace` with plain JS as the issue defines the baseline: one
 * `Uint8Array` per block, kept in a `Map` by the trace's block id; free deletes it, realloc copies the
 * preserved prefix into a new array.
 */
export function replayBaseline(trace: Trace, ops: number): ReplayRun {
	const blocks = new Map<number, Uint8Array>();
	const t0 = performance.now();
	for (let from = 0; from < ops; from += CHUNK) {
		mapBaselineLoop(blocks, trace, from, Math.min(ops, from + CHUNK));
	}
	const ms = performance.now() - t0;
	return { ms, footprint: 0, extra: { liveBlocks: blocks.size } };
}

/** Operations `from` to `to` of {@link replayBaseline}. */
function mapBaselineLoop(blocks: Map<number, Uint8Array>, trace: Trace, from: number, to: number): void {
	const { op, id, arg, size, oldSize } = trace;
	for (let i = from; i < to; i++) {
		const o = op[i];
		const a = id[i] as number;
		if (o === 3 /* OP_FREE */) {
			const blk = blocks.get(a);
			const s = oldSize[i];
			if (blk === undefined || !stampBytesOk(blk, s, stampOf(a), s)) {
				throw fail("baseline", trace, i, "block # corrupted", a);
			}
			blocks.delete(a);
		} else if (o === 2 /* OP_REALLOC */) {
			const b = arg[i] as number;
			const s = size[i];
			const old = oldSize[i];
			const blk = blocks.get(a);
			if (blk === undefined) throw fail("baseline", trace, i, "block # missing", a);
			const next = new Uint8Array(s);
			next.set(s < old ? blk.subarray(0, s) : blk);
			if (!stampBytesOk(next, old, stampOf(a), Math.min(s, old))) {
				throw fail("baseline", trace, i, "realloc lost the contents of block #", a);
			}
			stampBytes(next, s, stampOf(b));
			blocks.delete(a);
			blocks.set(b, next);
		} else {
			const s = size[i];
			const blk = new Uint8Array(s);
			if (o === 1 /* OP_CALLOC */ && !zeroBytesOk(blk, s))
				throw fail("baseline", trace, i, "calloc memory not zero");
			stampBytes(blk, s, stampOf(a));
			blocks.set(a, blk);
		}
	}
}

/**
 * The baseline with the other kernels' handle table: one `Uint8Array` per block, kept in an array by
 * dense slot; free drops it, realloc copies the preserved prefix into a new array. Not graded (the issue
 * defines the baseline with a `Map`); reported beside it so the cost of the `Map` is visible.
 */
export function replayBaselineDense(trace: Trace, ops: number): ReplayRun {
	const blocks: Uint8Array[] = [];
	for (let j = 0; j < trace.slotCount; j++) blocks.push(EMPTY);
	let live = 0;
	const t0 = performance.now();
	for (let from = 0; from < ops; from += CHUNK) {
		live = baselineLoop(blocks, trace, from, Math.min(ops, from + CHUNK), live);
	}
	const ms = performance.now() - t0;
	return { ms, footprint: 0, extra: { liveBlocks: live } };
}

/** Operations `from` to `to` of {@link replayBaselineDense}; returns the number of live blocks. */
function baselineLoop(
	blocks: Uint8Array[],
	trace: Trace,
	from: number,
	to: number,
	liveBefore: number,
): number {
	const { op, id, arg, size, slot, oldSize } = trace;
	let live = liveBefore;
	for (let i = from; i < to; i++) {
		const o = op[i];
		const a = id[i];
		const j = slot[i];
		if (o === 3 /* OP_FREE */) {
			const blk = blocks[j];
			const s = oldSize[i];
			if (blk === undefined || blk === EMPTY || !stampBytesOk(blk, s, stampOf(a), s)) {
				throw fail("baseline", trace, i, "block # corrupted", a);
			}
			blocks[j] = EMPTY;
			live--;
		} else if (o === 2 /* OP_REALLOC */) {
			const b = arg[i];
			const s = size[i];
			const old = oldSize[i];
			const blk = blocks[j];
			if (blk === undefined || blk === EMPTY) throw fail("baseline", trace, i, "block # missing", a);
			const next = new Uint8Array(s);
			next.set(s < old ? blk.subarray(0, s) : blk);
			if (!stampBytesOk(next, old, stampOf(a), Math.min(s, old))) {
				throw fail("baseline", trace, i, "realloc lost the contents of block #", a);
			}
			stampBytes(next, s, stampOf(b));
			blocks[j] = next;
		} else {
			const s = size[i];
			const blk = new Uint8Array(s);
			if (o === 1 /* OP_CALLOC */ && !zeroBytesOk(blk, s))
				throw fail("baseline", trace, i, "calloc memory not zero");
			stampBytes(blk, s, stampOf(a));
			blocks[j] = blk;
			live++;
		}
	}
	return live;
}
