/**
 * Seeded random struct and union types for the differential test against the C compiler: nested
 * records, arrays, strings, pointers, bit-fields of every base (named, unnamed, zero-width) and every
 * layout option, per type and per field.
 */
import {
	array,
	type BitFieldBase,
	type BitFieldValue,
	bits,
	bool,
	type FieldSpec,
	type Fields,
	f32,
	f64,
	field,
	flex,
	i8,
	i16,
	i32,
	i64,
	padBits,
	ptr,
	type ScalarType,
	type StructOptions,
	type StructType,
	struct,
	type Type,
	u8,
	u16,
	u32,
	u64,
	union,
	utf8,
} from "../../src/index.ts";

/** mulberry32: a tiny seeded PRNG, so failures reproduce. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const SCALARS = [i8, u8, i16, u16, i32, u32, i64, u64, f32, f64, bool];
const BIT_BASES = [i8, u8, i16, u16, i32, u32, i64, u64, bool] as ScalarType<BitFieldValue, BitFieldBase>[];

export class SchemaGenerator {
	private readonly random: () => number;
	private readonly prefix: string;
	private count = 0;
	/** Every struct and union made, nested ones included. */
	readonly records: StructType[] = [];

	constructor(seed: number, prefix: string) {
		this.random = prng(seed);
		this.prefix = prefix;
	}

	private int(lo: number, hi: number): number {
		return lo + Math.floor(this.random() * (hi - lo + 1));
	}

	private chance(p: number): boolean {
		return this.random() < p;
	}

	private pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.random() * items.length)] as T;
	}

	private type(depth: number): Type {
		const r = this.random();
		if (depth < 3 && r < 0.15) return this.record(depth + 1);
		if (r < 0.25) return array(this.type(depth + 1), this.int(1, 4));
		if (r < 0.3) return utf8(this.int(1, 9));
		if (r < 0.33) return ptr(u8);
		return this.pick(SCALARS);
	}

	private spec(depth: number): FieldSpec {
		if (this.chance(0.3)) {
			const base = this.pick(BIT_BASES);
			const max = base === bool ? 1 : base.size * 8;
			if (this.chance(0.15)) return padBits(base, this.chance(0.5) ? 0 : this.int(1, max));
			const b = bits(base, this.int(1, max));
			if (this.chance(0.1)) return field(b, { packed: true });
			if (this.chance(0.05)) return field(b, { align: this.pick([1, 2, 4, 8, 16]) });
			return b;
		}
		const t = this.type(depth);
		if (this.chance(0.08)) return field(t, { align: this.pick([1, 2, 4, 8, 16]) });
		if (this.chance(0.08)) return field(t, { packed: true });
		if (this.chance(0.03)) return field(t, { packed: true, align: this.pick([1, 2, 4]) });
		return t;
	}

	private options(): StructOptions {
		const o: { packed?: boolean; align?: number; pack?: number } = {};
		if (this.chance(0.15)) o.packed = true;
		if (this.chance(0.1)) o.align = this.pick([1, 2, 4, 8, 16, 32]);
		if (this.chance(0.12)) o.pack = this.pick([1, 2, 4, 8, 16]);
		return o;
	}

	/** A random struct (or union) with 1 to 7 fields, at least one of them named. */
	record(depth = 0): StructType {
		const name = `${this.prefix}${this.count++}`;
		const fields: Record<string, FieldSpec> = {};
		const n = this.int(1, 7);
		for (let i = 0; i < n; i++) fields[`f${i}`] = this.spec(depth);
		if (Object.values(fields).every((f) => (f as { kind: string }).kind === "padBits"))
			fields.named = this.pick(SCALARS);
		const isUnion = this.chance(0.2);
		// Only top-level structs may end in a flexible array member: C forbids nesting them.
		if (!isUnion && depth === 0 && this.chance(0.15)) fields.tail = flex(this.type(1));
		const t = isUnion
			? union(name, fields as Fields, this.options())
			: struct(name, fields as Fields, this.options());
		this.records.push(t as StructType);
		return t as StructType;
	}
}
