import { Heap, InvalidPointerError } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
	bool,
	configure,
	f32,
	f64,
	i8,
	i16,
	i32,
	i64,
	type ScalarType,
	u8,
	u16,
	u32,
	u64,
} from "../src/index.ts";
import { arbitraryValue } from "./support/values.ts";

afterEach(() => {
	configure({ checked: true });
});

const EDGES: [ScalarType, unknown[]][] = [
	[i8, [-128, -1, 0, 127]],
	[u8, [0, 1, 255]],
	[i16, [-32768, -1, 32767]],
	[u16, [0, 65535]],
	[i32, [-(2 ** 31), -1, 2 ** 31 - 1]],
	[u32, [0, 2 ** 32 - 1]],
	[i64, [-(2n ** 63n), -1n, 0n, 2n ** 63n - 1n]],
	[u64, [0n, 2n ** 64n - 1n]],
	[
		f32,
		[Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** -149, 3.4028234663852886e38],
	],
	[f64, [Number.NaN, -0, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, Math.PI]],
	[bool, [true, false]],
];

describe("scalars", () => {
	it.each(EDGES)("round-trips the edge values of %s at aligned and misaligned addresses", (type, values) => {
		const heap = new Heap();
		const base = heap.alloc(32, 8);
		for (const offset of [0, 1, 3]) {
			for (const v of values) {
				type.write(heap, base + offset, v as never);
				expect(type.read(heap, base + offset)).toEqual(v);
			}
		}
	});

	it("round-trips random values of every scalar through read and write", () => {
		const heap = new Heap();
		const base = heap.alloc(16, 8);
		for (const [type] of EDGES) {
			fc.assert(
				fc.property(arbitraryValue(type), fc.integer({ min: 0, max: 7 }), (v, offset) => {
					type.write(heap, base + offset, v as never);
					expect(type.read(heap, base + offset)).toEqual(v);
				}),
				{ numRuns: 50 },
			);
		}
	});

	it("stores little-endian, as C on x86-64 and wasm32 does", () => {
		const heap = new Heap();
		const p = heap.alloc(8);
		u32.write(heap, p, 0x11223344);
		expect(Array.from(heap.u8.subarray(p, p + 4))).toEqual([0x44, 0x33, 0x22, 0x11]);
		i64.write(heap, p, -2n);
		expect(Array.from(heap.u8.subarray(p, p + 8))).toEqual([0xfe, 255, 255, 255, 255, 255, 255, 255]);
	});

	it("exposes the typed array and shift a container indexes with", () => {
		const heap = new Heap();
		const p = heap.alloc(16, 8);
		f64.typedArray(heap)[(p >>> f64.shift) + 1] = 2.5;
		expect(f64.read(heap, p + 8)).toBe(2.5);
		expect([i8, u16, i32, u64, bool].map((t) => [t.shift, t.typedArray(heap).BYTES_PER_ELEMENT])).toEqual([
			[0, 1],
			[1, 2],
			[2, 4],
			[3, 8],
			[0, 1],
		]);
		expect(bool.typedArray(heap)).toBe(heap.u8);
	});

	it("reads any non-zero byte as true and writes 1 for true", () => {
		const heap = new Heap();
		const p = heap.alloc(1);
		heap.u8[p] = 7;
		expect(bool.read(heap, p)).toBe(true);
		bool.write(heap, p, true);
		expect(heap.u8[p]).toBe(1);
	});

	it("rejects values of the wrong type or range with the exact error class when checked", () => {
		const heap = new Heap();
		const p = heap.alloc(8, 8);
		expect(() => u8.write(heap, p, 256)).toThrow(RangeError);
		expect(() => i8.write(heap, p, -129)).toThrow(RangeError);
		expect(() => i32.write(heap, p, 1.5)).toThrow(RangeError);
		expect(() => u32.write(heap, p, "1" as never)).toThrow(TypeError);
		expect(() => f32.write(heap, p, "1" as never)).toThrow(TypeError);
		expect(() => bool.write(heap, p, 1 as never)).toThrow(TypeError);
		expect(() => i64.write(heap, p, 1 as never)).toThrow(/expected a bigint for i64/);
		expect(() => u64.write(heap, p, -1n)).toThrow(RangeError);
		expect(() => i64.write(heap, p, 2n ** 63n)).toThrow(RangeError);
	});

	it("refuses a pointer that is not a number, and a bigint or symbol value for a number, with TypeErrors", () => {
		const heap = new Heap();
		const p = heap.alloc(8, 8);
		const cases: [() => unknown, string][] = [
			[() => u8.write(heap, 8n as never, 1), "u8.write: ptr must be a number, got bigint 8n"],
			[() => f64.read(heap, Symbol() as never), "f64.read: ptr must be a number, got symbol Symbol()"],
			[() => u8.write(heap, p, 5n as never), "u8.write: expected a number for u8, got 5n (bigint)"],
			[
				() => i32.write(heap, p, Symbol("v") as never),
				"i32.write: expected a number for i32, got Symbol(v) (symbol)",
			],
			[() => u64.write(heap, p, 5 as never), "u64.write: expected a bigint for u64, got 5 (number)"],
		];
		for (const [misuse, message] of cases)
			expect(expectRefused(heap, TypeError, misuse).message).toBe(message);
	});

	it("rejects NULL and out-of-heap pointers with InvalidPointerError when checked", () => {
		const heap = new Heap();
		expect(() => f64.read(heap, 0)).toThrow(InvalidPointerError);
		expect(() => f64.read(heap, heap.u8.length - 4)).toThrow(InvalidPointerError);
		expect(() => u8.write(heap, -1, 0)).toThrow(InvalidPointerError);
		expect(() => u8.read(heap, 1.5)).toThrow(/not a non-negative integer/);
	});

	it("wraps like a typed array when unchecked, but still refuses a number for a 64-bit integer", () => {
		configure({ checked: false });
		const heap = new Heap();
		const p = heap.alloc(8, 8);
		u8.write(heap, p, 257);
		expect(u8.read(heap, p)).toBe(1);
		i32.write(heap, p, 2 ** 31);
		expect(i32.read(heap, p)).toBe(-(2 ** 31));
		u64.write(heap, p, 2n ** 64n + 5n);
		expect(u64.read(heap, p)).toBe(5n);
		expect(() => i64.write(heap, p, 5 as never)).toThrow(TypeError);
	});
});
