import type { Allocator } from "@offheap/core";
import { checkOptions, describeArgument, InvalidPointerError, OutOfMemoryError } from "@offheap/core";
import type { PoolOptions, SlotType } from "../api.ts";
import {
	DEFAULT_CAPACITY,
	DEFAULT_GROWABLE_MAX,
	HEADER_BYTES,
	MAGIC,
	MAX_ALIGN,
	MAX_CAPACITY,
	MAX_CHUNKS,
	W_ALIGN,
	W_CAPACITY,
	W_CHUNKS,
	W_GROWABLE,
	W_INDEX_BITS,
	W_MAGIC,
	W_MAX_CAPACITY,
	W_RESERVED,
	W_SEED,
	W_SEG0,
	W_SHIFT,
	W_SLOT_BYTES,
	W_TABLE,
	W_TYPE_SIZE,
} from "./layout.ts";
import { rejectOption } from "./reject.ts";

// Creating, growing, reopening and freeing a pool's chunks: cold code.

function isPowerOfTwo(x: number): boolean {
	return Number.isInteger(x) && x > 0 && (x & (x - 1)) === 0;
}

/** First slot index of chunk `k`. @internal */
export function chunkStart(seg0: number, k: number): number {
	return k === 0 ? 0 : seg0 * 2 ** (k - 1);
}

/**
 * Where chunk 0 (`first`, after the header in the header's block) or a later chunk of `slots` slots
 * puts its slots, from the start of its block: chunk 0 right after the header (rounded up to the
 * slot alignment), a later chunk after its generation words (rounded up likewise). Never 0, so no
 * slot is ever the start of a block of the parent.
 * @internal
 */
export function slotsOffset(first: boolean, slots: number, align: number): number {
	return Math.ceil((first ? HEADER_BYTES : slots * 4) / align) * align;
}

/** Where a chunk puts its generation words, from the start of its block: after chunk 0's slots, first in a later chunk. @internal */
export function gensOffset(first: boolean, slots: number, slotBytes: number, align: number): number {
	return first ? slotsOffset(true, slots, align) + slots * slotBytes : 0;
}

/** Bytes of the block that holds a chunk of `slots` slots (and for chunk 0, the header before them). @internal */
export function blockBytes(first: boolean, slots: number, slotBytes: number, align: number): number {
	return slotsOffset(first, slots, align) + slots * slotBytes + (first ? slots * 4 : 0);
}

/**
 * Records the chunk of `slots` slots whose block of `bytes` bytes starts at `block` (for chunk 0, the
 * header's block) as chunk `k` starting at slot `start`.
 */
function placeChunk(
	parent: Allocator,
	hdr: number,
	k: number,
	start: number,
	slots: number,
	block: number,
	bytes: number,
): void {
	const u32 = parent.heap.u32;
	const i32 = parent.heap.i32;
	const slotBytes = u32[hdr + W_SLOT_BYTES] as number;
	const align = u32[hdr + W_ALIGN] as number;
	const gens = block + gensOffset(k === 0, slots, slotBytes, align);
	i32[hdr + W_TABLE + 2 * k] = block + slotsOffset(k === 0, slots, align) - start * slotBytes;
	i32[hdr + W_TABLE + 2 * k + 1] = gens - start * 4;
	// Zero generation words read as "never handed out", which the hot paths may read for any slot
	// of a chunk without first comparing with the count of slots handed out.
	u32.fill(0, gens >>> 2, (gens >>> 2) + slots);
	u32[hdr + W_CHUNKS] = k + 1;
	u32[hdr + W_CAPACITY] = start + slots;
	u32[hdr + W_RESERVED] = (u32[hdr + W_RESERVED] as number) + bytes;
}

/**
 * Takes a chunk of `slots` slots from the parent and records it as chunk `k` ≥ 1 starting at slot
 * `start`. Returns false, having changed nothing, when the parent cannot hold it.
 * @internal
 */
export function addChunk(parent: Allocator, hdr: number, k: number, start: number, slots: number): boolean {
	const u32 = parent.heap.u32;
	const align = u32[hdr + W_ALIGN] as number;
	const bytes = blockBytes(false, slots, u32[hdr + W_SLOT_BYTES] as number, align);
	const block = parent.malloc(bytes, align);
	if (block === 0) return false;
	placeChunk(parent, hdr, k, start, slots, block, bytes);
	return true;
}

/**
 * Adds the next chunk of a growable pool: as many slots as the pool holds, up to `maxCapacity`.
 * Returns false, having changed nothing, when the pool may not or cannot grow.
 * @internal
 */
export function grow(parent: Allocator, hdr: number): boolean {
	const u32 = parent.heap.u32;
	const capacity = u32[hdr + W_CAPACITY] as number;
	const max = u32[hdr + W_MAX_CAPACITY] as number;
	const k = u32[hdr + W_CHUNKS] as number;
	if (u32[hdr + W_GROWABLE] === 0 || capacity >= max || k >= MAX_CHUNKS) return false;
	const slots = Math.min(chunkStart(u32[hdr + W_SEG0] as number, k), max - capacity);
	return addChunk(parent, hdr, k, capacity, slots);
}

/** Start address of chunk `k`'s slots. @internal */
export function chunkSlots(i32: Int32Array, hdr: number, k: number, seg0: number, slotBytes: number): number {
	return (i32[hdr + W_TABLE + 2 * k] as number) + chunkStart(seg0, k) * slotBytes;
}

/** Start address of chunk `k`'s generation words: for k ≥ 1 the start of its block. @internal */
export function chunkGens(i32: Int32Array, hdr: number, k: number, seg0: number): number {
	return (i32[hdr + W_TABLE + 2 * k + 1] as number) + chunkStart(seg0, k) * 4;
}

/** Returns every chunk and the header to the parent. @internal */
export function releaseAll(parent: Allocator, hdr: number): void {
	const u32 = parent.heap.u32;
	const chunks = u32[hdr + W_CHUNKS] as number;
	const seg0 = u32[hdr + W_SEG0] as number;
	// Chunk 0 shares the header's block.
	for (let k = chunks - 1; k >= 1; k--) parent.free(chunkGens(parent.heap.i32, hdr, k, seg0));
	// A stale address passed to Pool.open must not find a header here.
	parent.heap.u32[hdr + W_MAGIC] = 0;
	parent.free(hdr << 2);
}

/** The options {@link PoolOptions} holds: anything else is refused. @internal */
export const POOL_OPTIONS: readonly string[] = ["capacity", "growable", "maxCapacity"];

/**
 * Checks the slot type and options and takes one block for the header and the first chunk; returns
 * the header address. Throws before taking anything, or having taken nothing.
 * @internal
 */
export function formatPool(parent: Allocator, slot: number | SlotType, options: PoolOptions): number {
	checkOptions("Pool", options, POOL_OPTIONS);
	if (typeof slot !== "number" && (slot === null || typeof slot !== "object"))
		rejectOption("slot", slot, "a byte count or { size, align }");
	const type: SlotType = typeof slot === "number" ? { size: slot, align: 8 } : slot;
	const { size, align } = type;
	if (typeof size !== "number" || !Number.isInteger(size) || size < 0 || size > 0x40000000) {
		rejectOption("slot size", size, "an integer number of bytes in [0, 2^30]");
	}
	if (typeof align !== "number" || !isPowerOfTwo(align) || align > MAX_ALIGN)
		rejectOption("slot align", align, `a power of two in [1, ${MAX_ALIGN}]`);
	const slotAlign = Math.max(8, align);
	const slotBytes = Math.ceil(Math.max(size, 4) / slotAlign) * slotAlign;
	const growable = options.growable ?? false;
	if (typeof growable !== "boolean") rejectOption("growable", growable, "a boolean");
	const requested = options.capacity ?? DEFAULT_CAPACITY;
	if (
		typeof requested !== "number" ||
		!Number.isInteger(requested) ||
		requested < 1 ||
		requested > MAX_CAPACITY
	) {
		rejectOption("capacity", requested, `an integer in [1, 2^24]`);
	}
	const capacity = growable ? 2 ** Math.ceil(Math.log2(requested)) : requested;
	const maxCapacity = options.maxCapacity ?? (growable ? Math.max(DEFAULT_GROWABLE_MAX, capacity) : capacity);
	if (
		typeof maxCapacity !== "number" ||
		!Number.isInteger(maxCapacity) ||
		maxCapacity < capacity ||
		maxCapacity > MAX_CAPACITY
	) {
		rejectOption("maxCapacity", maxCapacity, `an integer in [capacity (${capacity}), 2^24]`);
	}
	if (!growable && maxCapacity !== capacity) {
		rejectOption("maxCapacity", maxCapacity, `the capacity (${capacity}) of a pool that does not grow`);
	}
	const bytes = blockBytes(true, capacity, slotBytes, slotAlign);
	if (bytes > 0x7fffffff) {
		rejectOption("capacity", requested, `small enough for ${capacity} slots of ${slotBytes} B to fit a heap`);
	}
	const indexBits = Math.max(1, 32 - Math.clz32(maxCapacity - 1));
	const genMax = 2 ** (30 - indexBits) - 1;
	// One block for the header and the first chunk: creating a pool takes all it needs or nothing.
	const address = parent.malloc(bytes, slotAlign);
	if (address === 0) {
		throw new OutOfMemoryError(
			bytes,
			`the parent allocator cannot hold the pool's header and first ${capacity} slots of ${slotBytes} B`,
		);
	}
	const hdr = address >>> 2;
	const u32 = parent.heap.u32;
	u32.fill(0, hdr, hdr + HEADER_BYTES / 4);
	u32[hdr + W_MAGIC] = MAGIC;
	u32[hdr + W_SLOT_BYTES] = slotBytes;
	u32[hdr + W_ALIGN] = slotAlign;
	u32[hdr + W_TYPE_SIZE] = size;
	u32[hdr + W_INDEX_BITS] = indexBits;
	// Pools start their generations at different values (derived from their address), so a handle of
	// another pool is very unlikely to carry a generation this pool's slot has had.
	u32[hdr + W_SEED] = 1 + ((Math.imul(address, 0x9e3779b1) >>> 8) % genMax);
	u32[hdr + W_MAX_CAPACITY] = maxCapacity;
	u32[hdr + W_SEG0] = capacity;
	u32[hdr + W_SHIFT] = growable ? Math.log2(capacity) : 31;
	u32[hdr + W_GROWABLE] = growable ? 1 : 0;
	placeChunk(parent, hdr, 0, 0, capacity, address, bytes);
	return address;
}

/** Checks that a pool header is at `address`; returns it. @internal */
export function openPool(parent: Allocator, address: number): number {
	const u32 = parent.heap.u32;
	if (typeof address !== "number") {
		throw new InvalidPointerError(
			"Pool.open",
			address,
			`expected the address of a pool's header, got ${describeArgument(address)}`,
		);
	}
	if (address >>> 0 !== address || (address & 7) !== 0 || address === 0) {
		throw new InvalidPointerError("Pool.open", address, "not a non-zero, 8-aligned address");
	}
	if (address + HEADER_BYTES > u32.length * 4) {
		throw new InvalidPointerError("Pool.open", address, "past the end of the heap");
	}
	if (u32[(address >>> 2) + W_MAGIC] !== MAGIC) {
		throw new InvalidPointerError("Pool.open", address, "no pool header there");
	}
	return address;
}

/** The option through which `Pool.open` passes the address of an existing header. @internal */
export const OPEN_AT: unique symbol = Symbol("offheap.pool.open");

/** Constructor options, with the address of a header to open. @internal */
export interface OpenOptions extends PoolOptions {
	[OPEN_AT]?: number;
}
