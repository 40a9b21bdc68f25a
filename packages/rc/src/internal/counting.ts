import { hex, type Ptr } from "@offheap/core";
import type { RcKind } from "../rc-kind.ts";
import type { RcSpace } from "../rc-space.ts";
import {
	DROPPING,
	F_FREED,
	H_META,
	H_SERIAL,
	H_STRONG,
	H_WEAK,
	HEADER_BYTES,
	implicitWeak,
	KIND_MASK,
	MAX_COUNT,
	offsetOf,
	TAG_FREED,
	W_DROPPED,
	W_LIVE,
} from "./layout.ts";
import { rejectNoWeak, rejectOverflow, rejectUnknownKind } from "./reject.ts";

// What the raw functions and the handles share once an address is validated (`h` is the u32 index of
// its header): count changes, drops and frees. Each function throws only before it changes anything,
// except for the errors of drop hooks, which are rethrown after the drop completed.

/** Adds a weak reference. */
export function addWeak(space: RcSpace, operation: string, ptr: Ptr, h: number): void {
	const u32 = space.heap.u32;
	const weak = u32[h + H_WEAK] as number;
	if (weak === MAX_COUNT) rejectOverflow(operation, ptr, "weak");
	u32[h + H_WEAK] = weak + 1;
}

/** Gives back a weak reference; true when that freed the block. */
export function releaseWeakAt(space: RcSpace, operation: string, ptr: Ptr, h: number): boolean {
	const u32 = space.heap.u32;
	const strong = u32[h + H_STRONG] as number;
	const weak = u32[h + H_WEAK] as number;
	if (weak - implicitWeak(strong, u32[h + H_META] as number) === 0) rejectNoWeak(operation, ptr, strong);
	if (weak > 1) {
		u32[h + H_WEAK] = weak - 1;
		return false;
	}
	u32[space.control + W_DROPPED] = (u32[space.control + W_DROPPED] as number) - 1;
	freeBlock(space, ptr, h);
	return true;
}

/**
 * Drops the value at `ptr`, whose strong count is 1: marks it dropped, runs its drop hook, then frees
 * the block unless weak references keep it. Drops requested while hooks run are queued and run by the
 * outermost call, so a structure of any depth is dropped without recursion.
 */
export function dropValue(space: RcSpace, operation: string, ptr: Ptr, h: number): void {
	const u32 = space.heap.u32;
	const id = (u32[h + H_META] as number) & KIND_MASK;
	const kind = space.kinds[id];
	if (kind === undefined) rejectUnknownKind(operation, ptr, id);
	u32[h + H_STRONG] = 0;
	u32[space.control + W_LIVE] = (u32[space.control + W_LIVE] as number) - 1;
	if (kind.drop === undefined) {
		afterDrop(space, ptr);
		return;
	}
	u32[h + H_META] = ((u32[h + H_META] as number) | DROPPING) >>> 0;
	if (space.dropping) space.pending.push(ptr);
	else runDrops(space, ptr);
}

/** Runs the drop hook of `first`, then of every drop queued meanwhile; rethrows what hooks threw. */
function runDrops(space: RcSpace, first: Ptr): void {
	const pending = space.pending;
	let errors: unknown[] | undefined;
	space.dropping = true;
	try {
		let ptr = first;
		for (;;) {
			const meta = space.heap.u32[((ptr - HEADER_BYTES) >>> 2) + H_META] as number;
			const kind = space.kinds[meta & KIND_MASK] as RcKind;
			try {
				(kind.drop as NonNullable<RcKind["drop"]>)(ptr, space);
			} catch (error) {
				if (errors === undefined) errors = [];
				errors.push(error);
			}
			afterDrop(space, ptr);
			if (pending.length === 0) break;
			ptr = pending.pop() as number;
		}
	} finally {
		space.dropping = false;
	}
	if (errors !== undefined) {
		throw errors.length === 1
			? errors[0]
			: new AggregateError(errors, `${errors.length} drop hooks threw while releasing ${hex(first)}`);
	}
}

/** Gives back the weak reference all strong ones held together; frees the block if it was the last. */
function afterDrop(space: RcSpace, ptr: Ptr): void {
	const u32 = space.heap.u32;
	const h = (ptr - HEADER_BYTES) >>> 2;
	const weak = (u32[h + H_WEAK] as number) - 1;
	if (weak === 0) freeBlock(space, ptr, h);
	else {
		u32[h + H_META] = ((u32[h + H_META] as number) & ~DROPPING) >>> 0;
		u32[h + H_WEAK] = weak;
		u32[space.control + W_DROPPED] = (u32[space.control + W_DROPPED] as number) + 1;
	}
}

function freeBlock(space: RcSpace, ptr: Ptr, h: number): void {
	const heap = space.heap;
	const u32 = heap.u32;
	const meta = u32[h + H_META] as number;
	// A freed value has serial 0, which no value has, and a tag that says freed: stale handles and raw
	// addresses are caught even before the memory is reused.
	u32[h + H_SERIAL] = 0;
	u32[h + H_WEAK] = 0;
	u32[h + H_META] = ((meta & 0xffffff) | (TAG_FREED << 24)) >>> 0;
	heap.f64[(space.address >>> 3) + F_FREED] += 1;
	space.allocator.free(ptr - offsetOf(meta));
}
