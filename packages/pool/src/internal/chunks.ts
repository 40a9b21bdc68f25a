import type { Allocator } from "@offheap/core";
import { InvalidPointerError, OutOfMemoryError } from "@offheap/core";
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

/** Bytes of a chunk of `slots` slots: the slots and one generation word each. @internal */
export function chunkBytes(slots: number, slotBytes: number): number {
	return slots * slotBytes + slots * 4;
}

/**
 * Takes a chunk of `slots` slots from the parent and records it as chunk `k` starting at slot `start`.
 * Returns false, having changed nothing, when the parent cannot hold it.
 * @internal
 */
export function addChunk(parent: Allocator, hdr: number, k: number, start: number, slots: number): boolean {
	let u32 = parent.heap.u32;
	const slotBytes = u32[hdr + W_SLOT_BYTES] as number;
	const align = u32[hdr + W_ALIGN] as number;
	const bytes = chunkBytes(slots, slotBytes);
	const chunk = parent.malloc(bytes, align);
	if (chunk === 0) return false;
	u32 = parent.heap.u32;
	const i32 = parent.heap.i32;
	i32[hdr + W_TABLE + 2 * k] = chunk - start * slotBytes;
	i32[hdr + W_TABLE + 2 * k + 1] = chunk + slots * slotBytes - start * 4;
	// Zero generation words read as "never handed out", which the hot paths may read for any slot
	// of a chunk without first comparing with the count of slots handed out.
	const gens = (chunk + slots * slotBytes) >>> 2;
	u32.fill(0, gens, gens + slots);
	u32[hdr + W_CHUNKS] = k + 1;
	u32[hdr + W_CAPACITY] = start + slots;
	u32[hdr + W_RESERVED] = (u32[hdr + W_RESERVED] as number) + bytes;
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

/** Returns every chunk and the header to the parent. @internal */
export function releaseAll(parent: Allocator, hdr: number): void {
	const u32 = parent.heap.u32;
	const chunks = u32[hdr + W_CHUNKS] as number;
	const seg0 = u32[hdr + W_SEG0] as number;
	const slotBytes = u32[hdr + W_SLOT_BYTES] as number;
	for (let k = chunks - 1; k >= 0; k--) parent.free(chunkSlots(parent.heap.i32, hdr, k, seg0, slotBytes));
	// A stale address passed to Pool.open must not find a header here.
	parent.heap.u32[hdr + W_MAGIC] = 0;
	parent.free(hdr << 2);
}

/** Checks the slot type and options, takes the header and first chunk; returns the header address. @internal */
export function formatPool(parent: Allocator, slot: number | SlotType, options: PoolOptions): number {
	const type: SlotType = typeof slot === "number" ? { size: slot, align: 8 } : slot;
	if (type === null || typeof type !== "object")
		rejectOption("slot", slot, "a byte count or { size, align }");
	const { size, align } = type;
	if (!Number.isInteger(size) || size < 0 || size > 0x40000000) {
		rejectOption("slot size", size, "an integer number of bytes in [0, 2^30]");
	}
	if (!isPowerOfTwo(align) || align > MAX_ALIGN)
		rejectOption("slot align", align, `a power of two in [1, ${MAX_ALIGN}]`);
	const slotAlign = Math.max(8, align);
	const slotBytes = Math.ceil(Math.max(size, 4) / slotAlign) * slotAlign;
	const growable = options.growable ?? false;
	if (typeof growable !== "boolean") rejectOption("growable", growable, "a boolean");
	const requested = options.capacity ?? DEFAULT_CAPACITY;
	if (!Number.isInteger(requested) || requested < 1 || requested > MAX_CAPACITY) {
		rejectOption("capacity", requested, `an integer in [1, 2^24]`);
	}
	const capacity = growable ? 2 ** Math.ceil(Math.log2(requested)) : requested;
	const maxCapacity = options.maxCapacity ?? (growable ? Math.max(DEFAULT_GROWABLE_MAX, capacity) : capacity);
	if (!Number.isInteger(maxCapacity) || maxCapacity < capacity || maxCapacity > MAX_CAPACITY) {
		rejectOption("maxCapacity", maxCapacity, `an integer in [capacity (${capacity}), 2^24]`);
	}
	if (!growable && maxCapacity !== capacity) {
		rejectOption("maxCapacity", maxCapacity, `the capacity (${capacity}) of a pool that does not grow`);
	}
	if (chunkBytes(capacity, slotBytes) > 0x7fffffff) {
		rejectOption("capacity", requested, `small enough for ${capacity} slots of ${slotBytes} B to fit a heap`);
	}
	const indexBits = Math.max(1, 32 - Math.clz32(maxCapacity - 1));
	const genMax = 2 ** (30 - indexBits) - 1;
	const address = parent.malloc(HEADER_BYTES);
	if (address === 0)
		throw new OutOfMemoryError(HEADER_BYTES, "the parent allocator cannot hold the pool's header");
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
	u32[hdr + W_RESERVED] = HEADER_BYTES;
	if (!addChunk(parent, hdr, 0, 0, capacity)) {
		parent.free(address);
		throw new OutOfMemoryError(
			chunkBytes(capacity, slotBytes),
			`the parent allocator cannot hold the pool's first ${capacity} slots of ${slotBytes} B`,
		);
	}
	return address;
}

/** Checks that a pool header is at `address`; returns it. @internal */
export function openPool(parent: Allocator, address: number): number {
	const u32 = parent.heap.u32;
	if (typeof address !== "number" || address >>> 0 !== address || (address & 7) !== 0 || address === 0) {
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
