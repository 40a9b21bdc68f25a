import { DoubleFreeError, type Ptr } from "@offheap/core";
import { RcSpace } from "../rc-space.ts";
import { H_META, H_SERIAL, H_SPACE, HEADER_BYTES, offsetOf, TAG } from "./layout.ts";
import {
	rejectAddress,
	rejectDeadBlock,
	rejectForeign,
	rejectNotRc,
	rejectNotSpace,
	rejectStaleHandle,
} from "./reject.ts";

// O(1) validation of the addresses given to raw functions and held by handles. Each returns the u32
// index of the value's header, or throws without changing anything.

/**
 * A raw address: in range, 8-aligned, a tagged header of a value of `space`, and (with `checkBlocks`)
 * a live block.
 */
export function headerOf(space: RcSpace, operation: string, ptr: Ptr): number {
	if (!(space instanceof RcSpace)) rejectNotSpace(operation, space);
	const u32 = space.heap.u32;
	if (
		typeof ptr !== "number" ||
		ptr >>> 0 !== ptr ||
		(ptr & 7) !== 0 ||
		ptr < HEADER_BYTES ||
		ptr >= u32.length * 4
	) {
		return rejectAddress(operation, ptr, u32.length * 4);
	}
	const h = (ptr - HEADER_BYTES) >>> 2;
	const meta = u32[h + H_META] as number;
	if (meta >>> 24 !== TAG) {
		// A checked heap poisons a freed block, header included: let the allocator say it was freed.
		if (space.heap.checked) rejectIfFreed(space, operation, ptr, ptr - HEADER_BYTES);
		return rejectNotRc(operation, ptr, meta);
	}
	if (u32[h + H_SPACE] !== space.address) {
		rejectForeign(u32, space.address, operation, ptr, u32[h + H_SPACE] as number);
	}
	if (space.checkBlocks) checkBlock(space, operation, ptr, ptr - offsetOf(meta));
	return h;
}

/**
 * A handle's value: (with `checkBlocks`) a live block, holding the value of the handle's serial in the
 * handle's space.
 */
export function handleHeaderOf(
	space: RcSpace,
	operation: string,
	ptr: Ptr,
	serial: number,
	valueOffset: number,
): number {
	if (space.checkBlocks) checkBlock(space, operation, ptr, ptr - valueOffset);
	const h = (ptr - HEADER_BYTES) >>> 2;
	const u32 = space.heap.u32;
	if (u32[h + H_SERIAL] !== serial || u32[h + H_SPACE] !== space.address) {
		rejectStaleHandle(operation, ptr, ptr - valueOffset, serial);
	}
	return h;
}

/** Throws as a dropped value when the allocator says `block` was freed (a double free); else returns. */
function rejectIfFreed(space: RcSpace, operation: string, ptr: Ptr, block: Ptr): void {
	try {
		space.allocator.usableSize(block);
	} catch (error) {
		if (error instanceof DoubleFreeError) rejectDeadBlock(operation, ptr, block, error);
	}
}

/** Asks the allocator whether `block` is live: O(1) for a Heap, which throws if it is not. */
function checkBlock(space: RcSpace, operation: string, ptr: Ptr, block: Ptr): void {
	try {
		space.allocator.usableSize(block);
	} catch (error) {
		rejectDeadBlock(operation, ptr, block, error);
	}
}
