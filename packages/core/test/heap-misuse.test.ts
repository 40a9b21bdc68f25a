import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import {
	DoubleFreeError,
	Heap,
	HeapCorruptionError,
	InvalidPointerError,
	OffheapError,
} from "../src/index.ts";

/** A heap with a few live and free blocks around, so that misuse has neighbours to damage. */
function busyHeap(): { heap: Heap; live: number[]; freed: number[] } {
	const heap = new Heap({ maxBytes: 1 << 22 });
	const live: number[] = [];
	for (let i = 0; i < 12; i++) live.push(heap.malloc(16 + i * 24));
	const freed = [live[1] as number, live[4] as number, live[7] as number];
	for (const p of freed) heap.free(p);
	return { heap, live: live.filter((p) => !freed.includes(p)), freed };
}

const operations = {
	free: (heap: Heap, p: number) => heap.free(p),
	realloc: (heap: Heap, p: number) => heap.realloc(p, 64),
	usableSize: (heap: Heap, p: number) => heap.usableSize(p),
};

describe.each(Object.entries(operations))("%s on a bad pointer", (name, call) => {
	it("refuses an interior pointer of a live block and names the block", () => {
		const { heap, live } = busyHeap();
		const p = live[3] as number;
		const error = expectRefused(heap, InvalidPointerError, () => call(heap, p + 8));
		expect(error.message).toContain(`${name}(0x`);
		expect(error.message).toContain("interior pointer");
		expect(error.message).toContain(`0x${p.toString(16).padStart(4, "0")}`);
	});

	it("refuses a pointer past the end of the heap", () => {
		const { heap } = busyHeap();
		expectRefused(heap, InvalidPointerError, () => call(heap, heap.stats().heapBytes + 64));
		expectRefused(heap, InvalidPointerError, () => call(heap, 2 ** 40));
	});

	it("refuses misaligned, fractional, negative and non-number pointers", () => {
		const { heap, live } = busyHeap();
		const p = live[0] as number;
		for (const bad of [p + 1, p + 4, p + 0.5, -8, Number.NaN, Number.POSITIVE_INFINITY]) {
			expectRefused(heap, InvalidPointerError, () => call(heap, bad));
		}
		expectRefused(heap, InvalidPointerError, () => call(heap, String(p) as unknown as number));
		expectRefused(heap, InvalidPointerError, () => call(heap, undefined as unknown as number));
	});

	it("refuses a pointer into the allocator's control block", () => {
		const { heap } = busyHeap();
		expectRefused(heap, InvalidPointerError, () => call(heap, 64));
	});

	it("refuses a block that was already freed", () => {
		const { heap, freed } = busyHeap();
		const error = expectRefused(heap, DoubleFreeError, () => call(heap, freed[0] as number));
		expect(error.message).toContain("already free");
		expect(error).toBeInstanceOf(OffheapError);
	});

	it("refuses a freed block that has since merged into its left neighbour", () => {
		const heap = new Heap();
		const a = heap.malloc(600);
		const b = heap.malloc(600);
		heap.malloc(600);
		heap.free(a);
		heap.free(b);
		const error = expectRefused(heap, DoubleFreeError, () => call(heap, b));
		expect(error.message).toContain("merged into the free block");
	});

	it("refuses a block freed twice while it waits in the cache of small blocks", () => {
		const heap = new Heap();
		const a = heap.malloc(40);
		const b = heap.malloc(40);
		heap.malloc(40);
		heap.free(a);
		heap.free(b); // its free left neighbour makes it a cached block
		expect(heap.dump()).toContain("free (cached)");
		expectRefused(heap, DoubleFreeError, () => call(heap, b));
	});

	it("refuses a freed block that has since merged into the top of the heap", () => {
		const heap = new Heap();
		heap.malloc(40);
		const b = heap.malloc(40);
		const c = heap.malloc(40);
		heap.free(c);
		heap.free(b);
		expectRefused(heap, DoubleFreeError, () => call(heap, c));
		expectRefused(heap, DoubleFreeError, () => call(heap, b));
	});

	it("refuses an 8-aligned pointer inside a free block that never started a block", () => {
		const heap = new Heap();
		const a = heap.malloc(400);
		heap.malloc(16);
		heap.free(a);
		expectRefused(heap, InvalidPointerError, () => call(heap, a + 200));
	});
});

describe("bad sizes and alignments", () => {
	it("refuses a bad size for realloc and leaves the block as it was", () => {
		const { heap, live } = busyHeap();
		for (const size of [-1, 0.5, Number.NaN, 2 ** 31]) {
			expectRefused(heap, RangeError, () => heap.realloc(live[0] as number, size));
		}
	});

	it("refuses bad sizes and alignments for malloc and calloc without touching the heap", () => {
		const { heap } = busyHeap();
		expectRefused(heap, RangeError, () => heap.malloc(-5));
		expectRefused(heap, RangeError, () => heap.malloc(8, 24));
		expectRefused(heap, RangeError, () => heap.calloc(1.5, 8));
		expectRefused(heap, RangeError, () => heap.calloc(8, -1));
		expectRefused(heap, RangeError, () => heap.alloc(Number.NaN));
	});
});

describe("the NULL guard", () => {
	/** What a program does when it writes a 64-byte struct through a failed malloc's 0. */
	function writeThroughNull(heap: Heap, bytes = 64): void {
		for (let i = 0; i < bytes; i++) heap.u8[i] = 0x41 + (i % 26);
	}

	it("keeps every allocator word out of the first 256 bytes", () => {
		const heap = new Heap();
		const before = heap.u8.slice(0, 256);
		const p = heap.malloc(100);
		heap.free(heap.malloc(24));
		heap.realloc(p, 4000);
		expect([...heap.u8.slice(0, 256)]).toEqual([...before]);
		expect(before.every((byte) => byte === 0)).toBe(true);
	});

	it("lets writes through NULL change nothing the allocator does", () => {
		const heap = new Heap({ maxBytes: 1 << 22 });
		const twin = new Heap({ maxBytes: 1 << 22 });
		writeThroughNull(heap, 256);
		const got: number[] = [];
		const want: number[] = [];
		for (let i = 0; i < 200; i++) {
			const size = 8 + ((i * 37) % 300);
			got.push(heap.malloc(size));
			want.push(twin.malloc(size));
			if (i % 3 === 0) {
				heap.free(got[i - 1] ?? 0);
				twin.free(want[i - 1] ?? 0);
			}
		}
		expect(got).toEqual(want);
		expect(Math.min(...got.filter((p) => p !== 0))).toBeGreaterThan(256);
		expect(heap.stats()).toEqual(twin.stats());
	});

	it("is reported by check() as a write through NULL, naming the first byte written", () => {
		const heap = new Heap();
		heap.malloc(16);
		heap.u8[0x1c] = 0x08;
		expect(() => heap.check()).toThrow(HeapCorruptionError);
		expect(() => heap.check()).toThrow(
			"heap corrupted at NULL: NULL guard [0x0000, 0x0100) was written: byte 0x001c is 0x08; " +
				"something wrote through a NULL pointer (a failed malloc's 0) or a small offset of it",
		);
		try {
			heap.check();
		} catch (error) {
			expect((error as HeapCorruptionError).block).toBe(0);
		}
		heap.u8[0x1c] = 0;
		heap.check();
	});

	it("is verified by a checked heap on every call, before the call changes anything", () => {
		const heap = new Heap({ checked: { stacks: false } });
		const p = heap.malloc(16);
		writeThroughNull(heap, 8);
		const bytes = heap.u8.slice();
		const stats = heap.stats();
		for (const call of [
			() => heap.malloc(8),
			() => heap.calloc(2, 8),
			() => heap.realloc(p, 64),
			() => heap.free(p),
			() => heap.usableSize(p),
		]) {
			expect(call).toThrow(/heap corrupted at NULL: NULL guard/);
		}
		expect(heap.stats()).toEqual(stats);
		expect(heap.u8).toEqual(bytes);
		heap.u8.fill(0, 0, 8);
		heap.free(p);
		heap.check();
	});

	it("is cleared in a caller's buffer, which may hold anything", () => {
		const buffer = new ArrayBuffer(1 << 16);
		new Uint8Array(buffer).fill(0xee);
		const heap = new Heap({ buffer });
		heap.check();
		expect(heap.u8.slice(0, 256).every((byte) => byte === 0)).toBe(true);
	});
});

describe("arguments of the wrong type", () => {
	const odd: [string, unknown][] = [
		["bigint 16n", 16n],
		["symbol Symbol(size)", Symbol("size")],
		['string "16"', "16"],
		["null", null],
	];

	it.each(odd)("refuses a %s size, count or alignment with a TypeError naming it", (text, value) => {
		for (const checked of [false, true]) {
			const { heap, live } = busyHeap();
			const checkedHeap = checked ? new Heap({ checked: { stacks: false } }) : heap;
			const h = checkedHeap;
			const p = checked ? h.malloc(8) : (live[0] as number);
			const n = value as number;
			expect(expectRefused(h, TypeError, () => h.malloc(n)).message).toBe(
				`malloc: size ${text} is not a number`,
			);
			expect(expectRefused(h, TypeError, () => h.alloc(n)).message).toBe(
				`malloc: size ${text} is not a number`,
			);
			expect(expectRefused(h, TypeError, () => h.malloc(8, n)).message).toBe(
				`malloc: alignment ${text} is not a number`,
			);
			expect(expectRefused(h, TypeError, () => h.calloc(n, 8)).message).toBe(
				`calloc: count ${text} is not a number`,
			);
			expect(expectRefused(h, TypeError, () => h.calloc(8, n)).message).toBe(
				`calloc: size ${text} is not a number`,
			);
			expect(expectRefused(h, TypeError, () => h.realloc(p, n)).message).toBe(
				`realloc: size ${text} is not a number`,
			);
		}
	});

	it.each(odd)("refuses a %s pointer with an InvalidPointerError naming it", (text, value) => {
		const { heap } = busyHeap();
		for (const call of [
			() => heap.free(value as number),
			() => heap.realloc(value as number, 8),
			() => heap.usableSize(value as number),
		]) {
			if (value === null) continue; // realloc(null) is not malloc: covered below
			expect(expectRefused(heap, InvalidPointerError, call).message).toContain(
				`expected a number, got ${text}`,
			);
		}
	});

	it("refuses alignments a checked heap used to accept, as an unchecked heap does", () => {
		const heap = new Heap({ checked: { stacks: false } });
		for (const align of [0, 3, -8, 1.5, 2 ** 25, 2 ** 31, Number.POSITIVE_INFINITY, Number.NaN]) {
			expect(expectRefused(heap, RangeError, () => heap.malloc(16, align)).message).toBe(
				`malloc: alignment ${align} is not a power of two in [1, 2^24]`,
			);
		}
		expect(expectRefused(heap, TypeError, () => heap.malloc(16, null as unknown as number)).message).toBe(
			"malloc: alignment null is not a number",
		);
	});
});

describe("options", () => {
	it("refuses an unknown option of a heap, naming it and the valid ones", () => {
		expect(() => new Heap({ maxbytes: 1024 } as never)).toThrow(
			new TypeError(
				'Heap: unknown option "maxbytes"; did you mean "maxBytes"? (valid options: initialBytes, maxBytes, growthFactor, shared, buffer, checked)',
			),
		);
		expect(() => new Heap({ checked: { stack: false } } as never)).toThrow(
			new TypeError('Heap: checked: unknown option "stack" (valid options: quarantineBytes, stacks)'),
		);
	});

	it("refuses options of the wrong type, naming them", () => {
		expect(() => new Heap({ shared: "yes" } as never)).toThrow(
			new TypeError('Heap: shared string "yes" is not a boolean'),
		);
		expect(() => new Heap({ checked: { stacks: 1 } } as never)).toThrow(
			new TypeError("Heap: checked.stacks 1 is not a boolean"),
		);
		expect(() => new Heap({ checked: { quarantineBytes: -1 } })).toThrow(RangeError);
		expect(() => new Heap({ initialBytes: 65536n } as never)).toThrow(
			new RangeError("Heap: initialBytes bigint 65536n is not a non-negative integer"),
		);
	});
});
