/**
 * Parser of the allocation traces in `apps/bench/traces` (see its README): gzip'd text, one operation a line.
 *
 *     a ID SIZE [ALIGN]    malloc (with ALIGN: posix_memalign)
 *     c ID SIZE            calloc
 *     r OLDID NEWID SIZE   realloc
 *     f ID                 free
 *
 * A trace is parsed once into compact typed arrays, so that replaying it costs no string work and no
 * allocation in the timed loop.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

/** `malloc(size)`: `id` is the new block. */
export const OP_MALLOC = 0;
/** `calloc(1, size)`: `id` is the new block, which must read as zero. */
export const OP_CALLOC = 1;
/** `realloc(old, size)`: `id` is the old block, `arg` the new one. */
export const OP_REALLOC = 2;
/** `free`: `id` is the block. */
export const OP_FREE = 3;
/** `posix_memalign(size, align)`: `id` is the new block, `arg` the alignment. */
export const OP_MEMALIGN = 4;

/** A parsed trace: operation `i` is `(op[i], id[i], arg[i], size[i])`. */
export interface Trace {
	readonly name: string;
	readonly length: number;
	readonly op: Uint8Array;
	readonly id: Int32Array;
	/** New id of a realloc, alignment of a memalign, 0 otherwise. */
	readonly arg: Int32Array;
	/** Requested size of an allocation or realloc, 0 for a free. */
	readonly size: Uint32Array;
	/** Requested size of every block, by id. */
	readonly blockSize: Uint32Array;
	/** Largest id + 1: the length of an id-indexed table. */
	readonly idCount: number;
	/**
	 * Dense handle slot of operation `i`'s block: ids are renamed once, before any replay, to the
	 * smallest slot free at that point, so a handle table needs only `slotCount` entries (the peak live
	 * blocks) instead of `idCount`. A realloc's new block takes the slot of its old one.
	 */
	readonly slot: Int32Array;
	/** Handle slots in use at most at once: the length of a slot-indexed table. */
	readonly slotCount: number;
	/** Requested size of the block a free or realloc gives up (`blockSize[id[i]]`), 0 otherwise. */
	readonly oldSize: Uint32Array;
	readonly counts: {
		malloc: number;
		calloc: number;
		realloc: number;
		free: number;
		memalign: number;
		zeroSize: number;
	};
}

/** Live bytes and blocks of a trace (or of its first `ops` operations). */
export interface TraceUsage {
	/** Highest sum of requested sizes live at once. */
	peakLiveBytes: number;
	/** Highest number of blocks live at once. */
	peakLiveBlocks: number;
	/** Sum of the requested sizes of every allocation (realloc results included). */
	totalBytes: number;
	/** Blocks still live after the last operation. */
	endLiveBlocks: number;
}

const NL = 10;
const SPACE = 32;
const ZERO = 48;
const CH_A = 97;
const CH_C = 99;
const CH_F = 102;
const CH_R = 114;

/** Reads and parses a gzip'd trace file. Throws with the line number on malformed input. */
export function parseTraceFile(path: string, name: string): Trace {
	const text = gunzipSync(readFileSync(path));
	return parseTrace(text, name);
}

/** Parses the decompressed text of a trace. */
export function parseTrace(text: Uint8Array, name: string): Trace {
	let lines = 0;
	for (let i = 0; i < text.length; i++) if (text[i] === NL) lines++;
	if (text.length > 0 && text[text.length - 1] !== NL) lines++;
	const op = new Uint8Array(lines);
	const id = new Int32Array(lines);
	const arg = new Int32Array(lines);
	const size = new Uint32Array(lines);
	const counts = { malloc: 0, calloc: 0, realloc: 0, free: 0, memalign: 0, zeroSize: 0 };
	const fields = new Uint32Array(3);
	let n = 0;
	let pos = 0;
	let maxId = -1;
	while (pos < text.length) {
		const kind = text[pos];
		pos++;
		// Up to three unsigned integer fields, separated by single spaces.
		let count = 0;
		while (pos < text.length && text[pos] === SPACE) {
			pos++;
			let value = 0;
			let digits = 0;
			for (let c = text[pos]; c >= ZERO && c <= ZERO + 9; c = text[++pos]) {
				value = value * 10 + (c - ZERO);
				digits++;
			}
			if (digits === 0 || count === 3) throw malformed(name, n + 1);
			fields[count++] = value;
		}
		if (pos < text.length && text[pos] !== NL) throw malformed(name, n + 1);
		pos++;
		const f0 = fields[0];
		const f1 = fields[1];
		const f2 = fields[2];
		switch (kind) {
			case CH_A:
				if (count === 2) {
					op[n] = OP_MALLOC;
					counts.malloc++;
				} else if (count === 3) {
					op[n] = OP_MEMALIGN;
					arg[n] = f2;
					counts.memalign++;
				} else throw malformed(name, n + 1);
				id[n] = f0;
				size[n] = f1;
				if (f1 === 0) counts.zeroSize++;
				if (f0 > maxId) maxId = f0;
				break;
			case CH_C:
				if (count !== 2) throw malformed(name, n + 1);
				op[n] = OP_CALLOC;
				id[n] = f0;
				size[n] = f1;
				counts.calloc++;
				if (f1 === 0) counts.zeroSize++;
				if (f0 > maxId) maxId = f0;
				break;
			case CH_R:
				if (count !== 3) throw malformed(name, n + 1);
				op[n] = OP_REALLOC;
				id[n] = f0;
				arg[n] = f1;
				size[n] = f2;
				counts.realloc++;
				if (f2 === 0) counts.zeroSize++;
				if (f1 > maxId) maxId = f1;
				break;
			case CH_F:
				if (count !== 1) throw malformed(name, n + 1);
				op[n] = OP_FREE;
				id[n] = f0;
				counts.free++;
				break;
			default:
				throw malformed(name, n + 1);
		}
		n++;
	}
	const idCount = maxId + 1;
	const blockSize = new Uint32Array(idCount);
	for (let i = 0; i < n; i++) {
		const o = op[i];
		if (o === OP_REALLOC) blockSize[arg[i]] = size[i];
		else if (o !== OP_FREE) blockSize[id[i]] = size[i];
	}
	const trace: Trace = {
		name,
		length: n,
		op,
		id,
		arg,
		size,
		blockSize,
		idCount,
		counts,
		...denseSlots(op, id, arg, blockSize, n, idCount),
	};
	traceUsage(trace, n); // validates that every free and realloc names a live block
	return trace;
}

/**
 * Renames block ids to dense handle slots (see {@link Trace.slot}), untimed and the same for every
 * allocator: a replay then keeps its handles in a table of the peak live size, like a program keeps its
 * pointers in its own data structures, instead of in a sparse table of every id ever used.
 */
function denseSlots(
	op: Uint8Array,
	id: Int32Array,
	arg: Int32Array,
	blockSize: Uint32Array,
	n: number,
	idCount: number,
): { slot: Int32Array; slotCount: number; oldSize: Uint32Array } {
	const slot = new Int32Array(n);
	const oldSize = new Uint32Array(n);
	const slotOfId = new Int32Array(idCount).fill(-1);
	const freeSlots = new Int32Array(idCount);
	let freeCount = 0;
	let slotCount = 0;
	for (let i = 0; i < n; i++) {
		const o = op[i];
		const a = id[i] as number;
		if (o === OP_FREE || o === OP_REALLOC) {
			// A block that is not live is reported by traceUsage, with its line; slot 0 stands in here.
			const s = Math.max(slotOfId[a] as number, 0);
			slot[i] = s;
			oldSize[i] = blockSize[a] as number;
			slotOfId[a] = -1;
			if (o === OP_FREE) freeSlots[freeCount++] = s;
			else slotOfId[arg[i] as number] = s;
		} else {
			const s = freeCount > 0 ? (freeSlots[--freeCount] as number) : slotCount++;
			slot[i] = s;
			slotOfId[a] = s;
		}
	}
	return { slot, slotCount: Math.max(slotCount, 1), oldSize };
}

/**
 * Peak live bytes and blocks over the first `ops` operations. Throws if an operation frees or
 * reallocates a block that is not live, or allocates an id twice.
 */
export function traceUsage(trace: Trace, ops: number): TraceUsage {
	const live = new Uint8Array(trace.idCount);
	const { op, id, arg, size, blockSize } = trace;
	let liveBytes = 0;
	let liveBlocks = 0;
	let peakLiveBytes = 0;
	let peakLiveBlocks = 0;
	let totalBytes = 0;
	for (let i = 0; i < ops; i++) {
		const o = op[i];
		const a = id[i];
		if (o === OP_FREE || o === OP_REALLOC) {
			if (live[a] !== 1)
				throw new Error(`trace ${trace.name}: operation ${i + 1} uses block ${a}, which is not live`);
			live[a] = 2;
			liveBytes -= blockSize[a];
			liveBlocks--;
		}
		if (o !== OP_FREE) {
			const b = o === OP_REALLOC ? arg[i] : a;
			if (live[b] !== 0) throw new Error(`trace ${trace.name}: operation ${i + 1} allocates id ${b} twice`);
			live[b] = 1;
			const s = size[i];
			liveBytes += s;
			totalBytes += s;
			liveBlocks++;
			if (liveBytes > peakLiveBytes) peakLiveBytes = liveBytes;
			if (liveBlocks > peakLiveBlocks) peakLiveBlocks = liveBlocks;
		}
	}
	return { peakLiveBytes, peakLiveBlocks, totalBytes, endLiveBlocks: liveBlocks };
}

function malformed(name: string, line: number): Error {
	return new Error(`trace ${name}: malformed line ${line}`);
}
