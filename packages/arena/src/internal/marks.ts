import { type Allocator, describeArgument, type Heap } from "@offheap/core";
import { mallocSlow } from "./bump.ts";
import type { ArenaChecker } from "./checker.ts";
import { noteHighWater } from "./chunks.ts";
import {
	C_END,
	M_CHECK,
	M_CHUNK,
	M_PREV,
	M_SAVED_CURSOR,
	MARK_BYTES,
	MARK_TAG,
	W_CURRENT,
	W_CURSOR,
	W_LAST,
	W_LIMIT,
	W_MARKS,
	W_REWOUND,
	W_TOP_MARK,
} from "./layout.ts";
import { corruptMark, rejectMark } from "./reject.ts";

// Marks: 16-byte records in the arena's own chunks, chained from the newest to the oldest valid one.

/**
 * Takes a mark: writes its record at the cursor (or in a new chunk) and returns the record's
 * address, or 0 when the arena cannot hold it (nothing changed then).
 * @internal
 */
export function takeMark(
	parent: Allocator,
	hdr: number,
	markAlign: number,
	markBytes: number,
	checker: ArenaChecker | undefined,
): number {
	let u32 = parent.heap.u32;
	let saved = u32[hdr + W_CURSOR] as number;
	let record = ((saved + markAlign - 1) & -markAlign) >>> 0;
	if (record + markBytes > (u32[hdr + W_LIMIT] as number)) {
		record = mallocSlow(parent, hdr, markBytes, markAlign, checker);
		if (record === 0) return 0;
		u32 = parent.heap.u32;
		saved = record;
	}
	if (checker !== undefined) checker.onMark(parent.heap, hdr, record, markBytes);
	const r = record >>> 2;
	u32[r + M_PREV] = u32[hdr + W_TOP_MARK] as number;
	u32[r + M_CHUNK] = u32[hdr + W_CURRENT] as number;
	u32[r + M_SAVED_CURSOR] = saved;
	u32[r + M_CHECK] = (record ^ MARK_TAG) >>> 0;
	u32[hdr + W_CURSOR] = record + markBytes;
	u32[hdr + W_TOP_MARK] = record;
	u32[hdr + W_MARKS] = (u32[hdr + W_MARKS] as number) + 1;
	u32[hdr + W_LAST] = 0;
	return record;
}

/**
 * Rewinds to `mark`: to just after its record when `keep` (`reset(mark)`), to just before it
 * otherwise (`pop(mark)`, which drops the mark too). Throws, having changed nothing, for a mark that
 * is not valid.
 * @internal
 */
export function rewind(
	operation: string,
	heap: Heap,
	hdr: number,
	mark: number,
	markBytes: number,
	keep: boolean,
	checker: ArenaChecker | undefined,
): void {
	let u32 = heap.u32;
	let marks = u32[hdr + W_MARKS] as number;
	if (mark !== u32[hdr + W_TOP_MARK] || mark === 0) {
		marks -= findMark(operation, heap, hdr, mark, checker);
		u32 = heap.u32;
	}
	const r = mark >>> 2;
	const chunk = u32[r + M_CHUNK] as number;
	const cursor = keep ? mark + markBytes : (u32[r + M_SAVED_CURSOR] as number);
	const top = keep ? mark : (u32[r + M_PREV] as number);
	// Read before checked mode poisons what the rewind takes back: pop() takes the record itself.
	if (checker !== undefined) checker.onRewind(heap, hdr, chunk, cursor, keep);
	noteHighWater(u32, hdr);
	u32[hdr + W_MARKS] = keep ? marks : marks - 1;
	u32[hdr + W_TOP_MARK] = top;
	u32[hdr + W_CURRENT] = chunk;
	u32[hdr + W_CURSOR] = cursor;
	u32[hdr + W_LIMIT] = u32[(chunk >>> 2) + C_END] as number;
	u32[hdr + W_LAST] = 0;
	u32[hdr + W_REWOUND] = 0;
}

/**
 * Walks the chain of valid marks from the newest down to `mark` and returns how many marks lie above
 * it (those a rewind to `mark` invalidates). Throws when `mark` is not on the chain. Each mark is
 * walked over once before it is dropped, so rewinds cost O(1) amortized.
 * @internal
 */
export function findMark(
	operation: string,
	heap: Heap,
	hdr: number,
	mark: number,
	checker: ArenaChecker | undefined,
): number {
	if (typeof mark !== "number" || mark >>> 0 !== mark || mark === 0 || (mark & 7) !== 0) {
		return rejectMark(
			operation,
			mark,
			`marks are the non-zero, 8-aligned numbers mark() returns, got ${describeArgument(mark)}`,
		);
	}
	const u32 = heap.u32;
	const limit = u32.length * 4;
	let record = u32[hdr + W_TOP_MARK] as number;
	let depth = u32[hdr + W_MARKS] as number;
	let above = 0;
	while (record !== 0 && depth > 0) {
		if ((record & 7) !== 0 || record + MARK_BYTES > limit) {
			return corruptMark(record, "the chain of marks points outside the heap");
		}
		if (u32[(record >>> 2) + M_CHECK] !== (record ^ MARK_TAG) >>> 0) {
			return corruptMark(record, "its check word was overwritten (a write past the end of an allocation?)");
		}
		if (record === mark) return above;
		record = u32[(record >>> 2) + M_PREV] as number;
		above++;
		depth--;
	}
	return rejectMark(
		operation,
		mark,
		"it was invalidated by rewinding to an earlier mark or by reset(), was popped, or was never a mark of this arena" +
			(checker === undefined ? "" : checker.markHistory(mark)),
	);
}
