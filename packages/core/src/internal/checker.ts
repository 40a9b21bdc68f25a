import type { CheckedOptions, LeakGroup, Ptr } from "../api.ts";
import { CallSites } from "../call-sites.ts";
import { DoubleFreeError, HeapCorruptionError, hex, InvalidPointerError } from "../errors.ts";
import type { Heap } from "../heap.ts";
import { checkNullGuard } from "./inspect.ts";
import { MAX_ALIGN, MAX_HEAP_BYTES } from "./layout.ts";
import { rejectAlign, rejectCount, rejectSize } from "./validate.ts";

/**
 * Checked mode: the debugging allocator behind `new Heap({ checked: true })`.
 *
 * Every block gets a front zone (its metadata, then 16 canary bytes) and a back zone (canary bytes
 * from the end of the request to the end of the underlying block):
 *
 * ```
 * raw ............ user-32   user-16    user              user+size          raw+usable
 * | (align pad) | size site free front | FD × 16 | the request | FD … (≥ 8 B) |
 * ```
 *
 * Freed blocks are filled with DD, kept in a FIFO quarantine bounded in bytes, and verified when they
 * leave it (just before their memory can be reused) and by `check()`. Stack traces are interned, so a
 * block costs one small integer per site.
 * @internal
 */

const FRONT = 32;
const CANARY = 0xfd;
const POISON = 0xdd;
const FRESH = 0xcd;
/** Request bytes plus at least this much back canary. */
const TAIL = 8;

/** The raw (unchecked) allocator operations of a heap, taken from Heap.prototype. */
export interface RawOps {
	malloc(this: Heap, size: number, align?: number): Ptr;
	free(this: Heap, ptr: Ptr): void;
	usableSize(this: Heap, ptr: Ptr): number;
	check(this: Heap): void;
}

export class Checker {
	private readonly heap: Heap;
	private readonly raw: RawOps;
	private readonly quarantineLimit: number;
	/** Live user pointers → nothing; the metadata is in the heap. */
	private readonly live = new Set<number>();
	/** Quarantined user pointers in free order (a Map iterates in insertion order). */
	private readonly quarantine = new Map<number, number>();
	/**
	 * Quarantined blocks found written after their free: reported once, then kept allocated in the heap
	 * and never reused (they are not leaks: `leaks()` does not list them).
	 */
	private readonly retired = new Set<number>();
	private quarantined = 0;
	private readonly sites: CallSites;

	constructor(heap: Heap, raw: RawOps, options: CheckedOptions) {
		this.heap = heap;
		this.raw = raw;
		this.quarantineLimit = options.quarantineBytes ?? 1 << 20;
		this.sites = new CallSites(/\bat (Checker|Heap)\.|\bat new Heap\b/, options.stacks ?? true);
	}

	malloc(size: number, align?: number): Ptr {
		checkNullGuard(this.heap.u32);
		if (typeof size !== "number" || size >>> 0 !== size || size > MAX_HEAP_BYTES)
			return rejectSize("malloc", size);
		if (
			align !== undefined &&
			(typeof align !== "number" ||
				align >>> 0 !== align ||
				align === 0 ||
				(align & (align - 1)) !== 0 ||
				align > MAX_ALIGN)
		) {
			return rejectAlign("malloc", align);
		}
		const a = align === undefined || align <= 8 ? 8 : align;
		const front = Math.max(FRONT, a);
		if (front + size + TAIL > MAX_HEAP_BYTES) return 0;
		const raw = this.raw.malloc.call(
			this.heap,
			front + size + TAIL,
			align === undefined || align <= 8 ? undefined : a,
		);
		if (raw === 0) return 0;
		const user = raw + front;
		const heap = this.heap;
		const u32 = heap.u32;
		u32[(user - 32) >>> 2] = size;
		u32[(user - 28) >>> 2] = this.site();
		u32[(user - 24) >>> 2] = 0;
		u32[(user - 20) >>> 2] = front;
		const end = raw + this.raw.usableSize.call(heap, raw);
		heap.u8.fill(CANARY, user - 16, user);
		heap.u8.fill(FRESH, user, user + size);
		heap.u8.fill(CANARY, user + size, end);
		this.live.add(user);
		return user;
	}

	calloc(count: number, size: number): Ptr {
		checkNullGuard(this.heap.u32);
		if (typeof count !== "number" || count >>> 0 !== count) return rejectCount("calloc", count);
		if (typeof size !== "number" || size >>> 0 !== size) return rejectSize("calloc", size);
		const total = count * size;
		if (total > MAX_HEAP_BYTES) return 0;
		const user = this.malloc(total);
		if (user !== 0) this.heap.u8.fill(0, user, user + total);
		return user;
	}

	/** Always moves the block, so that a use of the old pointer after realloc is caught. */
	realloc(ptr: Ptr, size: number): Ptr {
		if (ptr === 0) return this.malloc(size);
		checkNullGuard(this.heap.u32);
		this.validate("realloc", ptr);
		if (typeof size !== "number" || size >>> 0 !== size || size > MAX_HEAP_BYTES)
			return rejectSize("realloc", size);
		const old = this.heap.u32[(ptr - 32) >>> 2] as number;
		const moved = this.malloc(size);
		if (moved === 0) return 0;
		this.heap.u8.copyWithin(moved, ptr, ptr + Math.min(old, size));
		this.release(ptr);
		return moved;
	}

	free(ptr: Ptr): void {
		if (ptr === 0) return;
		checkNullGuard(this.heap.u32);
		this.validate("free", ptr);
		this.release(ptr);
	}

	usableSize(ptr: Ptr): number {
		checkNullGuard(this.heap.u32);
		this.validate("usableSize", ptr);
		return this.heap.u32[(ptr - 32) >>> 2] as number;
	}

	check(): void {
		this.raw.check.call(this.heap);
		for (const user of this.live) this.verifyZones(user, "check");
		for (const user of this.quarantine.keys()) this.verifyPoison(user);
	}

	leaks(): LeakGroup[] {
		const groups = new Map<number, LeakGroup>();
		const u32 = this.heap.u32;
		for (const user of this.live) {
			const site = u32[(user - 28) >>> 2] as number;
			const size = u32[(user - 32) >>> 2] as number;
			let group = groups.get(site);
			if (group === undefined) {
				group = { site: this.sites.trace(site), blocks: 0, bytes: 0, pointers: [] };
				groups.set(site, group);
			}
			group.blocks += 1;
			group.bytes += size;
			if (group.pointers.length < 16) group.pointers.push(user);
		}
		return [...groups.values()].sort((a, b) => b.bytes - a.bytes);
	}

	/**
	 * Moves a live block to the quarantine, poisoned, after letting the oldest quarantined blocks go to
	 * make room for it. A quarantined block found written after its free is reported (once) before this
	 * block changes: it is retired, never to be reused, and `user` stays live as it was.
	 */
	private release(user: number): void {
		this.verifyZones(user, "free");
		const heap = this.heap;
		const size = heap.u32[(user - 32) >>> 2] as number;
		while (this.quarantine.size > 0 && this.quarantined + size > this.quarantineLimit) {
			const oldest = this.quarantine.keys().next().value as number;
			this.evict(oldest);
		}
		heap.u32[(user - 24) >>> 2] = this.site();
		heap.u8.fill(POISON, user, user + size);
		this.live.delete(user);
		this.quarantine.set(user, size);
		this.quarantined += size;
	}

	/** Hands the oldest quarantined block back to the heap, or retires it when it was written after free. */
	private evict(user: number): void {
		const size = this.quarantine.get(user) as number;
		this.quarantine.delete(user);
		this.quarantined -= size;
		try {
			this.verifyPoison(user);
		} catch (error) {
			// Its memory stays allocated in the heap: something may still write through the stale pointer.
			this.retired.add(user);
			throw error;
		}
		const front = this.heap.u32[(user - 20) >>> 2] as number;
		this.raw.free.call(this.heap, user - front);
	}

	/** Throws the precise error for a pointer that is not a live checked block. */
	private validate(operation: string, ptr: Ptr): void {
		if (this.live.has(ptr)) return;
		if (this.quarantine.has(ptr)) {
			const u32 = this.heap.u32;
			throw new DoubleFreeError(
				operation,
				ptr,
				`the ${u32[(ptr - 32) >>> 2]} B block was already freed\n` +
					`  allocated at:\n${this.indent(u32[(ptr - 28) >>> 2] as number)}\n` +
					`  first freed at:\n${this.indent(u32[(ptr - 24) >>> 2] as number)}\n` +
					`  freed again at:\n${this.indent(this.site())}`,
			);
		}
		if (this.retired.has(ptr)) {
			throw new DoubleFreeError(
				operation,
				ptr,
				"the block was freed, then written after its free (reported then), and is retired",
			);
		}
		for (const user of this.live) {
			const size = this.heap.u32[(user - 32) >>> 2] as number;
			if (ptr > user - FRONT && ptr < user + size + TAIL) {
				throw new InvalidPointerError(
					operation,
					ptr,
					`it lies ${ptr - user} B from the start of the live ${size} B block ${hex(user)}, allocated at:\n` +
						this.indent(this.heap.u32[(user - 28) >>> 2] as number),
				);
			}
		}
		throw new InvalidPointerError(operation, ptr, "not a block handed out by this heap, or freed long ago");
	}

	private verifyZones(user: number, when: string): void {
		const heap = this.heap;
		const u8 = heap.u8;
		const size = heap.u32[(user - 32) >>> 2] as number;
		for (let i = user - 16; i < user; i++) {
			if (u8[i] !== CANARY) this.corrupt(user, size, i - user, "buffer underflow", when);
		}
		const front = heap.u32[(user - 20) >>> 2] as number;
		const end = user - front + this.raw.usableSize.call(heap, user - front);
		for (let i = user + size; i < end; i++) {
			if (u8[i] !== CANARY) this.corrupt(user, size, i - user, "buffer overflow", when);
		}
	}

	private verifyPoison(user: number): void {
		const heap = this.heap;
		const u8 = heap.u8;
		const size = heap.u32[(user - 32) >>> 2] as number;
		for (let i = user; i < user + size; i++) {
			if (u8[i] !== POISON) {
				throw new HeapCorruptionError(
					user,
					`write after free: byte ${i - user} of the ${size} B block ${hex(user)} changed after it was freed\n` +
						`  allocated at:\n${this.indent(heap.u32[(user - 28) >>> 2] as number)}\n` +
						`  freed at:\n${this.indent(heap.u32[(user - 24) >>> 2] as number)}`,
				);
			}
		}
	}

	private corrupt(user: number, size: number, offset: number, kind: string, when: string): never {
		throw new HeapCorruptionError(
			user,
			`${kind}: byte ${offset} of the ${size} B block ${hex(user)} was overwritten (found at ${when})\n` +
				`  allocated at:\n${this.indent(this.heap.u32[(user - 28) >>> 2] as number)}`,
		);
	}

	/** The interned id of the caller's stack, without the allocator's own frames. */
	private site(): number {
		return this.sites.capture();
	}

	private indent(site: number): string {
		return this.sites.indented(site);
	}

	/** Where a live or quarantined block was allocated (and freed); "" for any other pointer. */
	history(ptr: Ptr): string {
		const u32 = this.heap.u32;
		if (this.live.has(ptr)) return this.sites.describe("allocated at", u32[(ptr - 28) >>> 2] as number);
		if (this.quarantine.has(ptr)) {
			return (
				this.sites.describe("allocated at", u32[(ptr - 28) >>> 2] as number) +
				this.sites.describe("freed at", u32[(ptr - 24) >>> 2] as number)
			);
		}
		return "";
	}
}
