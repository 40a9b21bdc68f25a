import { DoubleFreeError, Heap, InvalidPointerError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { RcSpace, release, retain } from "../src/index.ts";
import { hexOf, literal } from "./helpers.ts";

function checkedSpace(): { heap: Heap; space: RcSpace; cell: ReturnType<RcSpace["kind"]> } {
	const heap = new Heap({ checked: true });
	const space = new RcSpace(heap);
	return { heap, space, cell: space.kind({ name: "Cell", type: { size: 8, align: 8 } }) };
}

describe("an RcSpace on a checked heap", () => {
	it("names where a value was allocated and dropped when a raw address is released once too often", () => {
		const { heap, space, cell } = checkedSpace();
		const p = space.allocRaw(cell);
		expect(release(space, p)).toBe(true); // dropped and freed: the block waits in the quarantine
		const before = heap.stats();
		let caught: unknown;
		try {
			release(space, p);
		} catch (error) {
			caught = error;
		}
		expect((caught as Error).constructor).toBe(DoubleFreeError);
		const message = (caught as Error).message;
		expect(message).toMatch(
			new RegExp(
				`^${literal(`release(${hexOf(p)}): double free: its block ${hexOf(p - 32)} is not live (the value was freed): `)}`,
			),
		);
		expect(message).toContain("allocated at:");
		expect(message.slice(message.indexOf("freed at:"))).toContain("checked-heap.test.ts");
		expect(heap.stats()).toEqual(before);
		heap.check();
	});

	it("names the history of the block when a dropped value is retained through a stale address", () => {
		const { heap, space, cell } = checkedSpace();
		const p = space.allocRaw(cell);
		release(space, p);
		let caught: unknown;
		try {
			retain(space, p);
		} catch (error) {
			caught = error;
		}
		expect((caught as Error).constructor).toBe(InvalidPointerError);
		expect((caught as Error).message).toMatch(
			new RegExp(
				`^${literal(`retain(${hexOf(p)}): invalid pointer: its block ${hexOf(p - 32)} is not live (the value was freed): `)}`,
			),
		);
		expect((caught as Error).message).toMatch(/allocated at:[\s\S]*freed at:/);
		heap.check();
	});

	it("leaves the heap's leak report empty once every value is released", () => {
		const { heap, space, cell } = checkedSpace();
		const values = Array.from({ length: 5 }, () => space.allocRaw(cell));
		for (const p of values) release(space, p);
		space.free();
		expect(heap.leakReport()).toBe("");
	});
});
