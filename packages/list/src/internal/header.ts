/**
 * Creating and reopening a list's header: cold code.
 * @internal
 */
import {
	type Allocator,
	describeArgument,
	type Heap,
	HeapCorruptionError,
	hex,
	InvalidPointerError,
	isAllocator,
} from "@offheap/core";
import type { Type } from "@offheap/struct";
import type { ListOptions } from "../api.ts";
import {
	C_FORWARD,
	C_LIST,
	CELL_BYTES,
	CELL_MAGIC,
	HEADER_BYTES,
	HEADER_OFFSET,
	MAGIC,
	SPARE_ALL,
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
	W_RESERVED,
	W_SERIAL,
	W_SPARE,
	W_SPARE_LIMIT,
	W_TYPE_HASH,
} from "./layout.ts";
import { newCell } from "./owners.ts";
import { outOfMemory } from "./reject.ts";

/** The option key by which `List.open` hands the constructor the address of an existing header. */
export const OPEN: unique symbol = Symbol("offheap.list.open");
export interface OpenOptions extends ListOptions {
	[OPEN]?: number;
}

/** Checks that `type` can be a payload type. */
export function checkType(operation: string, type: Type): void {
	if (typeof type !== "object" || type === null) {
		throw new TypeError(
			`${operation}: expected a payload type (such as f64 or a struct), got ${String(type)}`,
		);
	}
	const { size, align } = type;
	if (!Number.isInteger(size) || size < 1 || size > 2 ** 30) {
		throw new RangeError(
			`${operation}: payload type ${type.name} has size ${size}; expected an integer in [1, 2^30]`,
		);
	}
	if (!Number.isInteger(align) || align < 1 || align > 4096 || (align & (align - 1)) !== 0) {
		throw new RangeError(
			`${operation}: payload type ${type.name} has alignment ${align}; expected a power of two up to 4096`,
		);
	}
}

/** Checks the `spare` option: a count of nodes (larger counts mean no limit). */
export function checkSpare(spare: unknown): number {
	if (spare === Number.POSITIVE_INFINITY) return SPARE_ALL;
	if (typeof spare !== "number")
		throw new TypeError(`List: spare must be a number, got ${describeArgument(spare)}`);
	if (!Number.isInteger(spare) || spare < 0) {
		throw new RangeError(`List: spare ${describeArgument(spare)} is not a non-negative integer or Infinity`);
	}
	return Math.min(spare, SPARE_ALL);
}

/** Checks that `allocator` (the argument or option `what`) looks like an {@link Allocator}. */
export function checkAllocator(operation: string, what: string, allocator: unknown): void {
	if (!isAllocator(allocator)) {
		throw new TypeError(
			`${operation}: ${what} must be an Allocator (a Heap, an arena, a pool…), got ${describeArgument(allocator)}`,
		);
	}
}

/** Allocates a header and its owner cell; throws OutOfMemoryError keeping nothing allocated. */
export function createHeader(allocator: Allocator, type: Type, spare: number): number {
	const block = allocator.malloc(HEADER_OFFSET + HEADER_BYTES);
	if (block === 0) throw outOfMemory("constructor", HEADER_OFFSET + HEADER_BYTES, "the list header");
	const address = block + HEADER_OFFSET; // never the block's start: see layout.ts
	const cell = newCell(allocator, address);
	if (cell === 0) {
		allocator.free(block);
		throw outOfMemory("constructor", CELL_BYTES, "the list's owner cell");
	}
	const u32 = allocator.heap.u32;
	u32[block >>> 2] = 0;
	u32[(block >>> 2) + 1] = 0;
	const hdr = address >>> 2;
	u32[hdr + W_MAGIC] = MAGIC;
	u32[hdr + W_FIRST] = 0;
	u32[hdr + W_LAST] = 0;
	u32[hdr + W_LENGTH] = 0;
	u32[hdr + W_CELL] = cell;
	u32[hdr + W_PAYLOAD_SIZE] = type.size;
	u32[hdr + W_PAYLOAD_ALIGN] = type.align;
	u32[hdr + W_TYPE_HASH] = typeHash(type);
	u32[hdr + W_SPARE] = 0;
	u32[hdr + W_NODES] = 0;
	u32[hdr + W_SPARE_LIMIT] = spare;
	u32[hdr + W_SERIAL] = 0;
	u32[hdr + W_INDIRECT] = 0;
	u32[hdr + W_RESERVED] = 0;
	return address;
}

/** Checks that a list of `type` has its header at `address`; returns the address. */
export function openHeader(heap: Heap, address: number, type: Type): number {
	const u32 = heap.u32;
	const bytes = heap.u8.length;
	if (typeof address !== "number") {
		throw new InvalidPointerError(
			"List.open",
			address,
			`expected a number, got ${describeArgument(address)}`,
		);
	}
	if (address >>> 0 !== address || address === 0 || (address & 7) !== 0 || address + HEADER_BYTES > bytes) {
		throw new InvalidPointerError(
			"List.open",
			address,
			"not the 8-aligned address of a header inside the heap",
		);
	}
	const hdr = address >>> 2;
	if (u32[hdr + W_MAGIC] !== MAGIC) {
		throw new InvalidPointerError(
			"List.open",
			address,
			`no list header there (found ${hex(u32[hdr + W_MAGIC] as number)}; the list may have been freed)`,
		);
	}
	const size = u32[hdr + W_PAYLOAD_SIZE] as number;
	const align = u32[hdr + W_PAYLOAD_ALIGN] as number;
	if (size !== type.size || align !== type.align) {
		throw new TypeError(
			`List.open(${hex(address)}): the list holds payloads of ${size} B aligned to ${align}, not ${type.name} (${type.size} B aligned to ${type.align})`,
		);
	}
	if (u32[hdr + W_TYPE_HASH] !== typeHash(type)) {
		throw new TypeError(
			`List.open(${hex(address)}): the list holds payloads of another type of the same size than ${type.name}`,
		);
	}
	const problem = headerProblem(heap, address);
	if (problem !== undefined) throw new HeapCorruptionError(address, `list header: ${problem}`);
	return address;
}

/**
 * What is wrong with the counts and ends of the list header at `address` (whose magic and payload
 * type were checked): O(1), for `open` and `check`.
 */
export function headerProblem(heap: Heap, address: number): string | undefined {
	const u32 = heap.u32;
	const bytes = u32.length * 4;
	const hdr = address >>> 2;
	const first = u32[hdr + W_FIRST] as number;
	const last = u32[hdr + W_LAST] as number;
	const length = u32[hdr + W_LENGTH] as number;
	const cell = u32[hdr + W_CELL] as number;
	if ((first === 0) !== (length === 0) || (last === 0) !== (length === 0)) {
		return `first ${hex(first)}, last ${hex(last)} with length ${length}`;
	}
	if (
		(cell & 7) !== 0 ||
		cell + CELL_BYTES > bytes ||
		u32[cell >>> 2] !== CELL_MAGIC ||
		u32[(cell >>> 2) + C_FORWARD] !== 0 ||
		u32[(cell >>> 2) + C_LIST] !== address
	) {
		return `owner cell ${hex(cell)} is not this list's root cell`;
	}
	if ((first & -8) + 4 > bytes || (last & -8) + 4 > bytes) {
		return `first ${hex(first)} or last ${hex(last)} is not a node address`;
	}
	if ((u32[hdr + W_NODES] as number) < length) {
		return `${u32[hdr + W_NODES]} nodes held, fewer than the length ${length}`;
	}
	if ((u32[hdr + W_INDIRECT] as number) > length) {
		return `${u32[hdr + W_INDIRECT]} nodes tagged with forwarding cells, more than the length ${length}`;
	}
	return undefined;
}
