/**
 * Where a list's nodes come from and go to, off the hot paths: new nodes from the node allocator,
 * the stack of spare nodes, freeing every node, and the O(1) whole-list splice.
 * @internal
 */
import { HeapCorruptionError, hex } from "@offheap/core";
import type { ListState } from "../list-state.ts";
import {
	ADDRESS_MASK,
	C_LIST,
	C_REFS,
	CELL_BYTES,
	GEN_MASK,
	N_NEXT,
	N_OWNER,
	N_PREV,
	NODE_OFFSET,
	SPARE_TAG,
	W_CELL,
	W_FIRST,
	W_INDIRECT,
	W_LAST,
	W_LENGTH,
	W_NODES,
	W_SPARE,
} from "./layout.ts";
import { newCell, release, rootOf, unite } from "./owners.ts";
import { outOfMemory } from "./reject.ts";
import { verifyList } from "./verify.ts";

/** The u32 index of the node a handle names. */
function word(node: number): number {
	return (node & ADDRESS_MASK) >>> 2;
}

/** The number of spare nodes of the list whose header is at u32 index `hdr`. */
export function spareCount(u32: Uint32Array, hdr: number): number {
	return (u32[hdr + W_NODES] as number) - (u32[hdr + W_LENGTH] as number);
}

/**
 * Gives up an unlinked node (no longer counted in the length) whose owner reference was already
 * dropped: kept as a spare (with its next generation, so every handle to it goes stale) while there
 * is room, else freed.
 */
export function stow(list: ListState, node: number): void {
	const hdr = list.hdr;
	const u32 = list.heap.u32;
	const w = word(node);
	// The node itself is held but neither linked nor spare yet: the spares are one fewer than held - length.
	if (spareCount(u32, hdr) <= list.spareLimit) {
		u32[w + N_OWNER] = SPARE_TAG;
		u32[w + N_NEXT] = u32[hdr + W_SPARE] as number;
		u32[hdr + W_SPARE] = (node & ADDRESS_MASK) | ((node + 1) & GEN_MASK);
	} else {
		u32[w + N_OWNER] = 0;
		u32[hdr + W_NODES] = (u32[hdr + W_NODES] as number) - 1;
		list.nodeAllocator.free((node & ADDRESS_MASK) - NODE_OFFSET);
	}
}

/**
 * Gives up an unlinked node off the hot path: one tagged with a forwarding cell drops its reference
 * to it, and the node is stowed.
 */
export function retireSlow(list: ListState, node: number, tag: number): void {
	const u32 = list.heap.u32;
	const cell = tag & ADDRESS_MASK;
	if (cell !== (u32[list.hdr + W_CELL] as number)) {
		u32[list.hdr + W_INDIRECT] = (u32[list.hdr + W_INDIRECT] as number) - 1;
		release(list.allocator, cell, 1);
	}
	stow(list, node);
}

/**
 * Walks the list's nodes (when `nodes`) and its spares as freeing them will, changing nothing, so
 * that a corrupt link (a cycle, a node outside the heap or of another list, a wrong count) is
 * reported before the first node is freed rather than after some of them were: O(n) reads of two
 * words per node. On a problem the full check names it.
 */
export function checkChains(list: ListState, operation: string, nodes: boolean): void {
	const hdr = list.hdr;
	const u32 = list.heap.u32;
	const bytes = u32.length * 4;
	const cell = u32[hdr + W_CELL] as number;
	const length = u32[hdr + W_LENGTH] as number;
	const last = bytes - list.nodeBytes + NODE_OFFSET; // the highest node address inside the heap
	let ok = true;
	if (nodes) {
		let count = 0;
		for (let n = u32[hdr + W_FIRST] as number; n !== 0 && ok; count++) {
			const at = n & ADDRESS_MASK;
			const owner = at >= 16 && at <= last ? (u32[(at >>> 2) + N_OWNER] as number) : 0;
			ok =
				count < length &&
				(owner & GEN_MASK) === (n & GEN_MASK) &&
				rootOf(u32, owner & ADDRESS_MASK, bytes) === cell &&
				(!list.verify || live(list, at));
			n = ok ? (u32[(at >>> 2) + N_NEXT] as number) : 0;
		}
		ok &&= count === length;
	}
	const spares = spareCount(u32, hdr);
	let count = 0;
	for (let n = u32[hdr + W_SPARE] as number; n !== 0 && ok; count++) {
		const at = n & ADDRESS_MASK;
		ok =
			count < spares &&
			at >= 16 &&
			at <= last &&
			u32[(at >>> 2) + N_OWNER] === SPARE_TAG &&
			(!list.verify || live(list, at));
		n = ok ? (u32[(at >>> 2) + N_NEXT] as number) : 0;
	}
	if (ok && count === spares) return;
	verifyList(list, operation);
	throw new HeapCorruptionError(
		list.address,
		`List.${operation}: list at ${hex(list.address)}: its links are inconsistent`,
	);
}

/** Whether the node at `at` is a live block of the node allocator (checked heaps: a node freed behind the list's back). */
function live(list: ListState, at: number): boolean {
	try {
		list.nodeAllocator.usableSize(at - NODE_OFFSET);
		return true;
	} catch {
		return false;
	}
}

/** Frees the spare nodes. */
export function freeSpares(list: ListState): void {
	const hdr = list.hdr;
	const u32 = list.heap.u32;
	let node = u32[hdr + W_SPARE] as number;
	u32[hdr + W_SPARE] = 0;
	u32[hdr + W_NODES] = u32[hdr + W_LENGTH] as number;
	while (node !== 0) {
		const next = u32[word(node) + N_NEXT] as number;
		list.nodeAllocator.free((node & ADDRESS_MASK) - NODE_OFFSET);
		node = next;
	}
}

/** Frees every node and every spare, iteratively: one pass, no recursion. */
export function freeNodes(list: ListState): void {
	freeSpares(list);
	const hdr = list.hdr;
	const nodes = list.nodeAllocator;
	let u32 = list.heap.u32;
	const cell = u32[hdr + W_CELL] as number;
	let node = u32[hdr + W_FIRST] as number;
	u32[hdr + W_FIRST] = 0;
	u32[hdr + W_LAST] = 0;
	u32[hdr + W_LENGTH] = 0;
	u32[hdr + W_NODES] = 0;
	u32[hdr + W_INDIRECT] = 0;
	while (node !== 0) {
		const w = word(node);
		const next = u32[w + N_NEXT] as number;
		const tag = (u32[w + N_OWNER] as number) & ADDRESS_MASK;
		u32[w + N_OWNER] = 0;
		if (tag !== cell) release(list.allocator, tag, 1); // a root does not count its nodes
		nodes.free((node & ADDRESS_MASK) - NODE_OFFSET);
		u32 = list.heap.u32;
		node = next;
	}
}

/**
 * Moves every node of `source` (another list) before `before` (0: at the end) of `target`, in O(1):
 * the cells are swapped (an empty target) or merged (union by rank), the nodes keep their tags.
 * @throws OutOfMemoryError when the emptied source's new cell cannot be allocated, having changed nothing.
 */
export function spliceAll(target: ListState, source: ListState, before: number): void {
	const hdr = target.hdr;
	const src = source.hdr;
	let u32 = target.heap.u32;
	const count = u32[src + W_LENGTH] as number;
	if (count === 0) return;
	const length = u32[hdr + W_LENGTH] as number;
	const mine = u32[hdr + W_CELL] as number;
	const theirs = u32[src + W_CELL] as number;
	if (length === 0) {
		// Swap the cells: both stay roots, each list keeps its reference.
		u32[hdr + W_CELL] = theirs;
		u32[src + W_CELL] = mine;
		u32[(theirs >>> 2) + C_LIST] = hdr * 4;
		u32[(mine >>> 2) + C_LIST] = src * 4;
		u32[hdr + W_INDIRECT] = u32[src + W_INDIRECT] as number;
	} else {
		const fresh = newCell(target.allocator, src * 4);
		if (fresh === 0) throw outOfMemory("splice", CELL_BYTES, "a new owner cell for the emptied source");
		u32 = target.heap.u32;
		// A root does not count its nodes, a forwarding cell does: count each root's direct nodes in for
		// the merge, then take the new root's out again; every other node of the target is now indirect.
		const directMine = length - (u32[hdr + W_INDIRECT] as number);
		const directTheirs = count - (u32[src + W_INDIRECT] as number);
		u32[(mine >>> 2) + C_REFS] = (u32[(mine >>> 2) + C_REFS] as number) + directMine;
		u32[(theirs >>> 2) + C_REFS] = (u32[(theirs >>> 2) + C_REFS] as number) + directTheirs;
		const root = unite(target.allocator, mine, theirs, hdr * 4);
		const direct = root === mine ? directMine : directTheirs;
		u32 = target.heap.u32;
		u32[(root >>> 2) + C_REFS] = (u32[(root >>> 2) + C_REFS] as number) - direct;
		u32[hdr + W_CELL] = root;
		u32[hdr + W_INDIRECT] = length + count - direct;
		u32[src + W_CELL] = fresh;
	}
	u32[src + W_INDIRECT] = 0;
	const first = u32[src + W_FIRST] as number;
	const last = u32[src + W_LAST] as number;
	u32[src + W_FIRST] = 0;
	u32[src + W_LAST] = 0;
	u32[src + W_LENGTH] = 0;
	u32[src + W_NODES] = (u32[src + W_NODES] as number) - count; // its spares stay
	u32[hdr + W_NODES] = (u32[hdr + W_NODES] as number) + count;
	const prev = before === 0 ? (u32[hdr + W_LAST] as number) : (u32[word(before) + N_PREV] as number);
	u32[word(first) + N_PREV] = prev;
	u32[word(last) + N_NEXT] = before;
	if (prev === 0) u32[hdr + W_FIRST] = first;
	else u32[word(prev) + N_NEXT] = first;
	if (before === 0) u32[hdr + W_LAST] = last;
	else u32[word(before) + N_PREV] = last;
	u32[hdr + W_LENGTH] = length + count;
}
