import { type Allocator, checkOptions, describeArgument, Heap, isAllocator } from "@offheap/core";
import type { DropHook, RcKindDefinition, RcSpaceOptions, ValueType } from "../api.ts";
import { RcKind } from "../rc-kind.ts";
import type { StoredKind } from "./kind-table.ts";
import { rejectSpaceFreed } from "./reject.ts";

// Cold argument checks of space creation, kind registration and allocation.

export const MAX_ALIGN: number = 2 ** 24;
export const MAX_SIZE: number = 2 ** 31 - 2 ** 16;

const SPACE_OPTIONS: readonly (keyof RcSpaceOptions)[] = ["checkBlocks", "leakDetection", "onLeak"];
const DEFINITION_KEYS: readonly (keyof RcKindDefinition)[] = ["name", "type", "drop"];

/** @internal */
export function checkAllocator(what: string, allocator: unknown): asserts allocator is Allocator {
	if (!isAllocator(allocator) || !(allocator.heap instanceof Heap)) {
		throw new TypeError(
			`${what}: allocator must be an Allocator (a Heap, an arena, a pool …), got ${describeArgument(allocator)}`,
		);
	}
}

/** Refuses unknown options and options of the wrong type. @internal */
export function checkSpaceOptions(what: string, options: unknown): void {
	checkOptions(what, options, SPACE_OPTIONS);
	if (options === undefined) return;
	const { checkBlocks, leakDetection, onLeak } = options as RcSpaceOptions;
	for (const [name, value] of [
		["checkBlocks", checkBlocks],
		["leakDetection", leakDetection],
	] as const) {
		if (value !== undefined && typeof value !== "boolean") {
			throw new TypeError(`${what}: option ${name} must be a boolean, got ${describeArgument(value)}`);
		}
	}
	if (onLeak !== undefined && typeof onLeak !== "function") {
		throw new TypeError(`${what}: option onLeak must be a function, got ${describeArgument(onLeak)}`);
	}
}

/** @internal */
export function checkDefinition<T extends ValueType>(
	definition: RcKindDefinition<T>,
): { name: string; type: T; drop: DropHook | undefined } {
	if (typeof definition !== "object" || definition === null || Array.isArray(definition)) {
		throw new TypeError(
			`RcSpace.kind: expected a definition { name, type, drop? }, got ${describeArgument(definition)}`,
		);
	}
	checkOptions("RcSpace.kind", definition, DEFINITION_KEYS);
	const { name, type, drop } = definition;
	if (typeof name !== "string" || name.length === 0) {
		throw new TypeError(`RcSpace.kind: name must be a non-empty string, got ${describeArgument(name)}`);
	}
	if (typeof type !== "object" || type === null) {
		throw new TypeError(
			`RcSpace.kind("${name}"): type must be an object with size and align, got ${describeArgument(type)}`,
		);
	}
	const { size, align } = type;
	if (!Number.isInteger(size) || size < 0 || size > MAX_SIZE) {
		throw new RangeError(
			`RcSpace.kind("${name}"): size ${describeArgument(size)} is not an integer in [0, ${MAX_SIZE}]`,
		);
	}
	if (!Number.isInteger(align) || align < 1 || align > MAX_ALIGN || (align & (align - 1)) !== 0) {
		throw new RangeError(
			`RcSpace.kind("${name}"): align ${describeArgument(align)} is not a power of two in [1, 2^24]`,
		);
	}
	if (drop !== undefined && typeof drop !== "function") {
		throw new TypeError(`RcSpace.kind("${name}"): drop must be a function, got ${describeArgument(drop)}`);
	}
	return { name, type, drop };
}

/** @internal */
export function checkKindMatch(name: string, stored: StoredKind, type: ValueType): void {
	if (stored.size !== type.size || stored.align !== type.align) {
		throw new TypeError(
			`RcSpace.kind("${name}"): the heap recorded this kind with size ${stored.size} and align ` +
				`${stored.align}, but the definition has size ${type.size} and align ${type.align}`,
		);
	}
}

/** Throws for a kind that `allocRaw` must refuse. @internal */
export function checkForeignKind(freed: boolean, address: number, kind: unknown): never {
	if (freed) rejectSpaceFreed("RcSpace.alloc", address);
	if (!(kind instanceof RcKind)) {
		throw new TypeError(
			`RcSpace.alloc: kind must be an RcKind from space.kind(), got ${describeArgument(kind)}`,
		);
	}
	throw new TypeError(`RcSpace.alloc: kind "${kind.name}" is registered in another RcSpace`);
}

/** Refuses a `kind` argument of Rc.open or Weak.open that is not a kind. @internal */
export function checkKindArgument(operation: string, kind: unknown): void {
	if (kind !== undefined && !(kind instanceof RcKind)) {
		throw new TypeError(`${operation}: kind must be an RcKind or undefined, got ${describeArgument(kind)}`);
	}
}
