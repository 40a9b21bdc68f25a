import { Heap } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { array, bits, configure, f32, f64, i32, struct, u8, u32, union } from "../src/index.ts";

describe.each(["codegen", "closures"])("unions (%s)", (strategy) => {
	beforeAll(() => {
		configure({ codegen: strategy === "codegen" });
	});
	afterAll(() => {
		configure({ codegen: true });
	});

	it("puts every member at offset 0 and reads every interpretation of the bytes", () => {
		const Pun = union("Pun", { f: f32, u: u32, b: u8 });
		const heap = new Heap();
		const v = Pun.view(heap, heap.alloc(Pun.size));
		v.f = 1;
		expect(Pun.fields.map((f) => f.offset)).toEqual([0, 0, 0]);
		expect(v.$read()).toEqual({ f: 1, u: 0x3f800000, b: 0 });
	});

	it("writes only the members present, in declaration order", () => {
		const U = union("U", { f: f32, u: u32, b: u8 });
		const heap = new Heap();
		const p = heap.alloc(U.size);
		U.write(heap, p, { f: 1 });
		U.write(heap, p, { b: 0xff });
		expect(U.view(heap, p).u).toBe(0x3f8000ff);
		U.write(heap, p, { b: 1, u: 2 }); // u is declared before b: b wins its byte
		expect(U.read(heap, p).u).toBe(0x00000001);
	});

	it("gives nested views for struct and array members, all at the union's address", () => {
		const Pair = struct("Pair", { lo: u32, hi: u32 });
		const Wide = union("Wide", { d: f64, pair: Pair, bytes: array(u8, 8) });
		const heap = new Heap();
		const v = Wide.view(heap, heap.alloc(Wide.size, Wide.align));
		v.pair.hi = 0x3ff00000;
		expect([v.d, v.bytes.get(7), v.pair.$ptr, v.bytes.$ptr]).toEqual([1, 0x3f, v.$ptr, v.$ptr]);
	});

	it("starts bit-field members at bit 0", () => {
		const U = union("U", { flags: bits(u32, 3), all: i32 });
		const heap = new Heap();
		const v = U.view(heap, heap.alloc(U.size));
		v.all = -1;
		expect(v.flags).toBe(7);
		v.flags = 0;
		expect(v.all).toBe(-8);
	});

	it("changes no byte when a write refuses a later member", () => {
		const U = union("U", { f: f32, b: u8, pair: struct("Pair", { lo: u8, hi: u8 }) });
		const heap = new Heap();
		const p = heap.alloc(U.size, U.align);
		U.write(heap, p, { f: 1 });
		const late = expectRefused(heap, RangeError, () => U.write(heap, p, { f: 2, b: 300 }));
		expect(late.message).toBe("U.b: 300 is not an integer in [0, 255] (u8)");
		const nested = expectRefused(heap, RangeError, () =>
			U.view(heap, p).$write({ f: 2, pair: { lo: 1, hi: -1 } }),
		);
		expect(nested.message).toBe("U.pair.hi: -1 is not an integer in [0, 255] (u8)");
		expect(U.read(heap, p).f).toBe(1);
	});

	it("names the path through a union in the errors of its members' setters", () => {
		const Pair = struct("Pair", { lo: u8, hi: u8 });
		const Outer = struct("Outer", { tag: u8, u: union("Both", { pair: Pair, all: u32 }) });
		const heap = new Heap();
		const o = Outer.view(heap, heap.alloc(Outer.size, Outer.align));
		const error = expectRefused(heap, RangeError, () => {
			o.u.pair.hi = -1;
		});
		expect(error.message).toBe("Outer.u.pair.hi: -1 is not an integer in [0, 255] (u8)");
	});

	it("rejects a value that is not an object", () => {
		const U = union("U", { a: u8 });
		const heap = new Heap();
		expect(() => U.write(heap, heap.alloc(U.size), 5 as never)).toThrow(TypeError);
		expect(U.kind).toBe("union");
	});
});
