/**
 * Type tests of the public types in api.ts: `tsc` (the package's typecheck) proves them; vitest runs
 * the same file so the expectations are also exercised at run time.
 */
import { Heap } from "@offheap/core";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
	type ArrayView,
	array,
	bits,
	bool,
	f32,
	f64,
	field,
	type Infer,
	i8,
	i64,
	padBits,
	ptr,
	type StructView,
	struct,
	type Tuple,
	type Type,
	u8,
	u16,
	u64,
	union,
	utf8,
	type View,
	type WriteValue,
} from "../src/index.ts";

const Vec2 = struct("Vec2", { x: f32, y: f32 });
const Particle = struct("Particle", { pos: Vec2, vel: Vec2, life: f32, kind: u8, tag: utf8(12) });

describe("Infer", () => {
	it("gives the plain shape of a struct: nested objects, numbers and strings", () => {
		expectTypeOf<Infer<typeof Particle>>().toEqualTypeOf<{
			pos: { x: number; y: number };
			vel: { x: number; y: number };
			life: number;
			kind: number;
			tag: string;
		}>();
	});

	it("uses bigint for 64-bit integers, boolean for bool, number for pointers", () => {
		const S = struct("S", { id: i64, mask: u64, on: bool, next: ptr(Vec2), d: f64 });
		expectTypeOf<Infer<typeof S>>().toEqualTypeOf<{
			id: bigint;
			mask: bigint;
			on: boolean;
			next: number;
			d: number;
		}>();
	});

	it("gives tuples for short arrays and arrays for long ones", () => {
		const S = struct("S", { rgb: array(u8, 3), grid: array(array(f32, 2), 2), many: array(u16, 100) });
		expectTypeOf<Infer<typeof S>>().toEqualTypeOf<{
			rgb: [number, number, number];
			grid: [[number, number], [number, number]];
			many: number[];
		}>();
		expectTypeOf<Tuple<string, 2>>().toEqualTypeOf<[string, string]>();
		expectTypeOf<Tuple<string, number>>().toEqualTypeOf<string[]>();
	});

	it("types bit-fields by their base and leaves unnamed ones out", () => {
		const S = struct("S", {
			a: bits(i8, 3),
			w: bits(i64, 40),
			f: bits(bool, 1),
			_: padBits(u8, 0),
			p: field(bits(u16, 9), { packed: true }),
		});
		expectTypeOf<Infer<typeof S>>().toEqualTypeOf<{ a: number; w: bigint; f: boolean; p: number }>();
	});

	it("sees through field options", () => {
		const S = struct("S", { x: field(f64, { align: 16 }), v: field(Vec2, { packed: true }) });
		expectTypeOf<Infer<typeof S>>().toEqualTypeOf<{ x: number; v: { x: number; y: number } }>();
	});

	it("reads a union as every member, and writes any subset of them", () => {
		const U = union("U", { f: f32, u: u64 });
		expectTypeOf<Infer<typeof U>>().toEqualTypeOf<{ f: number; u: bigint }>();
		expectTypeOf<WriteValue<typeof U>>().toEqualTypeOf<Partial<{ f: number; u: bigint }>>();
		expectTypeOf(U.write).parameter(2).toEqualTypeOf<Partial<{ f: number; u: bigint }>>();
	});

	it("gives the value of scalars", () => {
		expectTypeOf<Infer<typeof u64>>().toEqualTypeOf<bigint>();
		expectTypeOf<Infer<typeof bool>>().toEqualTypeOf<boolean>();
		expectTypeOf<Infer<ReturnType<typeof utf8>>>().toEqualTypeOf<string>();
	});
});

describe("views", () => {
	const heap = new Heap();

	it("type scalar fields as writable values and nested fields as read-only views", () => {
		const p = Particle.view(heap, heap.alloc(Particle.size, Particle.align));
		expectTypeOf(p.life).toEqualTypeOf<number>();
		expectTypeOf(p.tag).toEqualTypeOf<string>();
		expectTypeOf(p.pos).toEqualTypeOf<StructView<{ x: typeof f32; y: typeof f32 }, typeof Vec2>>();
		expectTypeOf(p.pos.x).toEqualTypeOf<number>();
		expectTypeOf(p).toEqualTypeOf<View<typeof Particle>>();
		expectTypeOf(p.$read()).toEqualTypeOf<Infer<typeof Particle>>();
		expectTypeOf(p.$at).returns.toEqualTypeOf<typeof p>();
		expect(() => {
			// @ts-expect-error nested views are written with $write, not by assignment
			p.pos = { x: 1, y: 2 };
		}).toThrow(TypeError);
		// @ts-expect-error no such field
		expect(p.nope).toBeUndefined();
	});

	it("type array views by element", () => {
		const A = array(Vec2, 4);
		const a = A.view(heap, heap.alloc(A.size, A.align));
		expectTypeOf(a).toEqualTypeOf<ArrayView<typeof Vec2, 4>>();
		expectTypeOf(a.get(0)).toEqualTypeOf<View<typeof Vec2>>();
		expectTypeOf(a.length).toEqualTypeOf<4>();
		const n = array(i64, 2).view(heap, heap.alloc(16, 8));
		expectTypeOf(n.get(0)).toEqualTypeOf<bigint>();
		expectTypeOf(n.set).parameter(1).toEqualTypeOf<bigint>();
	});

	it("share one Type interface between scalars and structs, for containers", () => {
		expectTypeOf(f32).toExtend<Type<number>>();
		expectTypeOf(Vec2).toExtend<Type<{ x: number; y: number }>>();
		expectTypeOf(array(u8, 2)).toExtend<Type<[number, number], ArrayLike<number>>>();
		// @ts-expect-error floats cannot be bit-fields
		expect(() => bits(f32, 3)).toThrow(TypeError);
	});
});
