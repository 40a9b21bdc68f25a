/** Bit-fields of closure-built accessors: the same arithmetic as the generated code, interpreted. */
import type { HeapViews } from "../api.ts";
import { rejectBits } from "./checks.ts";
import type { Indexed, LeafOps } from "./closure-types.ts";
import type { Access, BitPart } from "./plan.ts";

function partLoad(part: BitPart, h: HeapViews, p: number): number {
	const at = p + part.offset;
	if (part.container !== 0) {
		const x =
			part.container === 1
				? (h.u8[at] as number)
				: part.container === 2
					? (h.u16[at >>> 1] as number)
					: (h.u32[at >>> 2] as number);
		return part.width === part.container * 8 ? x : (x >>> part.shift) & (2 ** part.width - 1);
	}
	let value = 0;
	part.bytes.forEach((b, k) => {
		value += (((h.u8[at + k] as number) >>> b.at) & b.mask) * 2 ** b.from;
	});
	return value;
}

function partStore(part: BitPart, h: HeapViews, p: number, u: number): void {
	const at = p + part.offset;
	if (part.container !== 0) {
		const full = part.width === part.container * 8;
		const clear = ~((2 ** part.width - 1) << part.shift);
		const view: Indexed = part.container === 1 ? h.u8 : part.container === 2 ? h.u16 : h.u32;
		const i = at >>> (part.container === 1 ? 0 : part.container === 2 ? 1 : 2);
		view[i] = full ? u : ((view[i] as number) & clear) | (u << part.shift);
		return;
	}
	part.bytes.forEach((b, k) => {
		h.u8[at + k] =
			((h.u8[at + k] as number) & (~(b.mask << b.at) & 255)) | (((u >>> b.from) & b.mask) << b.at);
	});
}

/** A bit-field's value ops; addresses are the record's (the parts hold their offsets in it). */
export function bitsOps(a: Extract<Access, { k: "bits" }>, checked: boolean): LeafOps {
	const { info, width, lo, hi } = a;
	const reject = (where: string, v: unknown): never => rejectBits(where, info.value, width, info.signed, v);
	if (info.value === "boolean") {
		return {
			load: (h, p) => partLoad(lo, h, p) !== 0,
			put: (h, p, v) => partStore(lo, h, p, v ? 1 : 0),
			test: checked ? (v) => typeof v !== "boolean" : undefined,
			reject,
		};
	}
	if (info.value === "bigint") {
		const w = BigInt(width);
		const min = info.signed ? -(1n << (w - 1n)) : 0n;
		const max = info.signed ? (1n << (w - 1n)) - 1n : (1n << w) - 1n;
		return {
			load: (h, p) => {
				const raw =
					hi === undefined
						? BigInt(partLoad(lo, h, p))
						: (BigInt(partLoad(hi, h, p)) << 32n) | BigInt(partLoad(lo, h, p));
				return info.signed ? BigInt.asIntN(width, raw) : raw;
			},
			put: (h, p, v) => {
				const u = BigInt.asUintN(width, v as bigint);
				partStore(lo, h, p, Number(u & 0xffffffffn));
				if (hi !== undefined) partStore(hi, h, p, Number(u >> 32n));
			},
			test: (v) => typeof v !== "bigint" || v < min || v > max,
			reject,
		};
	}
	const min = info.signed ? -(2 ** (width - 1)) : 0;
	const max = info.signed ? 2 ** (width - 1) - 1 : 2 ** width - 1;
	return {
		load: (h, p) => {
			const u = partLoad(lo, h, p);
			if (!info.signed) return u;
			return width === 32 ? u | 0 : (u << (32 - width)) >> (32 - width);
		},
		put: (h, p, v) => {
			const x = v as number;
			partStore(lo, h, p, width === 32 ? x >>> 0 : x & (2 ** width - 1));
		},
		// Unchecked, a bigint in range would pass the comparison and then throw in the middle of a write.
		test: checked
			? (v) => {
					const x = v as number;
					return typeof v !== "number" || !(x >= min && x <= max) || Math.floor(x) !== x;
				}
			: (v) => {
					const x = v as number;
					return !(x >= min && x <= max) || typeof v === "bigint";
				},
		reject,
	};
}
