/**
 * The cold paths of a list: validating node handles and throwing errors, kept out of the methods
 * that call them so that those stay small enough to inline.
 * @internal
 */
import { type Allocator, DoubleFreeError, hex, InvalidPointerError, OutOfMemoryError } from "@offheap/core";
import { ELEMENT_KIND, elementValueProblem } from "@offheap/struct";
import { C_LIST, C_REFS, N_OWNER, SPARE_TAG } from "./layout.ts";
import { release, rootOf } from "./owners.ts";

const { bool: K_BOOL, i64: K_I64, u64: K_U64 } = ELEMENT_KIND;

export function rejectFreed(operation: string): never {
	throw new InvalidPointerError(`List.${operation}`, 0, "the list was freed");
}

/** `what` names the block that could not be had: "a node (length 3)", "the header". */
export function outOfMemory(operation: string, bytes: number, what: string): OutOfMemoryError {
	return new OutOfMemoryError(bytes, `List.${operation}: ${what}`);
}

/** Throws the TypeError (wrong JS type) or RangeError (out of range) for a scalar payload value. */
export function rejectValue(
	operation: string,
	typeName: string,
	kind: number,
	value: unknown,
	strict: boolean,
): never {
	const problem = elementValueProblem(kind, value, strict) ?? "rejected";
	const expected = kind === K_I64 || kind === K_U64 ? "bigint" : kind === K_BOOL ? "boolean" : "number";
	const message = `List.${operation}: ${problem} (payload type ${typeName})`;
	throw typeof value === expected ? new RangeError(message) : new TypeError(message);
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
 * Checks that `node` is a live node of the list whose root cell is `cell`, and makes its owner tag
 * name `cell` directly (so the next check takes the fast path). Throws InvalidPointerError for
 * anything that is not a node of this list (another list's node, an address that is no node),
 * DoubleFreeError for a node already removed whose block is still free.
 */
export function adoptNode(list: NodeContext, operation: string, node: unknown, cell: number): void {
	const where = `List.${operation}`;
	const heap = list.nodeAllocator.heap;
	if (
		typeof node !== "number" ||
		node >>> 0 !== node ||
		node === 0 ||
		(node & 7) !== 0 ||
		node + list.nodeBytes > heap.u8.length
	) {
		if (node === 0)
			throw new InvalidPointerError(where, 0, "NULL is not a node (an empty list's first and last are 0)");
		throw new InvalidPointerError(where, node as number, "not the address of a node inside the heap");
	}
	try {
		list.nodeAllocator.usableSize(node);
	} catch (error) {
		if (error instanceof DoubleFreeError)
			throw new DoubleFreeError(where, node, "the node was already removed (its block is free)");
		throw new InvalidPointerError(where, node, `not a node: ${(error as Error).message}`);
	}
	const u32 = heap.u32;
	const w = node >>> 2;
	const tag = u32[w + N_OWNER] as number;
	if (tag === cell) return;
	if (tag === SPARE_TAG)
		throw new DoubleFreeError(where, node, "the node was already removed (it is kept as a spare)");
	const root = rootOf(u32, tag, u32.length * 4);
	if (root === 0)
		throw new InvalidPointerError(where, node, "not a node of any list (removed, or never one)");
	if (root !== cell) {
		throw new InvalidPointerError(
			where,
			node,
			`the node belongs to another list (at ${hex(u32[(root >>> 2) + C_LIST] as number)}, not ${hex(list.address)})`,
		);
	}
	// Path compression: the node names its root from now on.
	u32[w + N_OWNER] = cell;
	u32[(cell >>> 2) + C_REFS] = (u32[(cell >>> 2) + C_REFS] as number) + 1;
	release(list.allocator, tag, 1);
}
