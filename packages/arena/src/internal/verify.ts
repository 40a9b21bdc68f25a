import { type Allocator, type Heap, HeapCorruptionError, hex, OffheapError } from "@offheap/core";
import { dataStart } from "./chunks.ts";
import {
	C_END,
	C_NEXT,
	C_USED_END,
	CHUNK_HEADER,
	M_CHECK,
	M_PREV,
	MAGIC,
	MARK_TAG,
	W_CHUNKS,
	W_CURRENT,
	W_CURSOR,
	W_FIRST,
	W_LAST,
	W_LIMIT,
	W_MAGIC,
	W_MARKS,
	W_RESERVED,
	W_TOP_MARK,
} from "./layout.ts";

/**
 * `Arena.check()` without checked mode: walks the header, the chunk list and the chain of marks, in
 * O(chunks + marks), and throws `HeapCorruptionError` naming the first inconsistency. When the parent
 * is the heap itself, every chunk must also still be a live block of it.
 * @internal
 */
export function verifyArena(parent: Allocator, heap: Heap, hdr: number): void {
	const u32 = heap.u32;
	const address = hdr << 2;
	const heapEnd = u32.length * 4;
	const fail = (at: number, detail: string): never => {
		throw new HeapCorruptionError(at, `arena at ${hex(address)}: ${detail}`);
	};
	if (u32[hdr + W_MAGIC] !== MAGIC) fail(address, "its header's magic word was overwritten");
	const current = u32[hdr + W_CURRENT] as number;
	let chunks = 0;
	let reserved = 0;
	let before = current !== 0;
	let seenCurrent = current === 0;
	for (let chunk = u32[hdr + W_FIRST] as number; chunk !== 0; chunk = u32[(chunk >>> 2) + C_NEXT] as number) {
		const end = u32[(chunk >>> 2) + C_END] as number;
		if ((chunk & 7) !== 0 || end > heapEnd || end < chunk + CHUNK_HEADER || ++chunks > 1 << 24) {
			fail(chunk, `chunk ${hex(chunk)} has a broken header (end ${hex(end)})`);
		}
		reserved += end - chunk;
		const usedEnd =
			chunk === current ? (u32[hdr + W_CURSOR] as number) : (u32[(chunk >>> 2) + C_USED_END] as number);
		if (chunk === current && (u32[hdr + W_LIMIT] as number) !== end) {
			fail(chunk, `the limit ${hex(u32[hdr + W_LIMIT] as number)} is not the end of the current chunk`);
		}
		if ((before || chunk === current) && (usedEnd < dataStart(u32, hdr, chunk) - 8 || usedEnd > end)) {
			fail(chunk, `what chunk ${hex(chunk)} handed out ends at ${hex(usedEnd)}, outside the chunk`);
		}
		if (chunk === current) {
			before = false;
			seenCurrent = true;
		}
	}
	if (!seenCurrent) fail(current, `the current chunk ${hex(current)} is not on the chunk list`);
	const last = u32[hdr + W_LAST] as number;
	if (
		last !== 0 &&
		(current === 0 || last < dataStart(u32, hdr, current) || last > (u32[hdr + W_CURSOR] as number))
	) {
		fail(
			address + W_LAST * 4,
			`its last allocation ${hex(last)} is not in the current chunk before the cursor`,
		);
	}
	if (chunks !== u32[hdr + W_CHUNKS])
		fail(address, `it counts ${u32[hdr + W_CHUNKS]} chunks, its list has ${chunks}`);
	if (reserved !== u32[hdr + W_RESERVED]) {
		fail(address, `it counts ${u32[hdr + W_RESERVED]} B reserved, its chunks hold ${reserved} B`);
	}
	if (parent === heap) {
		// Every chunk must still be a live block of the heap: not freed behind the arena's back. (A freed
		// header shows as its overwritten magic word.)
		const live = (block: number, bytes: number): boolean => {
			try {
				return heap.usableSize(block) >= bytes;
			} catch (error) {
				if (error instanceof OffheapError) return false;
				throw error;
			}
		};
		for (
			let chunk = u32[hdr + W_FIRST] as number;
			chunk !== 0;
			chunk = u32[(chunk >>> 2) + C_NEXT] as number
		) {
			const end = u32[(chunk >>> 2) + C_END] as number;
			if (!live(chunk, end - chunk))
				fail(chunk, `chunk ${hex(chunk)} is not a live block of the heap (freed?)`);
		}
	}
	let marks = 0;
	for (
		let record = u32[hdr + W_TOP_MARK] as number;
		record !== 0;
		record = u32[(record >>> 2) + M_PREV] as number
	) {
		if (
			(record & 7) !== 0 ||
			record + 16 > heapEnd ||
			u32[(record >>> 2) + M_CHECK] !== (record ^ MARK_TAG) >>> 0
		) {
			fail(record, `mark record ${hex(record)} was overwritten (a write past the end of an allocation?)`);
		}
		if (++marks > (u32[hdr + W_MARKS] as number)) break;
	}
	if (marks !== u32[hdr + W_MARKS])
		fail(address, `it counts ${u32[hdr + W_MARKS]} marks, its chain has ${marks}`);
}
