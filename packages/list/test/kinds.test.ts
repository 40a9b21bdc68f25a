import { bool, f32, f64, i8, i16, i32, i64, ptr, struct, u8, u16, u32, u64 } from "@offheap/struct";
import { describe, expect, it } from "vitest";
import { K_OTHER, kindOf, shiftOf, valueProblem } from "../src/internal/kinds.ts";

describe("payload kinds", () => {
	it("maps every scalar and pointer to its own typed-array kind, and structs to the generic one", () => {
		const scalars = [f64, f32, i32, u32, u8, i8, u16, i16, bool, i64, u64];
		expect(new Set(scalars.map(kindOf)).size).toBe(scalars.length);
		expect(scalars.map((t) => 1 << shiftOf(kindOf(t)))).toEqual(scalars.map((t) => t.size));
		expect(kindOf(ptr(u8))).toBe(kindOf(u32));
		expect(kindOf(struct("S", { a: u8 }))).toBe(K_OTHER);
	});

	it("checks payload values strictly only when asked to", () => {
		expect(valueProblem(kindOf(i16), 40000, true)).toBe("40000 is not an integer in [-32768, 32767]");
		expect(valueProblem(kindOf(i16), 40000, false)).toBeUndefined();
		expect(valueProblem(kindOf(u64), 5, false)).toMatch(/expected a bigint/);
	});
});
