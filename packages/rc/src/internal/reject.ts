import { DoubleFreeError, describeArgument, hex, InvalidPointerError } from "@offheap/core";
import { HEADER_BYTES, SPACE_MAGIC, TAG_FREED, W_MAGIC } from "./layout.ts";

// Cold paths: every function here throws, and runs only when a caller made a mistake. Releasing
// something already gone is a DoubleFreeError; any other use of something gone, or of an address that
// is not an Rc value, is an InvalidPointerError.

function isRelease(operation: string): boolean {
	return operation.endsWith("release") || operation.endsWith("releaseWeak") || operation.endsWith("dispose");
}

function gone(operation: string, ptr: number, detail: string): never {
	if (isRelease(operation)) throw new DoubleFreeError(operation, ptr, detail);
	throw new InvalidPointerError(operation, ptr, detail);
}

/** @internal */
export function rejectAddress(operation: string, ptr: unknown, heapBytes: number): never {
	if (typeof ptr !== "number") {
		throw new TypeError(
			`${operation}: ptr must be a number (the address of a value), got ${describeArgument(ptr)}`,
		);
	}
	let detail = "not 8-aligned, so not the address of an Rc value";
	if (!Number.isInteger(ptr)) detail = "not an integer";
	else if (ptr < 0) detail = "negative";
	else if (ptr === 0) detail = "NULL";
	else if (ptr >= heapBytes) detail = `past the end of the heap at ${hex(heapBytes)}`;
	else if (ptr < HEADER_BYTES) detail = "too low to have an Rc header";
	throw new InvalidPointerError(operation, ptr, detail);
}

/** @internal */
export function rejectNotSpace(operation: string, space: unknown): never {
	throw new TypeError(`${operation}: space must be an RcSpace, got ${describeArgument(space)}`);
}

/** A value whose header names the space at `owner`, given to the space at `address`. @internal */
export function rejectForeign(
	u32: Uint32Array,
	address: number,
	operation: string,
	ptr: number,
	owner: number,
): never {
	const isSpace =
		owner !== 0 &&
		(owner & 7) === 0 &&
		owner < u32.length * 4 &&
		u32[(owner >>> 2) + W_MAGIC] === SPACE_MAGIC;
	const whose = isSpace
		? `another RcSpace (at ${hex(owner)})`
		: `no RcSpace (its header names ${hex(owner)}, where there is none)`;
	throw new InvalidPointerError(
		operation,
		ptr,
		`the value belongs to ${whose}, not to this one (at ${hex(address)})`,
	);
}

/** @internal */
export function rejectNotRc(operation: string, ptr: number, meta: number): never {
	if (meta >>> 24 === TAG_FREED) {
		return gone(
			operation,
			ptr,
			"the value was dropped and its block freed (a reference was released too often)",
		);
	}
	throw new InvalidPointerError(
		operation,
		ptr,
		`no Rc header before it (meta word ${hex(meta >>> 0)}): not a value of an RcSpace, or its block was reused`,
	);
}

/** @internal */
export function rejectDeadBlock(operation: string, ptr: number, block: number, cause: unknown): never {
	const why = cause instanceof Error ? cause.message : String(cause);
	return gone(operation, ptr, `its block ${hex(block)} is not live (the value was freed): ${why}`);
}

/** @internal */
export function rejectDropped(operation: string, ptr: number, weak: number): never {
	return gone(
		operation,
		ptr,
		`the value was already dropped (strong 0, weak ${weak}): no strong reference is left to use`,
	);
}

/** @internal */
export function rejectNoWeak(operation: string, ptr: number, strong: number): never {
	throw new DoubleFreeError(
		operation,
		ptr,
		`no weak reference is left to release (strong ${strong}, weak 0)`,
	);
}

/** @internal */
export function rejectOverflow(operation: string, ptr: number, which: "strong" | "weak"): never {
	throw new RangeError(`${operation}(${hex(ptr)}): the ${which} count would pass 2^32 - 1`);
}

/** @internal */
export function rejectReleasedHandle(operation: string, ptr: number, strength: "Rc" | "Weak"): never {
	return gone(operation, ptr, `this ${strength} handle was already released (or turned into a raw pointer)`);
}

/** @internal */
export function rejectStaleHandle(operation: string, ptr: number, block: number, serial: number): never {
	return gone(
		operation,
		ptr,
		`stale handle: the value it referred to (serial ${serial}) was freed and its block ${hex(block)} ` +
			"freed or reused; a reference was released once too often elsewhere",
	);
}

/** @internal */
export function rejectUnknownKind(operation: string, ptr: number, id: number): never {
	throw new TypeError(
		`${operation}(${hex(ptr)}): the value's kind (id ${id}) is not registered in this space: call space.kind() ` +
			"with its definition first (after RcSpace.open, register every kind again)",
	);
}

/** @internal */
export function rejectSpaceFreed(operation: string, address: number): never {
	throw new InvalidPointerError(operation, address, "this RcSpace was freed");
}

/** @internal */
export function rejectSpaceGone(operation: string, address: number): never {
	throw new InvalidPointerError(
		operation,
		address,
		"the control block no longer holds this RcSpace: it was freed through another RcSpace object " +
			"(from RcSpace.open), or overwritten",
	);
}
