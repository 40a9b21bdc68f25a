/**
 * `List.check()`: a full walk of a list's invariants in the heap, in O(length + spares), with bounded
 * walks (a cycle is reported, never followed forever). Cold code.
 * @internal
 */
import { HeapCorruptionError, hex } from "@offheap/core";
import type { Type } from "@offheap/struct";
import type { ListState } from "../list-state.ts";
import { headerProblem } from "./header.ts";
import {
	ADDRESS_MASK,
	C_FORWARD,
	C_REFS,
	GEN_MASK,
	HEADER_BYTES,
	HEADER_OFFSET,
	MAGIC,
	N_NEXT,
	N_OWNER,
	N_PREV,
	NODE_OFFSET,
	SPARE_TAG,
	typeHash,
	W_CELL,
	W_FIRST,
	W_INDIRECT,
	W_LAST,
	W_LENGTH,
	W_MAGIC,
	W_NODES,
	W_PAYLOAD_ALIGN,
	W_PAYLOAD_SIZE,
	W_SPARE,
	W_SPARE_LIMIT,
	W_TYPE_HASH,
} from "./layout.ts";
import { rootOf } from "./owners.ts";

/** What the verification reads of a list. */
type Verified = Pick<ListState, "heap" | "allocator" | "nodeAllocator" | "address" | "nodeBytes"> & {
	readonly type: Type;
};

/**
 * Throws `HeapCorruptionError` naming the first inconsistency of the list at `list.address` (for
 * `List.<operation>`): its
 * header (magic, payload type, owner cell, counts, its block), each node (inside the heap, a live block
 * of the node allocator, owned by this list with the handle's generation, its `prev` link the node
 * before it), the ends, the length (a walk longer than the length is a cycle), the nodes tagged with
 * forwarding cells, each owner cell's reference count, and the stack of spare nodes.
 */
export function verifyList(list: Verified, operation = "check"): void {
	const heap = list.heap;
	const address = list.address;
	const u32 = heap.u32;
	const bytes = u32.length * 4;
	const hdr = address >>> 2;
	const fail = (block: number, detail: string): never => {
		throw new HeapCorruptionError(block, `List.${operation}: list at ${hex(address)}: ${detail}`);
	};
	// The header.
	const magic = u32[hdr + W_MAGIC] as number;
	if (magic !== MAGIC) fail(address, `header magic ${hex(magic)} is not the list magic ${hex(MAGIC)}`);
	const type = list.type;
	const size = u32[hdr + W_PAYLOAD_SIZE] as number;
	const align = u32[hdr + W_PAYLOAD_ALIGN] as number;
	if (size !== type.size || align !== type.align || u32[hdr + W_TYPE_HASH] !== typeHash(type)) {
		fail(address, `the header's payload type (${size} B aligned to ${align}) is not ${type.name}'s`);
	}
	const problem = headerProblem(heap, address);
	if (problem !== undefined) fail(address, `header: ${problem}`);
	liveBlock(list.allocator, address - HEADER_OFFSET, HEADER_OFFSET + HEADER_BYTES, (detail) =>
		fail(address, `the header's block ${hex(address - HEADER_OFFSET)} ${detail}`),
	);
	const length = u32[hdr + W_LENGTH] as number;
	const root = u32[hdr + W_CELL] as number;
	// The nodes, front to back: at most `length` of them.
	const tagged = new Map<number, number>(); // owner cell -> nodes of this list tagged with it
	let prev = 0;
	let count = 0;
	for (let node = u32[hdr + W_FIRST] as number; node !== 0; ) {
		const at = node & ADDRESS_MASK;
		const where = `node ${hex(at)} (handle ${hex(node)})`;
		if (count === length) {
			fail(at, `${where}: more nodes are linked than its length ${length} (a cycle, or a wrong length)`);
		}
		count++;
		nodeInHeap(list, node, bytes, (detail) => fail(at, `${where}: ${detail}`));
		const w = at >>> 2;
		const owner = u32[w + N_OWNER] as number;
		const cell = owner & ADDRESS_MASK;
		if (owner === SPARE_TAG) fail(at, `${where}: it is linked, but its owner word is the spare tag`);
		if (rootOf(u32, cell, bytes) !== root) {
			fail(
				at,
				`${where}: its owner word ${hex(owner)} names no owner cell of this list (its root is ${hex(root)})`,
			);
		}
		if ((owner & GEN_MASK) !== (node & GEN_MASK)) {
			fail(
				at,
				`${where}: the link to it has generation ${node & GEN_MASK}, its owner word ${hex(owner)} has ${owner & GEN_MASK}`,
			);
		}
		const back = u32[w + N_PREV] as number;
		if (back !== prev) {
			fail(at, `${where}: its prev link is ${hex(back)}, but the node before it is ${hex(prev)}`);
		}
		tagged.set(cell, (tagged.get(cell) ?? 0) + 1);
		prev = node;
		node = u32[w + N_NEXT] as number;
	}
	if (count !== length)
		fail(address, `${count} nodes are linked from first to last, but its length is ${length}`);
	if ((u32[hdr + W_LAST] as number) !== prev) {
		fail(
			address,
			`the walk from first ends at ${hex(prev)}, but last is ${hex(u32[hdr + W_LAST] as number)}`,
		);
	}
	verifyCells(u32, root, tagged, length, u32[hdr + W_INDIRECT] as number, (block, detail) =>
		fail(block, detail),
	);
	// The spare nodes: at most nodes held - length of them.
	const spares = (u32[hdr + W_NODES] as number) - length;
	let found = 0;
	for (let node = u32[hdr + W_SPARE] as number; node !== 0; ) {
		const at = node & ADDRESS_MASK;
		const where = `spare node ${hex(at)} (handle ${hex(node)})`;
		if (found === spares) {
			fail(
				at,
				`${where}: more spare nodes are linked than the ${spares} it holds (a cycle, or a wrong count)`,
			);
		}
		found++;
		nodeInHeap(list, node, bytes, (detail) => fail(at, `${where}: ${detail}`));
		const owner = u32[(at >>> 2) + N_OWNER] as number;
		if (owner !== SPARE_TAG)
			fail(at, `${where}: its owner word is ${hex(owner)}, not the spare tag ${SPARE_TAG}`);
		node = u32[(at >>> 2) + N_NEXT] as number;
	}
	if (found !== spares) {
		fail(address, `${found} spare nodes are linked, but it holds ${spares} (nodes held less the length)`);
	}
	const limit = u32[hdr + W_SPARE_LIMIT] as number;
	if (spares > limit) fail(address, `${spares} spare nodes, more than its limit ${limit}`);
}

/** Checks that the node a handle names lies in the heap and is a live block of the node allocator. */
function nodeInHeap(list: Verified, node: number, bytes: number, fail: (detail: string) => never): void {
	const at = node & ADDRESS_MASK;
	if (at < NODE_OFFSET + 8 || at - NODE_OFFSET + list.nodeBytes > bytes) fail(`it is not inside the heap`);
	liveBlock(list.nodeAllocator, at - NODE_OFFSET, list.nodeBytes, (detail) =>
		fail(`its block ${hex(at - NODE_OFFSET)} ${detail}`),
	);
}

/** Checks that `block` is a live block of `allocator`, of at least `need` bytes when it is a heap. */
function liveBlock(
	allocator: Verified["allocator"],
	block: number,
	need: number,
	fail: (detail: string) => never,
): void {
	let usable = 0;
	try {
		usable = allocator.usableSize(block);
	} catch (error) {
		fail(`is not a live block of its allocator (${(error as Error).message.split("\n")[0]})`);
	}
	// Other allocators (an arena) may not know the size of every block they handed out.
	if (allocator === allocator.heap && usable < need) fail(`holds ${usable} B, fewer than ${need}`);
}

/**
 * Checks the owner cells of a list: `tagged` maps each cell its nodes are tagged with to their count.
 * Every cell a node names forwards to the root in a bounded chain (rootOf); a forwarding cell's
 * references are its nodes and the cells forwarding to it, the root's the cells forwarding to it and
 * the list; the nodes tagged with a forwarding cell are the header's `indirect` count.
 */
function verifyCells(
	u32: Uint32Array,
	root: number,
	tagged: Map<number, number>,
	length: number,
	indirect: number,
	fail: (block: number, detail: string) => never,
): void {
	const children = new Map<number, number>(); // cell -> cells forwarding to it
	const cells = new Set<number>();
	for (const start of tagged.keys()) {
		for (let c = start; c !== root && !cells.has(c); ) {
			cells.add(c);
			const forward = u32[(c >>> 2) + C_FORWARD] as number;
			children.set(forward, (children.get(forward) ?? 0) + 1);
			c = forward;
		}
	}
	const direct = tagged.get(root) ?? 0;
	if (length - direct !== indirect) {
		fail(
			root,
			`${length - direct} nodes are tagged with forwarding cells, but its header counts ${indirect}`,
		);
	}
	for (const cell of cells) {
		const expected = (tagged.get(cell) ?? 0) + (children.get(cell) ?? 0);
		const refs = u32[(cell >>> 2) + C_REFS] as number;
		if (refs !== expected) {
			fail(
				cell,
				`owner cell ${hex(cell)} counts ${refs} references, but ${expected} nodes and cells name it`,
			);
		}
	}
	const rootRefs = u32[(root >>> 2) + C_REFS] as number;
	const expected = 1 + (children.get(root) ?? 0);
	if (rootRefs !== expected) {
		fail(
			root,
			`its root cell ${hex(root)} counts ${rootRefs} references, but the list and ${expected - 1} cells name it`,
		);
	}
}
