import { describe, expect, it } from "vitest";
import { bits, f64, field, padBits, struct, u8 } from "../src/index.ts";
import { refusal } from "./support/refusal.ts";

describe("field()", () => {
	it("wraps a type or a bit-field with layout options", () => {
		const f = field(f64, { align: 16, packed: true });
		expect([f.kind, f.spec, f.options]).toEqual(["field", f64, { align: 16, packed: true }]);
		expect(field(bits(u8, 3), { packed: true }).spec.width).toBe(3);
	});

	it("rejects bad alignments, unknown options, and wrapping padBits or another field", () => {
		expect(() => field(u8, { align: 3 })).toThrow(RangeError);
		expect(() => field(u8, { align: 2 ** 29 })).toThrow(RangeError);
		expect(() => field(u8, { aligned: 2 } as never)).toThrow(/unknown option "aligned"/);
		expect(() => field(u8, { packed: "yes" } as never)).toThrow(TypeError);
		expect(() => field(padBits(u8, 0) as never, {})).toThrow(TypeError);
		expect(() => field(field(u8, {}) as never, {})).toThrow(TypeError);
	});

	it("refuses unknown options and a missing options object, naming the option and the valid ones", () => {
		expect(refusal(TypeError, () => field(u8, { aligned: 2 } as never)).message).toBe(
			'field: unknown option "aligned" (valid options: align, packed)',
		);
		expect(refusal(TypeError, () => field(u8, undefined as never)).message).toBe(
			"field: options must be an object, got undefined",
		);
	});

	it("refuses an alignment that is not a number with a TypeError naming it", () => {
		expect(refusal(TypeError, () => field(u8, { align: 4n as never })).message).toBe(
			"field: align must be a number, got bigint 4n",
		);
		expect(refusal(RangeError, () => field(u8, { align: 3 })).message).toBe(
			"field: align must be a power of two from 1 to 2^28, got 3",
		);
	});

	it("copies the options, so later changes to the object do not change the layout", () => {
		const options = { align: 8 };
		const S = struct("S", { a: u8, b: field(u8, options) });
		options.align = 1;
		expect(S.offsetOf("b")).toBe(8);
	});
});
