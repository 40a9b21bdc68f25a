import { bool, f32, f64, i8, i16, i32, i64, ptr, struct, u8, u16, u32, u64, utf8 } from "@offheap/struct";
import { describe, expect, it } from "vitest";
import { K_OTHER, kindOf, shiftOf, valueProblem } from "../src/internal/kinds.ts";

describe("element kinds", () => {
	it("maps every scalar and pointer to its own typed-array kind, and the rest to one generic kind", () => {
		const scalars = [f64, f32, i32, u32, u8, i8, u16, i16, bool, i64, u64];
		const kinds = scalars.map(kindOf);
		expect(new Set(kinds).size).toBe(scalars.length);
		expect(kinds.every((k) => k !== K_OTHER)).toBe(true);
		expect(scalars.map((t) => 1 << shiftOf(kindOf(t)))).toEqual(scalars.map((t) => t.size));
		expect(kindOf(ptr(f64))).toBe(kindOf(u32));
		expect(kindOf(struct("S", { a: u8 }))).toBe(K_OTHER);
		expect(kindOf(utf8(4))).toBe(K_OTHER);
	});

	it("checks ranges and JS types strictly, and only what cannot be converted otherwise", () => {
		expect(valueProblem(kindOf(u8), 255, true)).toBeUndefined();
		expect(valueProblem(kindOf(u8), 256, true)).toBe("256 is not an integer in [0, 255]");
		expect(valueProblem(kindOf(u8), 256, false)).toBeUndefined();
		expect(valueProblem(kindOf(i32), 0.5, true)).toMatch(/not an integer/);
		expect(valueProblem(kindOf(f32), "1", true)).toMatch(/expected a number/);
		expect(valueProblem(kindOf(bool), 0, true)).toMatch(/expected a boolean/);
		expect(valueProblem(kindOf(i64), 1, false)).toMatch(/expected a bigint/);
		expect(valueProblem(kindOf(u64), -1n, false)).toBeUndefined();
		expect(valueProblem(kindOf(u64), -1n, true)).toMatch(/out of range for u64/);
		expect(valueProblem(kindOf(i64), 2n ** 63n - 1n, true)).toBeUndefined();
	});
});
