/**
 * A vector's share of checked mode (`new Heap({ checked: true })`): the spare capacity
 * `[length, capacity)` is filled with a poison byte whenever elements leave it or it grows, and
 * verified before the storage is resized or freed and by `Vector.check()`, so a write past the
 * length through a stale or raw typed array (or address) is named: which element, which vector,
 * where its storage was allocated. Unchecked heaps never call into this module.
 * @internal
 */
import { type Heap, HeapCorruptionError, hex } from "@offheap/core";
import { storageOffset } from "./layout.ts";

/** The byte spare capacity holds on a checked heap: the checker's poison for freed memory. */
export const SPARE_POISON = 0xdd;

/** Poisons elements `[from, to)` of `size` bytes of the storage at `data`. */
export function poisonElements(heap: Heap, data: number, size: number, from: number, to: number): void {
	if (data !== 0 && to > from) heap.u8.fill(SPARE_POISON, data + from * size, data + to * size);
}

/** What verification needs to know about a vector. */
export interface PoisonedVector {
	readonly heap: Heap;
	/** The elements' alignment (where element 0 is in the storage block: see `storageOffset`). */
	readonly align: number;
	/** Address of the header, for messages. */
	readonly address: number;
	readonly dataAddress: number;
	readonly length: number;
	readonly capacity: number;
}

/**
 * Throws `HeapCorruptionError` when a byte of the spare capacity lost its poison: something wrote
 * past the vector's length.
 */
export function verifySpare(vector: PoisonedVector, size: number, operation: string): void {
	const data = vector.dataAddress;
	if (data === 0) return;
	const u8 = vector.heap.u8;
	const length = vector.length;
	const end = data + vector.capacity * size;
	for (let i = data + length * size; i < end; i++) {
		if (u8[i] !== SPARE_POISON) {
			const element = Math.floor((i - data) / size);
			const block = data - storageOffset(vector.align);
			throw new HeapCorruptionError(
				block,
				`Vector.${operation}: element ${element} of the vector at ${hex(vector.address)} (byte ${i - data} of its ` +
					`storage ${hex(data)}) was written past its length ${length} (capacity ${vector.capacity}), through a ` +
					`stale or raw typed array or address${vector.heap.blockHistory(block)}`,
			);
		}
	}
}
