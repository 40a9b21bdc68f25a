import { Heap, InvalidPointerError } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	array,
	bits,
	bool,
	configure,
	f32,
	f64,
	field,
	i8,
	i16,
	i32,
	i64,
	ptr,
	struct,
	u8,
	u16,
	u32,
	u64,
	union,
	utf8,
} from "../src/index.ts";
import { refusal } from "./support/refusal.ts";
import { arbitraryValue } from "./support/values.ts";

function everything() {
	const Vec2 = struct("Vec2", { x: f32, y: f32 });
	const Kind = union("Kind", { tag: u8, wide: u32 });
	return struct("Everything", {
		a: i8,
		b: u8,
		c: i16,
		d: u16,
		e: i32,
		f: u32,
		g: i64,
		h: u64,
		k: f32,
		l: f64,
		m: bool,
		name: utf8(10),
		next: ptr(Vec2),
		pos: Vec2,
		kind: Kind,
		path: array(Vec2, 2),
		grid: array(array(i16, 2), 2),
		flags: bits(u32, 3),
		sgn: bits(i32, 7),
		big: bits(i64, 40),
		on: bits(bool, 1),
	});
}

const EDGE = {
	a: -128,
	b: 255,
	c: -32768,
	d: 65535,
	e: -(2 ** 31),
	f: 2 ** 32 - 1,
	g: 2n ** 63n - 1n,
	h: 2n ** 64n - 1n,
	k: Number.NaN,
	l: -0,
	m: true,
	name: "añ€😀", // 10 bytes: 1 + 2 + 3 + 4
	next: 2 ** 32 - 1,
	pos: { x: -0, y: Number.POSITIVE_INFINITY },
	kind: { tag: 7, wide: 7 },
	path: [
		{ x: 1, y: 2 },
		{ x: Number.NaN, y: -0 },
	],
	grid: [
		[-32768, 32767],
		[0, -1],
	],
	flags: 7,
	sgn: -64,
	big: -(2n ** 39n),
	on: true,
};

describe.each(["codegen", "closures"])("struct views (%s)", (strategy) => {
	beforeAll(() => {
		configure({ codegen: strategy === "codegen" });
	});
	afterAll(() => {
		configure({ codegen: true, checked: true });
	});

	it("round-trips the edge values of every field type through write and read, aligned or not", () => {
		const T = everything();
		const heap = new Heap();
		for (const shift of [0, 1]) {
			const p = heap.alloc(T.size + 1, T.align) + shift;
			T.write(heap, p, { ...EDGE, kind: { wide: 7 } });
			expect(T.read(heap, p)).toEqual(EDGE);
			expect(T.view(heap, p).$read()).toEqual(EDGE);
		}
	});

	it("round-trips the edge values of every field type through the view's properties", () => {
		const T = everything();
		const heap = new Heap();
		const v = T.view(heap, heap.alloc(T.size, T.align));
		const { pos, kind, path, grid, ...values } = EDGE;
		Object.assign(v, values);
		v.pos.$write(pos);
		v.kind.tag = 7;
		v.path.set(0, path[0] as { x: number; y: number });
		v.path.cursor(1).$write(path[1] as { x: number; y: number });
		v.grid.$write(grid);
		for (const [key, value] of Object.entries(values)) expect(v[key as keyof typeof values]).toEqual(value);
		expect([v.pos.x, v.pos.y, v.kind.wide, v.path.get(1).x, v.grid.get(1).get(1)]).toEqual([
			-0,
			Number.POSITIVE_INFINITY,
			7,
			Number.NaN,
			-1,
		]);
	});

	it("round-trips random values of a struct with every field type", () => {
		const T = everything();
		const heap = new Heap();
		const p = heap.alloc(T.size, T.align);
		fc.assert(
			fc.property(arbitraryValue(T), (value) => {
				T.write(heap, p, value as never);
				const back = T.read(heap, p) as Record<string, unknown>;
				expect({ ...back, kind: undefined }).toEqual({ ...(value as object), kind: undefined });
			}),
			{ numRuns: 50 },
		);
	});

	it("reads and writes in place: the heap bytes are the C layout", () => {
		const S = struct("S", { a: u8, b: f64, c: u16 });
		const heap = new Heap();
		const v = S.view(heap, heap.alloc(S.size, S.align));
		v.b = 1.5;
		v.c = 0x1234;
		expect(heap.f64[(v.$ptr + 8) >>> 3]).toBe(1.5);
		expect(heap.u16[(v.$ptr + 16) >>> 1]).toBe(0x1234);
		heap.u8[v.$ptr] = 9;
		expect(v.a).toBe(9);
	});

	it("returns the same nested view object every time, moving with its parent", () => {
		const Vec2 = struct("Vec2", { x: f32, y: f32 });
		const P = struct("P", { pos: Vec2, vel: Vec2 });
		const heap = new Heap();
		const base = heap.alloc(P.size * 2, P.align);
		const c = P.cursor(heap).$at(base);
		const vel = c.vel;
		expect(c.vel).toBe(vel);
		vel.x = 1;
		c.$next();
		expect(c.vel).toBe(vel);
		expect(vel.$ptr).toBe(base + P.size + 8);
		c.vel.x = 2;
		expect([P.read(heap, base).vel.x, P.read(heap, base + P.size).vel.x]).toEqual([1, 2]);
	});

	it("moves a cursor over an array of structs without allocating a view per element", () => {
		const P = struct("P", { id: u32, w: f32 });
		const heap = new Heap();
		const n = 100;
		const base = heap.alloc(P.size * n, P.align);
		const c = P.cursor(heap);
		for (let i = 0; i < n; i++) c.$at(base + i * P.size).$write({ id: i, w: i / 2 });
		let sum = 0;
		c.$at(base);
		for (let i = 0; i < n; i++, c.$next()) sum += c.id * c.w;
		expect(sum).toBe(Array.from({ length: n }, (_, i) => (i * i) / 2).reduce((a, b) => a + b));
	});

	it("keeps working after the heap grows, because it reads the heap's current views", () => {
		const S = struct("S", { x: f64 });
		const heap = new Heap({ initialBytes: 1 << 16 });
		const v = S.view(heap, heap.alloc(S.size, S.align));
		v.x = 3;
		const before = heap.f64;
		heap.alloc(1 << 20);
		expect(heap.f64 === before).toBe(false); // the heap re-created its views
		v.x += 1;
		expect([v.x, S.read(heap, v.$ptr).x]).toEqual([4, 4]);
	});

	it("views misaligned data through a DataView, and checks a cursor's alignment", () => {
		const S = struct("S", { x: f64, n: u32 });
		const heap = new Heap();
		const p = heap.alloc(S.size + 8, 8) + 3;
		const v = S.view(heap, p);
		v.x = 2.5;
		v.n = 7;
		expect([heap.dv.getFloat64(p, true), v.x, v.n]).toEqual([2.5, 2.5, 7]);
		expect(() => S.cursor(heap).$at(p)).toThrow(/not a multiple of the alignment 8/);
	});

	it("rejects NULL, out-of-heap and misaligned pointers with InvalidPointerError when checked", () => {
		const S = struct("S", { x: f64 });
		const heap = new Heap();
		const c = S.cursor(heap);
		expect(() => c.$at(0)).toThrow(InvalidPointerError);
		expect(() => c.$at(heap.u8.length - 4)).toThrow(
			/S\.\$at\(0x[0-9a-f]+\): invalid pointer: .* outside the heap/,
		);
		expect(() => c.$at(12)).toThrow(InvalidPointerError);
		expect(() => c.$at(-8)).toThrow(InvalidPointerError);
		expect(() => S.view(heap, 0)).toThrow(InvalidPointerError);
		expect(() => S.read(heap, heap.u8.length)).toThrow(InvalidPointerError);
		expect(() => S.write(heap, 0, { x: 1 })).toThrow(InvalidPointerError);
	});

	it("skips pointer checks when unchecked", () => {
		const S = struct("S", { x: f64 });
		const heap = new Heap();
		const c = S.cursor(heap, { checked: false });
		expect(c.$at(heap.u8.length).$ptr).toBe(heap.u8.length);
		expect(c.x).toBeUndefined(); // what a typed array gives out of bounds: no check, no cost
	});

	it("rejects values of the wrong type or range for scalar fields, naming the field", () => {
		const S = struct("Rec", { n: u8, big: i64, on: bool, x: f32 });
		const heap = new Heap();
		const v = S.view(heap, heap.alloc(S.size, S.align));
		expect(() => {
			v.n = 300;
		}).toThrow(/Rec\.n: 300 is not an integer in \[0, 255\] \(u8\)/);
		expect(() => {
			v.big = 1 as never;
		}).toThrow(/Rec\.big: expected a bigint for i64/);
		expect(() => {
			v.on = 0 as never;
		}).toThrow(TypeError);
		expect(() => {
			v.x = "1" as never;
		}).toThrow(TypeError);
		expect(() => S.write(heap, v.$ptr, null as never)).toThrow(/Rec: expected an object/);
		expect(() => S.write(heap, v.$ptr, { n: 1, big: 1n, on: true } as never)).toThrow(
			/Rec\.x: expected a number/,
		);
	});

	it("changes no byte when a checked write refuses a later field, through the type, a view and a cursor", () => {
		const S = struct("S", { a: u8, b: f64, c: u16 });
		const heap = new Heap();
		const p = heap.alloc(S.size + 1, S.align);
		const bad = { a: 9, b: 9, c: 70000 };
		const message = "S.c: 70000 is not an integer in [0, 65535] (u16)";
		for (const at of [p, p + 1]) {
			S.write(heap, at, { a: 1, b: 2, c: 3 });
			expect(expectRefused(heap, RangeError, () => S.write(heap, at, bad)).message).toBe(message);
			expect(expectRefused(heap, RangeError, () => S.view(heap, at).$write(bad)).message).toBe(message);
			expect(S.read(heap, at)).toEqual({ a: 1, b: 2, c: 3 });
		}
		const c = S.cursor(heap).$at(p);
		expect(expectRefused(heap, RangeError, () => c.$write(bad)).message).toBe(message);
	});

	it("changes no byte when a write refuses a field of a nested struct, or a nested value that is no object", () => {
		const Inner = struct("Inner", { x: f32, y: u8 });
		const S = struct("S", { a: u8, inner: Inner, z: u32 });
		const heap = new Heap();
		const p = heap.alloc(S.size, S.align);
		S.write(heap, p, { a: 1, inner: { x: 2, y: 3 }, z: 4 });
		const deep = expectRefused(heap, RangeError, () =>
			S.write(heap, p, { a: 5, inner: { x: 6, y: 300 }, z: 7 }),
		);
		expect(deep.message).toBe("S.inner.y: 300 is not an integer in [0, 255] (u8)");
		const missing = expectRefused(heap, TypeError, () =>
			S.write(heap, p, { a: 5, inner: null, z: 7 } as never),
		);
		expect(missing.message).toBe("S.inner: expected an object, got null");
		const late = expectRefused(heap, RangeError, () =>
			S.write(heap, p, { a: 5, inner: { x: 6, y: 7 }, z: -1 }),
		);
		expect(late.message).toBe("S.z: -1 is not an integer in [0, 4294967295] (u32)");
		expect(S.read(heap, p)).toEqual({ a: 1, inner: { x: 2, y: 3 }, z: 4 });
	});

	it("changes no byte when an unchecked write refuses what it always refuses", () => {
		const Vec2 = struct("Vec2", { x: f32, y: f32 });
		const S = struct("U", { a: u8, pos: Vec2, name: utf8(4), flags: bits(u8, 3), big: i64 });
		const heap = new Heap();
		const p = heap.alloc(S.size, S.align);
		const good = { a: 1, pos: { x: 1, y: 2 }, name: "ab", flags: 3, big: 5n };
		S.write(heap, p, good);
		configure({ checked: false });
		try {
			const view = S.view(heap, p);
			const cases: [typeof RangeError | typeof TypeError, object, string][] = [
				[RangeError, { name: "abcde" }, 'U.name: "abcde" is 5 bytes of UTF-8, more than the 4 of utf8(4)'],
				[RangeError, { flags: 8 }, "U.flags: 8 does not fit a unsigned 3-bit bit-field [0, 7]"],
				[TypeError, { big: 1 }, "U.big: expected a bigint for i64, got 1 (number)"],
				[TypeError, { pos: null }, "U.pos: expected an object, got null"],
				[TypeError, { name: 5 }, "U.name: expected a string, got 5 (number)"],
			];
			for (const [kind, change, message] of cases) {
				const bad = { ...good, a: 200, ...change } as never;
				expect(expectRefused(heap, kind, () => S.write(heap, p, bad)).message).toBe(message);
				expect(expectRefused(heap, kind, () => view.$write(bad)).message).toBe(message);
			}
		} finally {
			configure({ checked: true });
		}
		expect(S.read(heap, p)).toEqual(good);
	});

	it("names the path from the outermost view in the errors of setters, nested writes and elements", () => {
		const Inner = struct("Inner", { a: u8, name: utf8(4), flags: bits(u8, 3) });
		const Item = struct("Item", { x: f32 });
		const S = struct("S", {
			inner: Inner,
			items: array(Item, 4),
			bytes: array(u8, 4),
			grid: array(array(u8, 2), 2),
		});
		const heap = new Heap();
		const p = heap.alloc(S.size, S.align);
		const s = S.view(heap, p);
		const c = S.cursor(heap).$at(p);
		const cases: [typeof RangeError | typeof TypeError, () => unknown, string][] = [
			[
				RangeError,
				() => {
					s.inner.a = 300;
				},
				"S.inner.a: 300 is not an integer in [0, 255] (u8)",
			],
			[
				RangeError,
				() => {
					c.inner.a = 300;
				},
				"S.inner.a: 300 is not an integer in [0, 255] (u8)",
			],
			[
				RangeError,
				() => s.inner.$write({ a: 1, name: "toolong", flags: 0 }),
				'S.inner.name: "toolong" is 7 bytes of UTF-8, more than the 4 of utf8(4)',
			],
			[
				RangeError,
				() => {
					s.inner.flags = 8;
				},
				"S.inner.flags: 8 does not fit a unsigned 3-bit bit-field [0, 7]",
			],
			[RangeError, () => s.bytes.set(3, 300), "S.bytes[3]: 300 is not an integer in [0, 255] (u8)"],
			[
				TypeError,
				() => s.items.set(3, { x: "1" as never }),
				'S.items[3].x: expected a number for f32, got "1" (string)',
			],
			[
				TypeError,
				() => {
					s.items.get(3).x = "1" as never;
				},
				'S.items[3].x: expected a number for f32, got "1" (string)',
			],
			[
				TypeError,
				() => {
					s.items.cursor(2).x = "1" as never;
				},
				'S.items[2].x: expected a number for f32, got "1" (string)',
			],
			[
				TypeError,
				() => s.items.cursor(1).$write({ x: null as never }),
				"S.items[1].x: expected a number for f32, got null (object)",
			],
			[RangeError, () => s.grid.get(1).set(0, -1), "S.grid[1][0]: -1 is not an integer in [0, 255] (u8)"],
			[RangeError, () => s.items.get(5), "S.items: index 5 is not an integer in [0, 4)"],
			[
				RangeError,
				() => Inner.write(heap, p, { a: 300, name: "", flags: 0 }),
				"Inner.a: 300 is not an integer in [0, 255] (u8)",
			],
		];
		for (const [kind, misuse, message] of cases)
			expect(expectRefused(heap, kind, misuse).message).toBe(message);
	});

	it("refuses a pointer that is not a number with a TypeError naming it, when checked", () => {
		const S = struct("S", { x: f64 });
		const heap = new Heap();
		const cases: [() => unknown, string][] = [
			[() => S.view(heap, 8n as never), "S.view: ptr must be a number, got bigint 8n"],
			[() => S.cursor(heap).$at(8n as never), "S.$at: ptr must be a number, got bigint 8n"],
			[() => S.cursor(heap).$at(Symbol() as never), "S.$at: ptr must be a number, got symbol Symbol()"],
			[() => S.read(heap, 8n as never), "S.read: ptr must be a number, got bigint 8n"],
			[
				() => S.write(heap, Symbol("p") as never, { x: 1 }),
				"S.write: ptr must be a number, got symbol Symbol(p)",
			],
		];
		for (const [misuse, message] of cases)
			expect(expectRefused(heap, TypeError, misuse).message).toBe(message);
	});

	it("refuses unknown and mistyped options of view() and cursor(), naming them", () => {
		const S = struct("S", { x: f64 });
		const A = array(u8, 2);
		const heap = new Heap();
		const p = heap.alloc(S.size, S.align);
		const cases: [() => unknown, string][] = [
			[
				() => S.view(heap, p, { check: false } as never),
				'S.view: unknown option "check" (valid options: checked)',
			],
			[
				() => S.cursor(heap, { checked: "no" } as never),
				'S.cursor: checked must be a boolean, got string "no"',
			],
			[
				() => A.view(heap, p, { Checked: true } as never),
				'u8[2].view: unknown option "Checked"; did you mean "checked"? (valid options: checked)',
			],
			[() => A.cursor(heap, 5 as never), "u8[2].cursor: options must be an object, got 5"],
		];
		for (const [misuse, message] of cases)
			expect(expectRefused(heap, TypeError, misuse).message).toBe(message);
		expect(S.view(heap, p, {}).$ptr).toBe(p);
	});

	it("refuses a heap argument that has no typed-array views with a TypeError naming it", () => {
		const S = struct("S", { x: f64 });
		const A = array(u8, 2);
		expect(refusal(TypeError, () => S.view(undefined as never, 8)).message).toBe(
			"S.view: heap must be a Heap or the views of heapViews(), got undefined",
		);
		expect(refusal(TypeError, () => A.cursor(new ArrayBuffer(8) as never)).message).toBe(
			"u8[2].cursor: heap must be a Heap or the views of heapViews(), got object [object ArrayBuffer]",
		);
	});

	it("refuses a bigint or a symbol for a number field, and a number for a 64-bit one, naming the field", () => {
		const S = struct("Rec", { n: u8, x: f32, big: i64, list: array(u16, 2) });
		const heap = new Heap();
		const p = heap.alloc(S.size, S.align);
		const v = S.view(heap, p);
		const good = { n: 1, x: 1, big: 1n, list: [1, 2] };
		S.write(heap, p, good);
		const cases: [() => unknown, string][] = [
			[
				() => {
					v.n = 5n as never;
				},
				"Rec.n: expected a number for u8, got 5n (bigint)",
			],
			[
				() => {
					v.n = Symbol("s") as never;
				},
				"Rec.n: expected a number for u8, got Symbol(s) (symbol)",
			],
			[
				() => S.write(heap, p, { ...good, list: [1, 2n] } as never),
				"Rec.list[1]: expected a number for u16, got 2n (bigint)",
			],
			[
				() => v.list.set(0, Symbol() as never),
				"Rec.list[0]: expected a number for u16, got Symbol() (symbol)",
			],
			[
				() => {
					v.x = 1n as never;
				},
				"Rec.x: expected a number for f32, got 1n (bigint)",
			],
			[
				() => {
					v.big = 1 as never;
				},
				"Rec.big: expected a bigint for i64, got 1 (number)",
			],
			[() => v.$write({ ...good, big: 1 } as never), "Rec.big: expected a bigint for i64, got 1 (number)"],
		];
		for (const [misuse, message] of cases)
			expect(expectRefused(heap, TypeError, misuse).message).toBe(message);
	});

	it("wraps integers like typed arrays when unchecked, but still refuses a number for i64", () => {
		const S = struct("S", { n: u8, big: i64 });
		const heap = new Heap();
		const v = S.view(heap, heap.alloc(S.size, S.align), { checked: false });
		v.n = 257;
		expect(v.n).toBe(1);
		expect(() => {
			v.big = 1 as never;
		}).toThrow(TypeError);
	});
});

describe("struct()", () => {
	it("reports size, alignment, offsets and fields", () => {
		const Vec2 = struct("Vec2", { x: f32, y: f32 });
		const Particle = struct("Particle", { pos: Vec2, vel: Vec2, life: f32, kind: u8, tag: utf8(12) });
		expect([Particle.size, Particle.align, Particle.offsetOf("vel"), Particle.offsetOf("tag")]).toEqual([
			36, 4, 8, 21,
		]);
		expect(Particle.field("life")).toMatchObject({ name: "life", offset: 16, size: 4, type: f32 });
		expect(Particle.kind).toBe("struct");
		expect(Particle.schema.pos).toBe(Vec2);
	});

	it("refuses options and field names that are not of the right type, naming them", () => {
		expect(refusal(TypeError, () => struct("S", { x: u8 }, { align: 8n as never })).message).toBe(
			"struct S: align must be a number, got bigint 8n",
		);
		expect(refusal(TypeError, () => union("U", { x: u8 }, { pack: Symbol() as never })).message).toBe(
			"union U: pack must be a number, got symbol Symbol()",
		);
		const S = struct("S", { a: u8 });
		expect(refusal(TypeError, () => S.offsetOf(Symbol("a") as never)).message).toBe(
			"S has no field symbol Symbol(a)",
		);
		expect(refusal(TypeError, () => S.field(5 as never)).message).toBe("S has no field 5");
		expect(refusal(TypeError, () => struct("T", { x: u8, [Symbol("y")]: u8 })).message).toBe(
			"struct T: field names must be strings, got symbol Symbol(y)",
		);
	});

	it("refuses unknown options of struct() and union(), naming the option and the valid ones", () => {
		expect(refusal(TypeError, () => struct("S", { x: u8 }, { aligned: 4 } as never)).message).toBe(
			'struct S: unknown option "aligned" (valid options: packed, align, pack)',
		);
		expect(refusal(TypeError, () => union("U", { x: u8 }, { Packed: true } as never)).message).toBe(
			'union U: unknown option "Packed"; did you mean "packed"? (valid options: packed, align, pack)',
		);
		expect(refusal(TypeError, () => struct("S", { x: u8 }, null as never)).message).toBe(
			"struct S: options must be an object, got null",
		);
		expect(struct("S", { x: u8 }, undefined).size).toBe(1);
	});

	it("refuses offsetOf for unknown fields and for bit-fields, which have no address", () => {
		const S = struct("S", { a: u8, b: bits(u8, 3) });
		expect(() => S.offsetOf("nope" as never)).toThrow(/S has no field "nope"/);
		expect(() => S.offsetOf("b")).toThrow(/S\.b is a bit-field/);
	});

	it("refuses names that are not C identifiers, keywords, and JavaScript-reserved field names", () => {
		expect(() => struct("my struct", { x: u8 })).toThrow(TypeError);
		expect(() => struct("int", { x: u8 })).toThrow(/keyword/);
		expect(() => struct("S", { "x-y": u8 })).toThrow(/not a C identifier/);
		expect(() => struct("S", { float: u8 })).toThrow(TypeError);
		expect(() => struct("S", { constructor: u8 })).toThrow(/reserved in JavaScript/);
		expect(() => struct("S", { $ptr: u8 })).toThrow(TypeError);
	});

	it("refuses bad field specs and options", () => {
		expect(() => struct("S", {})).toThrow(/at least one named field/);
		expect(() => struct("S", { x: 5 as never })).toThrow(/S\.x: expected a type/);
		expect(() => struct("S", { x: u8 }, { align: 3 })).toThrow(RangeError);
		expect(() => struct("S", { x: u8 }, { pack: 3 })).toThrow(RangeError);
		expect(() => struct("S", { x: u8 }, { packed: 1 as never })).toThrow(TypeError);
		expect(() => struct("S", { x: u8 }, { aligned: 4 } as never)).toThrow(/unknown option/);
		expect(() => struct("S", { a: array(u8, 2 ** 30), b: array(u8, 2 ** 30) })).toThrow(RangeError);
	});

	it("lays out the issue's {u8; f64; u16} example with the gcc numbers and emits it as C", () => {
		const S = struct("Example", { a: u8, b: f64, c: u16 });
		expect(S.toC()).toContain("struct Example {\n\tuint8_t a;\n\tdouble b;\n\tuint16_t c;\n};");
		expect(S.size).toBe(24);
	});

	it("allows i16, i8 and field options together", () => {
		const S = struct("S", { a: i16, b: field(i8, { align: 4 }) });
		expect([S.offsetOf("b"), S.size]).toEqual([4, 8]);
	});
});
