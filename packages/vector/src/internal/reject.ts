/**
 * The cold paths of a vector: building and throwing errors, kept out of the methods that call them so
 * that those stay small enough to inline.
 * @internal
 */
import { hex, InvalidPointerError, OutOfMemoryError } from "@offheap/core";
import { describeValue, elementValueError } from "@offheap/struct";

export function rejectFreed(operation: string): never {
	throw new InvalidPointerError(`Vector.${operation}`, 0, "the vector was freed");
}

export function rejectIndex(operation: string, index: unknown, length: number): never {
	const shown = typeof index === "number" ? String(index) : describeValue(index);
	throw new RangeError(
		`Vector.${operation}: index ${shown} is out of bounds for length ${length}` +
			(typeof index === "number" && Number.isInteger(index) ? "" : " (not an integer)"),
	);
}

export function rejectCount(operation: string, what: string, count: unknown): never {
	throw new RangeError(`Vector.${operation}: ${what} ${describeValue(count)} is not a non-negative integer`);
}

/** Throws the TypeError (wrong JS type) or RangeError (out of range) for a scalar element value. */
export function rejectValue(
	operation: string,
	typeName: string,
	kind: number,
	value: unknown,
	strict: boolean,
): never {
	throw elementValueError(`Vector.${operation}`, `element type ${typeName}`, kind, value, strict);
}

export function rejectNotScalar(operation: string, typeName: string): never {
	throw new TypeError(`Vector.${operation} needs scalar elements; this vector holds ${typeName}`);
}

export function rejectNotAggregate(operation: string, typeName: string): never {
	throw new TypeError(
		`Vector.${operation} needs struct, union or array elements (it returns a view); this vector holds ${typeName}: use get/set`,
	);
}

export function outOfMemory(
	operation: string,
	bytes: number,
	elements: number,
	length: number,
	capacity: number,
): OutOfMemoryError {
	return new OutOfMemoryError(
		bytes,
		`Vector.${operation}: storage for ${elements} elements (length ${length}, capacity ${capacity})`,
	);
}

/** What a stale view throws: its memory is no longer (or may no longer be) the vector's storage. */
export function rejectStale(what: string, data: number, detail: string): never {
	throw new InvalidPointerError(
		what,
		data,
		`stale view of the storage at ${hex(data)}: ${detail}; take a new one after anything that may grow or free the vector`,
	);
}
