/**
 * Splicing a range of nodes (O(k): the nodes are counted, and re-tagged when they change lists).
 * The whole-list splice, O(1), is in `List.splice` itself.
 * @internal
 */
import type { Allocator } from "@offheap/core";
import {
	ADDRESS_MASK,
	GEN_MASK,
	N_NEXT,
	N_OWNER,
	N_PREV,
	W_CELL,
	W_FIRST,
	W_INDIRECT,
	W_LAST,
	W_LENGTH,
	W_NODES,
} from "./layout.ts";

/** The u32 index of the node a handle names. */
function word(node: number): number {
	return (node & ADDRESS_MASK) >>> 2;
}

import { release } from "./owners.ts";

/** What a range splice needs from each list. */
export interface SpliceSide {
	readonly allocator: Allocator;
	/** u32 index of the header. */
	readonly hdr: number;
	/** Validates a node of this list (throws otherwise), changing nothing: the splice may still be refused. */
	own(operation: string, node: number): void;
	/** Throws the `HeapCorruptionError` that `check()` finds (the links of this list are inconsistent). */
	corrupt(operation: string): never;
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
	const length = u32[src.hdr + W_LENGTH] as number;
	for (let n = from; n !== to; count++) {
		if (same && n === before)
			throw new RangeError("List.splice: the node to insert before is inside the range moved");
		n = u32[word(n) + N_NEXT] as number;
		if (n === 0) throw new RangeError("List.splice: `last` does not follow `first` in the source");
		if (count === length) src.corrupt("splice"); // a cycle: never followed, refused before any change
	}
	if (same && to === before)
		throw new RangeError("List.splice: the node to insert before is inside the range moved");
	if (!same) {
		const mine = u32[dst.hdr + W_CELL] as number;
		const theirs = u32[src.hdr + W_CELL] as number;
		let indirect = 0;
		for (let n = from, i = 0; i < count; i++) {
			const w = word(n);
			const tag = u32[w + N_OWNER] as number;
			u32[w + N_OWNER] = mine | (tag & GEN_MASK); // the handle stays valid
			if ((tag & ADDRESS_MASK) !== theirs) {
				indirect++;
				release(src.allocator, tag & ADDRESS_MASK, 1);
				u32 = heap.u32;
			}
			n = u32[w + N_NEXT] as number;
		}
		// Roots do not count their nodes: only the source's nodes tagged with forwarding cells change.
		u32[src.hdr + W_INDIRECT] = (u32[src.hdr + W_INDIRECT] as number) - indirect;
		u32[src.hdr + W_NODES] = (u32[src.hdr + W_NODES] as number) - count;
		u32[dst.hdr + W_NODES] = (u32[dst.hdr + W_NODES] as number) + count;
	}
	// Unlink the range from the source.
	const prev = u32[word(from) + N_PREV] as number;
	const next = u32[word(to) + N_NEXT] as number;
	if (prev === 0) u32[src.hdr + W_FIRST] = next;
	else u32[word(prev) + N_NEXT] = next;
	if (next === 0) u32[src.hdr + W_LAST] = prev;
	else u32[word(next) + N_PREV] = prev;
	u32[src.hdr + W_LENGTH] = (u32[src.hdr + W_LENGTH] as number) - count;
	// Link it in before `before`.
	const after = before === 0 ? (u32[dst.hdr + W_LAST] as number) : (u32[word(before) + N_PREV] as number);
	u32[word(from) + N_PREV] = after;
	u32[word(to) + N_NEXT] = before;
	if (after === 0) u32[dst.hdr + W_FIRST] = from;
	else u32[word(after) + N_NEXT] = from;
	if (before === 0) u32[dst.hdr + W_LAST] = to;
	else u32[word(before) + N_PREV] = to;
	u32[dst.hdr + W_LENGTH] = (u32[dst.hdr + W_LENGTH] as number) + count;
}
