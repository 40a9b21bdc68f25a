import { Heap } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { f32, i32, type PtrType, ptr, type StructType, struct, type Type } from "../src/index.ts";
import { refusal } from "./support/refusal.ts";

describe("ptr()", () => {
	it("is a 4-byte, 4-aligned pointer that reads as a number", () => {
		const P = ptr(f32);
		const heap = new Heap();
		const p = heap.alloc(8, 8);
		P.write(heap, p, 0xdeadbeef);
		expect([P.size, P.align, P.shift, P.kind, P.name, P.read(heap, p)]).toEqual([
			4,
			4,
			2,
			"ptr",
			"ptr<f32>",
			0xdeadbeef,
		]);
		expect(P.typedArray(heap)).toBe(heap.u32);
		P.write(heap, p + 1, 5); // misaligned: through the DataView
		expect(P.read(heap, p + 1)).toBe(5);
	});

	it("resolves a function target lazily, for self-referential structs", () => {
		const Node: StructType<{ value: typeof i32; next: PtrType<Type> }> = struct("Node", {
			value: i32,
			next: ptr((): Type => Node),
		});
		const heap = new Heap();
		const a = heap.alloc(Node.size, Node.align);
		const b = heap.alloc(Node.size, Node.align);
		Node.write(heap, a, { value: 1, next: b });
		Node.write(heap, b, { value: 2, next: 0 });
		let sum = 0;
		for (let p = a; p !== 0; p = Node.view(heap, p).next) sum += Node.view(heap, p).value;
		expect([sum, Node.schema.next.target, Node.schema.next.name]).toEqual([3, Node, "ptr<Node>"]);
	});

	it("takes no options: a second argument is refused, naming it", () => {
		expect(
			refusal(TypeError, () => (ptr as (...a: unknown[]) => unknown)(f32, { nullable: true })).message,
		).toBe("ptr: unexpected argument 2 (object [object Object]); ptr takes (target)");
	});

	it("refuses a bigint pointer argument or value with a TypeError naming it", () => {
		const heap = new Heap();
		const p = heap.alloc(4);
		const P = ptr(f32);
		expect(expectRefused(heap, TypeError, () => P.write(heap, p, 5n as never)).message).toBe(
			"ptr.write: expected a number for ptr, got 5n (bigint)",
		);
		expect(expectRefused(heap, TypeError, () => P.read(heap, 8n as never)).message).toBe(
			"ptr.read: ptr must be a number, got bigint 8n",
		);
	});

	it("rejects values that are not u32 when checked, and targets that are not types", () => {
		const heap = new Heap();
		expect(() => ptr(f32).write(heap, heap.alloc(4), -1)).toThrow(RangeError);
		expect(() => ptr(5 as never)).toThrow(TypeError);
	});
});
