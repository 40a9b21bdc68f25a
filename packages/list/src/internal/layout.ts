/**
 * The byte layout of a list inside the heap.
 *
 * Header (48 bytes, u32 words after `address`): first and last node, length, the list's owner cell,
 * the payload's size, alignment and type hash (checked by `open`), and the stack of spare nodes:
 * removed nodes kept for reuse, linked through their `next` word, up to a limit.
 *
 * Node (one block per node): `prev`, `next` (node addresses, 0 at the ends), `owner` (the address of
 * an owner cell), then the payload at {@link payloadOffset}.
 *
 * Owner cell (20 bytes): `magic`, `forward` (0 for a root), `refs`, `rank`, `list` (a root's list
 * header). Every node names a cell, and the list a node belongs to is the one whose cell is the root
 * that the node's cell forwards to. Splicing a whole list into another makes one root forward to the
 * other (union by rank) instead of re-tagging every node, so it is O(1); `refs` counts the nodes,
 * cells and list that name a cell, which is freed when that reaches 0.
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
/** The most recently removed spare node, 0 when there is none. */
export const W_SPARE = 8;
export const W_SPARES = 9;
export const W_SPARE_LIMIT = 10;
export const W_RESERVED = 11;
export const HEADER_BYTES = 48;
/** Default budget of spare nodes, in bytes. */
export const SPARE_BYTES = 16384;

/** Node words. */
export const N_PREV = 0;
export const N_NEXT = 1;
export const N_OWNER = 2;
/** The owner tag of a spare node: odd, so never a cell's address. */
export const SPARE_TAG = 1;
/** Bytes of a node before the payload can start. */
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

/** Offset of the payload in a node: after the links, aligned for the payload type. */
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
