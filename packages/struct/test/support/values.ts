/** fast-check arbitraries of plain values for any type: what `write` accepts and `read` gives back. */
import fc from "fast-check";
import type { FieldInfo, Type } from "../../src/index.ts";
import { utf8Length } from "../../src/internal/utf8-codec.ts";

const INT_RANGES: { readonly [name: string]: readonly [number, number] } = {
	i8: [-128, 127],
	u8: [0, 255],
	i16: [-32768, 32767],
	u16: [0, 65535],
	i32: [-(2 ** 31), 2 ** 31 - 1],
	u32: [0, 2 ** 32 - 1],
};

/** A string of at most `maxBytes` bytes of UTF-8 and no NUL, often right at the limit. */
const CHARS = fc.oneof(
	fc.constantFrom("a", "Z", "~", "é", "ß", "€", "中", "😀", "𝄞"),
	fc.string({ unit: "binary", maxLength: 1 }),
);

export function utf8String(maxBytes: number): fc.Arbitrary<string> {
	const chars = CHARS; // built once: building a binary string arbitrary is slow
	return fc.array(chars, { maxLength: maxBytes }).map((parts) => {
		let s = "";
		for (const p of parts) {
			const next = s + p;
			const n = utf8Length(next);
			if (n < 0 || n > maxBytes) continue;
			s = next;
		}
		return s;
	});
}

function bitFieldValue(f: FieldInfo): fc.Arbitrary<unknown> {
	const width = f.bitWidth as number;
	const signed = ["i8", "i16", "i32", "i64"].includes(f.type.name);
	if (f.type.name === "bool") return fc.boolean();
	if (f.type.size === 8) {
		const w = BigInt(width);
		return signed ? fc.bigInt(-(1n << (w - 1n)), (1n << (w - 1n)) - 1n) : fc.bigInt(0n, (1n << w) - 1n);
	}
	return signed
		? fc.integer({ min: -(2 ** (width - 1)), max: 2 ** (width - 1) - 1 })
		: fc.integer({ min: 0, max: 2 ** width - 1 });
}

/**
 * Values of `type`. For a union: one member with a value (what a union write then read gives back
 * for that member).
 */
export function arbitraryValue(type: Type): fc.Arbitrary<unknown> {
	switch (type.kind) {
		case "ptr":
			return fc.integer({ min: 0, max: 2 ** 32 - 1 });
		case "utf8":
			return utf8String(type.size);
		case "array": {
			const a = type as unknown as { element: Type; length: number };
			return fc.array(arbitraryValue(a.element), { minLength: a.length, maxLength: a.length });
		}
		case "struct":
		case "union": {
			const fields = (type as unknown as { fields: readonly FieldInfo[] }).fields.filter(
				(f) => !f.padding && f.flexible !== true,
			);
			const entries = fields.map(
				(f) => [f.name, f.bitWidth === undefined ? arbitraryValue(f.type) : bitFieldValue(f)] as const,
			);
			if (type.kind === "struct") return fc.record(Object.fromEntries(entries));
			return fc.oneof(...entries.map(([name, arb]) => arb.map((v) => ({ [name]: v }))));
		}
		default:
			break;
	}
	switch (type.name) {
		case "f32":
			return fc.float();
		case "f64":
			return fc.double();
		case "bool":
			return fc.boolean();
		case "i64":
			return fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n);
		case "u64":
			return fc.bigInt(0n, 2n ** 64n - 1n);
		default: {
			const [min, max] = INT_RANGES[type.name] as readonly [number, number];
			return fc.integer({ min, max });
		}
	}
}

/**
 * The part of `read`'s result that a write of `value` determines: everything, except that of a union
 * only the member written counts (recursively).
 */
export function written(type: Type, read: unknown, value: unknown): unknown {
	if (type.kind === "array") {
		const element = (type as unknown as { element: Type }).element;
		return (read as unknown[]).map((r, i) => written(element, r, (value as unknown[])[i]));
	}
	if (type.kind !== "struct" && type.kind !== "union") return read;
	const fields = (type as unknown as { fields: readonly FieldInfo[] }).fields;
	const out: Record<string, unknown> = {};
	for (const key of Object.keys(value as object)) {
		const f = fields.find((x) => x.name === key) as FieldInfo;
		const r = (read as Record<string, unknown>)[key];
		out[key] = f.bitWidth === undefined ? written(f.type, r, (value as Record<string, unknown>)[key]) : r;
	}
	return out;
}
