import type { BlockInfo, HeapStats } from "../api.ts";
import { HeapCorruptionError, hex } from "../errors.ts";
import {
	BIN_COUNT,
	binOf,
	CACHE_LIMIT,
	CACHED,
	FIRST_BLOCK,
	FL_COUNT,
	FREE,
	LAYOUT_VERSION,
	MAGIC,
	MIN_BLOCK,
	NULL_GUARD,
	PREV_FREE,
	readCounter,
	SL_COUNT,
	SMALL_CACHE_LIMIT,
	W_ALLOCATIONS,
	W_ARENA_END,
	W_BINNED_BLOCKS,
	W_CACHED_BLOCKS,
	W_CACHED_HEADS,
	W_DIRTY_END,
	W_FL_MAP,
	W_FREES,
	W_HEADS,
	W_HEAP_BYTES,
	W_HIGH_WATER,
	W_MAGIC,
	W_MAX_BYTES,
	W_PEAK_USED,
	W_REALLOCATIONS,
	W_SL_MAPS,
	W_TOP,
	W_USED_BYTES,
	W_VERSION,
} from "./layout.ts";

// Inspection runs outside the hot paths: stats, the invariant walk, iteration and the text dump.

/** Largest free block in the size classes: the biggest block of the highest non-empty class. */
function largestBinned(u32: Uint32Array): number {
	const flMap = u32[W_FL_MAP] as number;
	if (flMap === 0) return 0;
	const fl = 31 - Math.clz32(flMap);
	const sl = 31 - Math.clz32(u32[W_SL_MAPS + fl] as number);
	let largest = 0;
	for (
		let block = u32[W_HEADS + fl * SL_COUNT + sl] as number;
		block !== 0;
		block = u32[(block + 4) >>> 2] as number
	) {
		const size = (u32[block >>> 2] as number) & ~7;
		if (size > largest) largest = size;
	}
	return largest;
}

/** Largest cached block: the size of the highest non-empty cache list (at most 64 words read). */
function largestCached(u32: Uint32Array): number {
	for (let bin = SMALL_CACHE_LIMIT / 8 - 1; bin > 0; bin--)
		if (u32[W_CACHED_HEADS + bin] !== 0) return bin * 8;
	return 0;
}

/** @internal */
export function heapStats(u32: Uint32Array, arenaEnd: number): HeapStats {
	const heapBytes = u32[W_HEAP_BYTES] as number;
	const usedBytes = u32[W_USED_BYTES] as number;
	const topBytes = arenaEnd - (u32[W_TOP] as number);
	const freeBytes = arenaEnd - FIRST_BLOCK - usedBytes;
	const allocations = readCounter(u32, W_ALLOCATIONS);
	const frees = readCounter(u32, W_FREES);
	return {
		heapBytes,
		maxBytes: u32[W_MAX_BYTES] as number,
		usedBytes,
		freeBytes,
		metadataBytes: heapBytes - usedBytes - freeBytes,
		liveBlocks: allocations - frees,
		freeBlocks: (u32[W_BINNED_BLOCKS] as number) + (u32[W_CACHED_BLOCKS] as number) + (topBytes > 0 ? 1 : 0),
		largestFreeBlock: Math.max(topBytes, largestBinned(u32), largestCached(u32)),
		peakUsedBytes: u32[W_PEAK_USED] as number,
		highWaterBytes: u32[W_HIGH_WATER] as number,
		allocations,
		frees,
		reallocations: readCounter(u32, W_REALLOCATIONS),
	};
}

function isStart(u32: Uint32Array, bitmapBase: number, block: number): boolean {
	const p = block + 4;
	return (((u32[bitmapBase + (p >>> 8)] as number) >>> ((p >>> 3) & 31)) & 1) === 1;
}

function popcount(x: number): number {
	let v = x - ((x >>> 1) & 0x55555555);
	v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
	return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Throws when a byte of the NULL guard `[0, 256)` is not zero: something wrote through a NULL pointer
 * (a failed `malloc`'s `0`) or a small offset of it. The allocator never reads the guard, so such a
 * write changed nothing it does; this only reports it.
 * @internal
 */
export function checkNullGuard(u32: Uint32Array): void {
	for (let i = 0; i < NULL_GUARD >>> 2; i++) {
		const word = u32[i] as number;
		if (word !== 0) {
			const byte = i * 4 + ((31 - Math.clz32(word & -word)) >>> 3);
			throw new HeapCorruptionError(
				0,
				`NULL guard [0x0000, ${hex(NULL_GUARD)}) was written: byte ${hex(byte)} is ${hex8(new Uint8Array(u32.buffer, u32.byteOffset + byte, 1)[0] as number)}; ` +
					"something wrote through a NULL pointer (a failed malloc's 0) or a small offset of it",
			);
		}
	}
}

function hex8(byte: number): string {
	return `0x${byte.toString(16).padStart(2, "0")}`;
}

/** @internal */
export function checkHeap(u32: Uint32Array, arenaEnd: number): void {
	const fail = (block: number, detail: string): never => {
		throw new HeapCorruptionError(block, detail);
	};
	checkNullGuard(u32);
	if (u32[W_MAGIC] !== MAGIC || u32[W_VERSION] !== LAYOUT_VERSION)
		fail(-1, "bad magic number or layout version");
	const heapBytes = u32[W_HEAP_BYTES] as number;
	if (u32[W_ARENA_END] !== arenaEnd)
		fail(-1, `arena end ${hex(u32[W_ARENA_END] as number)} should be ${hex(arenaEnd)}`);
	const top = u32[W_TOP] as number;
	if (top < FIRST_BLOCK || top > arenaEnd || top % 8 !== 4)
		fail(-1, `top ${hex(top)} is not a block address`);
	const bitmapBase = arenaEnd >>> 2;

	let blocks = 0;
	let freeBlocks = 0;
	let cachedBlocks = 0;
	let live = 0;
	let used = 0;
	let prevFree = false;
	let block = FIRST_BLOCK;
	while (block < arenaEnd) {
		const header = u32[block >>> 2] as number;
		const size = header & ~7;
		const isTop = block === top;
		if (size < (isTop ? 8 : MIN_BLOCK) || block + size > arenaEnd) {
			fail(block, `header ${hex(header)} gives a size of ${size} B, which does not fit the heap`);
		}
		if (!isStart(u32, bitmapBase, block)) fail(block, "the block is not marked in the start bitmap");
		if (((header & PREV_FREE) !== 0) !== prevFree) fail(block, "the previous-block-free flag is wrong");
		const free = (header & FREE) !== 0;
		const cached = (header & CACHED) !== 0;
		blocks++;
		if (cached) {
			if (free || isTop) fail(block, "a cached block is marked free");
			if (size >= SMALL_CACHE_LIMIT) fail(block, `a cached block of ${size} B is too large to be cached`);
			cachedBlocks++;
		}
		if (isTop) {
			if (!free) fail(block, "the top block is not free");
			if (block + size !== arenaEnd) fail(block, "the top block does not end the heap");
			if (prevFree) fail(block, "a free block before the top was not merged into it");
		} else if (block + size === arenaEnd && top !== arenaEnd) {
			fail(block, `the last block is not the top at ${hex(top)}`);
		}
		if (free && !isTop) {
			if (prevFree) fail(block, "two free blocks next to each other were not merged");
			if (u32[(block + size - 4) >>> 2] !== size)
				fail(block, "the boundary tag at the end of the free block is wrong");
			freeBlocks++;
		} else if (!free && !cached) {
			live++;
			used += size;
		}
		prevFree = free;
		block += size;
	}
	if (block !== arenaEnd) fail(block, "the last block runs past the end of the heap");
	if (top === arenaEnd && prevFree) fail(-1, "the heap ends with a free block that is not the top");

	// The bitmap must mark exactly the blocks walked above, and nothing past the arena.
	let marked = 0;
	for (let i = bitmapBase; i < heapBytes >>> 2; i++) marked += popcount(u32[i] as number);
	if (marked !== blocks) fail(-1, `the start bitmap marks ${marked} blocks but the heap has ${blocks}`);

	// Every size class list holds free blocks of that class, linked both ways; together they hold every free block.
	let listed = 0;
	const flMap = u32[W_FL_MAP] as number;
	for (let fl = 0; fl < FL_COUNT; fl++) {
		const slMap = u32[W_SL_MAPS + fl] as number;
		if (((flMap >>> fl) & 1) !== (slMap !== 0 ? 1 : 0)) fail(-1, `first-level bitmap bit ${fl} is wrong`);
		for (let sl = 0; sl < SL_COUNT; sl++) {
			const bin = fl * SL_COUNT + sl;
			let entry = u32[W_HEADS + bin] as number;
			if (((slMap >>> sl) & 1) !== (entry !== 0 ? 1 : 0))
				fail(-1, `second-level bitmap bit ${sl} of class ${fl} is wrong`);
			let prev = 0;
			while (entry !== 0) {
				if (entry < FIRST_BLOCK || entry >= top || entry % 8 !== 4 || !isStart(u32, bitmapBase, entry)) {
					fail(entry, `size class ${bin} links to an address that is not a block`);
				}
				const header = u32[entry >>> 2] as number;
				if ((header & FREE) === 0) fail(entry, `size class ${bin} links to a block in use`);
				if (binOf(header & ~7) !== bin)
					fail(entry, `a free block of ${header & ~7} B is in size class ${bin}`);
				// The head of a class has no back link (see unlinkFree in heap.ts).
				if (prev !== 0 && u32[(entry + 8) >>> 2] !== prev)
					fail(entry, "the back link of a free block is wrong");
				if (++listed > freeBlocks) fail(entry, "the size classes hold more blocks than the heap has free");
				prev = entry;
				entry = u32[(entry + 4) >>> 2] as number;
			}
		}
	}
	if (listed !== freeBlocks) fail(-1, `${freeBlocks} free blocks but ${listed} in the size classes`);
	if (u32[W_BINNED_BLOCKS] !== freeBlocks)
		fail(-1, `the free-block counter says ${u32[W_BINNED_BLOCKS]}, not ${freeBlocks}`);

	// Every cache list holds cached blocks of its size; together they hold every cached block.
	let listedCached = 0;
	for (let bin = 0; bin < SMALL_CACHE_LIMIT / 8; bin++) {
		for (
			let entry = u32[W_CACHED_HEADS + bin] as number;
			entry !== 0;
			entry = u32[(entry + 4) >>> 2] as number
		) {
			if (entry < FIRST_BLOCK || entry >= arenaEnd || entry % 8 !== 4 || !isStart(u32, bitmapBase, entry)) {
				fail(entry, `the cache of ${bin * 8} B blocks links to an address that is not a block`);
			}
			const header = u32[entry >>> 2] as number;
			if ((header & CACHED) === 0) fail(entry, `the cache of ${bin * 8} B blocks links to a block in use`);
			if ((header & ~7) !== bin * 8)
				fail(entry, `a cached block of ${header & ~7} B is in the cache of ${bin * 8} B`);
			if (++listedCached > cachedBlocks) fail(entry, "the cache holds more blocks than the heap has cached");
		}
	}
	if (listedCached !== cachedBlocks)
		fail(-1, `${cachedBlocks} cached blocks but ${listedCached} in the cache`);
	if (u32[W_CACHED_BLOCKS] !== cachedBlocks || cachedBlocks > CACHE_LIMIT)
		fail(-1, `the cached-block counter says ${u32[W_CACHED_BLOCKS]}, not ${cachedBlocks}`);
	if (u32[W_USED_BYTES] !== used) fail(-1, `the used-bytes counter says ${u32[W_USED_BYTES]}, not ${used}`);
	const counted = readCounter(u32, W_ALLOCATIONS) - readCounter(u32, W_FREES);
	if (counted !== live) {
		fail(-1, `allocations minus frees is ${counted}, not ${live} live blocks`);
	}
	if ((u32[W_PEAK_USED] as number) < used) fail(-1, "the peak of used bytes is below the used bytes");
	const high = u32[W_HIGH_WATER] as number;
	if (high < FIRST_BLOCK || high > arenaEnd) fail(-1, `high-water mark ${hex(high)} is outside the heap`);
	if ((u32[W_DIRTY_END] as number) > arenaEnd) fail(-1, "the dirty mark is past the end of the heap");
	if (BIN_COUNT !== FL_COUNT * SL_COUNT) fail(-1, "size class table mismatch");
}

/** @internal */
export function* walkHeap(u32: Uint32Array, arenaEnd: number): IterableIterator<BlockInfo> {
	let block = FIRST_BLOCK;
	while (block < arenaEnd) {
		const header = u32[block >>> 2] as number;
		const size = header & ~7;
		if (size === 0) throw new HeapCorruptionError(block, `header ${hex(header)} has a size of 0`);
		yield { ptr: block + 4, size: size - 4, free: (header & (FREE | CACHED)) !== 0 };
		block += size;
	}
}

/** @internal */
export function dumpHeap(u32: Uint32Array, arenaEnd: number): string {
	const s = heapStats(u32, arenaEnd);
	const top = u32[W_TOP] as number;
	const width = Math.max(4, arenaEnd.toString(16).length);
	const at = (a: number) => `0x${a.toString(16).padStart(width, "0")}`;
	const lines = [
		`heap ${s.heapBytes} B (budget ${s.maxBytes} B): ${s.usedBytes} B in ${s.liveBlocks} live blocks, ` +
			`${s.freeBytes} B in ${s.freeBlocks} free blocks, ${s.metadataBytes} B of metadata`,
		`[${at(0)} -> ${at(NULL_GUARD)}) NULL guard ${NULL_GUARD} B`,
		`[${at(NULL_GUARD)} -> ${at(FIRST_BLOCK)}) allocator control block ${FIRST_BLOCK - NULL_GUARD} B`,
	];
	let block = FIRST_BLOCK;
	while (block < arenaEnd) {
		const header = u32[block >>> 2] as number;
		const size = header & ~7;
		if (size === 0) break;
		const kind =
			(header & CACHED) !== 0
				? "free (cached)"
				: (header & FREE) === 0
					? "allocated"
					: block === top
						? "free (top)"
						: "free";
		lines.push(`[${at(block)} -> ${at(block + size)}) ${kind} ${size} B`);
		block += size;
	}
	lines.push(`[${at(arenaEnd)} -> ${at(s.heapBytes)}) block-start bitmap ${s.heapBytes - arenaEnd} B`);
	return lines.join("\n");
}
