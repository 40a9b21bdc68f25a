import { describe, expect, it } from "vitest";
import {
	bool,
	ElementValueCheck,
	elementKind,
	elementValueError,
	f32,
	f64,
	i16,
	i32,
	i64,
	struct,
	u8,
	u32,
} from "../src/index.ts";

describe("elementValueError", () => {
	it("is a RangeError for a value of the right JS type out of range, naming subject, problem and role", () => {
		const error = elementValueError("Vector.push", "element type u8", elementKind(u8), -1, true);
		expect(error).toBeInstanceOf(RangeError);
		expect(error.message).toBe("Vector.push: -1 is not an integer in [0, 255] (element type u8)");
	});

	it("is a TypeError for a value of the wrong JS type", () => {
		const error = elementValueError("List.set", "payload type i64", elementKind(i64), 3, false);
		expect(error).toBeInstanceOf(TypeError);
		expect(error.message).toBe("List.set: expected a bigint, got 3 (number) (payload type i64)");
	});
});

describe("ElementValueCheck", () => {
	it("lets every number through for floats and refuses anything else, checked or not", () => {
		for (const checked of [true, false]) {
			const floats = new ElementValueCheck(f64, checked, "Vector", "element type");
			expect(() => floats.check("push", Number.NaN)).not.toThrow();
			expect(() => floats.check("push", "1")).toThrow(TypeError);
		}
	});

	it("says which numbers an element stores as they are, and that no other value is one", () => {
		const bytes = new ElementValueCheck(u8, true, "Vector", "element type");
		expect([0, 255, 7].map((v) => bytes.fits(v))).toEqual([true, true, true]);
		expect([-1, 256, 1.5, Number.NaN, "7", 7n].map((v) => bytes.fits(v))).toEqual([
			false,
			false,
			false,
			false,
			false,
			false,
		]);
		const doubles = new ElementValueCheck(f64, true, "List", "payload type");
		expect([1.5, -Infinity, Number.NaN].map((v) => doubles.fits(v))).toEqual([true, true, false]);
		expect(new ElementValueCheck(bool, true, "List", "payload type").fits(1)).toBe(false);
	});

	it("gives containers one store mode per type and checking, with the range it stands for", () => {
		const Point = struct("Point", { x: f32, y: f32 });
		const mode = (type: Parameters<typeof elementKind>[0], checked: boolean): number =>
			new ElementValueCheck(type, checked, "Vector", "element type").storeMode;
		expect([bool, i64, Point].map((t) => [mode(t, true), mode(t, false)])).toEqual([
			[0, 0],
			[0, 0],
			[0, 0],
		]);
		expect([f64, f32, u8, i16, u32, i32].map((t) => mode(t, false))).toEqual([1, 1, 1, 1, 1, 1]);
		expect([f64, f32, u8, i16, u32, i32].map((t) => mode(t, true))).toEqual([1, 1, 2, 2, 3, 4]);
		const shorts = new ElementValueCheck(i16, true, "List", "payload type");
		expect([shorts.lo, shorts.hi]).toEqual([-32768, 32767]);
		const words = new ElementValueCheck(u32, true, "List", "payload type");
		expect([words.lo, words.hi]).toEqual([0, 2 ** 32 - 1]);
	});

	it("checks integer ranges only when checked", () => {
		const checked = new ElementValueCheck(u8, true, "Vector", "element type");
		const unchecked = new ElementValueCheck(u8, false, "Vector", "element type");
		expect(() => checked.check("push", 256)).toThrow(
			"Vector.push: 256 is not an integer in [0, 255] (element type u8)",
		);
		expect(() => unchecked.check("push", 256)).not.toThrow();
		expect(() => checked.check("push", 255)).not.toThrow();
	});

	it("refuses a bigint out of range and a non-bigint for 64-bit elements", () => {
		const check = new ElementValueCheck(i64, true, "List", "payload type");
		expect(() => check.check("pushBack", 2n ** 63n)).toThrow(RangeError);
		expect(() => check.check("pushBack", 1)).toThrow(TypeError);
		expect(() => check.check("pushBack", -(2n ** 63n))).not.toThrow();
	});

	it("checks a struct value by writing it to scratch memory, and again with the same scratch", () => {
		const Point = struct("Point", { x: f32, y: f32 });
		const check = new ElementValueCheck(Point, true, "List", "payload type");
		expect(() => check.check("pushBack", { x: 1, y: 2 })).not.toThrow();
		expect(() => check.check("pushBack", { x: 1 })).toThrow(TypeError);
		expect(() => check.check("pushBack", { x: 3, y: 4 })).not.toThrow();
		const unchecked = new ElementValueCheck(Point, false, "List", "payload type");
		expect(() => unchecked.check("pushBack", { x: 1 })).not.toThrow();
	});
});
