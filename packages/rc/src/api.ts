import type { Ptr } from "@offheap/core";
import type { RcSpace } from "./rc-space.ts";

/**
 * The shape of a value an {@link Rc} can hold: its size and alignment in bytes. The struct and scalar
 * types of `@offheap/struct` have both, and so does any plain object.
 *
 * @example
 * ```ts
 * import type { ValueType } from "@offheap/rc";
 * const Vec3: ValueType = { size: 24, align: 8 }; // three f64
 * console.log(Vec3.size); // 24
 * ```
 */
export interface ValueType {
	/** Bytes of the value (a non-negative integer). */
	readonly size: number;
	/** Alignment of the value in bytes: a power of two from 1 to 2^24. */
	readonly align: number;
}

/**
 * A drop hook: runs once, when the last strong reference to a value is released, while the value's
 * bytes are still readable. It releases what the value owns: other Rc values whose addresses it holds,
 * vectors, plain heap blocks.
 *
 * Releases made inside a hook are queued and run after it returns, so a chain of any length is
 * dropped without deepening the JS stack.
 *
 * @param ptr - address of the value being dropped.
 * @param space - the space the value lives in: call `release(space, child)`, read `space.heap`.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { type DropHook, RcSpace, release } from "@offheap/rc";
 * // A value that holds the address of another Rc value in its first 4 bytes.
 * const dropLink: DropHook = (ptr, space) => {
 *   release(space, space.heap.u32[ptr >>> 2]);
 * };
 * const space = new RcSpace(new Heap());
 * const Link = space.kind({ name: "Link", type: { size: 4, align: 4 }, drop: dropLink });
 * console.log(Link.name); // Link
 * ```
 */
export type DropHook = (ptr: Ptr, space: RcSpace) => void;

/**
 * What {@link RcSpace.kind} registers: a named value type and its drop hook.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { type RcKindDefinition, RcSpace } from "@offheap/rc";
 * const point: RcKindDefinition<{ size: number; align: number }> = {
 *   name: "Point",
 *   type: { size: 16, align: 8 },
 * };
 * const space = new RcSpace(new Heap());
 * console.log(space.kind(point).id); // 1
 * ```
 */
export interface RcKindDefinition<T extends ValueType = ValueType> {
	/**
	 * Name of the kind: unique within a space, and how a reopened space finds the kind's id again
	 * (ids are stored in the heap by name, size and alignment).
	 */
	name: string;
	/** Layout of the value. */
	type: T;
	/**
	 * Runs once when the value is dropped (see {@link DropHook}).
	 * @defaultValue undefined: dropping only gives the bytes back
	 */
	drop?: DropHook;
}

/**
 * A handle that became garbage while it still held its reference: found by the leak detector of an
 * {@link RcSpace} created with `leakDetection: true`.
 *
 * @example
 * ```ts
 * import type { RcLeak } from "@offheap/rc";
 * const report = (leak: RcLeak): string => `${leak.strength} ${leak.kind} at ${leak.ptr}\n${leak.stack}`;
 * console.log(report({ kind: "Node", ptr: 64, strength: "strong", stack: "Error\n    at main" }).length > 0); // true
 * ```
 */
export interface RcLeak {
	/** Name of the value's kind. */
	kind: string;
	/** Address of the value. Its count is still held: the value stays alive until it is released. */
	ptr: Ptr;
	/** Whether the lost handle held a strong ({@link Rc}) or a weak ({@link Weak}) reference. */
	strength: "strong" | "weak";
	/** Stack trace of where the handle was created (`new Error().stack`). */
	stack: string;
}

/**
 * Options of an {@link RcSpace}.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { RcSpace, type RcSpaceOptions } from "@offheap/rc";
 * const options: RcSpaceOptions = { leakDetection: true, onLeak: (leak) => console.warn(leak.stack) };
 * const space = new RcSpace(new Heap(), options);
 * console.log(space.leakDetection); // true
 * ```
 */
export interface RcSpaceOptions {
	/**
	 * Validate every address against the allocator: each raw function and each handle use asks
	 * `allocator.usableSize` (O(1) for a `Heap`) that the value's block is still live, so a freed,
	 * reused or foreign address always throws. Off, an address is checked by its header alone: the
	 * tag byte (a freed value is caught until its memory is reused, a foreign address 255 times in
	 * 256) and, for handles, the 32-bit serial. Off is about 4× faster for raw retain/release: turn it
	 * off in hot code once the tests pass with it on.
	 * @defaultValue true
	 */
	checkBlocks?: boolean | undefined;
	/**
	 * Development aid: record where every {@link Rc} and {@link Weak} handle is created
	 * (`new Error().stack`) and report handles that the garbage collector reclaims without their
	 * reference having been released (through a `FinalizationRegistry`). It costs a stack trace per
	 * handle; when off, handles pay one branch.
	 * @defaultValue false
	 */
	leakDetection?: boolean | undefined;
	/**
	 * Called for each leaked handle, some time after the collector reclaimed it. Without it, leaks are
	 * kept for {@link RcSpace.takeLeaks}.
	 * @defaultValue undefined: leaks accumulate in the space
	 */
	onLeak?: ((leak: RcLeak) => void) | undefined;
}

/**
 * Counters of an {@link RcSpace}, as returned by {@link RcSpace.stats}. They live in the heap, so a
 * reopened space sees the same numbers. `created - freed === liveValues + droppedValues` always holds.
 *
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { RcSpace } from "@offheap/rc";
 * const space = new RcSpace(new Heap());
 * const Cell = space.kind({ name: "Cell", type: { size: 8, align: 8 } });
 * const a = space.alloc(Cell);
 * const w = a.downgrade();
 * a.release();
 * console.log(space.stats()); // { kinds: 1, liveValues: 0, droppedValues: 1, created: 1, freed: 0 }
 * w.release();
 * ```
 */
export interface RcStats {
	/** Kinds registered in the space (in any session). */
	kinds: number;
	/** Values with at least one strong reference. */
	liveValues: number;
	/** Values already dropped whose block is kept by weak references. */
	droppedValues: number;
	/** Values ever allocated. */
	created: number;
	/** Blocks given back to the allocator. */
	freed: number;
}
