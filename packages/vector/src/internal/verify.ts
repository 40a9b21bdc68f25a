/**
 * `Vector.check()`: the vector's header and storage verified in the heap, in O(1) (and O(capacity)
 * for the spare capacity of a checked heap, in spare-poison.ts). Cold code.
 * @internal
 */
import { type Allocator, type Heap, HeapCorruptionError, hex } from "@offheap/core";
import type { Type } from "@offheap/struct";
import { headerProblem } from "./header.ts";
import {
	HEADER_BYTES,
	HEADER_OFFSET,
	MAGIC,
	storageOffset,
	typeHash,
	W_CAPACITY,
	W_DATA,
	W_ELEM_ALIGN,
	W_ELEM_SIZE,
	W_MAGIC,
	W_TYPE_HASH,
} from "./layout.ts";

/** What the verification reads of a vector. */
export interface VerifiedVector {
	readonly heap: Heap;
	readonly allocator: Allocator;
	readonly address: number;
	readonly type: Type;
}

/**
 * Throws `HeapCorruptionError` naming the first inconsistency of the vector at `vector.address`: its
 * magic and element type, its length, capacity, storage and growth factor, the words before element 0
 * that name the storage's vector, and that its header and storage are live blocks of its allocator
 * (large enough, when the allocator is a heap).
 */
export function verifyVector(vector: VerifiedVector): void {
	const { heap, allocator, address, type } = vector;
	const u32 = heap.u32;
	const hdr = address >>> 2;
	const fail = (detail: string): never => {
		throw new HeapCorruptionError(address, `Vector.check: vector at ${hex(address)}: ${detail}`);
	};
	const magic = u32[hdr + W_MAGIC] as number;
	if (magic !== MAGIC) fail(`header magic ${hex(magic)} is not the vector magic ${hex(MAGIC)}`);
	const size = u32[hdr + W_ELEM_SIZE] as number;
	const align = u32[hdr + W_ELEM_ALIGN] as number;
	if (size !== type.size || align !== type.align || u32[hdr + W_TYPE_HASH] !== typeHash(type)) {
		fail(`the header's element type (${size} B aligned to ${align}) is not ${type.name}'s`);
	}
	const problem = headerProblem(heap, address);
	if (problem !== undefined) fail(`header: ${problem}`);
	liveBlock(allocator, address - HEADER_OFFSET, HEADER_OFFSET + HEADER_BYTES, (detail) =>
		fail(`the header's block ${hex(address - HEADER_OFFSET)} ${detail}`),
	);
	const data = u32[hdr + W_DATA] as number;
	if (data === 0) return;
	const offset = storageOffset(align);
	liveBlock(allocator, data - offset, offset + (u32[hdr + W_CAPACITY] as number) * size, (detail) =>
		fail(`its storage block ${hex(data - offset)} ${detail}`),
	);
}

/** Checks that `block` is a live block of `allocator`, of at least `need` bytes when it is a heap. */
function liveBlock(allocator: Allocator, block: number, need: number, fail: (detail: string) => never): void {
	let usable = 0;
	try {
		usable = allocator.usableSize(block);
	} catch (error) {
		fail(`is not a live block of its allocator (${(error as Error).message.split("\n")[0]})`);
	}
	// Other allocators (an arena) may not know the size of every block they handed out.
	if (allocator === allocator.heap && usable < need) fail(`holds ${usable} B, fewer than ${need}`);
}
