import type { Ptr } from "@offheap/core";
import { headerOf } from "./internal/address.ts";
import { addWeak, dropValue, releaseWeakAt } from "./internal/counting.ts";
import { H_META, H_STRONG, H_WEAK, implicitWeak, MAX_COUNT } from "./internal/layout.ts";
import { rejectDropped, rejectNotSpace, rejectOverflow } from "./internal/reject.ts";
import { RcSpace } from "./rc-space.ts";

// Raw reference counting on plain addresses: what a value stored in another value's field (a struct
// member, a vector element) is counted with, and what hot loops use. No function here creates a JS
// object. Each validates `ptr` in O(1) (see RcSpaceOptions.checkBlocks): a value of another space is an
// InvalidPointerError, an address that is not a number or a space that is not an RcSpace a TypeError;
// each changes nothing when it throws. A raw address cannot tell a value from a later one at the same
// address: handles can.

/**
 * Adds a strong reference to the value at `ptr` (like `Rc::increment_strong_count`).
 * @throws {@link "@offheap/core".InvalidPointerError} when the value was dropped or `ptr` is not a value of `space`; RangeError
 * when the count would pass 2^32 − 1. Nothing changes then.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { RcSpace, retain, strongCount } from "@offheap/rc";
 * const space = new RcSpace(new Heap());
 * const p = space.allocRaw(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
 * retain(space, p);
 * console.log(strongCount(space, p)); // 2
 * ```
 */
export function retain(space: RcSpace, ptr: Ptr): void {
	const h = headerOf(space, "retain", ptr);
	const u32 = space.heap.u32;
	const strong = u32[h + H_STRONG] as number;
	if (strong === 0) rejectDropped("retain", ptr, u32[h + H_WEAK] as number);
	if (strong === MAX_COUNT) rejectOverflow("retain", ptr, "strong");
	u32[h + H_STRONG] = strong + 1;
}

/**
 * Gives back a strong reference to the value at `ptr` (like `Rc::decrement_strong_count`). The last one
 * drops the value: its kind's drop hook runs, then the block is freed unless weak references keep it.
 * `release(space, 0)` does nothing, so a drop hook can release optional fields without a check.
 *
 * When a drop hook throws, the value is still dropped and its block freed, every other pending drop
 * still runs, and then the error is rethrown (an `AggregateError` if several hooks threw).
 *
 * @returns whether this call dropped the value.
 * @throws {@link "@offheap/core".DoubleFreeError} when the value was already dropped or freed (released once too
 * often); {@link "@offheap/core".InvalidPointerError} when `ptr` is not a value of `space`. Nothing changes then.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { RcSpace, release, retain } from "@offheap/rc";
 * const space = new RcSpace(new Heap());
 * const p = space.allocRaw(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
 * retain(space, p);
 * console.log(release(space, p), release(space, p)); // false true
 * ```
 */
export function release(space: RcSpace, ptr: Ptr): boolean {
	if (ptr === 0) return nothingToRelease("release", space);
	const h = headerOf(space, "release", ptr);
	const u32 = space.heap.u32;
	const strong = u32[h + H_STRONG] as number;
	if (strong > 1) {
		u32[h + H_STRONG] = strong - 1;
		return false;
	}
	if (strong === 0) rejectDropped("release", ptr, u32[h + H_WEAK] as number);
	dropValue(space, "release", ptr, h);
	return true;
}

/** Releasing NULL: nothing, once `space` is known to be a space. */
function nothingToRelease(operation: string, space: RcSpace): false {
	if (!(space instanceof RcSpace)) rejectNotSpace(operation, space);
	return false;
}

/**
 * Adds a weak reference to the live value at `ptr` (like `Rc::downgrade`).
 * @throws {@link "@offheap/core".InvalidPointerError} when the value was dropped or `ptr` is not a value of `space`; RangeError
 * on overflow.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { downgrade, RcSpace, weakCount } from "@offheap/rc";
 * const space = new RcSpace(new Heap());
 * const p = space.allocRaw(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
 * downgrade(space, p);
 * console.log(weakCount(space, p)); // 1
 * ```
 */
export function downgrade(space: RcSpace, ptr: Ptr): void {
	const h = headerOf(space, "downgrade", ptr);
	const u32 = space.heap.u32;
	if (u32[h + H_STRONG] === 0) rejectDropped("downgrade", ptr, u32[h + H_WEAK] as number);
	addWeak(space, "downgrade", ptr, h);
}

/**
 * Adds a weak reference to the value at `ptr`, which may already be dropped (like cloning a `Weak`).
 * The caller must already hold a reference, so that the block is live.
 * @throws {@link "@offheap/core".InvalidPointerError} when `ptr` is not a value of `space` in a live block; RangeError on overflow.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { downgrade, RcSpace, release, retainWeak, weakCount } from "@offheap/rc";
 * const space = new RcSpace(new Heap());
 * const p = space.allocRaw(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
 * downgrade(space, p);
 * release(space, p); // dropped; the block stays for the weak reference
 * retainWeak(space, p);
 * console.log(weakCount(space, p)); // 2
 * ```
 */
export function retainWeak(space: RcSpace, ptr: Ptr): void {
	addWeak(space, "retainWeak", ptr, headerOf(space, "retainWeak", ptr));
}

/**
 * Adds a strong reference if the value at `ptr` is still alive (like `Weak::upgrade`; the caller's
 * weak reference is kept).
 * @returns `true` and one more strong reference, or `false` when the value was dropped.
 * @throws {@link "@offheap/core".InvalidPointerError} when `ptr` is not a value of `space` in a live block; RangeError on overflow.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { downgrade, RcSpace, release, upgrade } from "@offheap/rc";
 * const space = new RcSpace(new Heap());
 * const p = space.allocRaw(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
 * downgrade(space, p);
 * console.log(upgrade(space, p)); // true (strong 2)
 * release(space, p);
 * release(space, p);
 * console.log(upgrade(space, p)); // false
 * ```
 */
export function upgrade(space: RcSpace, ptr: Ptr): boolean {
	const h = headerOf(space, "upgrade", ptr);
	const u32 = space.heap.u32;
	const strong = u32[h + H_STRONG] as number;
	if (strong === 0) return false;
	if (strong === MAX_COUNT) rejectOverflow("upgrade", ptr, "strong");
	u32[h + H_STRONG] = strong + 1;
	return true;
}

/**
 * Gives back a weak reference. After the drop, the last one frees the block.
 * `releaseWeak(space, 0)` does nothing.
 * @returns whether this call freed the block.
 * @throws {@link "@offheap/core".DoubleFreeError} when no weak reference is left or the block was freed;
 * {@link "@offheap/core".InvalidPointerError} when `ptr` is not a value of `space`. Nothing changes then.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { downgrade, RcSpace, release, releaseWeak } from "@offheap/rc";
 * const space = new RcSpace(new Heap());
 * const p = space.allocRaw(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
 * downgrade(space, p);
 * release(space, p);
 * console.log(releaseWeak(space, p), space.stats().freed); // true 1
 * ```
 */
export function releaseWeak(space: RcSpace, ptr: Ptr): boolean {
	if (ptr === 0) return nothingToRelease("releaseWeak", space);
	return releaseWeakAt(space, "releaseWeak", ptr, headerOf(space, "releaseWeak", ptr));
}

/**
 * Number of strong references to the value at `ptr`: 0 once dropped (while weak ones keep its block).
 * @throws {@link "@offheap/core".InvalidPointerError} when `ptr` is not a value of `space` in a live block.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { RcSpace, strongCount } from "@offheap/rc";
 * const space = new RcSpace(new Heap());
 * const p = space.allocRaw(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
 * console.log(strongCount(space, p)); // 1
 * ```
 */
export function strongCount(space: RcSpace, ptr: Ptr): number {
	const h = headerOf(space, "strongCount", ptr);
	return space.heap.u32[h + H_STRONG] as number;
}

/**
 * Number of weak references to the value at `ptr`, not counting the one all strong references hold
 * together (as `Rc::weak_count`).
 * @throws {@link "@offheap/core".InvalidPointerError} when `ptr` is not a value of `space` in a live block.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { RcSpace, weakCount } from "@offheap/rc";
 * const space = new RcSpace(new Heap());
 * const p = space.allocRaw(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
 * console.log(weakCount(space, p)); // 0
 * ```
 */
export function weakCount(space: RcSpace, ptr: Ptr): number {
	const h = headerOf(space, "weakCount", ptr);
	const u32 = space.heap.u32;
	return (u32[h + H_WEAK] as number) - implicitWeak(u32[h + H_STRONG] as number, u32[h + H_META] as number);
}
