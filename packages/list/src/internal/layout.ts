/**
 * The byte layout of a list inside the heap.
 *
 * No address the list hands out is the start of an allocator block, so that `heap.free` of one is
 * refused (`InvalidPointerError`) instead of silently freeing a block the list still uses: the header
 * is {@link HEADER_OFFSET} bytes into its block, a node {@link NODE_OFFSET} bytes into its own.
 *
 * Header (56 bytes, u32 words after `address`, which is 8 bytes into a 64-byte block): first and
 * last node, length, the list's owner cell, the payload's size, alignment and type hash (checked by
 * `open`), the stack of spare nodes (removed nodes kept for reuse, linked through their `next` word),
 * the number of nodes the list holds (its nodes and its spares: the spares are that minus the length,
 * so no operation counts them) and the limit of spares.
 *
 * Node (one block per node): `prev`, `next` (node handles, 0 at the ends), `owner`, then the payload
 * at {@link payloadOffset} from the block's start. The node's address is that of its `owner` word,
 * 8 bytes into the block, so `prev` and `next` are the words before it (at no cost in memory: the node
 * is as large as before). A node's `owner` word is the address of an owner cell (8-aligned) with the
 * node's 3-bit generation in its low bits; a spare node's is {@link SPARE_TAG}. A node handle is the
 * node's address with the same generation in its low bits, so one compare of the owner word with
 * `cell | (handle & 7)` tells a live node of this list from a stale handle, even when the node's memory
 * now holds a newer node of the same list (unless it was reused a multiple of 8 times since).
 *
 * Owner cell (20 bytes): `magic`, `forward` (0 for a root), `refs`, `rank`, `list` (a root's list
 * header). Every node names a cell, and the list a node belongs to is the one whose cell is the root
 * that the node's cell forwards to. Splicing a whole list into another makes one root forward to the
 * other (union by rank) instead of re-tagging every node, so it is O(1). A forwarding cell's `refs`
 * counts the nodes and cells that name it, and it is freed when that reaches 0; a root's `refs`
 * counts the cells that forward to it and its list, but not its nodes: those are the list's length
 * minus its `indirect` nodes, so pushing and removing a node touches no cell.
 * @internal
 */

/** "LIST" in little-endian. */
export const MAGIC = 0x5453494c;
export const W_MAGIC = 0;
export const W_FIRST = 1;
export const W_LAST = 2;
export const W_LENGTH = 3;
export const W_CELL = 4;
export const W_PAYLOAD_SIZE = 5;
export const W_PAYLOAD_ALIGN = 6;
export const W_TYPE_HASH = 7;
/**
 * The handle of the most recently removed spare node (its address and its next generation), 0 when
 * there is none. Spare nodes are a stack linked through their `next` word (handles too); their owner
 * word is {@link SPARE_TAG}, their `prev` word is unused.
 */
export const W_SPARE = 8;
/**
 * Nodes the list holds: its nodes and its spares (so the spares are this minus the length). Changes
 * only when a node is allocated or freed, or moves to another list by a splice.
 */
export const W_NODES = 9;
/** The most spares the list keeps (the `spare` option; {@link SPARE_ALL} by default). */
export const W_SPARE_LIMIT = 10;
/** Nodes allocated so far (mod 2^32): the first generation of a new node. */
export const W_SERIAL = 11;
/** Nodes of the list tagged with a forwarding cell rather than the root (see owners.ts). */
export const W_INDIRECT = 12;
export const W_RESERVED = 13;
export const HEADER_BYTES = 56;
/** Bytes from the start of the header's block to the header's address (see the top of this file). */
export const HEADER_OFFSET = 8;
/**
 * The default spare limit: no limit, so a list keeps every node it removes (as many as its peak length)
 * until `trim`, `clear` or `free`, and removal never hands nodes back to the heap one by one.
 */
export const SPARE_ALL = 0x7fffffff;

/** Node words, relative to the node's address (its `owner` word). */
export const N_PREV = -2;
export const N_NEXT = -1;
export const N_OWNER = 0;
/** Bytes from the start of a node's block to the node's address. */
export const NODE_OFFSET = 8;
/** The owner word of a spare node: no cell (a zeroed block is no spare), so every handle to it is refused. */
export const SPARE_TAG = 1;
/** The generation bits of a node handle and of a node's owner word. */
export const GEN_MASK = 7;
/** Clears the generation bits: a handle's node address. */
export const ADDRESS_MASK = -8;
/** Bytes of a node's block before the payload can start. */
export const NODE_LINKS = 12;

/** "OWNR" in little-endian. */
export const CELL_MAGIC = 0x524e574f;
export const C_MAGIC = 0;
export const C_FORWARD = 1;
export const C_REFS = 2;
export const C_RANK = 3;
export const C_LIST = 4;
export const CELL_BYTES = 20;
/** Longest chain of forwarding cells a consistent heap can hold (union by rank: log2 of the cells). */
export const MAX_CHAIN = 40;

/** Offset of the payload in a node's block: after the links, aligned for the payload type. */
export function payloadOffset(align: number): number {
	return Math.ceil(NODE_LINKS / align) * align;
}

/** FNV-1a of `kind:name`: tells payload types of one size apart when a list is reopened. */
export function typeHash(type: { readonly kind?: string; readonly name?: string }): number {
	const text = `${type.kind ?? "?"}:${type.name ?? "?"}`;
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}
