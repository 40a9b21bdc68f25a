import type { HeapViews, Type } from "./api.ts";
import { ELEMENT_KIND, elementKind, elementNumberRange, elementValueProblem } from "./element-kind.ts";
import { heapViews } from "./heap-views.ts";

const {
	f32: K_F32,
	i32: K_I32,
	u32: K_U32,
	bool: K_BOOL,
	i64: K_I64,
	u64: K_U64,
	other: K_OTHER,
} = ELEMENT_KIND;

/**
 * The error for a value that cannot be stored as an element of a scalar `kind`: a `RangeError` when it
 * has the right JS type but not the range, a `TypeError` otherwise. `subject` starts the message
 * (`Vector.push`), `role` names what the type is to the container (`element type f32`).
 * @example
 * ```ts
 * import { elementKind, elementValueError, u8 } from "@offheap/struct";
 * const error = elementValueError("Vector.push", "element type u8", elementKind(u8), 256, true);
 * console.log(error.name, error.message); // RangeError Vector.push: 256 is not an integer in [0, 255] (element type u8)
 * ```
 */
export function elementValueError(
	subject: string,
	role: string,
	kind: number,
	value: unknown,
	strict: boolean,
): RangeError | TypeError {
	const problem = elementValueProblem(kind, value, strict) ?? "rejected";
	const expected = kind === K_I64 || kind === K_U64 ? "bigint" : kind === K_BOOL ? "boolean" : "number";
	const message = `${subject}: ${problem} (${role})`;
	return typeof value === expected ? new RangeError(message) : new TypeError(message);
}

/**
 * Refuses a value that cannot be stored as an element of one type, before a container changes
 * anything: scalars by their JS type and (checked) their range, struct, union and array values
 * (checked) by writing them into a private scratch buffer first, so that a refused one throws there.
 * What containers of typed elements (vectors, lists) share.
 * @example
 * ```ts
 * import { ElementValueCheck, f32, struct, u8 } from "@offheap/struct";
 * const bytes = new ElementValueCheck(u8, true, "Vector", "element type");
 * console.log(bytes.fits(7), bytes.fits(300)); // true false
 * console.log(bytes.storeMode, bytes.lo, bytes.hi); // 2 0 255
 * bytes.check("push", 7); // fits: returns
 * try {
 *   bytes.check("push", 300);
 * } catch (error) {
 *   console.log((error as Error).message); // Vector.push: 300 is not an integer in [0, 255] (element type u8)
 * }
 * const Point = struct("Point", { x: f32, y: f32 });
 * const points = new ElementValueCheck(Point, true, "List", "payload type");
 * try {
 *   points.check("pushBack", { x: 1 });
 * } catch (error) {
 *   console.log((error as Error).name); // TypeError
 * }
 * ```
 */
export class ElementValueCheck {
	/** The element type. */
	readonly type: Type;
	/** Its element kind ({@link elementKind}). */
	readonly kind: number;
	/** Whether ranges and struct values are checked (checked mode), not only what cannot be converted. */
	readonly checked: boolean;
	private readonly container: string;
	private readonly role: string;
	private scratch: HeapViews | undefined;
	/**
	 * How a container's hot path may store a number without calling {@link ElementValueCheck.check}, as
	 * one small integer that the hot path compares with literals: 0, never (bool, bigint and aggregate
	 * types); 1, any number (f32 and f64, and every number kind unchecked, converted as its typed array
	 * converts it); for the other kinds, checked: 2, an integer in `[lo, hi]` (the 8- and 16-bit kinds,
	 * whose bounds V8 keeps unboxed), 3, a uint32 (`value >>> 0 === value`), 4, an int32
	 * (`(value | 0) === value`).
	 */
	readonly storeMode: number;
	/** Smallest number of the type (`-Infinity` for floats). */
	readonly lo: number;
	/** Largest number of the type (`Infinity` for floats). */
	readonly hi: number;
	private readonly whole: boolean;

	/**
	 * @param container - the container's name for messages (`Vector`).
	 * @param role - what the type is to the container (`element type`, `payload type`).
	 */
	constructor(type: Type, checked: boolean, container: string, role: string) {
		this.type = type;
		this.kind = elementKind(type);
		this.checked = checked;
		this.container = container;
		this.role = role;
		this.scratch = undefined;
		[this.lo, this.hi, this.whole] = elementNumberRange(this.kind);
		const kind = this.kind;
		this.storeMode =
			kind >= K_BOOL ? 0 : !checked || kind <= K_F32 ? 1 : kind === K_U32 ? 3 : kind === K_I32 ? 4 : 2;
	}

	/**
	 * Whether `value` is a number an element stores as it is, without conversion (NaN never is; values
	 * of other kinds never are): a container's quick test before it calls {@link ElementValueCheck.check}.
	 */
	fits(value: unknown): boolean {
		return (
			typeof value === "number" &&
			value >= this.lo &&
			value <= this.hi &&
			(!this.whole || Math.floor(value) === value)
		);
	}

	/** Returns when `value` can be stored; throws the `RangeError`/`TypeError` naming `operation` otherwise. */
	check(operation: string, value: unknown): void {
		const kind = this.kind;
		if (kind <= K_F32) {
			if (typeof value !== "number") this.refuse(operation, value, true);
			return;
		}
		if (kind !== K_OTHER) {
			if (elementValueProblem(kind, value, this.checked) !== undefined)
				this.refuse(operation, value, this.checked);
			return;
		}
		if (!this.checked) return;
		const offset = Math.max(8, this.type.align);
		let scratch = this.scratch;
		if (scratch === undefined) {
			scratch = heapViews(new ArrayBuffer(Math.ceil((offset + this.type.size) / 8) * 8));
			this.scratch = scratch;
		}
		this.type.write(scratch, offset, value);
	}

	/** The error for `value` as {@link elementValueError} makes it, thrown. */
	refuse(operation: string, value: unknown, strict: boolean): never {
		throw elementValueError(
			`${this.container}.${operation}`,
			`${this.role} ${this.type.name}`,
			this.kind,
			value,
			strict,
		);
	}
}
