import { HeapCorruptionError, hex, OffheapError } from "@offheap/core";
import type { PoolState } from "../pool-state.ts";
import { blockBytes, chunkGens, chunkSlots, chunkStart, gensOffset, slotsOffset } from "./chunks.ts";
import {
	GEN_SHIFT,
	LIVE,
	MAGIC,
	MAX_CAPACITY,
	MAX_CHUNKS,
	W_ALIGN,
	W_BUMP,
	W_CAPACITY,
	W_CHUNKS,
	W_FREE_HEAD,
	W_GROWABLE,
	W_INDEX_BITS,
	W_LIVE,
	W_MAGIC,
	W_MAX_CAPACITY,
	W_RESERVED,
	W_SEED,
	W_SEG0,
	W_SHIFT,
	W_SLOT_BYTES,
	W_TABLE,
} from "./layout.ts";

/** Names of the header words, for messages. */
const FIELD: Record<number, string> = {
	[W_SLOT_BYTES]: "slot bytes",
	[W_ALIGN]: "slot alignment",
	[W_INDEX_BITS]: "index bits",
	[W_SEED]: "generation seed",
	[W_SEG0]: "first chunk's slots",
	[W_SHIFT]: "chunk shift",
};

/**
 * `Pool.check()`: walks the header, the chunk table, every generation word and the free list, in
 * O(capacity), and throws `HeapCorruptionError` naming the address of the first inconsistent word and
 * what is wrong with it. Reads only.
 * @internal
 */
export function verifyPool(pool: PoolState): void {
	const heap = pool.heap;
	const u32 = heap.u32;
	const i32 = heap.i32;
	const hdr = pool.hdr;
	const address = hdr * 4;
	const heapEnd = u32.length * 4;
	const fail = (at: number, detail: string): never => {
		throw new HeapCorruptionError(at, `pool at ${hex(address)}: ${detail}`);
	};
	const word = (w: number): number => u32[hdr + w] as number;

	// The header: what this view read when it was made must still be there.
	if (word(W_MAGIC) !== MAGIC) fail(address, `its header's magic word ${hex(word(W_MAGIC))} was overwritten`);
	const cached: [number, number][] = [
		[W_SLOT_BYTES, pool.slotBytes],
		[W_ALIGN, pool.slotAlign],
		[W_INDEX_BITS, pool.indexBits],
		[W_SEED, pool.seed],
		[W_SEG0, pool.seg0],
		[W_SHIFT, pool.shift],
	];
	for (const [w, expected] of cached) {
		if (word(w) !== expected) {
			fail(
				address + w * 4,
				`header word ${w} (${FIELD[w]}) is ${word(w)}, the pool was made with ${expected}`,
			);
		}
	}
	const slotBytes = pool.slotBytes;
	const align = pool.slotAlign;
	const seg0 = pool.seg0;
	const growable = word(W_GROWABLE);
	const maxCapacity = word(W_MAX_CAPACITY);
	const capacity = word(W_CAPACITY);
	const chunks = word(W_CHUNKS);
	const bump = word(W_BUMP);
	const live = word(W_LIVE);
	const at = (w: number): number => address + w * 4;
	if (growable > 1) fail(at(W_GROWABLE), `header word ${W_GROWABLE} (growable) is ${growable}, not 0 or 1`);
	if (maxCapacity < seg0 || maxCapacity > MAX_CAPACITY || maxCapacity > 2 ** pool.indexBits) {
		fail(
			at(W_MAX_CAPACITY),
			`maxCapacity ${maxCapacity} is outside [${seg0}, ${Math.min(MAX_CAPACITY, 2 ** pool.indexBits)}]`,
		);
	}
	if (growable === 0 && maxCapacity !== seg0) {
		fail(
			at(W_MAX_CAPACITY),
			`maxCapacity ${maxCapacity} of a pool that does not grow is not its capacity ${seg0}`,
		);
	}
	if (chunks < 1 || chunks > MAX_CHUNKS || (growable === 0 && chunks !== 1)) {
		fail(at(W_CHUNKS), `it counts ${chunks} chunks, outside [1, ${growable === 0 ? 1 : MAX_CHUNKS}]`);
	}
	let expectedCapacity = seg0;
	for (let k = 1; k < chunks; k++)
		expectedCapacity += Math.min(chunkStart(seg0, k), maxCapacity - expectedCapacity);
	if (capacity !== expectedCapacity) {
		fail(
			at(W_CAPACITY),
			`its capacity is ${capacity}, but its ${chunks} chunks hold ${expectedCapacity} slots`,
		);
	}
	if (bump > capacity)
		fail(at(W_BUMP), `it counts ${bump} slots handed out, more than its capacity ${capacity}`);
	if (live > bump) fail(at(W_LIVE), `it counts ${live} live slots, more than the ${bump} ever handed out`);

	// The chunk table: each chunk where its block says, inside the heap, overlapping no other.
	let reserved = blockBytes(true, seg0, slotBytes, align);
	const blocks: [number, number, number][] = [[address, address + reserved, 0]];
	for (let k = 0; k < chunks; k++) {
		const first = k === 0;
		const start = chunkStart(seg0, k);
		const count = (k === chunks - 1 ? capacity : chunkStart(seg0, k + 1)) - start;
		const gens = chunkGens(i32, hdr, k, seg0);
		const slots = chunkSlots(i32, hdr, k, seg0, slotBytes);
		const block = first ? address : gens;
		const entry = at(W_TABLE + 2 * k);
		const bytes = blockBytes(first, count, slotBytes, align);
		if (block <= 0 || block % align !== 0 || block + bytes > heapEnd) {
			fail(entry, `chunk ${k}'s block at ${hex(block)} is misaligned or outside the heap`);
		}
		if (slots !== block + slotsOffset(first, count, align)) {
			fail(
				entry,
				first
					? `chunk 0's slots are at ${hex(slots)}, not right after the header at ${hex(block + slotsOffset(true, count, align))}`
					: `chunk ${k}'s slots are at ${hex(slots)}, not after its generation words at ${hex(gens)}`,
			);
		}
		if (first && gens !== block + gensOffset(true, count, slotBytes, align)) {
			fail(entry, `chunk 0's generation words are at ${hex(gens)}, not right after its slots`);
		}
		if (!first) {
			blocks.push([block, block + bytes, k]);
			reserved += bytes;
		}
	}
	if (reserved !== word(W_RESERVED)) {
		fail(
			at(W_RESERVED),
			`it counts ${word(W_RESERVED)} B reserved, its header and chunks hold ${reserved} B`,
		);
	}
	blocks.sort((a, b) => a[0] - b[0]);
	for (let b = 1; b < blocks.length; b++) {
		const [s, , k] = blocks[b] as [number, number, number];
		const [, e, j] = blocks[b - 1] as [number, number, number];
		if (s < e)
			fail(
				s,
				`chunk ${k}'s block ${hex(s)} overlaps ${j === 0 ? "the header's block" : `chunk ${j}'s block`}`,
			);
	}
	if (pool.parent === heap) {
		// The blocks must still be live blocks of the heap: not freed behind the pool's back.
		for (const [s, e, k] of blocks) {
			let usable = -1;
			try {
				usable = heap.usableSize(s);
			} catch (error) {
				if (!(error instanceof OffheapError)) throw error;
			}
			if (usable < e - s) {
				fail(
					s,
					`${k === 0 ? "the header's block" : `chunk ${k}'s block`} ${hex(s)} is not a live block of the heap (${usable < 0 ? "freed?" : `${usable} B`})`,
				);
			}
		}
	}

	// Generation words: in range for the slots handed out, zero for the others; the live count.
	let counted = 0;
	for (let index = 0; index < capacity; index++) {
		const t = pool.locate(index);
		const w = ((i32[t + 1] as number) + index * 4) >>> 2;
		const g = u32[w] as number;
		if (index >= bump) {
			if (g !== 0)
				fail(w * 4, `slot ${index} was never handed out, but its generation word is ${hex(g)}, not 0`);
			continue;
		}
		const gen = g >>> GEN_SHIFT;
		if (gen < 1 || gen > pool.genMax) {
			fail(w * 4, `slot ${index}'s generation ${gen} is outside [1, ${pool.genMax}]`);
		}
		if ((g & LIVE) !== 0) counted++;
	}
	if (counted !== live) fail(at(W_LIVE), `it counts ${live} live slots, its generation words ${counted}`);

	// The free list: every free slot once, nothing else.
	const seen = new Uint8Array(bump);
	let link = at(W_FREE_HEAD);
	let free = 0;
	for (let next = word(W_FREE_HEAD); next !== 0; ) {
		const index = next - 1;
		if (index >= bump) {
			fail(link, `the free list links to slot ${index}, which was never handed out (only ${bump})`);
		}
		const t = pool.locate(index);
		const g = u32[((i32[t + 1] as number) + index * 4) >>> 2] as number;
		const slot = (i32[t] as number) + index * slotBytes;
		if ((g & LIVE) !== 0) fail(link, `the free list links to slot ${index} at ${hex(slot)}, which is live`);
		if (seen[index] !== 0)
			fail(link, `the free list links to slot ${index} at ${hex(slot)} a second time (a cycle)`);
		seen[index] = 1;
		free++;
		if (pool.checker !== undefined) pool.checker.verifyPoison(heap.u8, index, slot);
		link = slot;
		next = u32[slot >>> 2] as number;
	}
	if (free !== bump - live) {
		fail(
			at(W_FREE_HEAD),
			`the free list holds ${free} slots, but ${bump - live} of the ${bump} handed out are free`,
		);
	}
}
