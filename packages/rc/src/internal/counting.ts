import { HeapCorruptionError, hex, type Ptr } from "@offheap/core";
import type { RcKind } from "../rc-kind.ts";
import type { RcSpace } from "../rc-space.ts";
import {
	DROPPING,
	F_FREED,
	H_META,
	H_NEXT,
	H_PREV,
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
	W_FIRST,
	W_LIVE,
} from "./layout.ts";
import { rejectNoWeak, rejectOverflow, rejectUnknownKind } from "./reject.ts";

// What the raw functions and the handles share once an address is validated (`h` is the u32 index of
// its header): count changes, drops and frees, and the space's list of value blocks. Each function
// throws only before it changes anything, except for the errors of drop hooks, which are rethrown
// after the drop completed.

/** u32 index of the header of the value at `ptr`. */
function headerIndex(ptr: Ptr): number {
	return (ptr - HEADER_BYTES) >>> 2;
}

/** Adds the value at `ptr` (header `h`) at the front of the space's list of value blocks. */
export function linkValue(space: RcSpace, ptr: Ptr, h: number): void {
	const u32 = space.heap.u32;
	const first = u32[space.control + W_FIRST] as number;
	u32[h + H_PREV] = 0;
	u32[h + H_NEXT] = first;
	if (first !== 0) u32[headerIndex(first) + H_PREV] = ptr;
	u32[space.control + W_FIRST] = ptr;
}

/** Whether `link` can be the address of a value in a heap of `bytes` bytes. */
function linkInRange(link: number, bytes: number): boolean {
	return (link & 7) === 0 && link >= HEADER_BYTES && link < bytes;
}

/**
 * Throws {@link HeapCorruptionError} unless the neighbours of the value at `ptr` in the space's list
 * link back to it (glibc's "corrupted double-linked list" check, before an unlink writes through them).
 */
export function checkLinks(space: RcSpace, ptr: Ptr, h: number): void {
	const u32 = space.heap.u32;
	const bytes = u32.length * 4;
	const prev = u32[h + H_PREV] as number;
	const next = u32[h + H_NEXT] as number;
	if (
		prev === 0
			? u32[space.control + W_FIRST] !== ptr
			: !linkInRange(prev, bytes) || u32[headerIndex(prev) + H_NEXT] !== ptr
	) {
		brokenLink(
			space,
			ptr,
			h,
			prev === 0
				? `it has no previous value but the list starts at ${hex(u32[space.control + W_FIRST] as number)}`
				: `its previous value ${hex(prev)} does not link back to it`,
		);
	}
	if (next !== 0 && (!linkInRange(next, bytes) || u32[headerIndex(next) + H_PREV] !== ptr)) {
		brokenLink(space, ptr, h, `its next value ${hex(next)} does not link back to it`);
	}
}

function brokenLink(space: RcSpace, ptr: Ptr, h: number, why: string): never {
	throw new HeapCorruptionError(
		ptr - offsetOf(space.heap.u32[h + H_META] as number),
		`RcSpace ${hex(space.address)}: the list of values is broken at value ${hex(ptr)}: ${why}`,
	);
}

function unlinkValue(u32: Uint32Array, control: number, h: number): void {
	const prev = u32[h + H_PREV] as number;
	const next = u32[h + H_NEXT] as number;
	if (prev === 0) u32[control + W_FIRST] = next;
	else u32[headerIndex(prev) + H_NEXT] = next;
	if (next !== 0) u32[headerIndex(next) + H_PREV] = prev;
}

/** Undoes {@link unlinkValue}: the header still holds its links. */
function relinkValue(u32: Uint32Array, control: number, ptr: Ptr, h: number): void {
	const prev = u32[h + H_PREV] as number;
	const next = u32[h + H_NEXT] as number;
	if (prev === 0) u32[control + W_FIRST] = ptr;
	else u32[headerIndex(prev) + H_NEXT] = ptr;
	if (next !== 0) u32[headerIndex(next) + H_PREV] = ptr;
}

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
	freeBlock(space, ptr, h);
	u32[space.control + W_DROPPED] = (u32[space.control + W_DROPPED] as number) - 1;
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
	// A hook cannot be undone: refuse a drop whose block could not be unlinked before it runs.
	if (kind.drop !== undefined) checkLinks(space, ptr, h);
	u32[h + H_STRONG] = 0;
	u32[space.control + W_LIVE] = (u32[space.control + W_LIVE] as number) - 1;
	if (kind.drop === undefined) {
		try {
			afterDrop(space, ptr);
		} catch (error) {
			// The block could not be freed (a corrupted list or heap): undo the drop, nothing changed.
			u32[h + H_STRONG] = 1;
			u32[space.control + W_LIVE] = (u32[space.control + W_LIVE] as number) + 1;
			throw error;
		}
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
			try {
				afterDrop(space, ptr);
			} catch (error) {
				// The block could not be freed (a corrupted list or heap): it stays, counted as dropped.
				keepDropped(space, ptr);
				if (errors === undefined) errors = [];
				errors.push(error);
			}
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

/**
 * Gives back the weak reference all strong ones held together; frees the block if it was the last.
 * Throws only before it changes anything.
 */
function afterDrop(space: RcSpace, ptr: Ptr): void {
	const u32 = space.heap.u32;
	const h = headerIndex(ptr);
	const weak = (u32[h + H_WEAK] as number) - 1;
	if (weak === 0) freeBlock(space, ptr, h);
	else keepDropped(space, ptr);
}

/** A dropped value whose block stays: weak references (or a failed free) keep it. */
function keepDropped(space: RcSpace, ptr: Ptr): void {
	const u32 = space.heap.u32;
	const h = headerIndex(ptr);
	u32[h + H_META] = ((u32[h + H_META] as number) & ~DROPPING) >>> 0;
	u32[h + H_WEAK] = Math.max(1, (u32[h + H_WEAK] as number) - 1);
	u32[space.control + W_DROPPED] = (u32[space.control + W_DROPPED] as number) + 1;
}

/**
 * Unlinks the value and gives its block back. Throws {@link HeapCorruptionError} (from the list check
 * or from the allocator) with everything as it was.
 */
function freeBlock(space: RcSpace, ptr: Ptr, h: number): void {
	checkLinks(space, ptr, h);
	const heap = space.heap;
	const u32 = heap.u32;
	const control = space.control;
	const meta = u32[h + H_META] as number;
	const serial = u32[h + H_SERIAL] as number;
	const weak = u32[h + H_WEAK] as number;
	unlinkValue(u32, control, h);
	// A freed value has serial 0, which no value has, and a tag that says freed: stale handles and raw
	// addresses are caught even before the memory is reused.
	u32[h + H_SERIAL] = 0;
	u32[h + H_WEAK] = 0;
	u32[h + H_META] = ((meta & 0xffffff) | (TAG_FREED << 24)) >>> 0;
	try {
		space.allocator.free(ptr - offsetOf(meta));
	} catch (error) {
		u32[h + H_SERIAL] = serial;
		u32[h + H_WEAK] = weak;
		u32[h + H_META] = meta;
		relinkValue(u32, control, ptr, h);
		throw error;
	}
	heap.f64[(space.address >>> 3) + F_FREED] += 1;
}
