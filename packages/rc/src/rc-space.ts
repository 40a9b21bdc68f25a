import {
	type Allocator,
	DoubleFreeError,
	describeArgument,
	type Heap,
	HeapCorruptionError,
	hex,
	InvalidPointerError,
	OffheapError,
	OutOfMemoryError,
	type Ptr,
} from "@offheap/core";
import type { RcKindDefinition, RcLeak, RcSpaceOptions, RcStats, ValueType } from "./api.ts";
import { headerOf } from "./internal/address.ts";
import { checkSpace } from "./internal/check.ts";
import { linkValue } from "./internal/counting.ts";
import { appendKind, findKind, storedKind } from "./internal/kind-table.ts";
import {
	CONTROL_BYTES,
	checkWord,
	F_CREATED,
	F_FREED,
	H_CHECK,
	H_META,
	H_SERIAL,
	H_SPACE,
	H_STRONG,
	H_WEAK,
	HEADER_BYTES,
	KIND_MASK,
	LAYOUT_VERSION,
	MAX_KINDS,
	SPACE_MAGIC,
	W_DROPPED,
	W_FIRST,
	W_ID,
	W_KIND_COUNT,
	W_KIND_TABLE,
	W_LIVE,
	W_MAGIC,
	W_SERIAL,
	W_VERSION,
} from "./internal/layout.ts";
import { LeakTracker } from "./internal/leak-tracker.ts";
import { rejectSpaceFreed, rejectSpaceGone } from "./internal/reject.ts";
import {
	checkAllocator,
	checkDefinition,
	checkForeignKind,
	checkKindMatch,
	checkSpaceOptions,
} from "./internal/validate.ts";
import { Rc } from "./rc.ts";
import { RcKind } from "./rc-kind.ts";

/** Set by {@link RcSpace.open} for the constructor it calls: the control block to adopt. */
let openingAt: number | undefined;

/** A random u32 other than 0. */
function randomId(): number {
	return (Math.floor(Math.random() * 0xffffffff) >>> 0) + 1;
}

/**
 * A space of reference-counted values in one allocator: it registers the kinds of values (with their
 * drop hooks), allocates values, and counts references to them, through {@link Rc}/{@link Weak} handle
 * objects or through raw functions on plain addresses.
 *
 * Every value has a header in the heap, just before it: `{prev, next, space, check, strong, weak,
 * serial, kind}`. The value is dropped (its kind's drop hook runs) when its strong count reaches 0, and
 * its block is freed when its weak count reaches 0 too. The space itself keeps a small control block in
 * the heap (kind table, counters, serial counter, the list of its value blocks), so it can be reopened
 * from `(allocator, address)` with {@link RcSpace.open}: after `Heap.open`, in a worker, or in another
 * session, and {@link RcSpace.check} can verify all of it.
 *
 * The raw functions ({@link retain}, {@link release}, …) take the space and a plain address and
 * allocate nothing. They validate the address in O(1) against the header's tag, the space it names and
 * the allocator (`usableSize`), so a freed address, or a value of another space, throws instead of
 * corrupting the heap. An address freed
 * and then reused by a new value cannot be told from it by a raw function: handles can, by the value's
 * serial.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { RcSpace, release, retain } from "@offheap/rc";
 * const heap = new Heap();
 * const space = new RcSpace(heap);
 * const Point = space.kind({ name: "Point", type: { size: 16, align: 8 } });
 * const p = space.allocRaw(Point);   // strong 1, zero-filled
 * heap.f64[p >>> 3] = 1.5;
 * retain(space, p);                  // strong 2
 * release(space, p);                 // strong 1
 * console.log(release(space, p));    // true: dropped and freed
 * ```
 */
export class RcSpace implements Disposable {
	/** The allocator the values' blocks come from. */
	readonly allocator: Allocator;
	/** The heap whose buffer holds the values (`allocator.heap`). */
	readonly heap: Heap;
	/** Address of the space's control block: pass it to {@link RcSpace.open} to reopen the space. */
	readonly address: Ptr;
	/** Whether the leak detector is on ({@link RcSpaceOptions.leakDetection}). */
	readonly leakDetection: boolean;
	/** Whether every use asks the allocator that the value's block is live ({@link RcSpaceOptions.checkBlocks}). */
	readonly checkBlocks: boolean;
	/** @internal The leak detector, when on. */
	readonly tracker: LeakTracker | undefined;
	/** @internal u32 index of the control block. */
	readonly control: number;
	/** @internal Registered kinds by id (index 0 unused). */
	readonly kinds: (RcKind | undefined)[] = [undefined];
	/** @internal Values whose drop hooks wait for the running one to return. */
	readonly pending: number[] = [];
	/** @internal Whether drop hooks are running. */
	dropping = false;
	/** @internal The random id in the control block, drawn when the space was created. */
	readonly id: number;
	private freed = false;

	/**
	 * Creates a space, with its control block allocated from `allocator`.
	 * @param allocator - where values are allocated: a `Heap`, or an arena or pool of one.
	 * @param options - see {@link RcSpaceOptions}.
	 * @throws TypeError for an allocator that is not one, an unknown option or an option of the wrong
	 * type; {@link "@offheap/core".OutOfMemoryError} when the control block cannot be allocated (nothing
	 * changes then).
	 */
	constructor(allocator: Allocator, options: RcSpaceOptions = {}) {
		const opening = openingAt;
		openingAt = undefined;
		checkAllocator("RcSpace", allocator);
		checkSpaceOptions("RcSpace", options);
		this.allocator = allocator;
		this.heap = allocator.heap;
		this.leakDetection = options.leakDetection === true;
		this.checkBlocks = options.checkBlocks !== false;
		// Before the control block: creating the detector may throw (no FinalizationRegistry).
		this.tracker = this.leakDetection ? new LeakTracker(options.onLeak) : undefined;
		const address = opening ?? allocator.malloc(CONTROL_BYTES, 8);
		if (address === 0) throw new OutOfMemoryError(CONTROL_BYTES, "the control block of an RcSpace");
		this.address = address;
		this.control = address >>> 2;
		const u32 = this.heap.u32;
		if (opening === undefined) {
			this.heap.u8.fill(0, address, address + CONTROL_BYTES);
			u32[this.control + W_MAGIC] = SPACE_MAGIC;
			u32[this.control + W_VERSION] = LAYOUT_VERSION;
			// A random start makes serials of two spaces sharing a heap unlikely to meet.
			u32[this.control + W_SERIAL] = Math.floor(Math.random() * 0xffffffff);
			u32[this.control + W_ID] = randomId();
		}
		this.id = u32[this.control + W_ID] as number;
	}

	/**
	 * Reopens the space whose control block is at `address` (its {@link RcSpace.address}). Register
	 * every kind again with {@link RcSpace.kind}: each gets back the id stored under its name, so the
	 * values already in the heap find their drop hooks.
	 *
	 * @throws {@link "@offheap/core".InvalidPointerError} when `address` is not the control block of a
	 * space; TypeError for an allocator that is not one, an address that is not a number, an unknown
	 * option or an option of the wrong type.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace, strongCount } from "@offheap/rc";
	 * const heap = new Heap();
	 * const first = new RcSpace(heap);
	 * const Cell = first.kind({ name: "Cell", type: { size: 8, align: 8 } });
	 * const p = first.allocRaw(Cell);
	 * const again = RcSpace.open(Heap.open(new Uint8Array(heap.u8).buffer), first.address);
	 * again.kind({ name: "Cell", type: { size: 8, align: 8 } });
	 * console.log(strongCount(again, p)); // 1
	 * ```
	 */
	static open(allocator: Allocator, address: Ptr, options: RcSpaceOptions = {}): RcSpace {
		checkAllocator("RcSpace.open", allocator);
		if (typeof address !== "number") {
			throw new TypeError(
				`RcSpace.open: address must be a number (a space's address), got ${describeArgument(address)}`,
			);
		}
		checkSpaceOptions("RcSpace.open", options);
		let bytes: number;
		try {
			bytes = allocator.usableSize(address);
		} catch (error) {
			throw new InvalidPointerError(
				"RcSpace.open",
				address,
				`not a live block: ${error instanceof Error ? error.message : String(error)}`,
			);
		}
		const u32 = allocator.heap.u32;
		const cw = address >>> 2;
		if (bytes < CONTROL_BYTES || u32[cw + W_MAGIC] !== SPACE_MAGIC) {
			throw new InvalidPointerError("RcSpace.open", address, "no RcSpace control block (magic) here");
		}
		if (u32[cw + W_VERSION] !== LAYOUT_VERSION) {
			throw new InvalidPointerError(
				"RcSpace.open",
				address,
				`an RcSpace of layout version ${u32[cw + W_VERSION]}, not ${LAYOUT_VERSION}`,
			);
		}
		openingAt = address;
		try {
			return new RcSpace(allocator, options);
		} finally {
			openingAt = undefined;
		}
	}

	// ---------------------------------------------------------------- kinds

	/**
	 * Registers a kind of value: its name, type and drop hook. In a reopened space, a name seen before
	 * gets its old id back (its size and alignment must match).
	 *
	 * @throws TypeError for a bad definition (an unknown key included), a name already registered in this session, or a size or
	 * alignment different from what the heap recorded under that name; RangeError for a bad size or
	 * alignment; {@link "@offheap/core".OutOfMemoryError} when the kind table cannot grow (nothing is registered).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace, release } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * // A node that owns the next node: dropping the head drops the whole chain.
	 * const Node = space.kind({
	 *   name: "Node",
	 *   type: { size: 8, align: 8 },
	 *   drop: (ptr, s) => release(s, s.heap.u32[ptr >>> 2]),
	 * });
	 * console.log(Node.valueOffset); // 32
	 * ```
	 */
	kind<T extends ValueType>(definition: RcKindDefinition<T>): RcKind<T> {
		this.assertLive("RcSpace.kind");
		const { name, type, drop } = checkDefinition(definition);
		for (const k of this.kinds) {
			if (k !== undefined && k.name === name) {
				throw new TypeError(`RcSpace.kind: a kind named "${name}" is already registered in this space`);
			}
		}
		let id = findKind(this.allocator, this.control, name);
		if (id !== 0) checkKindMatch(name, storedKind(this.allocator, this.control, id), type);
		else {
			if (this.heap.u32[this.control + W_KIND_COUNT] === MAX_KINDS) {
				throw new RangeError(`RcSpace.kind: a space holds at most ${MAX_KINDS} kinds`);
			}
			id = appendKind(this.allocator, this.control, name, type.size, type.align);
		}
		const kind = new RcKind(this, id, name, type, drop);
		this.kinds[id] = kind as RcKind;
		return kind;
	}

	/**
	 * The registered kind of the value at `ptr`, or `undefined` when its kind was not registered in
	 * this session (after {@link RcSpace.open}).
	 * @throws {@link "@offheap/core".InvalidPointerError} when `ptr` is not a value of a live block of
	 * this space.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * const Cell = space.kind({ name: "Cell", type: { size: 8, align: 8 } });
	 * console.log(space.kindOf(space.allocRaw(Cell)) === Cell); // true
	 * ```
	 */
	kindOf(ptr: Ptr): RcKind | undefined {
		const h = headerOf(this, "RcSpace.kindOf", ptr);
		return this.kinds[(this.heap.u32[h + H_META] as number) & KIND_MASK];
	}

	// ---------------------------------------------------------------- allocation

	/**
	 * Allocates a zero-filled value of `kind` with one strong reference, held by the returned handle.
	 * @throws {@link "@offheap/core".OutOfMemoryError} when the allocator is exhausted (nothing changes).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * const Cell = space.kind({ name: "Cell", type: { size: 8, align: 8 } });
	 * using cell = space.alloc(Cell); // released at the end of the scope
	 * space.heap.f64[cell.ptr >>> 3] = 42;
	 * console.log(cell.strongCount); // 1
	 * ```
	 */
	alloc<T extends ValueType>(kind: RcKind<T>): Rc<T> {
		const ptr = this.allocRaw(kind);
		if (ptr === 0) {
			throw new OutOfMemoryError(kind.blockSize, `an Rc value of kind "${kind.name}" (header included)`);
		}
		return new Rc(this, kind, ptr, this.heap.u32[((ptr - HEADER_BYTES) >>> 2) + H_SERIAL] as number);
	}

	/**
	 * Like {@link RcSpace.alloc}, but returns `null` when the allocator is exhausted.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace } from "@offheap/rc";
	 * const space = new RcSpace(new Heap({ initialBytes: 65536, maxBytes: 65536 }));
	 * const Big = space.kind({ name: "Big", type: { size: 1 << 20, align: 8 } });
	 * console.log(space.tryAlloc(Big)); // null
	 * ```
	 */
	tryAlloc<T extends ValueType>(kind: RcKind<T>): Rc<T> | null {
		const ptr = this.allocRaw(kind);
		if (ptr === 0) return null;
		return new Rc(this, kind, ptr, this.heap.u32[((ptr - HEADER_BYTES) >>> 2) + H_SERIAL] as number);
	}

	/**
	 * Allocates a zero-filled value of `kind` with one strong reference, owned by the caller as a raw
	 * address (release it with {@link release}, or adopt it with {@link Rc.open}). Creates no object.
	 * @returns the value's address, or `0` when the allocator is exhausted (nothing changes).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace, strongCount } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * const Cell = space.kind({ name: "Cell", type: { size: 4, align: 4 } });
	 * const p = space.allocRaw(Cell);
	 * console.log(p % 8, strongCount(space, p)); // 0 1
	 * ```
	 */
	allocRaw(kind: RcKind): Ptr {
		if (kind?.space !== this || this.freed) checkForeignKind(this.freed, this.address, kind);
		if (this.heap.u32[this.control + W_ID] !== this.id) this.assertLive("RcSpace.alloc");
		const block = this.allocator.malloc(kind.blockSize, kind.blockAlign);
		if (block === 0) return 0;
		const ptr = block + kind.valueOffset;
		const heap = this.heap;
		const u32 = heap.u32;
		const size = kind.size;
		if (size <= 64) {
			// Small values: word stores beat a fill() call. `ptr` is 8-aligned.
			const words = size >>> 2;
			for (let i = 0; i < words; i++) u32[(ptr >>> 2) + i] = 0;
			for (let i = words << 2; i < size; i++) heap.u8[ptr + i] = 0;
		} else heap.u8.fill(0, ptr, ptr + size);
		const cw = this.control;
		const serial = ((u32[cw + W_SERIAL] as number) + 1) >>> 0 || 1;
		u32[cw + W_SERIAL] = serial;
		const h = (ptr - HEADER_BYTES) >>> 2;
		u32[h + H_SPACE] = this.address;
		u32[h + H_CHECK] = checkWord(this.address, serial, kind.meta);
		u32[h + H_STRONG] = 1;
		u32[h + H_WEAK] = 1;
		u32[h + H_SERIAL] = serial;
		u32[h + H_META] = kind.meta;
		linkValue(this, ptr, h);
		u32[cw + W_LIVE] = (u32[cw + W_LIVE] as number) + 1;
		heap.f64[(this.address >>> 3) + F_CREATED] += 1;
		return ptr;
	}

	// ---------------------------------------------------------------- space

	/**
	 * Counters of the space, read from its control block.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * space.allocRaw(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
	 * console.log(space.stats().liveValues); // 1
	 * ```
	 */
	stats(): RcStats {
		this.assertLive("RcSpace.stats");
		const u32 = this.heap.u32;
		const f64 = this.heap.f64;
		const cf = this.address >>> 3;
		return {
			kinds: u32[this.control + W_KIND_COUNT] as number,
			liveValues: u32[this.control + W_LIVE] as number,
			droppedValues: u32[this.control + W_DROPPED] as number,
			created: f64[cf + F_CREATED] as number,
			freed: f64[cf + F_FREED] as number,
		};
	}

	/**
	 * Leaks the detector has found and not yet reported: handles the collector reclaimed while they
	 * still held a reference. The list is emptied. Always empty without `leakDetection`, or with
	 * `onLeak` (which receives them instead).
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace } from "@offheap/rc";
	 * const space = new RcSpace(new Heap(), { leakDetection: true });
	 * console.log(space.takeLeaks()); // [] (handles are reported some time after they are collected)
	 * ```
	 */
	takeLeaks(): RcLeak[] {
		return this.tracker === undefined ? [] : this.tracker.take();
	}

	/**
	 * Frees the space's control block and kind table. Every value must have been freed first.
	 * @throws `OffheapError` (code `"ERR_RC_SPACE_IN_USE"`) when values are still allocated (nothing is
	 * freed), and {@link "@offheap/core".DoubleFreeError} when the space was already freed.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace, strongCount } from "@offheap/rc";
	 * const heap = new Heap();
	 * const space = new RcSpace(heap);
	 * space.kind({ name: "Cell", type: { size: 8, align: 8 } });
	 * space.free();
	 * console.log(heap.stats().liveBlocks); // 0
	 * ```
	 */
	free(): void {
		if (this.freed) throw new DoubleFreeError("RcSpace.free", this.address, "this RcSpace was already freed");
		this.assertLive("RcSpace.free");
		const u32 = this.heap.u32;
		const live = u32[this.control + W_LIVE] as number;
		const dropped = u32[this.control + W_DROPPED] as number;
		if (live + dropped !== 0) {
			throw new OffheapError(
				`RcSpace.free(${hex(this.address)}): ${live + dropped} value block(s) are still allocated ` +
					`(${live} live, ${dropped} dropped but weakly referenced): release them first`,
				"ERR_RC_SPACE_IN_USE",
			);
		}
		const first = u32[this.control + W_FIRST] as number;
		if (first !== 0) {
			throw new HeapCorruptionError(
				this.address,
				`RcSpace ${hex(this.address)}: it counts no values, but its list of values starts at ${hex(first)}`,
			);
		}
		this.allocator.free(u32[this.control + W_KIND_TABLE] as number);
		u32[this.control + W_MAGIC] = 0;
		u32[this.control + W_ID] = 0;
		this.allocator.free(this.address);
		this.freed = true;
	}

	/**
	 * Verifies everything the space keeps in the heap: its control block (magic, version, id, counters),
	 * its kind table (every record, and the kinds registered in this session against it), and every
	 * value block in its list: header tag, owner, kind, offset, check word, counts (a live value has a
	 * strong count and the weak reference its strong ones share, a dropped one weak references only),
	 * and, through the allocator, that its block is live and large enough. `liveValues` and
	 * `droppedValues` must equal what the list holds, and `created - freed` its length. O(kinds + values);
	 * it reads and never writes.
	 * @throws {@link "@offheap/core".HeapCorruptionError} naming the address and the first inconsistency;
	 * {@link "@offheap/core".InvalidPointerError} when the space was freed.
	 * @example
	 * ```ts
	 * import { Heap, HeapCorruptionError } from "@offheap/core";
	 * import { RcSpace } from "@offheap/rc";
	 * const heap = new Heap();
	 * const space = new RcSpace(heap);
	 * const p = space.allocRaw(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
	 * space.check(); // passes silently
	 * heap.u32[(p - 12) >>> 2] = 0; // a stray write over the value's weak count
	 * try {
	 *   space.check();
	 * } catch (error) {
	 *   console.log(error instanceof HeapCorruptionError); // true
	 * }
	 * ```
	 */
	check(): void {
		if (this.freed) rejectSpaceFreed("RcSpace.check", this.address);
		checkSpace(this);
	}

	/** @internal Refuses a use of a freed space, or of one whose control block no longer holds it. */
	assertLive(operation: string): void {
		if (this.freed) rejectSpaceFreed(operation, this.address);
		const u32 = this.heap.u32;
		if (u32[this.control + W_ID] !== this.id || u32[this.control + W_MAGIC] !== SPACE_MAGIC) {
			rejectSpaceGone(operation, this.address);
		}
	}

	/** Frees the space ({@link RcSpace.free}) at the end of a `using` scope. */
	[Symbol.dispose](): void {
		this.free();
	}
}
