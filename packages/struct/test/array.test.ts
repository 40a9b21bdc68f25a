import { Heap, InvalidPointerError } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { array, configure, f32, i64, struct, u8, u16, union, utf8 } from "../src/index.ts";
import { refusal } from "./support/refusal.ts";

describe("array()", () => {
	it("is length elements of the element's size and alignment", () => {
		const Vec2 = struct("Vec2", { x: f32, y: f32 });
		const A = array(Vec2, 3);
		expect([A.size, A.align, A.length, A.element, A.name, A.kind]).toEqual([
			24,
			4,
			3,
			Vec2,
			"Vec2[3]",
			"array",
		]);
	});

	it("takes no options: a third argument is refused, naming it", () => {
		expect(
			refusal(TypeError, () => (array as (...a: unknown[]) => unknown)(u8, 4, { checked: true })).message,
		).toBe("array: unexpected argument 3 (object [object Object]); array takes (type, length)");
	});

	it("refuses a length that is not a number with a TypeError naming it", () => {
		expect(refusal(TypeError, () => array(u8, 4n as never)).message).toBe(
			"array: length must be a number, got bigint 4n",
		);
		expect(refusal(TypeError, () => array(u8, Symbol("n") as never)).message).toBe(
			"array: length must be a number, got symbol Symbol(n)",
		);
		expect(refusal(RangeError, () => array(u8, 1.5)).message).toBe(
			"array: length must be a positive integer, got 1.5",
		);
	});

	it("rejects non-types, bad lengths and sizes of 2 GiB or more", () => {
		expect(() => array(5 as never, 2)).toThrow(TypeError);
		expect(() => array(u8, 0)).toThrow(RangeError);
		expect(() => array(u8, 1.5)).toThrow(RangeError);
		expect(() => array(i64, 2 ** 28)).toThrow(RangeError);
	});
});

describe.each(["codegen", "closures"])("array views (%s)", (strategy) => {
	beforeAll(() => {
		configure({ codegen: strategy === "codegen" });
	});
	afterAll(() => {
		configure({ codegen: true, checked: true });
	});

	it("gets and sets scalar elements in place", () => {
		const A = array(u16, 4);
		const heap = new Heap();
		const a = A.view(heap, heap.alloc(A.size, A.align));
		a.set(2, 500);
		expect([a.length, a.get(2), heap.u16[(a.$ptr >>> 1) + 2], a.addressOf(3) - a.$ptr]).toEqual([
			4, 500, 500, 6,
		]);
		expect([...a]).toEqual([0, 0, 500, 0]);
	});

	it("gives a new view per get for struct elements, and one moving cursor", () => {
		const P = struct("P", { id: u8, w: f32 });
		const A = array(P, 3);
		const heap = new Heap();
		const a = A.view(heap, heap.alloc(A.size, A.align));
		a.$write([
			{ id: 1, w: 0.5 },
			{ id: 2, w: 1.5 },
			{ id: 3, w: 2.5 },
		]);
		const first = a.get(0);
		const second = a.get(1);
		expect(first).not.toBe(second);
		expect([first.id, second.id]).toEqual([1, 2]);
		const c = a.cursor(2);
		expect(a.cursor(0)).toBe(c);
		expect(c.id).toBe(1);
		expect([...a].map((e) => e.w)).toEqual([0.5, 1.5, 2.5]);
		expect(A.read(heap, a.$ptr)).toEqual([
			{ id: 1, w: 0.5 },
			{ id: 2, w: 1.5 },
			{ id: 3, w: 2.5 },
		]);
	});

	it("nests arrays of arrays and arrays of strings and unions", () => {
		const Grid = array(array(u8, 3), 2);
		const Names = array(utf8(4), 2);
		const U = union("U", { a: u8, b: u16 });
		const Us = array(U, 2);
		const heap = new Heap();
		const g = Grid.view(heap, heap.alloc(Grid.size));
		g.get(1).set(2, 9);
		g.cursor(0).set(0, 4);
		expect(Grid.read(heap, g.$ptr)).toEqual([
			[4, 0, 0],
			[0, 0, 9],
		]);
		const n = Names.view(heap, heap.alloc(Names.size));
		n.set(1, "añb");
		expect(n.$read()).toEqual(["", "añb"]);
		const u = Us.view(heap, heap.alloc(Us.size, Us.align));
		u.set(1, { b: 0x0102 });
		expect(u.get(1).a).toBe(2);
	});

	it("accepts any array-like of the right length, typed arrays included", () => {
		const A = array(f32, 4);
		const heap = new Heap();
		const p = heap.alloc(A.size, A.align);
		A.write(heap, p, new Float32Array([1, 2, 3, 4]));
		expect(A.read(heap, p)).toEqual([1, 2, 3, 4]);
		expect(() => A.write(heap, p, [1, 2, 3])).toThrow(/f32\[4\]: expected an array of 4/);
	});

	it("checks indices when checked, and refuses cursor() on scalar elements", () => {
		const A = array(u8, 2);
		const heap = new Heap();
		const a = A.view(heap, heap.alloc(A.size));
		expect(() => a.get(2)).toThrow(RangeError);
		expect(() => a.set(-1, 0)).toThrow(/u8\[2\]: index -1 is not an integer in \[0, 2\)/);
		expect(() => a.get(0.5)).toThrow(RangeError);
		expect(() => a.cursor(0)).toThrow(TypeError);
		const fast = A.view(heap, a.$ptr, { checked: false });
		expect(fast.get(2)).toBe(heap.u8[a.$ptr + 2]); // C semantics: no check, no cost
	});

	it("changes no byte when a write refuses a later element, of scalars or of structs", () => {
		const heap = new Heap();
		const Bytes = array(u8, 4);
		const b = heap.alloc(Bytes.size);
		Bytes.write(heap, b, [1, 2, 3, 4]);
		const scalar = expectRefused(heap, RangeError, () => Bytes.write(heap, b, [5, 6, 7, 300]));
		expect(scalar.message).toBe("u8[4][3]: 300 is not an integer in [0, 255] (u8)");
		expect(expectRefused(heap, RangeError, () => Bytes.view(heap, b).$write([5, 6, 7, 300])).message).toBe(
			"u8[4][3]: 300 is not an integer in [0, 255] (u8)",
		);
		const P = struct("P", { id: u8, w: f32 });
		const Ps = array(P, 3);
		const q = heap.alloc(Ps.size, Ps.align);
		const good = [
			{ id: 1, w: 0.5 },
			{ id: 2, w: 1.5 },
			{ id: 3, w: 2.5 },
		];
		Ps.write(heap, q, good);
		const bad = [
			{ id: 4, w: 4 },
			{ id: 5, w: 5 },
			{ id: 6, w: "6" },
		];
		const nested = expectRefused(heap, TypeError, () => Ps.write(heap, q, bad as never));
		expect(nested.message).toBe('P[3][2].w: expected a number for f32, got "6" (string)');
		const view = Ps.view(heap, q);
		const element = expectRefused(heap, RangeError, () => view.set(1, { id: 256, w: 7 }));
		expect(element.message).toBe("P[3][1].id: 256 is not an integer in [0, 255] (u8)");
		const short = expectRefused(heap, TypeError, () => Ps.write(heap, q, good.slice(0, 2)));
		expect(short.message).toBe("P[3]: expected an array of 3, got an array");
		expect(Ps.read(heap, q)).toEqual(good);
	});

	it("refuses an index that is not a number with a TypeError naming it, when checked", () => {
		const A = array(struct("P", { x: f32 }), 4);
		const heap = new Heap();
		const a = A.view(heap, heap.alloc(A.size, A.align));
		const cases: [() => unknown, string][] = [
			[() => a.get(1n as never), "P[4]: index must be a number, got bigint 1n"],
			[() => a.set(Symbol("i") as never, { x: 1 }), "P[4]: index must be a number, got symbol Symbol(i)"],
			[() => a.cursor(1n as never), "P[4]: index must be a number, got bigint 1n"],
			[() => a.addressOf(1n as never), "P[4]: index must be a number, got bigint 1n"],
			[() => a.get("1" as never), 'P[4]: index must be a number, got string "1"'],
		];
		for (const [misuse, message] of cases)
			expect(expectRefused(heap, TypeError, misuse).message).toBe(message);
	});

	it("moves a cursor between arrays and checks its pointers", () => {
		const A = array(f32, 2);
		const heap = new Heap();
		const p = heap.alloc(A.size * 2, A.align);
		const c = A.cursor(heap).$at(p);
		c.$write([1, 2]);
		c.$next().$write([3, 4]);
		expect([...c.$at(p)]).toEqual([1, 2]);
		expect(() => c.$at(p + 2)).toThrow(InvalidPointerError);
		expect(() => A.view(heap, 0)).toThrow(InvalidPointerError);
	});
});
