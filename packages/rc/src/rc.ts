import { describeArgument, hex, type Ptr } from "@offheap/core";
import type { ValueType } from "./api.ts";
import { handleHeaderOf, headerOf } from "./internal/address.ts";
import { addWeak, checkLinks, dropValue } from "./internal/counting.ts";
import { H_META, H_SERIAL, H_STRONG, H_WEAK, KIND_MASK, MAX_COUNT } from "./internal/layout.ts";
import { rejectDropped, rejectOverflow, rejectReleasedHandle, rejectUnknownKind } from "./internal/reject.ts";
import { checkKindArgument } from "./internal/validate.ts";
import type { RcKind } from "./rc-kind.ts";
import type { RcSpace } from "./rc-space.ts";
import { Weak } from "./weak.ts";

/**
 * A strong reference to a value in an {@link RcSpace}, as a JS object: each `Rc` object holds exactly
 * one strong count, as in Rust. {@link Rc.clone} makes a new object and adds a count;
 * {@link Rc.release} (or the end of a `using` scope) gives this object's count back, after which the
 * object refuses every use. The last release drops the value.
 *
 * A handle checks on every use that it still holds its reference, that the value's block is live,
 * and that the block still holds the value it was made for (the serial in the header), so a handle
 * that outlived its value throws even if the memory was reused. For loops that must not create
 * objects, read `rc.ptr` once and use the raw functions of the space ({@link retain}, {@link release}, …).
 *
 * @typeParam T - the value type of its kind.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { RcSpace } from "@offheap/rc";
 * const heap = new Heap();
 * const space = new RcSpace(heap);
 * const Cell = space.kind({ name: "Cell", type: { size: 8, align: 8 } });
 * const a = space.alloc(Cell);
 * heap.f64[a.ptr >>> 3] = 7;
 * {
 *   using b = a.clone();
 *   console.log(b.strongCount, heap.f64[b.ptr >>> 3]); // 2 7
 * }
 * console.log(a.strongCount); // 1
 * a.release(); // dropped and freed
 * ```
 */
export class Rc<T extends ValueType = ValueType> implements Disposable {
	/** The space the value lives in. */
	readonly space: RcSpace;
	/** The value's kind. */
	readonly kind: RcKind<T>;
	private readonly address: Ptr;
	private readonly serial: number;
	private held: boolean;

	/** @internal Handles are made by the space, {@link Rc.clone}, {@link Weak.upgrade} and {@link Rc.open}. */
	constructor(space: RcSpace, kind: RcKind<T>, ptr: Ptr, serial: number) {
		this.space = space;
		this.kind = kind;
		this.address = ptr;
		this.serial = serial;
		this.held = true;
		if (space.tracker !== undefined) space.tracker.track(this, kind.name, ptr, "strong");
	}

	/**
	 * Adopts a strong reference held as a raw address (from {@link Rc.intoRaw}, {@link RcSpace.allocRaw},
	 * {@link retain}, or a field of another value): the handle takes over that count, which does
	 * not change. This is how a handle is recreated from `(space, address)`.
	 *
	 * @param kind - when given, the value must be of this kind (and the handle is typed by it).
	 * @throws {@link "@offheap/core".InvalidPointerError} when `ptr` is not a live value of `space`; TypeError when
	 * its kind is not registered in this session or is not `kind`, or for arguments of the wrong type.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { Rc, RcSpace } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * const Cell = space.kind({ name: "Cell", type: { size: 8, align: 8 } });
	 * const p = space.allocRaw(Cell);
	 * const rc = Rc.open(space, p, Cell);
	 * console.log(rc.strongCount); // 1
	 * rc.release();
	 * ```
	 */
	static open<K extends ValueType = ValueType>(space: RcSpace, ptr: Ptr, kind?: RcKind<K>): Rc<K> {
		checkKindArgument("Rc.open", kind);
		const h = headerOf(space, "Rc.open", ptr);
		const u32 = space.heap.u32;
		if (u32[h + H_STRONG] === 0) rejectDropped("Rc.open", ptr, u32[h + H_WEAK] as number);
		const found = space.kindOf(ptr);
		if (found === undefined) rejectUnknownKind("Rc.open", ptr, (u32[h + H_META] as number) & KIND_MASK);
		if (kind !== undefined && found !== kind) {
			throw new TypeError(`Rc.open(${hex(ptr)}): the value is of kind "${found.name}", not "${kind.name}"`);
		}
		return new Rc(space, found as RcKind<K>, ptr, u32[h + H_SERIAL] as number);
	}

	/** Validates the handle and the value; returns the u32 index of the value's header. */
	private check(operation: string): number {
		if (!this.held) rejectReleasedHandle(operation, this.address, "Rc");
		const h = handleHeaderOf(this.space, operation, this.address, this.serial, this.kind.valueOffset);
		const u32 = this.space.heap.u32;
		if (u32[h + H_STRONG] === 0) rejectDropped(operation, this.address, u32[h + H_WEAK] as number);
		return h;
	}

	/**
	 * Address of the value: read and write it through the heap's views or a struct accessor.
	 * @throws {@link "@offheap/core".InvalidPointerError} when this handle was released or is stale.
	 */
	get ptr(): Ptr {
		this.check("Rc.ptr");
		return this.address;
	}

	/** Number of strong references to the value (this one included). */
	get strongCount(): number {
		return this.space.heap.u32[this.check("Rc.strongCount") + H_STRONG] as number;
	}

	/** Number of weak references to the value. */
	get weakCount(): number {
		return (this.space.heap.u32[this.check("Rc.weakCount") + H_WEAK] as number) - 1;
	}

	/** Whether this handle gave its reference back (released, disposed, or turned into a raw address). */
	get released(): boolean {
		return !this.held;
	}

	/**
	 * A new handle to the same value, holding a new strong reference.
	 * @throws {@link "@offheap/core".InvalidPointerError} when this handle was released or is stale; RangeError on overflow.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * const a = space.alloc(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
	 * const b = a.clone();
	 * console.log(a.strongCount, b.ptrEq(a)); // 2 true
	 * ```
	 */
	clone(): Rc<T> {
		const h = this.check("Rc.clone");
		const u32 = this.space.heap.u32;
		const strong = u32[h + H_STRONG] as number;
		if (strong === MAX_COUNT) rejectOverflow("Rc.clone", this.address, "strong");
		u32[h + H_STRONG] = strong + 1;
		return new Rc(this.space, this.kind, this.address, this.serial);
	}

	/**
	 * A weak reference to the value: it keeps the block but not the value alive.
	 * @throws {@link "@offheap/core".InvalidPointerError} when this handle was released or is stale; RangeError on overflow.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * const a = space.alloc(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
	 * const w = a.downgrade();
	 * a.release();
	 * console.log(w.upgrade()); // null
	 * w.release();
	 * ```
	 */
	downgrade(): Weak<T> {
		const h = this.check("Rc.downgrade");
		addWeak(this.space, "Rc.downgrade", this.address, h);
		return new Weak(this.space, this.kind, this.address, this.serial);
	}

	/**
	 * Gives this handle's strong reference back; the last one drops the value (see
	 * {@link release} for drop hooks that throw). The handle refuses every later use.
	 * @throws {@link "@offheap/core".DoubleFreeError} when this handle was already released or its value is gone
	 * (nothing changes then).
	 */
	release(): void {
		const h = this.check("Rc.release");
		const u32 = this.space.heap.u32;
		const strong = u32[h + H_STRONG] as number;
		if (strong > 1) u32[h + H_STRONG] = strong - 1;
		else if (this.kind.drop === undefined) {
			// Without a hook, a drop that throws (a corrupted list or heap) has changed nothing: the
			// handle keeps its reference then.
			dropValue(this.space, "Rc.release", this.address, h);
		} else {
			// The hook may see this handle: it is released from the start of the drop on, once the drop
			// is known to be able to complete (its block can be unlinked).
			checkLinks(this.space, this.address, h);
			this.giveUp();
			dropValue(this.space, "Rc.release", this.address, h);
			return;
		}
		this.giveUp();
	}

	private giveUp(): void {
		this.held = false;
		if (this.space.tracker !== undefined) this.space.tracker.untrack(this);
	}

	/** Releases the reference at the end of a `using` scope, unless it was released already. */
	[Symbol.dispose](): void {
		if (this.held) this.release();
	}

	/**
	 * Gives up the handle without releasing its count: the caller now owns that strong reference as a
	 * raw address (to store in another value, or to adopt again with {@link Rc.open}).
	 * @throws {@link "@offheap/core".InvalidPointerError} when this handle was released or is stale.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace, release, strongCount } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * const rc = space.alloc(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
	 * const p = rc.intoRaw();
	 * console.log(rc.released, strongCount(space, p)); // true 1
	 * release(space, p);
	 * ```
	 */
	intoRaw(): Ptr {
		this.check("Rc.intoRaw");
		this.giveUp();
		return this.address;
	}

	/**
	 * Whether `other` refers to the same value (same space, address and serial), released or not.
	 * @throws TypeError when `other` is not an `Rc` or a `Weak`.
	 */
	ptrEq(other: Rc<ValueType> | Weak<ValueType>): boolean {
		if (!(other instanceof Rc || other instanceof Weak)) {
			throw new TypeError(`Rc.ptrEq: other must be an Rc or a Weak, got ${describeArgument(other)}`);
		}
		return other.space === this.space && other.sameValue(this.address, this.serial);
	}

	/** @internal */
	sameValue(ptr: Ptr, serial: number): boolean {
		return this.address === ptr && this.serial === serial;
	}
}
