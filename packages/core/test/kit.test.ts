import { describe, expect, it, test } from "vitest";
import { checkOptions, describeArgument, failAfter, Heap, isAllocator } from "../src/index.ts";

describe("describeArgument", () => {
	test("names numbers as written and everything else with its type", () => {
		expect(describeArgument(1.5)).toBe("1.5");
		expect(describeArgument(-0)).toBe("-0");
		expect(describeArgument(Number.NaN)).toBe("NaN");
		expect(describeArgument(2n)).toBe("bigint 2n");
		expect(describeArgument("8")).toBe('string "8"');
		expect(describeArgument(Symbol("s"))).toBe("symbol Symbol(s)");
		expect(describeArgument(null)).toBe("null");
		expect(describeArgument(undefined)).toBe("undefined");
		expect(describeArgument(true)).toBe("boolean true");
		expect(describeArgument([1, 2])).toBe("array of 2");
		expect(describeArgument({})).toBe("object [object Object]");
	});

	test("never throws, even for a revoked proxy", () => {
		const { proxy, revoke } = Proxy.revocable({}, {});
		revoke();
		expect(describeArgument(proxy)).toBe("object");
	});
});

describe("checkOptions", () => {
	test("accepts undefined and objects whose keys are all known", () => {
		expect(() => checkOptions("Ring", undefined, ["capacity"])).not.toThrow();
		expect(() => checkOptions("Ring", { capacity: 8 }, ["capacity"])).not.toThrow();
		expect(() => checkOptions("Ring", { capacity: undefined }, ["capacity"])).not.toThrow();
	});

	test("refuses an unknown key, naming it and every valid option", () => {
		expect(() => checkOptions("Ring", { capacty: 8 }, ["capacity", "checked"])).toThrow(
			new TypeError('Ring: unknown option "capacty" (valid options: capacity, checked)'),
		);
	});

	test("suggests the option that differs only in case", () => {
		expect(() => checkOptions("Heap", { maxbytes: 8 }, ["initialBytes", "maxBytes"])).toThrow(
			'Heap: unknown option "maxbytes"; did you mean "maxBytes"? (valid options: initialBytes, maxBytes)',
		);
	});

	test("refuses symbol keys and options that are not objects", () => {
		expect(() => checkOptions("Ring", { [Symbol("k")]: 1 }, ["capacity"])).toThrow(
			"Ring: unknown option Symbol(k) (valid options: capacity)",
		);
		expect(() => checkOptions("Ring", 5, ["capacity"])).toThrow(
			new TypeError("Ring: options must be an object, got 5"),
		);
		expect(() => checkOptions("Ring", null, ["capacity"])).toThrow(TypeError);
		expect(() => checkOptions("Ring", [1], ["capacity"])).toThrow(TypeError);
	});
});

describe("isAllocator", () => {
	it("accepts a heap and any object with the C calls and a heap", () => {
		const heap = new Heap();
		expect(isAllocator(heap)).toBe(true);
		expect(isAllocator(failAfter(heap, 1))).toBe(true);
	});

	it("refuses what lacks a call or a heap with views", () => {
		const heap = new Heap();
		const { malloc, realloc, free, usableSize } = heap;
		expect(isAllocator({ malloc, realloc, free, usableSize })).toBe(false);
		expect(isAllocator({ malloc, realloc, free, heap })).toBe(false);
		expect(isAllocator({ malloc, realloc, free, usableSize, heap: {} })).toBe(false);
		for (const value of [null, undefined, 8, "heap", 8n]) expect(isAllocator(value)).toBe(false);
	});
});
