/**
 * Owner cells: how a node tells which list it belongs to, with O(1) whole-list splices. See
 * `layout.ts` for the cell layout and the invariants. Cold code except where noted.
 * @internal
 */
import { type Allocator, HeapCorruptionError, hex } from "@offheap/core";
import { C_FORWARD, C_LIST, C_MAGIC, C_RANK, C_REFS, CELL_BYTES, CELL_MAGIC, MAX_CHAIN } from "./layout.ts";

/** A new root cell for the list at `list`, held once (by the list); 0 when the allocator is out of memory. */
export function newCell(allocator: Allocator, list: number): number {
	const cell = allocator.malloc(CELL_BYTES, 8); // 8-aligned: a node's owner word keeps its generation in the low bits
	if (cell === 0) return 0;
	const u32 = allocator.heap.u32;
	const w = cell >>> 2;
	u32[w + C_MAGIC] = CELL_MAGIC;
	u32[w + C_FORWARD] = 0;
	u32[w + C_REFS] = 1;
	u32[w + C_RANK] = 0;
	u32[w + C_LIST] = list;
	return cell;
}

/** Drops `count` references to `cell`; a cell nobody names is freed, dropping its own reference to its forward. */
export function release(allocator: Allocator, cell: number, count: number): void {
	let c = cell;
	let n = count;
	while (c !== 0) {
		const u32 = allocator.heap.u32;
		const w = c >>> 2;
		const refs = (u32[w + C_REFS] as number) - n;
		if (refs > 0) {
			u32[w + C_REFS] = refs;
			return;
		}
		const forward = u32[w + C_FORWARD] as number;
		u32[w + C_MAGIC] = 0;
		allocator.free(c);
		c = forward;
		n = 1;
	}
}

/** Whether `cell` could be the address of an owner cell in a heap of `bytes` bytes. */
function isCell(u32: Uint32Array, cell: number, bytes: number): boolean {
	return cell !== 0 && (cell & 7) === 0 && cell + CELL_BYTES <= bytes && u32[cell >>> 2] === CELL_MAGIC;
}

/**
 * The root cell that `cell` forwards to, or 0 when `cell` is not an owner cell at all (the tag of
 * something that is not a node).
 * @throws HeapCorruptionError for a chain of forwards longer than union by rank allows (a cycle).
 */
export function rootOf(u32: Uint32Array, cell: number, bytes: number): number {
	let c = cell;
	for (let steps = 0; steps <= MAX_CHAIN; steps++) {
		if (!isCell(u32, c, bytes)) return 0;
		const forward = u32[(c >>> 2) + C_FORWARD] as number;
		if (forward === 0) return c;
		c = forward;
	}
	throw new HeapCorruptionError(
		cell,
		`list owner cell ${hex(cell)}: a chain of more than ${MAX_CHAIN} forwards`,
	);
}

/**
 * Merges the root cells `into` (held by the receiving list) and `from` (held by the list giving its
 * nodes away, which lets go of it): the one of lower rank forwards to the other. Returns the root the
 * receiving list holds afterwards, with the receiving list's one reference.
 */
export function unite(allocator: Allocator, into: number, from: number, list: number): number {
	const u32 = allocator.heap.u32;
	const a = into >>> 2;
	const b = from >>> 2;
	const rankA = u32[a + C_RANK] as number;
	const rankB = u32[b + C_RANK] as number;
	if (rankA >= rankB) {
		// `from` forwards to `into`: `into` gains a reference (the forward), `from` loses its list's.
		u32[b + C_FORWARD] = into;
		u32[b + C_LIST] = 0;
		u32[a + C_REFS] = (u32[a + C_REFS] as number) + 1;
		if (rankA === rankB) u32[a + C_RANK] = rankA + 1;
		release(allocator, from, 1);
		return into;
	}
	// `into` forwards to `from`, which the receiving list takes over with the giving list's reference.
	u32[a + C_FORWARD] = from;
	u32[a + C_LIST] = 0;
	u32[b + C_REFS] = (u32[b + C_REFS] as number) + 1;
	u32[b + C_LIST] = list;
	release(allocator, into, 1);
	return from;
}
