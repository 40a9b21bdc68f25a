import { Heap } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
	array,
	configure,
	type FlexView,
	f32,
	f64,
	field,
	flex,
	type Infer,
	i8,
	struct,
	u16,
	u32,
	union,
	utf8,
} from "../src/index.ts";
import { refusal } from "./support/refusal.ts";

describe("flex()", () => {
	it("is only allowed as the last field of a struct with another named field", () => {
		expect(() => struct("S", { tail: flex(i8), n: u32 })).toThrow(/must be the last field/);
		expect(() => union("U", { n: u32, tail: flex(i8) })).toThrow(/must be the last field of a struct/);
		expect(() => struct("S", { tail: flex(i8) })).toThrow(/at least one named field/);
		expect(() => flex(5 as never)).toThrow(TypeError);
		expect(() => field(flex(i8) as never, {})).toThrow(TypeError);
	});

	it("cannot be nested, as in C: no member or element may end in a flexible array", () => {
		const Msg = struct("Msg", { n: u32, data: flex(i8) });
		expect(Msg.flexible).toBe(true);
		expect(() => struct("Outer", { m: Msg })).toThrow(/cannot be a member/);
		expect(() => array(Msg, 2)).toThrow(TypeError);
		expect(() => flex(Msg)).toThrow(TypeError);
	});

	it("computes the bytes for n elements, which may be less than the struct's size", () => {
		const S = struct("S", { d: f64, c: i8, tail: flex(i8) });
		expect([S.sizeWith(0), S.sizeWith(7), S.sizeWith(100)]).toEqual([16, 16, 109]);
		expect(() => struct("T", { a: u32 }).sizeWith(1)).toThrow(/has no flexible array member/);
		expect(() => S.sizeWith(-1)).toThrow(RangeError);
	});

	it("takes no options: a second argument is refused, naming it", () => {
		expect(refusal(TypeError, () => (flex as (...a: unknown[]) => unknown)(i8, { length: 4 })).message).toBe(
			"flex: unexpected argument 2 (object [object Object]); flex takes (element)",
		);
	});

	it("refuses a count that is not a number with a TypeError naming it", () => {
		const S = struct("Msg", { n: u32, tail: flex(i8) });
		expect(refusal(TypeError, () => S.sizeWith(2n as never)).message).toBe(
			"Msg.sizeWith: count must be a number, got bigint 2n",
		);
		expect(refusal(RangeError, () => S.sizeWith(-1)).message).toBe(
			"Msg.sizeWith: count must be a non-negative integer, got -1",
		);
	});

	it("emits C's T name[] and leaves the member out of read, write and Infer", () => {
		const Msg = struct("Msg", { n: u16, data: flex(f32) });
		expect(Msg.toC({ includes: false, asserts: false })).toContain("\tfloat data[];");
		expect(Msg.fields[1]).toMatchObject({ name: "data", offset: 4, size: 0, flexible: true, type: f32 });
		expectTypeOf<Infer<typeof Msg>>().toEqualTypeOf<{ n: number }>();
		const heap = new Heap();
		const p = heap.alloc(Msg.sizeWith(2), Msg.align);
		Msg.write(heap, p, { n: 2 });
		expect(Msg.read(heap, p)).toEqual({ n: 2 });
	});
});

describe.each(["codegen", "closures"])("flexible array views (%s)", (strategy) => {
	beforeAll(() => {
		configure({ codegen: strategy === "codegen" });
	});
	afterAll(() => {
		configure({ codegen: true });
	});

	it("reads and writes scalar elements after the header", () => {
		const Bag = struct("Bag", { count: u32, items: flex(f64) });
		const heap = new Heap();
		const bag = Bag.view(heap, heap.alloc(Bag.sizeWith(3), Bag.align));
		bag.count = 3;
		for (let i = 0; i < bag.count; i++) bag.items.set(i, i / 4);
		expectTypeOf(bag.items).toEqualTypeOf<FlexView<typeof f64>>();
		expect([
			bag.items.get(2),
			bag.items.addressOf(1) - bag.$ptr,
			heap.f64[((bag.$ptr + 8) >>> 3) + 1],
		]).toEqual([0.5, 16, 0.25]);
	});

	it("gives struct and string elements views, a moving cursor, and values", () => {
		const Entry = struct("Entry", { id: u16, name: utf8(6) });
		const Table = struct("Table", { rows: u32, entries: flex(Entry) });
		const heap = new Heap();
		const t = Table.view(heap, heap.alloc(Table.sizeWith(2), Table.align));
		t.entries.set(0, { id: 1, name: "one" });
		t.entries.cursor(1).$write({ id: 2, name: "two" });
		expect([t.entries.get(0).name, t.entries.cursor(1).id, t.entries.get(1).$ptr - t.$ptr]).toEqual([
			"one",
			2,
			12,
		]);
	});

	it("is repositioned each time it is read from a moving cursor", () => {
		const Msg = struct("Msg", { n: u32, data: flex(u16) });
		const heap = new Heap();
		const a = heap.alloc(Msg.sizeWith(1), Msg.align);
		const b = heap.alloc(Msg.sizeWith(1), Msg.align);
		const c = Msg.cursor(heap);
		const data = c.$at(a).data;
		data.set(0, 7);
		expect(c.$at(b).data).toBe(data); // the same object, positioned again when read
		data.set(0, 9);
		expect([heap.u16[(a + 4) >>> 1], heap.u16[(b + 4) >>> 1]]).toEqual([7, 9]);
	});

	it("names the flexible member and the element in errors, and changes no byte", () => {
		const Point = struct("Point", { x: f32, y: f32 });
		const Bag = struct("Bag", { count: u32, items: flex(Point) });
		const heap = new Heap();
		const bag = Bag.view(heap, heap.alloc(Bag.sizeWith(3), Bag.align));
		const set = expectRefused(heap, TypeError, () => bag.items.set(2, { x: 1, y: "2" as never }));
		expect(set.message).toBe('Bag.items[2].y: expected a number for f32, got "2" (string)');
		const field = expectRefused(heap, TypeError, () => {
			bag.items.get(1).x = "1" as never;
		});
		expect(field.message).toBe('Bag.items[1].x: expected a number for f32, got "1" (string)');
	});

	it("refuses an index that is not a number with a TypeError naming it, when checked", () => {
		const Msg = struct("Msg", { n: u32, data: flex(u32) });
		const heap = new Heap();
		const m = Msg.view(heap, heap.alloc(Msg.sizeWith(2), Msg.align));
		expect(expectRefused(heap, TypeError, () => m.data.set(1n as never, 5)).message).toBe(
			"Msg.data: index must be a number, got bigint 1n",
		);
		expect(expectRefused(heap, TypeError, () => m.data.get(Symbol() as never)).message).toBe(
			"Msg.data: index must be a number, got symbol Symbol()",
		);
	});

	it("checks indices against the heap's end when checked, and not at all otherwise", () => {
		const Msg = struct("Msg", { n: u32, data: flex(u32) });
		const heap = new Heap();
		const m = Msg.view(heap, heap.alloc(Msg.sizeWith(1), Msg.align));
		const beyond = (heap.u8.length - m.$ptr) / 4; // the first element past the heap's end
		expect(() => m.data.get(beyond)).toThrow(/lies outside the heap/);
		expect(() => m.data.get(-1)).toThrow(RangeError);
		expect(m.data.get(beyond - 2)).toBe(0);
		const fast = Msg.view(heap, m.$ptr, { checked: false });
		expect(fast.data.get(beyond)).toBeUndefined();
	});
});
