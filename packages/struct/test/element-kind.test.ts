import { Heap } from "@offheap/core";
import { describe, expect, it } from "vitest";
import {
	bool,
	describeValue,
	ELEMENT_KIND,
	elementKind,
	elementNumberRange,
	elementShift,
	elementValueProblem,
	elementView,
	elementViewName,
	f32,
	f64,
	i8,
	i16,
	i32,
	i64,
	isBigIntElement,
	isScalarElement,
	ptr,
	struct,
	u8,
	u16,
	u32,
	u64,
	utf8,
} from "../src/index.ts";

describe("element kinds", () => {
	it("maps every scalar and pointer to its own typed-array kind, and the rest to one generic kind", () => {
		const scalars = [f64, f32, i32, u32, u8, i8, u16, i16, bool, i64, u64];
		const kinds = scalars.map(elementKind);
		expect(new Set(kinds).size).toBe(scalars.length);
		expect(kinds.every((k) => k !== ELEMENT_KIND.other && isScalarElement(k))).toBe(true);
		expect(elementKind(ptr(f64))).toBe(elementKind(u32));
		expect(elementKind(struct("S", { x: f32 }))).toBe(ELEMENT_KIND.other);
		expect(elementKind(utf8(4))).toBe(ELEMENT_KIND.other);
		expect(isScalarElement(ELEMENT_KIND.other)).toBe(false);
	});

	it("gives each scalar kind the shift and the heap view of its size", () => {
		const heap = new Heap();
		for (const type of [f64, f32, i32, u32, u8, i8, u16, i16, bool, i64, u64]) {
			const kind = elementKind(type);
			expect(1 << elementShift(kind)).toBe(type.size);
			expect(elementView(heap, kind)).toBe(heap[elementViewName(kind)]);
			expect(isBigIntElement(kind)).toBe(type === i64 || type === u64);
		}
		expect(elementNumberRange(elementKind(i16))).toEqual([-32768, 32767, true]);
		expect(elementNumberRange(elementKind(f64))[2]).toBe(false);
	});

	it("checks ranges and JS types strictly, and only what cannot be converted otherwise", () => {
		expect(elementValueProblem(elementKind(u8), 255, true)).toBeUndefined();
		expect(elementValueProblem(elementKind(u8), 256, true)).toBe("256 is not an integer in [0, 255]");
		expect(elementValueProblem(elementKind(u8), 256, false)).toBeUndefined();
		expect(elementValueProblem(elementKind(i16), 40000, true)).toBe(
			"40000 is not an integer in [-32768, 32767]",
		);
		expect(elementValueProblem(elementKind(i32), 0.5, true)).toMatch(/not an integer/);
		expect(elementValueProblem(elementKind(f32), "1", true)).toMatch(/expected a number/);
		expect(elementValueProblem(elementKind(bool), 0, true)).toMatch(/expected a boolean/);
		expect(elementValueProblem(elementKind(i64), 1, false)).toMatch(/expected a bigint/);
		expect(elementValueProblem(elementKind(u64), -1n, false)).toBeUndefined();
		expect(elementValueProblem(elementKind(u64), -1n, true)).toMatch(/out of range for u64/);
		expect(elementValueProblem(elementKind(i64), 2n ** 63n - 1n, true)).toBeUndefined();
	});

	it("describes values briefly for messages", () => {
		expect(describeValue("x".repeat(30))).toBe(`"${"x".repeat(24)}…" (string)`);
		expect(describeValue(5n)).toBe("5n (bigint)");
		expect(describeValue([1])).toBe("an array");
		expect(describeValue(undefined)).toBe("undefined (undefined)");
	});
});
