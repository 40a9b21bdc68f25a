/**
 * The cold paths of a vector: building and throwing errors, kept out of the methods that call them so
 * that those stay small enough to inline.
 * @internal
 */
import { describeArgument, hex, InvalidPointerError, OutOfMemoryError } from "@offheap/core";
import { elementValueError } from "@offheap/struct";

export function rejectFreed(operation: string): never {
	throw new InvalidPointerError(`Vector.${operation}`, 0, "the vector was freed");
}

/** Who refuses: `Vector` for the constructor, `Vector.<operation>` otherwise. */
function who(operation: string): string {
	return operation === "constructor" ? "Vector" : `Vector.${operation}`;
}

/** The TypeError of an argument that is not a number at all (a bigint, a symbol, a string …). */
export function rejectNotNumber(operation: string, what: string, value: unknown): never {
	throw new TypeError(`${who(operation)}: ${what} must be a number, got ${describeArgument(value)}`);
}

export function rejectIndex(operation: string, index: unknown, length: number): never {
	if (typeof index !== "number") return rejectNotNumber(operation, "index", index);
	throw new RangeError(
		`Vector.${operation}: index ${describeArgument(index)} is out of bounds for length ${length}` +
			(Number.isInteger(index) ? "" : " (not an integer)"),
	);
}

export function rejectCount(operation: string, what: string, count: unknown): never {
	if (typeof count !== "number") return rejectNotNumber(operation, what, count);
	throw new RangeError(`${who(operation)}: ${what} ${describeArgument(count)} is not a non-negative integer`);
}

/** The TypeError of an option or argument that must be a boolean. */
export function rejectNotBoolean(where: string, what: string, value: unknown): never {
	throw new TypeError(`${where}: ${what} must be a boolean, got ${describeArgument(value)}`);
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
