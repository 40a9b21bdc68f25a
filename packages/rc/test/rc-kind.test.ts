import { Heap } from "@offheap/core";
import { describe, expect, it } from "vitest";
import { RcKind, RcSpace } from "../src/index.ts";

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
