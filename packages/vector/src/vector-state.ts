import { type Allocator, checkOptions, type Heap, type Ptr } from "@offheap/core";
import {
	configure,
	ELEMENT_KIND,
	ElementValueCheck,
	type ElementViewName,
	elementKind,
	elementShift,
	elementView,
	elementViewName,
	type HeapViews,
	heapViews,
	type Type,
} from "@offheap/struct";
import type { VectorOptions } from "./api.ts";
import {
	checkAllocator,
	checkGrowth,
	checkType,
	createHeader,
	OPEN,
	type OpenOptions,
	openHeader,
} from "./internal/header.ts";
import * as layout from "./internal/layout.ts";
import {
	outOfMemory,
	rejectCount,
	rejectFreed,
	rejectIndex,
	rejectNotAggregate,
	rejectNotBoolean,
} from "./internal/reject.ts";
import { poisonElements, verifySpare } from "./internal/spare-poison.ts";
import { grownCapacity, resize, verifyStorage } from "./internal/storage.ts";
import { verifyVector } from "./internal/verify.ts";

// Module-local copies of the constants: V8 reads these faster than imported bindings, which it must
// check for initialization on every use. The hottest paths (vector-edits.ts) use literal numbers.
const { W_CAPACITY, W_DATA, W_GROWTH, W_LENGTH, W_VERSION } = layout;
const { bool: K_BOOL, other: K_OTHER } = ELEMENT_KIND;

/** A typed array as the hot paths index it. */
type Indexed = { [index: number]: unknown };

const DEFAULT_GROWTH = 1.5;

/** The options of `new Vector(...)`. */
const CREATE_OPTIONS: readonly string[] = ["capacity", "growthFactor", "checked"];

/** Zeroes `size` bytes at `offset` of a staging buffer (word stores for the common small sizes). */
function zeroStaged(views: HeapViews, offset: number, size: number): void {
	if ((size & 3) === 0 && size <= 128) {
		const u32 = views.u32;
		for (let w = offset >>> 2, end = (offset + size) >>> 2; w < end; w++) u32[w] = 0;
	} else views.u8.fill(0, offset, offset + size);
}

/** Copies `size` staged bytes at `offset` of `views` to `at` in the heap (word moves when both are aligned). */
function copyStaged(heap: Heap, views: HeapViews, offset: number, at: number, size: number): void {
	if (((at | size) & 3) === 0 && size <= 128) {
		const from = views.u32;
		const to = heap.u32;
		for (let w = offset >>> 2, d = at >>> 2, end = (offset + size) >>> 2; w < end; w++, d++)
			to[d] = from[w] as number;
	} else heap.u8.set(views.u8.subarray(offset, offset + size), at);
}

/**
 * The state of a {@link Vector}: its length, capacity and storage, read from its header in the heap
 * on every call, and the consistency check of checked heaps. Every `Vector` is one (a `Vector`
 * extends {@link VectorEdits}, which extends {@link VectorAccess}, which extends this class); it is
 * not made on its own.
 *
 * @typeParam T - the element type.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f64 } from "@offheap/struct";
 * import { Vector, type VectorState } from "@offheap/vector";
 * const v = new Vector(new Heap(), f64, { capacity: 10 });
 * v.push(1);
 * const state: VectorState = v;
 * console.log(state.length, state.capacity >= 10); // 1 true
 * ```
 */
export class VectorState<T extends Type = Type> {
	/** Where the header and the elements' block come from. */
	readonly allocator: Allocator;
	/** The heap whose buffer holds the vector (the allocator's heap). */
	readonly heap: Heap;
	/** The element type. */
	readonly type: T;
	/** Whether development checks are on; see {@link VectorAccessOptions.checked}. */
	readonly checked: boolean;
	/** @internal u32 index of the header; 0 once freed. */
	hdr: number;
	/** @internal The element kind (see `ELEMENT_KIND`). */
	readonly kind: number;
	/** @internal Bytes, alignment and log2 of the bytes of one element (the shift is for scalars). */
	readonly size: number;
	/** @internal */
	readonly align: number;
	/** @internal */
	readonly shift: number;
	/** @internal The heap view scalar elements live in. */
	readonly heapView: ElementViewName;
	/** @internal Whether elements are numbers stored as they are through `heapView` (no bool, bigint, struct). */
	readonly plain: boolean;
	/** @internal Whether the element type has in-place views (struct, union, array). */
	readonly aggregate: boolean;
	/** @internal Whether the spare capacity is poisoned and verified (the allocator's heap is checked). */
	readonly poisoned: boolean;
	/**
	 * @internal How `push` may store a number without a closer look: the value check's
	 * {@link ElementValueCheck.storeMode}, copied into a field of the vector so that the hot path reads
	 * it (and `lo`, `hi`) without a second object.
	 */
	readonly pushMode: number;
	/** @internal The value check's range (store mode 2). */
	readonly lo: number;
	/** @internal */
	readonly hi: number;
	/** @internal The value check of the element type, shared with the other typed containers. */
	private readonly valueCheck: ElementValueCheck;
	/** The staging buffer of struct, union, array and utf8 values (see `prepare`). */
	private staged: HeapViews | undefined;
	/** Values being staged right now (a getter of one may stage another). */
	private depth: number;

	/** @internal Use `new Vector(...)` or `Vector.open(...)`. */
	protected constructor(allocator: Allocator, type: T, options: VectorOptions) {
		checkAllocator("Vector", allocator);
		checkType("Vector", type);
		// Vector.open checked its own options before it passed the header's address in this key.
		const opening = typeof options === "object" && options !== null && OPEN in options;
		if (!opening) checkOptions("Vector", options, CREATE_OPTIONS);
		const checked = options.checked ?? configure({}).checked;
		if (typeof checked !== "boolean") rejectNotBoolean("Vector", "checked", checked);
		this.allocator = allocator;
		this.heap = allocator.heap;
		this.type = type;
		this.checked = checked;
		this.kind = elementKind(type);
		this.size = type.size;
		this.align = type.align;
		this.shift = elementShift(this.kind);
		this.heapView = elementViewName(this.kind);
		this.plain = this.kind < K_BOOL;
		const t = type as unknown as { view?: unknown; cursor?: unknown };
		this.aggregate = typeof t.view === "function" && typeof t.cursor === "function";
		this.poisoned = this.heap.checked;
		const valueCheck = new ElementValueCheck(type, checked, "Vector", "element type");
		this.valueCheck = valueCheck;
		this.pushMode = valueCheck.storeMode;
		this.lo = valueCheck.lo;
		this.hi = valueCheck.hi;
		this.staged = undefined;
		this.depth = 0;
		let address: number;
		if (opening) address = openHeader(this.heap, (options as OpenOptions)[OPEN] as number, type);
		else {
			const capacity = options.capacity ?? 0;
			if (!Number.isInteger(capacity) || capacity < 0) rejectCount("constructor", "capacity", capacity);
			const growth = checkGrowth("Vector", options.growthFactor ?? DEFAULT_GROWTH);
			address = createHeader(allocator, type, growth, capacity);
		}
		this.hdr = address >>> 2;
		// Spare capacity holds nothing: poisoning it (again, for a view opened on a checked heap) is safe.
		if (this.poisoned) this.poisonSpare(this.length, this.capacity);
	}

	/**
	 * Address of the header in the heap: what {@link Vector.open} takes. 0 once freed. Not the start of
	 * a heap block (it is 8 bytes into the header's block), so `heap.free` of it is refused.
	 */
	get address(): Ptr {
		return this.hdr * 4;
	}

	/** Number of elements. 0 once freed. */
	get length(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_LENGTH] as number);
	}

	/** Elements the storage holds before the vector must grow. 0 once freed. */
	get capacity(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_CAPACITY] as number);
	}

	/**
	 * The storage generation: it changes whenever the elements move to another address (growth that
	 * could not happen in place) or the storage shrinks or is freed ({@link Vector.shrinkToFit}, in place
	 * or not). Growth in place keeps it. A typed array, view or address taken at one version is valid
	 * while the version stays the same and the heap's buffer is the same. 0 once freed.
	 */
	get version(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_VERSION] as number);
	}

	/**
	 * Address of element 0 in the heap (0 while the capacity is 0); it changes with
	 * {@link VectorState.version}. Not the start of a heap block (two words that name the storage and its
	 * vector come first, or the elements' alignment), so `heap.free` of it, or of any element's address,
	 * is refused.
	 */
	get dataAddress(): Ptr {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_DATA] as number);
	}

	/** Factor by which the capacity grows (as stored in the header, to 1/256). */
	get growthFactor(): number {
		return this.hdr === 0 ? 0 : (this.heap.u32[this.hdr + W_GROWTH] as number) / 256;
	}

	/**
	 * Verifies the vector in the heap, as `Heap.check()` verifies the heap: its header (magic, element
	 * type, length within the capacity, storage inside the heap and aligned, growth factor), the two
	 * words before element 0 that name the storage's vector (also verified before every resize and
	 * before `free`), and that the header and the storage are live blocks of the allocator, large
	 * enough. On a checked heap (`new Heap({ checked: true })`) it also verifies that nothing wrote into
	 * the spare capacity `[length, capacity)`, which the vector keeps poisoned. Reads only.
	 * @throws `HeapCorruptionError` naming the vector and the inconsistency (for a write past the
	 * length: the element, the vector and the site where its storage was allocated);
	 * `InvalidPointerError` once the vector is freed.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { f64 } from "@offheap/struct";
	 * import { Vector } from "@offheap/vector";
	 * const v = new Vector(new Heap({ checked: true }), f64, { capacity: 4 });
	 * v.push(1);
	 * v.heap.f64[(v.dataAddress >>> 3) + 2] = 7; // past the length: a bug
	 * try {
	 *   v.check();
	 * } catch (error) {
	 *   console.log((error as Error).name, (error as Error).message.includes("element 2")); // HeapCorruptionError true
	 * }
	 * ```
	 */
	check(): void {
		if (this.hdr === 0) rejectFreed("check");
		verifyVector(this);
		if (this.poisoned) verifySpare(this, this.size, "check");
	}

	/** @internal Reads element `index` of the storage at `data`. */
	load(data: number, index: number): unknown {
		const kind = this.kind;
		if (kind === K_OTHER) return this.type.read(this.heap, data + index * this.size);
		const value = (this.heap[this.heapView] as Indexed)[(data >>> this.shift) + index];
		return kind === K_BOOL ? value !== 0 : value;
	}

	/**
	 * @internal Writes element `index` of the storage at `data`: a value {@link VectorState.prepare}
	 * returned (the staging buffer of a struct, union, array or utf8 element; a scalar as it is).
	 */
	store(data: number, index: number, value: unknown): void {
		const kind = this.kind;
		if (kind === K_OTHER)
			copyStaged(this.heap, value as HeapViews, Math.max(8, this.align), data + index * this.size, this.size);
		else
			(this.heap[this.heapView] as Indexed)[(data >>> this.shift) + index] =
				kind === K_BOOL ? (value ? 1 : 0) : value;
	}

	/** @internal Whether `value` is a number stored as it is, without conversion (the value check's `fits`). */
	fits(value: unknown): boolean {
		return this.valueCheck.fits(value);
	}

	/**
	 * @internal Reads and checks a value before anything changes (the vector's state is read after
	 * this, so a value that aliases the vector's own elements, or whose getters or `valueOf` change the
	 * vector, is read whole first): a struct, union, array or utf8 value is written to a staging buffer,
	 * where the type checks it, and the buffer is returned for {@link VectorState.store}; a number for
	 * an unchecked vector is converted as its typed array converts it; other values are checked as the
	 * element type requires. Throws the TypeError or RangeError of a value that does not fit.
	 */
	prepare(operation: string, value: unknown): unknown {
		const kind = this.kind;
		if (kind === K_OTHER) return this.stage(value);
		if (this.checked || kind >= K_BOOL) {
			if (!this.fits(value)) this.valueCheck.check(operation, value);
			return value;
		}
		if (typeof value === "number") return value;
		// What the typed array's store would do, done now: bigints and symbols are refused (a typed array
		// would throw the engine's TypeError, after a growth), anything else converts once.
		if (typeof value === "bigint" || typeof value === "symbol")
			this.valueCheck.refuse(operation, value, true);
		return +(value as number);
	}

	/**
	 * `value` written by the element type into a zeroed staging buffer (which checks it), at
	 * `max(8, align)`: the buffer, for {@link VectorState.store} to copy from.
	 */
	private stage(value: unknown): HeapViews {
		const offset = Math.max(8, this.align);
		const size = this.size;
		// A getter of the value may push into this vector while it is staged: such a nested call gets a
		// buffer of its own.
		let views = this.depth === 0 ? this.staged : undefined;
		if (views === undefined) {
			views = heapViews(new ArrayBuffer(Math.ceil((offset + size) / 8) * 8));
			if (this.depth === 0) this.staged = views;
		}
		zeroStaged(views, offset, size);
		this.depth++;
		try {
			this.type.write(views, offset, value);
		} finally {
			this.depth--;
		}
		return views;
	}

	/** @internal Grows for a push or insert that needs `needed` elements; throws having changed nothing. */
	grow(operation: string, needed: number): void {
		const u32 = this.heap.u32;
		const capacity = u32[this.hdr + W_CAPACITY] as number;
		const length = u32[this.hdr + W_LENGTH] as number;
		const target = grownCapacity(capacity, needed, (u32[this.hdr + W_GROWTH] as number) / 256, this.size);
		if (target < 0 || !this.resizeTo(operation, target)) {
			const elements = Math.max(target, needed);
			throw outOfMemory(operation, elements * this.size, elements, length, capacity);
		}
	}

	/** @internal Makes room for `additional` more elements; false (nothing changed) when the allocator cannot. */
	tryReserveFor(operation: string, additional: number): boolean {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed(operation);
		if (!Number.isInteger(additional) || additional < 0)
			return rejectCount(operation, "additional", additional);
		const u32 = this.heap.u32;
		const length = u32[hdr + W_LENGTH] as number;
		const capacity = u32[hdr + W_CAPACITY] as number;
		if (capacity - length >= additional) return true;
		const target = grownCapacity(
			capacity,
			length + additional,
			(u32[hdr + W_GROWTH] as number) / 256,
			this.size,
		);
		return target >= 0 && this.resizeTo(operation, target);
	}

	/**
	 * @internal Moves the elements to storage for `capacity` elements (see `resize`); on a checked heap
	 * the spare capacity is verified first and poisoned after.
	 */
	resizeTo(operation: string, capacity: number): boolean {
		verifyStorage(this.heap, this.hdr, operation);
		if (this.poisoned) verifySpare(this, this.size, operation);
		if (!resize(this.allocator, this.hdr, this.size, this.align, capacity)) return false;
		if (this.poisoned) this.poisonSpare(this.heap.u32[this.hdr + W_LENGTH] as number, this.capacity);
		return true;
	}

	/** @internal Poisons elements `[from, to)`, given back to the spare capacity (checked heaps only). */
	poisonSpare(from: number, to: number): void {
		poisonElements(this.heap, this.heap.u32[this.hdr + W_DATA] as number, this.size, from, to);
	}

	/** @internal The plain typed array over the elements of a scalar vector. */
	rawArray(): ReturnType<typeof elementView> {
		const u32 = this.heap.u32;
		const start = (u32[this.hdr + W_DATA] as number) >>> this.shift;
		return elementView(this.heap, this.kind).subarray(start, start + (u32[this.hdr + W_LENGTH] as number));
	}

	/** @internal Throws the error of a failed index check: freed vector, not an aggregate, or index out of bounds. */
	rejectAccess(operation: string, index: unknown): never {
		if (this.hdr === 0) return rejectFreed(operation);
		if (operation === "cursor" && !this.aggregate) return rejectNotAggregate(operation, this.type.name);
		return rejectIndex(operation, index, this.heap.u32[this.hdr + W_LENGTH] as number);
	}
}
