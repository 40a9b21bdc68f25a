/**
 * Golden layouts: every probe of Part C of the research note (gcc 12.2, x86-64), each as one test.
 * The C declaration each test mirrors is in its name or a comment.
 */
import { describe, expect, it } from "vitest";
import {
	array,
	bits,
	bool,
	f32,
	f64,
	field,
	flex,
	i8,
	i16,
	i32,
	i64,
	padBits,
	type StructType,
	struct,
	u8,
	u16,
	u32,
	u64,
	union,
} from "../src/index.ts";

/** [first bit, last bit] of a bit-field, counted from bit 0 of byte 0. */
function bitRange(t: StructType, name: string): [number, number] {
	const f = t.fields.find((x) => x.name === name);
	if (f?.bitWidth === undefined) throw new Error(`${name} is not a bit-field`);
	const first = f.offset * 8 + (f.bitOffset ?? 0);
	return [first, first + f.bitWidth - 1];
}

function sizeAlign(t: StructType): [number, number] {
	return [t.size, t.align];
}

describe("C.1 scalars", () => {
	it("gives every scalar its LP64 size and natural alignment", () => {
		const table = [i8, u8, i16, u16, i32, u32, i64, u64, f32, f64, bool].map((t) => [
			t.name,
			t.size,
			t.align,
		]);
		expect(table).toEqual([
			["i8", 1, 1],
			["u8", 1, 1],
			["i16", 2, 2],
			["u16", 2, 2],
			["i32", 4, 4],
			["u32", 4, 4],
			["i64", 8, 8],
			["u64", 8, 8],
			["f32", 4, 4],
			["f64", 8, 8],
			["bool", 1, 1],
		]);
	});
});

describe("C.2 structs, unions, arrays", () => {
	it("lays out {u8; f64; u16} in 24 bytes like gcc (not 18): trailing padding", () => {
		const S = struct("S", { a: u8, b: f64, c: u16 });
		expect([S.offsetOf("a"), S.offsetOf("b"), S.offsetOf("c")]).toEqual([0, 8, 16]);
		expect(sizeAlign(S)).toEqual([24, 8]);
	});

	it("lays out {char; int; char} in 12 bytes aligned 4", () => {
		expect(sizeAlign(struct("S", { a: i8, b: i32, c: i8 }))).toEqual([12, 4]);
	});

	it("pads {char; double} and {double; char} both to 16 bytes aligned 8", () => {
		expect(sizeAlign(struct("A", { c: i8, d: f64 }))).toEqual([16, 8]);
		const B = struct("B", { d: f64, c: i8 });
		expect([B.offsetOf("c"), B.size, B.align]).toEqual([8, 16, 8]);
	});

	it("aligns a struct to its strictest member, not its first", () => {
		expect(struct("S", { a: u8, b: u16, c: f64 }).align).toBe(8);
	});

	it("places a nested {u8 x; f64 y} after a u8 at byte 8, keeping its trailing padding", () => {
		const Inner = struct("Inner", { x: u8, y: f64 });
		const Outer = struct("Outer", { a: u8, in: Inner });
		expect([Outer.offsetOf("in"), Outer.size, Outer.align]).toEqual([8, 24, 8]);
	});

	it("lays out struct D{char c; struct C{double d; char c;} s; char e;}: s at 8, e at 24, 32/8", () => {
		const C = struct("C", { d: f64, c: i8 });
		const D = struct("D", { c: i8, s: C, e: i8 });
		expect([D.offsetOf("s"), D.offsetOf("e"), ...sizeAlign(D)]).toEqual([8, 24, 32, 8]);
	});

	it("lays out {char c; struct{char x; double y;} arr[2]; char z;}: arr at 8, z at 40, 48/8", () => {
		const E = struct("E", { x: i8, y: f64 });
		const S = struct("S", { c: i8, arr: array(E, 2), z: i8 });
		expect([S.offsetOf("arr"), S.offsetOf("z"), ...sizeAlign(S)]).toEqual([8, 40, 48, 8]);
	});

	it("gives an array its element's alignment and a stride of the element's size", () => {
		const A = array(struct("E", { d: f64, c: u8 }), 3);
		expect([A.size, A.align, A.element.size]).toEqual([48, 8, 16]);
	});

	it("lays out union{char; double; int[3]} in 16 bytes aligned 8", () => {
		expect(sizeAlign(union("U", { c: i8, d: f64, i: array(i32, 3) }))).toEqual([16, 8]);
	});

	it("lays out union{char c[5]; int i;} in 8 bytes aligned 4", () => {
		const U = union("U", { c: array(i8, 5), i: i32 });
		expect([U.offsetOf("c"), U.offsetOf("i"), ...sizeAlign(U)]).toEqual([0, 0, 8, 4]);
	});
});

describe("C.3 bit-fields", () => {
	it("allocates RightToLeft{int j:5; int k:6; int m:7;} from the least significant bit: 0-4, 5-10, 11-17, 4/4", () => {
		const S = struct("RightToLeft", { j: bits(i32, 5), k: bits(i32, 6), m: bits(i32, 7) });
		expect([bitRange(S, "j"), bitRange(S, "k"), bitRange(S, "m")]).toEqual([
			[0, 4],
			[5, 10],
			[11, 17],
		]);
		expect(sizeAlign(S)).toEqual([4, 4]);
	});

	it("moves {int a:30; int b:4;} b to bit 32 rather than straddle an int: 8/4", () => {
		const S = struct("S", { a: bits(i32, 30), b: bits(i32, 4) });
		expect([bitRange(S, "b"), sizeAlign(S)]).toEqual([
			[32, 35],
			[8, 4],
		]);
	});

	it("shares the int unit with a char in {char a; int b:24;}: b is bits 8-31, 4/4", () => {
		const S = struct("S", { a: i8, b: bits(i32, 24) });
		expect([bitRange(S, "b"), sizeAlign(S)]).toEqual([
			[8, 31],
			[4, 4],
		]);
	});

	it("moves {char a; int b:25;} b to bit 32: 8/4", () => {
		const S = struct("S", { a: i8, b: bits(i32, 25) });
		expect([bitRange(S, "b"), sizeAlign(S)]).toEqual([
			[32, 56],
			[8, 4],
		]);
	});

	it("moves {char a; short b:9;} b to bytes 2-3: 4 bytes", () => {
		const S = struct("S", { a: i8, b: bits(i16, 9) });
		expect([bitRange(S, "b"), sizeAlign(S)]).toEqual([
			[16, 24],
			[4, 2],
		]);
	});

	it("moves {char a; long long b:60;} b to bit 64: 16/8", () => {
		const S = struct("S", { a: i8, b: bits(i64, 60) });
		expect([bitRange(S, "b"), sizeAlign(S)]).toEqual([
			[64, 123],
			[16, 8],
		]);
	});

	it("packs {long long l:33; int i:31;} i into bits 33-63: 8/8", () => {
		const S = struct("S", { l: bits(i64, 33), i: bits(i32, 31) });
		expect([bitRange(S, "i"), sizeAlign(S)]).toEqual([
			[33, 63],
			[8, 8],
		]);
	});

	it("lays out BoundaryAlignment{short s:9; int j:9; char c; short t:9; short u:9; char d;} in 12 bytes", () => {
		const S = struct("BoundaryAlignment", {
			s: bits(i16, 9),
			j: bits(i32, 9),
			c: i8,
			t: bits(i16, 9),
			u: bits(i16, 9),
			d: i8,
		});
		expect([bitRange(S, "s"), bitRange(S, "j"), bitRange(S, "t"), bitRange(S, "u")]).toEqual([
			[0, 8],
			[9, 17],
			[32, 40],
			[48, 56],
		]);
		expect([S.offsetOf("c"), S.offsetOf("d"), ...sizeAlign(S)]).toEqual([3, 8, 12, 4]);
	});

	it("starts an ordinary member after bit-fields at its own alignment: {char a; int b:4; char c;} c at 2, 4/4", () => {
		const S = struct("S", { a: i8, b: bits(i32, 4), c: i8 });
		expect([bitRange(S, "b"), S.offsetOf("c"), ...sizeAlign(S)]).toEqual([[8, 11], 2, 4, 4]);
	});

	it("puts {short a:4; char b;} b at byte 1: 2/2", () => {
		const S = struct("S", { a: bits(i16, 4), b: i8 });
		expect([S.offsetOf("b"), ...sizeAlign(S)]).toEqual([1, 2, 2]);
	});

	it("gives {unsigned a:1;} the alignment of its declared type: 4/4", () => {
		expect(sizeAlign(struct("S", { a: bits(u32, 1) }))).toEqual([4, 4]);
	});

	it("lays out {_Bool f:1; char c;} in 2 bytes aligned 1", () => {
		expect(sizeAlign(struct("S", { f: bits(bool, 1), c: i8 }))).toEqual([2, 1]);
	});

	it("does not let an unnamed bit-field raise the alignment: {char c; int :5; char d;} is 3/1", () => {
		const S = struct("S", { c: i8, _: padBits(i32, 5), d: i8 });
		expect([S.offsetOf("d"), ...sizeAlign(S)]).toEqual([2, 3, 1]);
	});

	it("moves the next field to the next int unit after int :0: {int a:3; int :0; int b:3;} b at 32, 8/4", () => {
		const S = struct("S", { a: bits(i32, 3), _: padBits(i32, 0), b: bits(i32, 3) });
		expect([bitRange(S, "b"), sizeAlign(S)]).toEqual([
			[32, 34],
			[8, 4],
		]);
	});

	it("does not raise the alignment for a zero-width field: {char a:3; int :0; char b;} is 5/1, b at 4", () => {
		const S = struct("S", { a: bits(i8, 3), _: padBits(i32, 0), b: i8 });
		expect([S.offsetOf("b"), ...sizeAlign(S)]).toEqual([4, 5, 1]);
	});

	it("lays out the ABI's Unnamed{char c; int :0; char d; short :9; char e; char :0;} in 9 bytes aligned 1", () => {
		const S = struct("Unnamed", {
			c: i8,
			_0: padBits(i32, 0),
			d: i8,
			_1: padBits(i16, 9),
			e: i8,
			_2: padBits(i8, 0),
		});
		expect([S.offsetOf("d"), S.offsetOf("e"), ...sizeAlign(S)]).toEqual([4, 8, 9, 1]);
		expect(S.fields.find((f) => f.name === "_1")).toMatchObject({
			offset: 6,
			bitOffset: 0,
			bitWidth: 9,
			padding: true,
		});
	});

	it("starts every union member at bit 0: union{char c; short s:8;} is 2/2, union{int a:3; char b;} is 4/4", () => {
		const U1 = union("U1", { c: i8, s: bits(i16, 8) });
		const U2 = union("U2", { a: bits(i32, 3), b: i8 });
		expect([bitRange(U1, "s"), sizeAlign(U1), bitRange(U2, "a"), sizeAlign(U2)]).toEqual([
			[0, 7],
			[2, 2],
			[0, 2],
			[4, 4],
		]);
	});
});

describe("C.4 flexible array members", () => {
	it("places {double d; char c; char tail[];} tail at 9 in a 16-byte struct", () => {
		const S = struct("S", { d: f64, c: i8, tail: flex(i8) });
		expect([S.offsetOf("tail"), ...sizeAlign(S), S.sizeWith(0), S.sizeWith(7), S.sizeWith(8)]).toEqual([
			9, 16, 8, 16, 16, 17,
		]);
	});

	it("lays out {int n; char tail[];} in 4 bytes with tail at 4", () => {
		const S = struct("S", { n: i32, tail: flex(i8) });
		expect([S.offsetOf("tail"), ...sizeAlign(S)]).toEqual([4, 4, 4]);
	});

	it("adds the element's alignment: {char c; double tail[];} is 8/8 with tail at 8", () => {
		const S = struct("S", { c: i8, tail: flex(f64) });
		expect([S.offsetOf("tail"), ...sizeAlign(S), S.sizeWith(2)]).toEqual([8, 8, 8, 24]);
	});

	it("packs a flexible array member like any member", () => {
		const S = struct("S", { c: i8, tail: flex(f64) }, { packed: true });
		expect([S.offsetOf("tail"), ...sizeAlign(S)]).toEqual([1, 1, 1]);
	});
});

describe("C.5 packed, aligned, pack", () => {
	it("packs {char c; int i; short s;} into 7 bytes aligned 1 (i at 1, s at 5)", () => {
		const S = struct("S", { c: i8, i: i32, s: i16 }, { packed: true });
		expect([S.offsetOf("i"), S.offsetOf("s"), ...sizeAlign(S)]).toEqual([1, 5, 7, 1]);
	});

	it("places a packed struct inside a normal one at byte alignment: {char c; packed{char a; int b;} in; int z;} is 12/4", () => {
		const In = struct("In", { a: i8, b: i32 }, { packed: true });
		const S = struct("S", { c: i8, in: In, z: i32 });
		expect([S.offsetOf("in"), S.offsetOf("z"), ...sizeAlign(S)]).toEqual([1, 8, 12, 4]);
	});

	it("does not repack the inside of a nested type in a packed struct", () => {
		const Inner = struct("Inner", { c: i8, d: f64 });
		const S = struct("S", { c: i8, in: Inner }, { packed: true });
		expect([S.offsetOf("in"), S.size, Inner.size]).toEqual([1, 17, 16]);
	});

	it("lets a packed bit-field straddle: packed {char a; int b:25;} b is bits 8-32, 5/1", () => {
		const S = struct("S", { a: i8, b: bits(i32, 25) }, { packed: true });
		expect([bitRange(S, "b"), sizeAlign(S)]).toEqual([
			[8, 32],
			[5, 1],
		]);
	});

	it("lets packed char bit-fields straddle bytes: packed {char a; char b:4; char c:6;} c is bits 12-17", () => {
		const S = struct("S", { a: i8, b: bits(i8, 4), c: bits(i8, 6) }, { packed: true });
		expect([bitRange(S, "c"), sizeAlign(S)]).toEqual([
			[12, 17],
			[3, 1],
		]);
	});

	it("packs one bit-field with field(..., {packed}): {char c; long long b:3 packed; int z:30;} is 8/4", () => {
		const S = struct("S", { c: i8, b: field(bits(i64, 3), { packed: true }), z: bits(i32, 30) });
		expect([bitRange(S, "b"), bitRange(S, "z"), sizeAlign(S)]).toEqual([
			[8, 10],
			[32, 61],
			[8, 4],
		]);
	});

	it("never lowers alignment with a member align: {char c; int x aligned(1)} keeps x at 4", () => {
		expect(struct("S", { c: i8, x: field(i32, { align: 1 }) }).offsetOf("x")).toBe(4);
	});

	it("sets the alignment of a member of a packed struct: packed {char c; int x aligned(2)} puts x at 2, 6 bytes", () => {
		const S = struct("S", { c: i8, x: field(i32, { align: 2 }) }, { packed: true });
		expect([S.offsetOf("x"), ...sizeAlign(S)]).toEqual([2, 6, 2]);
	});

	it("raises a struct's alignment and rounds its size: aligned(32) {int x} is 32/32", () => {
		expect(sizeAlign(struct("S", { x: i32 }, { align: 32 }))).toEqual([32, 32]);
	});

	it("places a 16-aligned member at 16: {char c; Big b;} with Big 16/16 is 32/16", () => {
		const Big = struct("Big", { x: i32 }, { align: 16 });
		const S = struct("S", { c: i8, b: Big });
		expect([Big.size, S.offsetOf("b"), ...sizeAlign(S)]).toEqual([16, 16, 32, 16]);
	});

	it("combines packed and aligned(4): {char c; int i;} has i at 1, size 8, align 4, and sits at 4 after a char", () => {
		const P = struct("P", { c: i8, i: i32 }, { packed: true, align: 4 });
		const S = struct("S", { c: i8, p: P });
		expect([P.offsetOf("i"), ...sizeAlign(P), S.offsetOf("p")]).toEqual([1, 8, 4, 4]);
	});

	it("raises member alignment like _Alignas: {char c; _Alignas(16) int x} is 32/16 with x at 16", () => {
		const S = struct("S", { c: i8, x: field(i32, { align: 16 }) });
		expect([S.offsetOf("x"), ...sizeAlign(S)]).toEqual([16, 32, 16]);
	});

	it("raises a char's alignment: {char c; _Alignas(8) char x} is 16/8 with x at 8", () => {
		const S = struct("S", { c: i8, x: field(i8, { align: 8 }) });
		expect([S.offsetOf("x"), ...sizeAlign(S)]).toEqual([8, 16, 8]);
	});

	it("aligns a bit-field given an alignment: {char c; int x:3 aligned(8); char d;} puts x at byte 8, 16/8", () => {
		const S = struct("S", { c: i8, x: field(bits(i32, 3), { align: 8 }), d: i8 });
		expect([bitRange(S, "x"), S.offsetOf("d"), ...sizeAlign(S)]).toEqual([[64, 66], 9, 16, 8]);
	});

	it("caps member alignment under pack(2): {char; double; int;} puts double at 2, int at 10, 14/2", () => {
		const S = struct("S", { c: i8, d: f64, i: i32 }, { pack: 2 });
		expect([S.offsetOf("d"), S.offsetOf("i"), ...sizeAlign(S)]).toEqual([2, 10, 14, 2]);
	});

	it("lets bit-fields straddle under pack(2): {char a; int b:25;} b is bits 8-32, 6/2", () => {
		const S = struct("S", { a: i8, b: bits(i32, 25) }, { pack: 2 });
		expect([bitRange(S, "b"), sizeAlign(S)]).toEqual([
			[8, 32],
			[6, 2],
		]);
	});

	it("caps even a user-aligned member type under pack(1), but not the type's own alignment", () => {
		const A8 = struct("A8", { a: i8 }, { align: 8, pack: 2 });
		const S = struct("S", { a: i8, x: A8 }, { pack: 1 });
		expect([...sizeAlign(A8), S.offsetOf("x"), ...sizeAlign(S)]).toEqual([8, 8, 1, 9, 1]);
	});

	it("ignores packing for zero-width bit-fields: pack(1) {char a; int :0; char b;} puts b at 4", () => {
		const S = struct("S", { a: i8, _: padBits(i32, 0), b: i8 }, { pack: 1 });
		expect([S.offsetOf("b"), ...sizeAlign(S)]).toEqual([4, 5, 1]);
	});
});

describe("field introspection", () => {
	it("reports every field's name, type, offset, size and alignment", () => {
		const S = struct("S", { a: u8, b: field(f64, { packed: true }), c: array(u16, 3) });
		expect(
			S.fields.map(({ name, type, offset, size, align, padding }) => [
				name,
				type.name,
				offset,
				size,
				align,
				padding,
			]),
		).toEqual([
			["a", "u8", 0, 1, 1, false],
			["b", "f64", 1, 8, 1, false],
			["c", "u16[3]", 10, 6, 2, false],
		]);
	});

	it("reports bit-fields by the byte of their first bit, its position, and their width", () => {
		const S = struct("S", { a: bits(u16, 3), b: bits(u16, 10), c: bits(u16, 7) });
		expect(
			S.fields.map(({ offset, bitOffset, bitWidth, size }) => [offset, bitOffset, bitWidth, size]),
		).toEqual([
			[0, 0, 3, 1],
			[0, 3, 10, 2],
			[2, 0, 7, 1],
		]);
	});
});
