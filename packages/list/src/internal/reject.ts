/**
 * The cold paths of a list: validating node handles and throwing errors, kept out of the methods
 * that call them so that those stay small enough to inline.
 * @internal
 */
import {
	type Allocator,
	DoubleFreeError,
	describeArgument,
	hex,
	InvalidPointerError,
	OutOfMemoryError,
} from "@offheap/core";
import { ADDRESS_MASK, C_LIST, GEN_MASK, N_OWNER, NODE_OFFSET, SPARE_TAG, W_INDIRECT } from "./layout.ts";
import { release, rootOf } from "./owners.ts";

export function rejectFreed(operation: string): never {
	throw new InvalidPointerError(`List.${operation}`, 0, "the list was freed");
}

/** `what` names the block that could not be had: "a node (length 3)", "the header". */
export function outOfMemory(operation: string, bytes: number, what: string): OutOfMemoryError {
	return new OutOfMemoryError(bytes, `List.${operation}: ${what}`);
}

export function rejectNotAggregate(operation: string, typeName: string): never {
	throw new TypeError(
		`List.${operation} needs struct, union or array payloads (it returns a view); this list holds ${typeName}: use get/set`,
	);
}

/** What node validation needs from a list. */
export interface NodeContext {
	readonly allocator: Allocator;
	readonly nodeAllocator: Allocator;
	/** Address of the list's header (for messages). */
	readonly address: number;
	readonly nodeBytes: number;
}

/**
 * Checks that the handle `node` names a live node of the list whose root cell is `cell`, and, when
 * `compress`, makes the node's owner word name `cell` directly (so the next check takes the fast path;
 * this may free a forwarding cell, so a caller that may still fail afterwards passes false). Throws
 * InvalidPointerError for anything that is not a node of this list (another list's node, an address
 * that is no node), DoubleFreeError for a stale handle: its node was removed (its block is free, it
 * is kept as a spare, or it now holds a newer node of this list). On a checked heap the allocator's
 * own report (where the block was allocated and freed) is part of the message.
 */
export function adoptNode(
	list: NodeContext,
	operation: string,
	node: unknown,
	cell: number,
	compress: boolean,
): void {
	const where = `List.${operation}`;
	const heap = list.nodeAllocator.heap;
	if (typeof node !== "number") {
		throw new InvalidPointerError(
			where,
			node as number,
			`not a node handle: ${describeArgument(node)} (a handle is a number)`,
		);
	}
	if (node >>> 0 !== node || node === 0 || node >= 2 ** 31) {
		if (node === 0)
			throw new InvalidPointerError(where, 0, "NULL is not a node (an empty list's first and last are 0)");
		throw new InvalidPointerError(where, node as number, "not a node handle (a handle is a small integer)");
	}
	const address = node & ADDRESS_MASK;
	if (address < NODE_OFFSET + 8 || address - NODE_OFFSET + list.nodeBytes > heap.u8.length)
		throw new InvalidPointerError(where, node, "not the handle of a node inside the heap");
	try {
		list.nodeAllocator.usableSize(address - NODE_OFFSET);
	} catch (error) {
		const detail = (error as Error).message;
		if (error instanceof DoubleFreeError)
			throw new DoubleFreeError(where, node, `the node was already removed (its block is free): ${detail}`);
		throw new InvalidPointerError(where, node, `not a node: ${detail}`);
	}
	const u32 = heap.u32;
	const w = address >>> 2;
	const tag = u32[w + N_OWNER] as number;
	const tagCell = tag & ADDRESS_MASK;
	const generation = node & GEN_MASK;
	if (tag === SPARE_TAG)
		throw new DoubleFreeError(where, node, "the node was already removed (it is kept as a spare)");
	const root = rootOf(u32, tagCell, u32.length * 4);
	if (root === 0)
		throw new InvalidPointerError(where, node, "not a node of any list (removed, or never one)");
	if (root !== cell) {
		throw new InvalidPointerError(
			where,
			node,
			`the node belongs to another list (at ${hex(u32[(root >>> 2) + C_LIST] as number)}, not ${hex(list.address)})`,
		);
	}
	if ((tag & GEN_MASK) !== generation) {
		throw new DoubleFreeError(
			where,
			node,
			`stale handle: its node was removed, and its memory ${hex(address)} now holds a newer node of this list ` +
				`(generation ${tag & GEN_MASK}, the handle has ${generation})`,
		);
	}
	if (tagCell === cell || !compress) return;
	// Path compression: the node names its root from now on (a direct node, which the root does not count).
	u32[w + N_OWNER] = cell | generation;
	const indirect = (list.address >>> 2) + W_INDIRECT;
	u32[indirect] = (u32[indirect] as number) - 1;
	release(list.allocator, tagCell, 1);
}
