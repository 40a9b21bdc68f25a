import type { DropHook, RcKindDefinition, ValueType } from "../api.ts";
import { RcKind } from "../rc-kind.ts";
import type { StoredKind } from "./kind-table.ts";
import { rejectSpaceFreed } from "./reject.ts";

// Cold argument checks of kind registration and allocation.

const MAX_ALIGN = 2 ** 24;
const MAX_SIZE = 2 ** 31 - 2 ** 16;

/** @internal */
export function checkDefinition<T extends ValueType>(
	definition: RcKindDefinition<T>,
): { name: string; type: T; drop: DropHook | undefined } {
	if (typeof definition !== "object" || definition === null) {
		throw new TypeError(
			`RcSpace.kind: expected a definition { name, type, drop? }, got ${String(definition)}`,
		);
	}
	const { name, type, drop } = definition;
	if (typeof name !== "string" || name.length === 0) {
		throw new TypeError(`RcSpace.kind: name must be a non-empty string, got ${String(name)}`);
	}
	if (typeof type !== "object" || type === null) {
		throw new TypeError(`RcSpace.kind("${name}"): type must be an object with size and align`);
	}
	const { size, align } = type;
	if (!Number.isInteger(size) || size < 0 || size > MAX_SIZE) {
		throw new RangeError(
			`RcSpace.kind("${name}"): size ${String(size)} is not an integer in [0, ${MAX_SIZE}]`,
		);
	}
	if (!Number.isInteger(align) || align < 1 || align > MAX_ALIGN || (align & (align - 1)) !== 0) {
		throw new RangeError(
			`RcSpace.kind("${name}"): align ${String(align)} is not a power of two in [1, 2^24]`,
		);
	}
	if (drop !== undefined && typeof drop !== "function") {
		throw new TypeError(`RcSpace.kind("${name}"): drop must be a function, got ${typeof drop}`);
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
	if (freed) rejectSpaceFreed("alloc", address);
	if (!(kind instanceof RcKind)) {
		throw new TypeError(`RcSpace.alloc: expected an RcKind from space.kind(), got ${String(kind)}`);
	}
	throw new TypeError(`RcSpace.alloc: kind "${kind.name}" is registered in another RcSpace`);
}
