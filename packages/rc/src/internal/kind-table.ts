import { type Allocator, OutOfMemoryError } from "@offheap/core";
import {
	K_ALIGN,
	K_NAME,
	K_NAME_LENGTH,
	K_SIZE,
	kindRecordBytes,
	W_KIND_BYTES,
	W_KIND_COUNT,
	W_KIND_TABLE,
} from "./layout.ts";

// The kind table lives in the heap so that a reopened space gives every kind the id its values carry:
// ids are found by name. Everything here is cold (registration and teardown): lookups walk the records.

/** A kind as recorded in the heap. */
export interface StoredKind {
	size: number;
	align: number;
}

/** u32 index of the record of kind `id` (from 1), whose existence the caller knows. */
function recordIndex(u32: Uint32Array, table: number, id: number): number {
	let r = table >>> 2;
	for (let i = 1; i < id; i++) r += kindRecordBytes(u32[r + K_NAME_LENGTH] as number) >>> 2;
	return r;
}

function nameMatches(u16: Uint16Array, r: number, name: string): boolean {
	const first = (r + K_NAME) << 1;
	for (let i = 0; i < name.length; i++) if (u16[first + i] !== name.charCodeAt(i)) return false;
	return true;
}

/** The id stored for `name`, or 0 when the space has never seen it. */
export function findKind(allocator: Allocator, cw: number, name: string): number {
	const { u32, u16 } = allocator.heap;
	const count = u32[cw + W_KIND_COUNT] as number;
	let r = (u32[cw + W_KIND_TABLE] as number) >>> 2;
	for (let id = 1; id <= count; id++) {
		const length = u32[r + K_NAME_LENGTH] as number;
		if (length === name.length && nameMatches(u16, r, name)) return id;
		r += kindRecordBytes(length) >>> 2;
	}
	return 0;
}

/** Size and alignment recorded for `id`. */
export function storedKind(allocator: Allocator, cw: number, id: number): StoredKind {
	const u32 = allocator.heap.u32;
	const r = recordIndex(u32, u32[cw + W_KIND_TABLE] as number, id);
	return { size: u32[r + K_SIZE] as number, align: u32[r + K_ALIGN] as number };
}

/**
 * Records a new kind and returns its id. It takes one allocation (the table grows by realloc): on
 * exhaustion it throws {@link "@offheap/core".OutOfMemoryError} and nothing has changed.
 */
export function appendKind(
	allocator: Allocator,
	cw: number,
	name: string,
	size: number,
	align: number,
): number {
	let u32 = allocator.heap.u32;
	const count = u32[cw + W_KIND_COUNT] as number;
	const table = u32[cw + W_KIND_TABLE] as number;
	const used = u32[cw + W_KIND_BYTES] as number;
	const bytes = used + kindRecordBytes(name.length);
	const grown = table === 0 ? allocator.malloc(bytes) : allocator.realloc(table, bytes);
	if (grown === 0) throw new OutOfMemoryError(bytes, `the kind table of an RcSpace, for kind "${name}"`);
	u32 = allocator.heap.u32;
	const u16 = allocator.heap.u16;
	const r = (grown + used) >>> 2;
	u32[r + K_NAME_LENGTH] = name.length;
	u32[r + K_SIZE] = size;
	u32[r + K_ALIGN] = align;
	const first = (r + K_NAME) << 1;
	for (let i = 0; i < name.length; i++) u16[first + i] = name.charCodeAt(i);
	u32[cw + W_KIND_TABLE] = grown;
	u32[cw + W_KIND_BYTES] = bytes;
	u32[cw + W_KIND_COUNT] = count + 1;
	return count + 1;
}
