/**
 * Splicing a range of nodes (O(k): the nodes are counted, and re-tagged when they change lists).
 * The whole-list splice, O(1), is in `List.splice` itself.
 * @internal
 */
import type { Allocator } from "@offheap/core";
import { C_REFS, N_NEXT, N_OWNER, N_PREV, W_CELL, W_FIRST, W_LAST, W_LENGTH } from "./layout.ts";
import { release } from "./owners.ts";

/** What a range splice needs from each list. */
export interface SpliceSide {
	readonly allocator: Allocator;
	/** u32 index of the header. */
	readonly hdr: number;
	/** Validates a node of this list (throws otherwise) and makes its tag name the list's cell. */
	own(operation: string, node: number): void;
}

/** Moves `first`…`last` (default: all) of `src` before `before` in `dst` (0: at the end). */
export function spliceRange(
	dst: SpliceSide,
	src: SpliceSide,
	first: number | undefined,
	last: number | undefined,
	before: number,
): void {
	const heap = dst.allocator.heap;
	let u32 = heap.u32;
	const from = first ?? (u32[src.hdr + W_FIRST] as number);
	const to = last ?? (u32[src.hdr + W_LAST] as number);
	if (from === 0 && first === undefined && last === undefined) return; // an empty source
	src.own("splice", from);
	src.own("splice", to);
	const same = src.hdr === dst.hdr;
	let count = 1;
	for (let n = from; n !== to; count++) {
		if (same && n === before)
			throw new RangeError("List.splice: the node to insert before is inside the range moved");
		n = u32[(n >>> 2) + N_NEXT] as number;
		if (n === 0) throw new RangeError("List.splice: `last` does not follow `first` in the source");
	}
	if (same && to === before)
		throw new RangeError("List.splice: the node to insert before is inside the range moved");
	if (!same) {
		const mine = u32[dst.hdr + W_CELL] as number;
		const theirs = u32[src.hdr + W_CELL] as number;
		let direct = 0;
		for (let n = from, i = 0; i < count; i++) {
			const w = n >>> 2;
			const tag = u32[w + N_OWNER] as number;
			u32[w + N_OWNER] = mine;
			if (tag === theirs) direct++;
			else {
				release(src.allocator, tag, 1);
				u32 = heap.u32;
			}
			n = u32[w + N_NEXT] as number;
		}
		u32[(theirs >>> 2) + C_REFS] = (u32[(theirs >>> 2) + C_REFS] as number) - direct;
		u32[(mine >>> 2) + C_REFS] = (u32[(mine >>> 2) + C_REFS] as number) + count;
	}
	// Unlink the range from the source.
	const prev = u32[(from >>> 2) + N_PREV] as number;
	const next = u32[(to >>> 2) + N_NEXT] as number;
	if (prev === 0) u32[src.hdr + W_FIRST] = next;
	else u32[(prev >>> 2) + N_NEXT] = next;
	if (next === 0) u32[src.hdr + W_LAST] = prev;
	else u32[(next >>> 2) + N_PREV] = prev;
	u32[src.hdr + W_LENGTH] = (u32[src.hdr + W_LENGTH] as number) - count;
	// Link it in before `before`.
	const after = before === 0 ? (u32[dst.hdr + W_LAST] as number) : (u32[(before >>> 2) + N_PREV] as number);
	u32[(from >>> 2) + N_PREV] = after;
	u32[(to >>> 2) + N_NEXT] = before;
	if (after === 0) u32[dst.hdr + W_FIRST] = from;
	else u32[(after >>> 2) + N_NEXT] = from;
	if (before === 0) u32[dst.hdr + W_LAST] = to;
	else u32[(before >>> 2) + N_PREV] = to;
	u32[dst.hdr + W_LENGTH] = (u32[dst.hdr + W_LENGTH] as number) + count;
}
