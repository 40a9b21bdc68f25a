import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	DoubleFreeError,
	Heap,
	HeapCorruptionError,
	InvalidPointerError,
	OutOfMemoryError,
} from "../src/index.ts";

/** Runs `misuse` and returns what it threw, failing the test if it threw nothing. */
function thrown(misuse: () => unknown): Error {
	try {
		misuse();
	} catch (error) {
		return error as Error;
	}
	throw new Error("expected the misuse to throw");
}

function allocateHere(heap: Heap, size: number): number {
	return heap.malloc(size);
}

describe("checked mode catches each misuse", () => {
	it("reports an overflow by one byte on free, naming the block, its size, the offset and the site", () => {
		const heap = new Heap({ checked: true });
		const p = allocateHere(heap, 24);
		heap.u8[p + 24] = 0;
		const error = thrown(() => heap.free(p));
		expect(error).toBeInstanceOf(HeapCorruptionError);
		expect(error.message).toContain("buffer overflow: byte 24 of the 24 B block");
		expect(error.message).toContain("allocateHere");
		expect(heap.leaks()[0]?.pointers).toContain(p); // the block stays live: the failed free changed nothing
	});

	it("reports an underflow before the block", () => {
		const heap = new Heap({ checked: true });
		const p = heap.malloc(8);
		heap.u8[p - 1] = 0;
		const error = thrown(() => heap.free(p));
		expect(error).toBeInstanceOf(HeapCorruptionError);
		expect(error.message).toContain("buffer underflow: byte -1 of the 8 B block");
	});

	it("reports a write after free when check() looks at the quarantine", () => {
		const heap = new Heap({ checked: true });
		const p = allocateHere(heap, 32);
		heap.free(p);
		heap.u32[(p + 8) >>> 2] = 1;
		const error = thrown(() => heap.check());
		expect(error).toBeInstanceOf(HeapCorruptionError);
		expect(error.message).toContain("write after free: byte 8 of the 32 B block");
		expect(error.message).toMatch(/allocated at:[\s\S]*allocateHere[\s\S]*freed at:/);
	});

	it("reports a write after free when the block leaves the quarantine", () => {
		const heap = new Heap({ checked: { quarantineBytes: 64 } });
		const p = heap.malloc(48);
		heap.free(p);
		heap.u8[p] = 7;
		expect(() => heap.free(heap.malloc(48))).toThrow(HeapCorruptionError);
	});

	it("reports a write after free once, retires that block, and leaves the block being freed live", () => {
		const heap = new Heap({ checked: { quarantineBytes: 64, stacks: false } });
		const p = heap.malloc(48);
		heap.free(p);
		heap.u8[p + 3] = 7;
		const b = heap.malloc(48);
		heap.u8.fill(9, b, b + 48);
		const bytes = heap.u8.slice();
		const stats = heap.stats();
		expect(() => heap.free(b)).toThrow(
			new RegExp(
				`^heap corrupted at block 0x${p.toString(16).padStart(4, "0")}: write after free: byte 3 of the 48 B block`,
			),
		);
		expect(heap.u8).toEqual(bytes);
		expect(heap.stats()).toEqual(stats);
		expect(heap.usableSize(b)).toBe(48); // b is still live, contents as they were
		expect(heap.u8.subarray(b, b + 48).every((byte) => byte === 9)).toBe(true);
		heap.free(b); // the corruption was reported once: b frees normally now
		heap.free(heap.malloc(48));
		heap.check();
		expect(() => heap.free(p)).toThrow(/written after its free \(reported then\), and is retired/);
		expect(heap.leaks()).toEqual([]);
		// The retired block's memory is never handed out again.
		for (let i = 0; i < 50; i++) expect(heap.malloc(48)).not.toBe(p);
	});

	it("reports a double free with the allocation site and both free sites", () => {
		const heap = new Heap({ checked: true });
		const p = heap.malloc(10);
		heap.free(p);
		const error = thrown(() => heap.free(p));
		expect(error).toBeInstanceOf(DoubleFreeError);
		expect(error.message).toMatch(/allocated at:[\s\S]*first freed at:[\s\S]*freed again at:/);
		heap.check();
	});

	it("refuses an interior pointer and names the block it lies in", () => {
		const heap = new Heap({ checked: true });
		const p = heap.malloc(64);
		const error = thrown(() => heap.free(p + 8));
		expect(error).toBeInstanceOf(InvalidPointerError);
		expect(error.message).toContain("8 B from the start of the live 64 B block");
		heap.check();
		heap.free(p);
	});

	it("lists leaked blocks grouped by allocation site, biggest first", () => {
		const heap = new Heap({ checked: true });
		const sites = [allocateHere(heap, 100), allocateHere(heap, 100)];
		for (let i = 0; i < 3; i++) heap.malloc(10);
		const leaks = heap.leaks();
		const total = leaks.reduce((sum, group) => sum + group.blocks, 0);
		expect(total).toBe(5);
		expect(leaks[0]?.bytes).toBe(100);
		expect(leaks.some((group) => group.site.includes("allocateHere"))).toBe(true);
		for (const group of leaks) for (const p of group.pointers) heap.free(p);
		expect(heap.leaks()).toEqual([]);
		expect(sites).toHaveLength(2);
	});

	it("catches a use of the old pointer after realloc, because realloc always moves", () => {
		const heap = new Heap({ checked: true });
		const p = heap.malloc(16);
		heap.u8.fill(3, p, p + 16);
		const q = heap.realloc(p, 32);
		expect(q).not.toBe(p);
		expect([...heap.u8.subarray(q, q + 16)].every((b) => b === 3)).toBe(true);
		heap.u8[p + 4] = 9; // through the stale pointer
		expect(() => heap.check()).toThrow(/write after free/);
	});
});

describe("checked mode keeps the allocator's contract", () => {
	it("returns aligned, zeroed and exactly sized blocks", () => {
		const heap = new Heap({ checked: true });
		const p = heap.malloc(100, 256);
		expect(p % 256).toBe(0);
		expect(heap.usableSize(p)).toBe(100);
		const z = heap.calloc(10, 10);
		expect(heap.u8.subarray(z, z + 100).every((b) => b === 0)).toBe(true);
		expect(heap.checked).toBe(true);
		expect(new Heap().checked).toBe(false);
	});

	it("refuses bad sizes and throws OutOfMemoryError from alloc past the budget", () => {
		const heap = new Heap({ checked: true, initialBytes: 65536, maxBytes: 65536 });
		expect(() => heap.malloc(-1)).toThrow(RangeError);
		expect(() => heap.calloc(1.5, 2)).toThrow(RangeError);
		expect(() => heap.alloc(1 << 20)).toThrow(OutOfMemoryError);
		expect(heap.malloc(2 ** 31 - 65536)).toBe(0);
	});

	it("survives random churn with every redzone and poison verified", () => {
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 }), fc.nat()), { maxLength: 120 }),
				(steps) => {
					const heap = new Heap({ checked: { quarantineBytes: 2048, stacks: false } });
					const live: [number, number][] = [];
					for (const [allocate, size, pick] of steps) {
						if (allocate || live.length === 0) {
							const p = heap.malloc(size);
							heap.u8.fill(size & 255, p, p + size);
							live.push([p, size]);
						} else {
							const [p, n] = live.splice(pick % live.length, 1)[0] as [number, number];
							expect(heap.u8.subarray(p, p + n).every((b) => b === (n & 255))).toBe(true);
							heap.free(p);
						}
						heap.check();
					}
					expect(heap.leaks().reduce((sum, g) => sum + g.blocks, 0)).toBe(live.length);
				},
			),
			{ numRuns: 60 },
		);
	});
});

describe("Heap.leakReport", () => {
	it("is empty without leaks and a per-site summary with them", () => {
		const heap = new Heap({ checked: true });
		expect(heap.leakReport()).toBe("");
		const p = allocateHere(heap, 24);
		allocateHere(heap, 8);
		const report = heap.leakReport();
		expect(report.split("\n")[0]).toBe("32 B in 2 blocks still live, from 2 allocation sites:");
		expect(report).toContain(`24 B in 1 block (0x${p.toString(16).padStart(4, "0")}) allocated at:`);
		expect(report).toContain("allocateHere");
	});
});

describe("Heap.leaks without checked mode", () => {
	it("lists the live blocks as one group without a site", () => {
		const heap = new Heap();
		expect(heap.leaks()).toEqual([]);
		const p = heap.malloc(20);
		const [group] = heap.leaks();
		expect(group?.blocks).toBe(1);
		expect(group?.pointers).toEqual([p]);
		expect(group?.site).toContain("checked mode is off");
	});
});
