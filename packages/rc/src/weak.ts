import { describeArgument, hex, type Ptr } from "@offheap/core";
import type { ValueType } from "./api.ts";
import { handleHeaderOf, headerOf } from "./internal/address.ts";
import { addWeak, releaseWeakAt } from "./internal/counting.ts";
import { H_META, H_SERIAL, H_STRONG, H_WEAK, implicitWeak, KIND_MASK, MAX_COUNT } from "./internal/layout.ts";
import { rejectOverflow, rejectReleasedHandle, rejectUnknownKind } from "./internal/reject.ts";
import { checkKindArgument } from "./internal/validate.ts";
import { Rc } from "./rc.ts";
import type { RcKind } from "./rc-kind.ts";
import type { RcSpace } from "./rc-space.ts";

/**
 * A weak reference to a value in an {@link RcSpace}, as a JS object holding exactly one weak count.
 * It keeps the value's block allocated but not the value alive: {@link Weak.upgrade} returns a new
 * {@link Rc} while the value lives and `null` once it was dropped. The block is freed when the last
 * weak reference is released after the drop. Weak references are how cycles are broken: a child
 * points to its parent weakly, so dropping the parent is not prevented by its children.
 *
 * @typeParam T - the value type of its kind.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { RcSpace } from "@offheap/rc";
 * const space = new RcSpace(new Heap());
 * const Cell = space.kind({ name: "Cell", type: { size: 8, align: 8 } });
 * const strong = space.alloc(Cell);
 * using weak = strong.downgrade();
 * const again = weak.upgrade();   // a second strong handle
 * again?.release();
 * strong.release();               // dropped: the block stays for the weak reference
 * console.log(weak.upgrade(), space.stats().droppedValues); // null 1
 * ```
 */
export class Weak<T extends ValueType = ValueType> implements Disposable {
	/** The space the value lives in. */
	readonly space: RcSpace;
	/** The value's kind. */
	readonly kind: RcKind<T>;
	private readonly address: Ptr;
	private readonly serial: number;
	private held: boolean;

	/** @internal Handles are made by {@link Rc.downgrade}, {@link Weak.clone} and {@link Weak.open}. */
	constructor(space: RcSpace, kind: RcKind<T>, ptr: Ptr, serial: number) {
		this.space = space;
		this.kind = kind;
		this.address = ptr;
		this.serial = serial;
		this.held = true;
		if (space.tracker !== undefined) space.tracker.track(this, kind.name, ptr, "weak");
	}

	/**
	 * Adopts a weak reference held as a raw address (from {@link Weak.intoRaw},
	 * {@link downgrade} or {@link retainWeak}); the count does not change.
	 * @throws {@link "@offheap/core".InvalidPointerError} when `ptr` is not a value of a live block of `space`;
	 * TypeError when its kind is not registered in this session or is not `kind`, or for arguments of the
	 * wrong type.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { downgrade, RcSpace, Weak } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * const p = space.allocRaw(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
	 * downgrade(space, p);
	 * const weak = Weak.open(space, p);
	 * console.log(weak.weakCount); // 1
	 * ```
	 */
	static open<K extends ValueType = ValueType>(space: RcSpace, ptr: Ptr, kind?: RcKind<K>): Weak<K> {
		checkKindArgument("Weak.open", kind);
		const h = headerOf(space, "Weak.open", ptr);
		const u32 = space.heap.u32;
		const found = space.kindOf(ptr);
		if (found === undefined) rejectUnknownKind("Weak.open", ptr, (u32[h + H_META] as number) & KIND_MASK);
		if (kind !== undefined && found !== kind) {
			throw new TypeError(`Weak.open(${hex(ptr)}): the value is of kind "${found.name}", not "${kind.name}"`);
		}
		return new Weak(space, found as RcKind<K>, ptr, u32[h + H_SERIAL] as number);
	}

	private check(operation: string): number {
		if (!this.held) rejectReleasedHandle(operation, this.address, "Weak");
		return handleHeaderOf(this.space, operation, this.address, this.serial, this.kind.valueOffset);
	}

	/**
	 * Address of the value (whose bytes mean nothing once it was dropped: upgrade first to read them).
	 * @throws {@link "@offheap/core".InvalidPointerError} when this handle was released or is stale.
	 */
	get ptr(): Ptr {
		this.check("Weak.ptr");
		return this.address;
	}

	/** Number of strong references to the value: 0 once it was dropped. */
	get strongCount(): number {
		return this.space.heap.u32[this.check("Weak.strongCount") + H_STRONG] as number;
	}

	/** Number of weak references to the value (this one included). */
	get weakCount(): number {
		const h = this.check("Weak.weakCount");
		const u32 = this.space.heap.u32;
		return (u32[h + H_WEAK] as number) - implicitWeak(u32[h + H_STRONG] as number, u32[h + H_META] as number);
	}

	/** Whether this handle gave its reference back. */
	get released(): boolean {
		return !this.held;
	}

	/**
	 * A new strong handle to the value, or `null` when it was dropped. This handle keeps its weak count.
	 * @throws {@link "@offheap/core".InvalidPointerError} when this handle was released or is stale; RangeError on overflow.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * const a = space.alloc(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
	 * const w = a.downgrade();
	 * const b = w.upgrade();
	 * console.log(b?.strongCount); // 2
	 * ```
	 */
	upgrade(): Rc<T> | null {
		const h = this.check("Weak.upgrade");
		const u32 = this.space.heap.u32;
		const strong = u32[h + H_STRONG] as number;
		if (strong === 0) return null;
		if (strong === MAX_COUNT) rejectOverflow("Weak.upgrade", this.address, "strong");
		u32[h + H_STRONG] = strong + 1;
		return new Rc(this.space, this.kind, this.address, this.serial);
	}

	/**
	 * A new weak handle to the same value (allowed after the drop too).
	 * @throws {@link "@offheap/core".InvalidPointerError} when this handle was released or is stale; RangeError on overflow.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * const a = space.alloc(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
	 * const w = a.downgrade();
	 * console.log(w.clone().weakCount); // 2
	 * ```
	 */
	clone(): Weak<T> {
		addWeak(this.space, "Weak.clone", this.address, this.check("Weak.clone"));
		return new Weak(this.space, this.kind, this.address, this.serial);
	}

	/**
	 * Gives this handle's weak reference back; after the drop, the last one frees the block.
	 * @throws {@link "@offheap/core".DoubleFreeError} when this handle was already released or is stale (nothing changes).
	 */
	release(): void {
		const h = this.check("Weak.release");
		// releaseWeakAt throws only before it changes anything; mark the handle after it.
		releaseWeakAt(this.space, "Weak.release", this.address, h);
		this.held = false;
		if (this.space.tracker !== undefined) this.space.tracker.untrack(this);
	}

	/** Releases the reference at the end of a `using` scope, unless it was released already. */
	[Symbol.dispose](): void {
		if (this.held) this.release();
	}

	/**
	 * Gives up the handle without releasing its count: the caller now owns that weak reference as a
	 * raw address (release it with {@link releaseWeak}, or adopt it with {@link Weak.open}).
	 * @throws {@link "@offheap/core".InvalidPointerError} when this handle was released or is stale.
	 * @example
	 * ```ts
	 * import { Heap } from "@offheap/core";
	 * import { RcSpace, weakCount } from "@offheap/rc";
	 * const space = new RcSpace(new Heap());
	 * const a = space.alloc(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
	 * const p = a.downgrade().intoRaw();
	 * console.log(weakCount(space, p)); // 1
	 * ```
	 */
	intoRaw(): Ptr {
		this.check("Weak.intoRaw");
		this.held = false;
		if (this.space.tracker !== undefined) this.space.tracker.untrack(this);
		return this.address;
	}

	/**
	 * Whether `other` refers to the same value (same space, address and serial), released or not.
	 * @throws TypeError when `other` is not an `Rc` or a `Weak`.
	 */
	ptrEq(other: Rc<ValueType> | Weak<ValueType>): boolean {
		if (!(other instanceof Rc || other instanceof Weak)) {
			throw new TypeError(`Weak.ptrEq: other must be an Rc or a Weak, got ${describeArgument(other)}`);
		}
		return other.space === this.space && other.sameValue(this.address, this.serial);
	}

	/** @internal */
	sameValue(ptr: Ptr, serial: number): boolean {
		return this.address === ptr && this.serial === serial;
	}
}
