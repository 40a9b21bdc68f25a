/** Validation and layout of a struct or union schema: what `struct()` and `union()` share. */

import { checkOptions, describeArgument } from "@offheap/core";
import type { FieldInfo, Fields, StructOptions, Type, TypeKind } from "../api.ts";
import { checkAlignOption } from "../field.ts";
import { checkBooleanOption, rejectNotNumber } from "./checks.ts";
import { type LayoutField, layOut } from "./layout.ts";
import { checkTypeName, identifierProblem } from "./names.ts";

const TYPE_KINDS: ReadonlySet<string> = new Set<TypeKind>([
	"scalar",
	"ptr",
	"utf8",
	"array",
	"struct",
	"union",
]);

/** A field spec taken apart. */
interface Parsed {
	readonly name: string;
	readonly type: Type;
	readonly width: number | undefined;
	readonly unnamed: boolean;
	readonly packed: boolean;
	readonly userAlign: number;
	/** A flexible array member `T name[]`, where `type` is the element type. */
	readonly flexible: boolean;
}

export interface RecordDescription {
	readonly size: number;
	readonly align: number;
	readonly fields: readonly FieldInfo[];
	readonly options: Readonly<StructOptions>;
	/** Whether the last field is a flexible array member. */
	readonly flexible: boolean;
}

export function isType(value: unknown): value is Type {
	return (
		typeof value === "object" &&
		value !== null &&
		TYPE_KINDS.has((value as { kind?: unknown }).kind as string) &&
		typeof (value as { size?: unknown }).size === "number"
	);
}

function parseField(where: string, name: string, spec: unknown): Parsed {
	const problem = identifierProblem(name);
	if (problem !== undefined) throw new TypeError(`${where}: field name ${problem}`);
	if (name === "constructor" || name === "__proto__") {
		throw new TypeError(`${where}: field name ${JSON.stringify(name)} is reserved in JavaScript`);
	}
	let packed = false;
	let userAlign = 0;
	let s = spec as { kind?: unknown; spec?: unknown; options?: { align?: number; packed?: boolean } } | null;
	if (s !== null && typeof s === "object" && s.kind === "field") {
		packed = s.options?.packed === true;
		userAlign = s.options?.align ?? 0;
		s = s.spec as typeof s;
	}
	if (s !== null && typeof s === "object" && (s.kind === "bits" || s.kind === "padBits")) {
		const b = s as unknown as { base: Type; width: number };
		return {
			name,
			type: b.base,
			width: b.width,
			unnamed: s.kind === "padBits",
			packed,
			userAlign,
			flexible: false,
		};
	}
	if (s !== null && typeof s === "object" && s.kind === "flex") {
		const element = (s as unknown as { element: Type }).element;
		return { name, type: element, width: undefined, unnamed: false, packed, userAlign, flexible: true };
	}
	if (!isType(s)) {
		throw new TypeError(
			`${where}.${name}: expected a type, bits(), padBits(), flex() or field(), got ${String(s)}`,
		);
	}
	if ((s as { flexible?: unknown }).flexible === true) {
		throw new TypeError(
			`${where}.${name}: ${s.name} ends in a flexible array member, so it cannot be a member (C forbids it)`,
		);
	}
	return { name, type: s, width: undefined, unnamed: false, packed, userAlign, flexible: false };
}

/** The options of `struct()` and `union()`. */
const STRUCT_OPTIONS: readonly (keyof StructOptions)[] = ["packed", "align", "pack"];

function checkStructOptions(where: string, options: StructOptions): void {
	checkOptions(where, options, STRUCT_OPTIONS);
	checkBooleanOption(where, "packed", options.packed);
	if (options.align !== undefined) checkAlignOption(where, options.align);
	if (options.pack !== undefined && typeof options.pack !== "number")
		rejectNotNumber(where, "pack", options.pack);
	if (options.pack !== undefined && ![1, 2, 4, 8, 16].includes(options.pack)) {
		throw new RangeError(
			`${where}: pack must be 1, 2, 4, 8 or 16 (as #pragma pack), got ${String(options.pack)}`,
		);
	}
}

export function describeRecord(
	kind: "struct" | "union",
	name: string,
	fields: Fields,
	options: StructOptions,
): RecordDescription {
	checkTypeName(kind, name);
	const where = `${kind} ${name}`;
	checkStructOptions(where, options);
	if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
		throw new TypeError(`${where}: fields must be an object mapping names to types`);
	}
	const symbol = Object.getOwnPropertySymbols(fields)[0];
	if (symbol !== undefined) {
		throw new TypeError(`${where}: field names must be strings, got ${describeArgument(symbol)}`);
	}
	const parsed = Object.keys(fields).map((key) => parseField(name, key, fields[key]));
	if (!parsed.some((f) => !f.unnamed && !f.flexible))
		throw new TypeError(`${where}: needs at least one named field`);
	const flexible = parsed.findIndex((f) => f.flexible);
	if (flexible >= 0 && (kind === "union" || flexible !== parsed.length - 1)) {
		throw new TypeError(
			`${where}.${parsed[flexible]?.name}: a flexible array member must be the last field of a struct`,
		);
	}
	const input: LayoutField[] = parsed.map((f) => ({
		size: f.flexible ? 0 : f.type.size,
		align: f.type.align,
		width: f.width,
		unnamed: f.unnamed,
		packed: f.packed,
		userAlign: f.userAlign,
	}));
	const layout = layOut(input, {
		union: kind === "union",
		packed: options.packed === true,
		align: options.align ?? 0,
		pack: options.pack ?? 0,
	});
	if (layout.size >= 2 ** 31)
		throw new RangeError(`${where}: ${layout.size} bytes is too large (at most 2^31 - 1)`);
	const infos = parsed.map((f, i): FieldInfo => {
		const { bitPos, align } = layout.placements[i] as { bitPos: number; align: number };
		if (f.flexible) {
			return Object.freeze({
				name: f.name,
				type: f.type,
				offset: bitPos / 8,
				size: 0,
				padding: false,
				align,
				flexible: true,
			});
		}
		if (f.width === undefined) {
			return Object.freeze({
				name: f.name,
				type: f.type,
				offset: bitPos / 8,
				size: f.type.size,
				padding: false,
				align,
			});
		}
		const offset = Math.floor(bitPos / 8);
		const bitOffset = bitPos - offset * 8;
		return Object.freeze({
			name: f.name,
			type: f.type,
			offset,
			size: Math.ceil((bitOffset + f.width) / 8),
			bitOffset,
			bitWidth: f.width,
			padding: f.unnamed,
			align,
		});
	});
	return {
		size: layout.size,
		align: layout.align,
		fields: Object.freeze(infos),
		options: Object.freeze({ ...options }),
		flexible: flexible >= 0,
	};
}
