import type { Heap } from "@offheap/core";
import { M_CHECK, M_PREV, MARK_BYTES, MARK_TAG, W_MARKS, W_TOP_MARK } from "./layout.ts";
import { corruptMark, rejectMark } from "./reject.ts";

/**
 * Walks the chain of valid marks from the newest down to `mark` and returns how many marks lie above
 * it (those a rewind to `mark` invalidates). Throws when `mark` is not on the chain. Each mark is
 * walked over once before it is dropped, so rewinds cost O(1) amortized.
 * @internal
 */
export function findMark(operation: string, heap: Heap, hdr: number, mark: number): number {
	if (typeof mark !== "number" || mark >>> 0 !== mark || mark === 0 || (mark & 7) !== 0) {
		return rejectMark(operation, mark, "marks are the non-zero, 8-aligned numbers mark() returns");
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
		"it was invalidated by rewinding to an earlier mark or by reset(), was popped, or was never a mark of this arena",
	);
}
