import { DoubleFreeError, type Heap, HeapCorruptionError, hex, InvalidPointerError } from "@offheap/core";
import { dataStart } from "./chunks.ts";
import { C_NEXT, C_USED_END, W_CURRENT, W_CURSOR, W_FIRST } from "./layout.ts";
import { arenaSites } from "./sites.ts";

const CANARY = 0xfd;
const POISON = 0xdd;
const FRESH = 0xcd;
/** Released allocations and invalidated marks remembered for messages (the oldest are forgotten). */
const HISTORY = 4096;

/** What checked mode remembers of an allocation the arena took back. */
interface Released {
	size: number;
	end: number;
	allocatedAt: number;
	releasedAt: number;
	/** Freed (as the last allocation, or earlier as another) rather than taken back by a rewind: using it again is a double free. */
	freed: boolean;
}

/**
 * The arena's share of checked mode (`new Heap({ checked: true })` as the parent's heap). Every
 * allocation is followed by a redzone of canary bytes, verified when a rewind, `reset()` or `free`
 * takes the allocation back and by `check()`. Memory taken back is filled with poison, verified when
 * it is handed out again; so is an allocation freed while not the last, verified at the next rewind. Allocations and marks remember where they were made, and what was taken back
 * remembers where, so that a stale pointer or mark can be named.
 *
 * The records are kept by this view of the arena: a view made by `Arena.open` knows nothing of what
 * an earlier view allocated, and checks only what it allocates itself.
 * @internal
 */
export class ArenaChecker {
	/** Canary bytes at least, after each allocation. */
	readonly redzone: number = 16;
	private readonly sites = arenaSites();
	/** Live allocations in allocation order: rewinds take back a suffix. */
	private readonly ptrs: number[] = [];
	private readonly sizes: number[] = [];
	private readonly ends: number[] = [];
	private readonly allocatedAt: number[] = [];
	/** Where `free` was called on an allocation other than the last (which stays until a rewind); 0: not. */
	private readonly freedAt: number[] = [];
	/** Allocation not yet taken back (freed ones included) → its position in the arrays above. */
	private readonly index = new Map<number, number>();
	private readonly released = new Map<number, Released>();
	/** Valid marks → where they were taken. */
	private readonly marks = new Map<number, number>();
	/** Invalidated marks → [where taken, where invalidated]. */
	private readonly staleMarks = new Map<number, [number, number]>();
	/** Chunk → end of its poisoned bytes, which start at the chunk's cursor (or data start). */
	private readonly poisonEnd = new Map<number, number>();

	/** Records an allocation of `size` bytes at `ptr` whose footprint ends at `end` (already claimed). */
	onAlloc(heap: Heap, ptr: number, size: number, end: number): void {
		const u8 = heap.u8;
		u8.fill(FRESH, ptr, ptr + size);
		u8.fill(CANARY, ptr + size, end);
		this.index.set(ptr, this.ptrs.length);
		this.ptrs.push(ptr);
		this.sizes.push(size);
		this.ends.push(end);
		this.allocatedAt.push(this.sites.capture());
		this.freedAt.push(0);
		this.released.delete(ptr);
	}

	/** Records a mark whose record takes `bytes` at `record`. */
	onMark(heap: Heap, hdr: number, record: number, bytes: number): void {
		this.claim(heap, heap.u32[hdr + W_CURRENT] as number, record, record + bytes);
		this.marks.set(record, this.sites.capture());
		this.staleMarks.delete(record);
	}

	/** Before a rewind to `cursor` in `chunk`; throws, having changed nothing, on a broken redzone. */
	onRewind(heap: Heap, hdr: number, chunk: number, cursor: number, keep: boolean): void {
		this.release(heap, hdr, chunk, cursor, keep ? "reset" : "pop", false);
	}

	/** Before `free` rewinds over the last allocation, at `ptr`. */
	onFreeLast(heap: Heap, hdr: number, ptr: number): void {
		this.release(heap, hdr, heap.u32[hdr + W_CURRENT] as number, ptr, "free", true);
	}

	/** Before `reset()` forgets everything. */
	onReset(heap: Heap, hdr: number): void {
		const first = heap.u32[hdr + W_FIRST] as number;
		if (first !== 0) this.release(heap, hdr, first, dataStart(heap.u32, hdr, first), "reset", false);
	}

	/** After `reset()`: only the chunk it kept (0: none) is still the arena's. */
	afterReset(kept: number): void {
		const end = this.poisonEnd.get(kept);
		this.poisonEnd.clear();
		if (end !== undefined) this.poisonEnd.set(kept, end);
	}

	/** A chunk new to the arena: nothing known about its bytes. */
	forgetChunk(chunk: number): void {
		this.poisonEnd.delete(chunk);
	}

	/** Throws the precise error for `ptr` when checked mode knows it was freed or taken back. */
	validate(operation: string, ptr: number): void {
		const i = this.index.get(ptr);
		if (i !== undefined) {
			const freedAt = this.freedAt[i] as number;
			if (freedAt === 0) return;
			throw new DoubleFreeError(
				operation,
				ptr,
				`the ${this.sizes[i]} B allocation at ${hex(ptr)} was freed` +
					this.sites.describe("allocated at", this.allocatedAt[i] as number) +
					this.sites.describe("freed at", freedAt),
			);
		}
		const gone = this.released.get(ptr);
		if (gone === undefined) return;
		const what =
			`the ${gone.size} B allocation at ${hex(ptr)} was ${gone.freed ? "freed" : "taken back by a rewind or reset"}` +
			this.sites.describe("allocated at", gone.allocatedAt) +
			this.sites.describe(gone.freed ? "freed at" : "taken back at", gone.releasedAt);
		if (gone.freed) throw new DoubleFreeError(operation, ptr, what);
		throw new InvalidPointerError(operation, ptr, `not live: ${what}`);
	}

	/** Bytes asked for at live `ptr`, or -1 when this view did not allocate it. */
	sizeOf(ptr: number): number {
		const i = this.index.get(ptr);
		return i === undefined ? -1 : (this.sizes[i] as number);
	}

	/**
	 * `free` of live `ptr`, not the last allocation: the arena keeps its bytes until a rewind, so they
	 * are poisoned and verified then, and a second `free` is a double free.
	 */
	onFreeOther(heap: Heap, ptr: number): void {
		const i = this.index.get(ptr);
		if (i === undefined) return;
		this.verifyRedzone(heap.u8, i, "free");
		this.freedAt[i] = this.sites.capture();
		heap.u8.fill(POISON, ptr, ptr + (this.sizes[i] as number));
	}

	/** `Arena.check()`: every live redzone and every poisoned byte. */
	verifyAll(heap: Heap, hdr: number): void {
		const u8 = heap.u8;
		for (let i = 0; i < this.ptrs.length; i++) this.verifyAllocation(u8, i, "check");
		const u32 = heap.u32;
		const current = u32[hdr + W_CURRENT] as number;
		let before = current !== 0;
		for (
			let chunk = u32[hdr + W_FIRST] as number;
			chunk !== 0;
			chunk = u32[(chunk >>> 2) + C_NEXT] as number
		) {
			const from =
				chunk === current
					? (u32[hdr + W_CURSOR] as number)
					: before
						? (u32[(chunk >>> 2) + C_USED_END] as number)
						: dataStart(u32, hdr, chunk);
			if (chunk === current) before = false;
			const end = this.poisonEnd.get(chunk);
			if (end !== undefined) this.verifyPoison(u8, chunk, from, end, "check");
		}
	}

	/** How checked mode knows `mark`, for the message of a refused mark. */
	markHistory(mark: number): string {
		const stale = this.staleMarks.get(mark);
		if (stale === undefined) return "";
		return this.sites.describe("mark taken at", stale[0]) + this.sites.describe("invalidated at", stale[1]);
	}

	/**
	 * Verifies the poison of `[from, to)` in `chunk` before the arena hands those bytes out again;
	 * called before anything changes, so that a write after reset leaves the arena as it was.
	 */
	claim(heap: Heap, chunk: number, from: number, to: number): void {
		const end = this.poisonEnd.get(chunk);
		if (end === undefined) return;
		this.verifyPoison(heap.u8, chunk, from, Math.min(to, end), "reuse");
		if (to >= end) this.poisonEnd.delete(chunk);
	}

	/**
	 * Takes back everything from `cursor` in `chunk` up to the arena's cursor: verifies the redzones of
	 * the allocations there (throwing before anything changes), poisons the bytes and remembers what
	 * was there.
	 */
	private release(
		heap: Heap,
		hdr: number,
		chunk: number,
		cursor: number,
		operation: string,
		freed: boolean,
	): void {
		const u32 = heap.u32;
		const u8 = heap.u8;
		const current = u32[hdr + W_CURRENT] as number;
		const spans: number[] = [];
		for (let c = chunk; c !== 0; c = u32[(c >>> 2) + C_NEXT] as number) {
			const start = c === chunk ? cursor : dataStart(u32, hdr, c);
			const end = c === current ? (u32[hdr + W_CURSOR] as number) : (u32[(c >>> 2) + C_USED_END] as number);
			if (end > start) spans.push(c, start, end);
			if (c === current) break;
		}
		let keep = this.ptrs.length;
		while (keep > 0 && inSpans(spans, this.ptrs[keep - 1] as number)) keep--;
		for (let i = keep; i < this.ptrs.length; i++) this.verifyAllocation(u8, i, operation);
		const site = this.sites.capture();
		for (let s = 0; s < spans.length; s += 3) {
			const c = spans[s] as number;
			const end = spans[s + 2] as number;
			u8.fill(POISON, spans[s + 1] as number, end);
			this.poisonEnd.set(c, Math.max(end, this.poisonEnd.get(c) ?? 0));
		}
		for (let i = keep; i < this.ptrs.length; i++) {
			const ptr = this.ptrs[i] as number;
			this.index.delete(ptr);
			const freedAt = this.freedAt[i] as number;
			remember(this.released, ptr, {
				size: this.sizes[i] as number,
				end: this.ends[i] as number,
				allocatedAt: this.allocatedAt[i] as number,
				releasedAt: freedAt === 0 ? site : freedAt,
				freed: freed || freedAt !== 0,
			});
		}
		this.ptrs.length = keep;
		this.sizes.length = keep;
		this.ends.length = keep;
		this.allocatedAt.length = keep;
		this.freedAt.length = keep;
		for (const [mark, taken] of this.marks) {
			if (!inSpans(spans, mark)) continue;
			this.marks.delete(mark);
			remember(this.staleMarks, mark, [taken, site]);
		}
	}

	/** The redzone of allocation `i` and, once it was freed, the poison of its bytes. */
	private verifyAllocation(u8: Uint8Array, i: number, when: string): void {
		this.verifyRedzone(u8, i, when);
		const freedAt = this.freedAt[i] as number;
		if (freedAt === 0) return;
		const ptr = this.ptrs[i] as number;
		const size = this.sizes[i] as number;
		for (let b = ptr; b < ptr + size; b++) {
			if (u8[b] !== POISON) {
				throw new HeapCorruptionError(
					ptr,
					`write after free: byte ${b - ptr} of the ${size} B arena allocation ${hex(ptr)} changed after it was ` +
						`freed (found at ${when})` +
						this.sites.describe("allocated at", this.allocatedAt[i] as number) +
						this.sites.describe("freed at", freedAt),
				);
			}
		}
	}

	private verifyRedzone(u8: Uint8Array, i: number, when: string): void {
		const ptr = this.ptrs[i] as number;
		const size = this.sizes[i] as number;
		const end = this.ends[i] as number;
		for (let b = ptr + size; b < end; b++) {
			if (u8[b] !== CANARY) {
				throw new HeapCorruptionError(
					ptr,
					`buffer overflow: byte ${b - ptr} of the ${size} B arena allocation ${hex(ptr)} was overwritten ` +
						`(found at ${when}; the redzone after it ends at byte ${end - ptr})` +
						this.sites.describe("allocated at", this.allocatedAt[i] as number),
				);
			}
		}
	}

	private verifyPoison(u8: Uint8Array, chunk: number, from: number, to: number, when: string): void {
		for (let b = from; b < to; b++) {
			if (u8[b] !== POISON) this.writeAfterRelease(chunk, b, when);
		}
	}

	private writeAfterRelease(chunk: number, at: number, when: string): never {
		let owner = "";
		for (const [ptr, gone] of this.released) {
			if (at >= ptr && at < gone.end) {
				owner =
					`: byte ${at - ptr} of the ${gone.size} B allocation ${hex(ptr)}` +
					this.sites.describe("allocated at", gone.allocatedAt) +
					this.sites.describe(gone.freed ? "freed at" : "taken back at", gone.releasedAt);
			}
		}
		throw new HeapCorruptionError(
			at,
			`write after reset: byte ${hex(at)} in arena chunk ${hex(chunk)} changed after the arena took it back ` +
				`(found at ${when})${owner}`,
		);
	}
}

function inSpans(spans: readonly number[], ptr: number): boolean {
	for (let s = 0; s < spans.length; s += 3) {
		if (ptr >= (spans[s + 1] as number) && ptr < (spans[s + 2] as number)) return true;
	}
	return false;
}

/** Adds to a bounded history, forgetting the oldest entry when full. */
function remember<V>(history: Map<number, V>, key: number, value: V): void {
	history.delete(key);
	history.set(key, value);
	if (history.size > HISTORY) history.delete(history.keys().next().value as number);
}
