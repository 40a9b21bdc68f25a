import { Heap } from "@offheap/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configure, f32, struct, u8 } from "../src/index.ts";
import { refusal } from "./support/refusal.ts";

afterEach(() => {
	configure({ checked: true, codegen: true });
});

describe("configure()", () => {
	it("starts checked with code generation, and returns the settings in effect", () => {
		expect(configure({})).toEqual({ checked: true, codegen: true });
		expect(configure({ checked: false })).toEqual({ checked: false, codegen: true });
	});

	it("sets the default of accessors created afterwards; existing ones keep their mode", () => {
		const S = struct("S", { n: u8 });
		const heap = new Heap();
		const p = heap.alloc(S.size);
		const checked = S.view(heap, p);
		configure({ checked: false });
		const unchecked = S.view(heap, p);
		unchecked.n = 300;
		expect(unchecked.n).toBe(44);
		expect(() => {
			checked.n = 300;
		}).toThrow(RangeError);
		expect(S.view(heap, p, { checked: true }).$at.toString()).toContain("rejectPointer");
	});

	it("switches the copying read and write at once", () => {
		const S = struct("S", { n: u8 });
		const heap = new Heap();
		configure({ checked: false });
		expect(() => S.read(heap, 0)).not.toThrow();
		configure({ checked: true });
		expect(() => S.read(heap, 0)).toThrow(/NULL/);
	});

	it("builds closure accessors when code generation is turned off", () => {
		configure({ codegen: false });
		const V = struct("V", { x: f32 });
		const heap = new Heap();
		const v = V.view(heap, heap.alloc(V.size));
		v.x = 2;
		expect([v.x, v.constructor.name]).toEqual([2, "View"]);
		configure({ codegen: true });
		expect(struct("W", { x: f32 }).view(heap, v.$ptr).constructor.name).toBe("WView");
	});

	it("rejects settings that are not booleans, naming the setting and the value", () => {
		expect(refusal(TypeError, () => configure({ checked: 1 as never })).message).toBe(
			"configure: checked must be a boolean, got 1",
		);
		expect(refusal(TypeError, () => configure({ codegen: 1n as never })).message).toBe(
			"configure: codegen must be a boolean, got bigint 1n",
		);
		expect(configure({})).toEqual({ checked: true, codegen: true });
	});

	it("refuses unknown settings, naming them and the valid ones, and then changes no setting", () => {
		expect(refusal(TypeError, () => configure({ checked: false, check: false } as never)).message).toBe(
			'configure: unknown option "check" (valid options: checked, codegen)',
		);
		expect(refusal(TypeError, () => configure({ checked: false, codegen: "no" } as never)).message).toBe(
			'configure: codegen must be a boolean, got string "no"',
		);
		expect(configure({})).toEqual({ checked: true, codegen: true });
	});

	it("falls back to closures where a content security policy forbids new Function", async () => {
		vi.resetModules();
		const RealFunction = globalThis.Function;
		const blocked = function blockedFunction() {
			throw new EvalError("Refused to evaluate a string as JavaScript because 'unsafe-eval' is not allowed");
		} as unknown as FunctionConstructor;
		vi.stubGlobal("Function", blocked);
		try {
			const fresh = await import("../src/index.ts");
			expect(fresh.configure({}).codegen).toBe(false);
			expect(fresh.configure({ codegen: true }).codegen).toBe(false);
			const V = fresh.struct("V", { x: fresh.f32 });
			const heap = new Heap();
			const v = V.view(heap, heap.alloc(V.size));
			v.x = 1.5;
			expect(v.x).toBe(1.5);
		} finally {
			vi.unstubAllGlobals();
			expect(globalThis.Function).toBe(RealFunction);
		}
	});
});
