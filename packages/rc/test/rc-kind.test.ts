import { Heap, InvalidPointerError } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { Rc, RcKind, RcSpace } from "../src/index.ts";
import { expectRefused, hexOf, literal } from "./helpers.ts";

describe("RcKind", () => {
	it("places the value max(32, align) bytes into its block, right after the 32-byte header", () => {
		const space = new RcSpace(new Heap());
		const cases = [
			{ size: 0, align: 1, offset: 32, blockAlign: 8 },
			{ size: 12, align: 4, offset: 32, blockAlign: 8 },
			{ size: 24, align: 8, offset: 32, blockAlign: 8 },
			{ size: 64, align: 16, offset: 32, blockAlign: 16 },
			{ size: 64, align: 32, offset: 32, blockAlign: 32 },
			{ size: 64, align: 64, offset: 64, blockAlign: 64 },
			{ size: 10, align: 4096, offset: 4096, blockAlign: 4096 },
		];
		cases.forEach(({ size, align, offset, blockAlign }, i) => {
			const type = { size, align };
			const kind = space.kind({ name: `K${i}`, type });
			expect(kind).toBeInstanceOf(RcKind);
			expect(kind.type).toBe(type);
			expect([kind.size, kind.align, kind.valueOffset, kind.blockSize, kind.blockAlign]).toEqual([
				size,
				align,
				offset,
				offset + size,
				blockAlign,
			]);
			const p = space.allocRaw(kind);
			expect(p % align).toBe(0);
		});
	});

	it("keeps its definition's name, drop hook and space", () => {
		const space = new RcSpace(new Heap());
		const drop = (): void => {};
		const kind = space.kind({ name: "Named", type: { size: 8, align: 8 }, drop });
		expect(kind.name).toBe("Named");
		expect(kind.drop).toBe(drop);
		expect(kind.space).toBe(space);
		expect(space.kind({ name: "Plain", type: { size: 8, align: 8 } }).drop).toBeUndefined();
	});
});

describe("value addresses", () => {
	const sizes = [0, 1, 24];
	const aligns = [1, 8, 16, 32, 4096];

	it.each([
		["a plain heap", {}],
		["a checked heap", { checked: { stacks: false } }],
	])(
		"are never the start of a heap block, so %s refuses to free, resize or measure one, changing nothing",
		(_, options) => {
			const heap = new Heap(options);
			const space = new RcSpace(heap);
			const values: [string, number][] = [];
			let n = 0;
			for (const size of sizes) {
				for (const align of aligns) {
					const kind = space.kind({ name: `K${n++}`, type: { size, align } });
					const rc = space.alloc(kind);
					values.push([`alloc ${size}/${align}`, rc.ptr]);
					values.push([`tryAlloc ${size}/${align}`, (space.tryAlloc(kind) as Rc).ptr]);
					values.push([`allocRaw ${size}/${align}`, space.allocRaw(kind)]);
					values.push([`Rc.clone ${size}/${align}`, rc.clone().ptr]);
					values.push([`Weak.upgrade ${size}/${align}`, (rc.downgrade().upgrade() as Rc).ptr]);
					values.push([`Rc.open ${size}/${align}`, Rc.open(space, rc.clone().intoRaw(), kind).ptr]);
				}
			}
			for (const [how, ptr] of values) {
				const at = literal(hexOf(ptr));
				for (const [operation, use] of [
					["free", () => heap.free(ptr)],
					["realloc", () => heap.realloc(ptr, 64)],
					["usableSize", () => heap.usableSize(ptr)],
				] as const) {
					const error = expectRefused(
						heap,
						space,
						InvalidPointerError,
						new RegExp(`^${operation}\\(${at}\\): invalid pointer: `),
						use,
					);
					expect((error as InvalidPointerError).ptr, how).toBe(ptr);
				}
			}
			expect(space.stats().liveValues).toBe(sizes.length * aligns.length * 3);
		},
	);
});
