import { describe, expect, it } from "vitest";
import { f32, heapViews, i64, struct, u16 } from "../src/index.ts";
import { refusal } from "./support/refusal.ts";

describe("heapViews()", () => {
	it("lets types read and write a WebAssembly.Memory", () => {
		const memory = new WebAssembly.Memory({ initial: 1 });
		const Vec2 = struct("Vec2", { x: f32, y: f32 });
		const views = heapViews(memory.buffer);
		Vec2.write(views, 1024, { x: 1, y: 2 });
		expect(Array.from(new Float32Array(memory.buffer, 1024, 2))).toEqual([1, 2]);
		expect(views.u8.length).toBe(65536);
	});

	it("covers a buffer whose length is not a multiple of 8 up to its last whole elements", () => {
		const views = heapViews(new ArrayBuffer(13));
		expect([views.u8.length, views.u16.length, views.f32.length, views.i64.length]).toEqual([13, 6, 3, 1]);
		u16.write(views, 11, 0xbeef);
		expect(u16.read(views, 11)).toBe(0xbeef); // misaligned: through the DataView
		i64.write(views, 5, -1n);
		expect(i64.read(views, 5)).toBe(-1n);
	});

	it("refuses anything but an ArrayBuffer or SharedArrayBuffer with a TypeError naming it", () => {
		expect(refusal(TypeError, () => heapViews(5 as never)).message).toBe(
			"heapViews: expected an ArrayBuffer or SharedArrayBuffer, got 5",
		);
		expect(refusal(TypeError, () => heapViews(new Uint8Array(8) as never)).message).toBe(
			"heapViews: expected an ArrayBuffer or SharedArrayBuffer, got object [object Uint8Array]",
		);
	});

	it("works over a SharedArrayBuffer", () => {
		const views = heapViews(new SharedArrayBuffer(64));
		f32.write(views, 8, 0.5);
		expect(f32.read(views, 8)).toBe(0.5);
	});
});
