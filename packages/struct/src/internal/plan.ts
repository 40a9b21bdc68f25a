/**
 * How each member of a type is accessed, decided once per type and alignment variant and shared by
 * both accessor builders (generated code and closures).
 */
import type { FieldInfo, Type } from "../api.ts";
import { PTR_INFO, SCALARS, type ScalarInfo } from "./scalar-info.ts";

/** A struct, union or array type: what has accessors of its own. */
export interface AggregateLike extends Type {
	readonly kind: "struct" | "union" | "array";
}

export interface RecordLike extends AggregateLike {
	readonly kind: "struct" | "union";
	readonly fields: readonly FieldInfo[];
}

export interface ArrayTypeLike extends AggregateLike {
	readonly kind: "array";
	readonly element: Type;
	readonly length: number;
	/** The elements of a flexible array member: no length, indices checked against the heap's end. */
	readonly unbounded?: boolean;
}

/**
 * Up to 32 bits of a bit-field, read as an unsigned number. Either from one aligned u8/u16/u32 of the
 * record (`container` 1, 2 or 4 bytes at `offset`, bits `[shift, shift + width)`), or byte by byte.
 */
export interface BitPart {
	readonly width: number;
	readonly container: 0 | 1 | 2 | 4;
	readonly offset: number;
	readonly shift: number;
	/** Byte by byte (`container` 0): per byte, the bits it holds: `(byte >>> at) & mask` is value bits `[from, …)`. */
	readonly bytes: readonly { readonly at: number; readonly mask: number; readonly from: number }[];
}

export type Access =
	| { readonly k: "scalar"; readonly off: number; readonly info: ScalarInfo; readonly aligned: boolean }
	| { readonly k: "utf8"; readonly off: number; readonly maxBytes: number }
	| { readonly k: "nested"; readonly off: number; readonly type: AggregateLike; readonly aligned: boolean }
	| { readonly k: "flex"; readonly off: number; readonly type: ArrayTypeLike; readonly aligned: boolean }
	| {
			readonly k: "bits";
			readonly info: ScalarInfo;
			readonly width: number;
			/** Low 32 bits, and for a 64-bit base wider than 32 bits the rest. */
			readonly lo: BitPart;
			readonly hi: BitPart | undefined;
	  };

export interface Member {
	readonly name: string;
	readonly access: Access;
}

/** The alignment an address `base + off` is known to have when `base` is a multiple of `guarantee`. */
export function alignmentAt(guarantee: number, off: number): number {
	if (off === 0) return guarantee;
	let low = 1;
	while (off % (low * 2) === 0 && low < guarantee) low *= 2;
	return Math.min(guarantee, low);
}

export function scalarInfoOf(type: Type): ScalarInfo | undefined {
	if (type.kind === "ptr") return PTR_INFO;
	if (type.kind === "scalar") return SCALARS[type.name as keyof typeof SCALARS];
	return undefined;
}

/** How to access a value of `type` at `off` in a record whose base is a multiple of `guarantee`. */
export function accessOf(type: Type, off: number, guarantee: number): Access {
	const info = scalarInfoOf(type);
	const at = alignmentAt(guarantee, off);
	if (info !== undefined) return { k: "scalar", off, info, aligned: at >= info.size };
	if (type.kind === "utf8") return { k: "utf8", off, maxBytes: type.size };
	return { k: "nested", off, type: type as AggregateLike, aligned: at >= type.align };
}

function bitPart(bit: number, width: number, recordSize: number, guarantee: number): BitPart {
	for (const container of [1, 2, 4] as const) {
		const offset = Math.floor(bit / (8 * container)) * container;
		const shift = bit - offset * 8;
		const fits = shift + width <= 8 * container && offset + container <= recordSize;
		if (fits && (container === 1 || alignmentAt(guarantee, offset) >= container)) {
			return { width, container, offset, shift, bytes: [] };
		}
	}
	const offset = Math.floor(bit / 8);
	const shift = bit - offset * 8;
	const bytes: { at: number; mask: number; from: number }[] = [];
	for (let k = 0; k * 8 < shift + width; k++) {
		const start = Math.max(8 * k, shift);
		const end = Math.min(8 * k + 8, shift + width);
		bytes.push({ at: start - 8 * k, mask: 2 ** (end - start) - 1, from: start - shift });
	}
	return { width, container: 0, offset, shift, bytes };
}

const flexTypes = new WeakMap<FieldInfo, ArrayTypeLike>();

/** The stand-in array type whose accessors serve a flexible array member (one per field, so cached). */
function flexType(owner: RecordLike, f: FieldInfo): ArrayTypeLike {
	let t = flexTypes.get(f);
	if (t === undefined) {
		const e = f.type;
		t = {
			kind: "array",
			name: `${owner.name}.${f.name}`,
			size: 0,
			align: e.align,
			element: e,
			length: 0,
			unbounded: true,
			read: () => [],
			write: () => {},
		};
		flexTypes.set(f, t);
	}
	return t;
}

export function recordMembers(type: RecordLike, guarantee: number): Member[] {
	const members: Member[] = [];
	for (const f of type.fields) {
		if (f.padding) continue;
		if (f.flexible === true) {
			const aligned = alignmentAt(guarantee, f.offset) >= f.type.align;
			members.push({
				name: f.name,
				access: { k: "flex", off: f.offset, type: flexType(type, f), aligned },
			});
			continue;
		}
		if (f.bitWidth === undefined) {
			members.push({ name: f.name, access: accessOf(f.type, f.offset, guarantee) });
			continue;
		}
		const info = scalarInfoOf(f.type) as ScalarInfo;
		const bit = f.offset * 8 + (f.bitOffset ?? 0);
		const width = f.bitWidth;
		const lo = bitPart(bit, Math.min(width, 32), type.size, guarantee);
		const hi = width > 32 ? bitPart(bit + 32, width - 32, type.size, guarantee) : undefined;
		members.push({ name: f.name, access: { k: "bits", info, width, lo, hi } });
	}
	return members;
}
