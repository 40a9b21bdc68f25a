import { Heap } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type BitFieldBase,
	type BitFieldValue,
	bits,
	bool,
	configure,
	type FieldSpec,
	f32,
	field,
	i8,
	i16,
	i32,
	i64,
	padBits,
	type ScalarType,
	type StructType,
	struct,
	u8,
	u16,
	u32,
	u64,
} from "../src/index.ts";
import { refusal } from "./support/refusal.ts";

const BASES = [i8, u8, i16, u16, i32, u32, i64, u64, bool] as ScalarType<BitFieldValue, BitFieldBase>[];

/** Reference reading of a bit-field: the struct's bytes as one little-endian integer, shifted and masked. */
function reference(heap: Heap, p: number, t: StructType, name: string): BitFieldValue {
	const f = t.fields.find((x) => x.name === name);
	if (f?.bitWidth === undefined) throw new Error(name);
	let all = 0n;
	for (let i = t.size - 1; i >= 0; i--) all = (all << 8n) | BigInt(heap.u8[p + i] as number);
	const first = BigInt(f.offset * 8 + (f.bitOffset ?? 0));
	const w = BigInt(f.bitWidth);
	let v = (all >> first) & ((1n << w) - 1n);
	if (["i8", "i16", "i32", "i64"].includes(f.type.name) && v >= 1n << (w - 1n)) v -= 1n << w;
	if (f.type.name === "bool") return v !== 0n;
	return f.type.size === 8 ? v : Number(v);
}

function maxWidth(base: ScalarType<BitFieldValue, BitFieldBase>): number {
	return base === bool ? 1 : base.size * 8;
}

describe("bits and padBits", () => {
	it("accept integer and bool bases with widths up to the base's", () => {
		expect(bits(u64, 64).width).toBe(64);
		expect(bits(bool, 1).base).toBe(bool);
		expect(padBits(i32, 0).width).toBe(0);
	});

	it("take no options: a third argument is refused, naming it", () => {
		expect(
			refusal(TypeError, () => (bits as (...a: unknown[]) => unknown)(u8, 3, { signed: true })).message,
		).toBe("bits: unexpected argument 3 (object [object Object]); bits takes (base, width)");
		expect(refusal(TypeError, () => (padBits as (...a: unknown[]) => unknown)(u8, 0, 1)).message).toBe(
			"padBits: unexpected argument 3 (1); padBits takes (base, width)",
		);
	});

	it("refuse a width that is not a number with a TypeError naming it", () => {
		expect(refusal(TypeError, () => bits(u8, 3n as never)).message).toBe(
			"bits: width must be a number, got bigint 3n",
		);
		expect(refusal(TypeError, () => padBits(u8, Symbol("w") as never)).message).toBe(
			"padBits: width must be a number, got symbol Symbol(w)",
		);
	});

	it("reject a float base with TypeError and a bad width with RangeError", () => {
		expect(() => bits(f32 as never, 3)).toThrow(TypeError);
		expect(() => bits(u8, 9)).toThrow(RangeError);
		expect(() => bits(bool, 2)).toThrow(RangeError);
		expect(() => bits(i32, 0)).toThrow(/must be an integer in \[1, 32\]/);
		expect(() => bits(i32, 2.5)).toThrow(RangeError);
		expect(() => padBits(u8, 9)).toThrow(RangeError);
	});
});

describe.each(["codegen", "closures"])("bit-field accessors (%s)", (strategy) => {
	beforeAll(() => {
		configure({ codegen: strategy === "codegen" });
	});
	afterAll(() => {
		configure({ codegen: true, checked: true });
	});

	it("reads a plain int j:5 holding 31 as -1, as GCC does", () => {
		const S = struct("S", { j: bits(i32, 5), k: bits(u32, 5) });
		const heap = new Heap();
		const v = S.view(heap, heap.alloc(S.size));
		heap.u32[v.$ptr >>> 2] = 31 | (31 << 5);
		expect([v.j, v.k]).toEqual([-1, 31]);
	});

	it("round-trips the extremes of every base and width, touching no other bits", () => {
		const heap = new Heap();
		for (const base of BASES) {
			for (const width of [1, 2, 7, 8, 9, 31, 32, 33, 63, 64].filter((w) => w <= maxWidth(base))) {
				const S = struct("S", { lo: bits(u8, 3), x: bits(base, width), hi: bits(u8, 5) }, { packed: true });
				const v = S.view(heap, heap.alloc(S.size)) as unknown as Record<string, BitFieldValue>;
				const signed = base.name.startsWith("i");
				const big = base.size === 8;
				const w = BigInt(width);
				const extremes: BitFieldValue[] =
					base === bool
						? [true, false]
						: big
							? signed
								? [-(1n << (w - 1n)), (1n << (w - 1n)) - 1n, -1n, 0n]
								: [(1n << w) - 1n, 0n, 1n]
							: signed
								? [-(2 ** (width - 1)), 2 ** (width - 1) - 1, -1, 0]
								: [2 ** width - 1, 0, 1];
				v.lo = 5;
				v.hi = 17;
				for (const x of extremes) {
					v.x = x;
					expect(v.x).toBe(x);
					expect([v.lo, v.hi]).toEqual([5, 17]);
				}
			}
		}
	});

	it("reads and writes every bit-field at its laid-out bit position, straddling or not, aligned or not", () => {
		const heap = new Heap();
		const spec = (
			width: number,
			base: ScalarType<BitFieldValue, BitFieldBase>,
			packed: boolean,
		): FieldSpec => (packed ? field(bits(base, width), { packed: true }) : bits(base, width));
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						base: fc.constantFrom(...BASES),
						width: fc.integer({ min: 1, max: 64 }),
						packed: fc.boolean(),
					}),
					{ minLength: 1, maxLength: 6 },
				),
				fc.boolean(),
				fc.integer(),
				(specs, packedStruct, seed) => {
					const fields: Record<string, FieldSpec> = {};
					specs.forEach((s, i) => {
						fields[`f${i}`] = spec(Math.min(s.width, maxWidth(s.base)), s.base, s.packed);
					});
					const S = struct("S", fields, { packed: packedStruct });
					const p = heap.alloc(S.size + 1, 8) + (seed & 1); // misaligned half of the time
					heap.u8.fill(0, p, p + S.size);
					const v = S.view(heap, p) as unknown as Record<string, BitFieldValue>;
					const model: Record<string, BitFieldValue> = {};
					const rnd =
						fc.sample(fc.array(fc.nat(specs.length - 1), { maxLength: 12 }), { seed, numRuns: 1 })[0] ?? [];
					for (const i of rnd) {
						const f = S.fields[i];
						if (f === undefined) continue;
						const arbitrary: fc.Arbitrary<BitFieldValue> =
							f.type === bool
								? fc.boolean()
								: f.type.size === 8
									? fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }).map((b) => {
											const w = BigInt(f.bitWidth as number);
											return f.type.name === "i64"
												? BigInt.asIntN(Number(w), b)
												: BigInt.asUintN(Number(w), b);
										})
									: fc.integer().map((n) => {
											const width = f.bitWidth as number;
											const u = width === 32 ? n >>> 0 : n & (2 ** width - 1);
											return f.type.name.startsWith("i") && u >= 2 ** (width - 1) ? u - 2 ** width : u;
										});
						const x = fc.sample(arbitrary, { seed: seed + i, numRuns: 1 })[0] as BitFieldValue;
						v[f.name] = x;
						model[f.name] = x;
					}
					for (const f of S.fields) {
						expect(v[f.name]).toEqual(reference(heap, p, S, f.name));
						expect(v[f.name]).toEqual(
							model[f.name] ?? (f.type === bool ? false : f.type.size === 8 ? 0n : 0),
						);
					}
				},
			),
			{ numRuns: 200 },
		);
	});

	it("rejects out-of-range values, checked or not, naming the field", () => {
		const S = struct("Flags", { a: bits(u8, 3), s: bits(i16, 4), w: bits(i64, 40) });
		const heap = new Heap();
		for (const checked of [true, false]) {
			const v = S.view(heap, heap.alloc(S.size, S.align), { checked });
			expect(() => {
				v.a = 8;
			}).toThrow(/Flags\.a: 8 does not fit a unsigned 3-bit bit-field \[0, 7\]/);
			expect(() => {
				v.s = -9;
			}).toThrow(RangeError);
			expect(() => {
				v.w = 2n ** 39n;
			}).toThrow(RangeError);
			expect(() => {
				v.w = 5 as never;
			}).toThrow(TypeError);
			expect(() => {
				v.a = Number.NaN;
			}).toThrow(RangeError);
		}
	});

	it("changes no byte when a write refuses a later bit-field, checked or not", () => {
		const S = struct("Flags", { a: bits(u8, 3), b: u8, s: bits(i16, 4), w: bits(i64, 40) });
		const heap = new Heap();
		const p = heap.alloc(S.size, S.align);
		S.write(heap, p, { a: 1, b: 2, s: 3, w: 4n });
		for (const checked of [true, false]) {
			configure({ checked });
			try {
				const late = expectRefused(heap, RangeError, () =>
					S.write(heap, p, { a: 7, b: 7, s: 7, w: 2n ** 39n }),
				);
				expect(late.message).toBe(
					"Flags.w: 549755813888n does not fit a signed 40-bit bit-field [-549755813888, 549755813887]",
				);
				const view = S.view(heap, p);
				const signed = expectRefused(heap, RangeError, () => view.$write({ a: 7, b: 7, s: 8, w: 0n }));
				expect(signed.message).toBe("Flags.s: 8 does not fit a signed 4-bit bit-field [-8, 7]");
			} finally {
				configure({ checked: true });
			}
		}
		expect(S.read(heap, p)).toEqual({ a: 1, b: 2, s: 3, w: 4n });
	});

	it("refuses a bigint for a bit-field of a number, checked or not, and a number for one of a bigint", () => {
		const S = struct("Flags", { a: bits(u8, 3), w: bits(i64, 40) });
		const heap = new Heap();
		for (const checked of [true, false]) {
			const v = S.view(heap, heap.alloc(S.size, S.align), { checked });
			const big = expectRefused(heap, TypeError, () => {
				v.a = 5n as never;
			});
			expect(big.message).toBe("Flags.a: expected a number for a 3-bit bit-field, got 5n (bigint)");
			const number = expectRefused(heap, TypeError, () => v.$write({ a: 1, w: 5 as never }));
			expect(number.message).toBe("Flags.w: expected a bigint for a 40-bit bit-field, got 5 (number)");
		}
	});

	it("rejects non-integers and wrong types only when checked", () => {
		const S = struct("S", { a: bits(u8, 3), b: bits(bool, 1) });
		const heap = new Heap();
		const checked = S.view(heap, heap.alloc(S.size));
		expect(() => {
			checked.a = 1.5;
		}).toThrow(RangeError);
		expect(() => {
			checked.a = "1" as never;
		}).toThrow(TypeError);
		expect(() => {
			checked.b = 1 as never;
		}).toThrow(TypeError);
		const fast = S.view(heap, heap.alloc(S.size), { checked: false });
		fast.a = 1.5;
		fast.b = 1 as never;
		expect([fast.a, fast.b]).toEqual([1, true]);
	});
});
