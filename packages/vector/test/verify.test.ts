import { Heap, HeapCorruptionError, hex, InvalidPointerError } from "@offheap/core";
import { f32, f64, struct, u32 } from "@offheap/struct";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Vector } from "../src/index.ts";
import { W_CAPACITY, W_DATA, W_ELEM_SIZE, W_GROWTH, W_LENGTH, W_MAGIC } from "../src/internal/layout.ts";

/** Writes `value` at u32 word `w`, runs `check`, and puts the word back. */
function corrupt(heap: Heap, w: number, value: number, check: () => void): void {
	const old = heap.u32[w] as number;
	heap.u32[w] = value;
	try {
		check();
	} finally {
		heap.u32[w] = old;
	}
}

function expectCorrupt(heap: Heap, v: Vector, detail: string): void {
	const error = expectRefused(heap, HeapCorruptionError, () => v.check());
	expect(error.message).toBe(
		`heap corrupted at block ${hex(v.address)}: Vector.check: vector at ${hex(v.address)}: ${detail}`,
	);
	expect(error.block).toBe(v.address);
}

/** The first line of what `heap.usableSize(block)` throws. */
function report(heap: Heap, block: number): string {
	try {
		heap.usableSize(block);
	} catch (error) {
		return (error as Error).message.split("\n")[0] as string;
	}
	throw new Error(`${hex(block)} is a live block`);
}

describe("Vector.check", () => {
	it("passes on vectors of every shape, empty, grown, moved, shrunk and over-aligned", () => {
		const heap = new Heap();
		const Wide = struct("Wide", { a: f64 }, { align: 64 });
		const empty = new Vector(heap, f64);
		const wide = new Vector(heap, Wide);
		const ints = new Vector(heap, u32, { capacity: 3 });
		for (let i = 0; i < 100; i++) {
			wide.push({ a: i });
			ints.push(i);
			if (i % 10 === 0) heap.malloc(8); // pins: later growth moves
		}
		ints.truncate(5);
		ints.shrinkToFit();
		for (const v of [empty, wide, ints] as Vector[]) v.check();
		expect(wide.dataAddress % 64).toBe(0);
	});

	it("names a header whose magic, element type, counts or growth factor are wrong", () => {
		const heap = new Heap();
		const v = new Vector(heap, u32, { capacity: 8 });
		v.pushMany([1, 2, 3]);
		const hdr = v.address >>> 2;
		corrupt(heap, hdr + W_MAGIC, 0, () =>
			expectCorrupt(heap, v, "header magic 0x0000 is not the vector magic 0x54434556"),
		);
		corrupt(heap, hdr + W_ELEM_SIZE, 8, () =>
			expectCorrupt(heap, v, "the header's element type (8 B aligned to 4) is not u32's"),
		);
		corrupt(heap, hdr + W_LENGTH, 100, () =>
			expectCorrupt(heap, v, `header: length 100 exceeds capacity ${v.capacity}`),
		);
		corrupt(heap, hdr + W_CAPACITY, 0, () =>
			corrupt(heap, hdr + W_LENGTH, 0, () =>
				expectCorrupt(heap, v, `header: data pointer ${hex(v.dataAddress)} with capacity 0`),
			),
		);
		corrupt(heap, hdr + W_GROWTH, 0, () => expectCorrupt(heap, v, "header: growth factor 0"));
		const data = v.dataAddress;
		corrupt(heap, hdr + W_DATA, heap.u8.length - 8, () =>
			expectCorrupt(
				heap,
				v,
				`header: storage [${hex(heap.u8.length - 8)}, +${v.capacity * 4} B) is not inside the heap or misaligned`,
			),
		);
		const capacity = v.capacity;
		corrupt(heap, hdr + W_CAPACITY, capacity + 100, () =>
			expectCorrupt(
				heap,
				v,
				`its storage block ${hex(data - 8)} holds ${heap.usableSize(data - 8)} B, fewer than ${8 + (capacity + 100) * 4}`,
			),
		);
		v.check();
	});

	it("names a data pointer that points at a block that is not the vector's storage", () => {
		const heap = new Heap();
		const v = new Vector(heap, f32);
		v.pushMany([1, 2, 3]);
		const other = heap.malloc(64);
		heap.u32.fill(7, other >>> 2, (other >>> 2) + 16);
		const hdr = v.address >>> 2;
		corrupt(heap, hdr + W_DATA, other + 8, () =>
			expectCorrupt(
				heap,
				v,
				`header: the vector at ${hex(v.address)} names storage at ${hex(other + 8)}, whose header words (0x0007, 0x0007) ` +
					`are not those of this vector's storage (0x41544144, ${hex(v.address)}): the data pointer was ` +
					"overwritten, or the storage was freed and reused behind the vector's back",
			),
		);
		v.check();
	});

	it("names a header or a storage block freed behind the vector's back", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64);
		v.pushMany([1, 2, 3]);
		heap.malloc(8); // so that the storage's block stays a block of its own once freed
		const storage = v.dataAddress - 8;
		heap.free(storage); // a bug elsewhere (heap.free(v.dataAddress) itself is refused)
		// Whether the heap overwrote the freed block's first words (the storage's mark) with its own links
		// is the heap's business: either way the check names the storage.
		const [magic, owner] = [heap.u32[storage >>> 2] as number, heap.u32[(storage >>> 2) + 1] as number];
		expectCorrupt(
			heap,
			v,
			magic === 0x41544144 && owner === v.address
				? `its storage block ${hex(storage)} is not a live block of its allocator (${report(heap, storage)})`
				: `header: the vector at ${hex(v.address)} names storage at ${hex(v.dataAddress)}, whose header words ` +
						`(${hex(magic)}, ${hex(owner)}) are not those of this vector's storage (0x41544144, ${hex(v.address)}): ` +
						"the data pointer was overwritten, or the storage was freed and reused behind the vector's back",
		);
		const w = new Vector(heap, u32);
		heap.free(w.address - 8);
		expectCorrupt(
			heap,
			w,
			`the header's block ${hex(w.address - 8)} is not a live block of its allocator (${report(heap, w.address - 8)})`,
		);
	});

	it("refuses to grow, shrink or free storage that does not name the vector, changing nothing", () => {
		const heap = new Heap();
		const v = new Vector(heap, u32);
		v.push(1);
		while (v.length < v.capacity) v.push(v.length + 1);
		const data = v.dataAddress;
		heap.u32[(data >>> 2) - 1] = 0x1234; // the storage's back-pointer, overwritten
		const detail =
			`the vector at ${hex(v.address)} names storage at ${hex(data)}, whose header words (0x41544144, 0x1234) ` +
			`are not those of this vector's storage (0x41544144, ${hex(v.address)}): the data pointer was ` +
			"overwritten, or the storage was freed and reused behind the vector's back";
		const calls: [string, () => unknown][] = [
			["push", () => v.push(0)],
			["reserve", () => v.reserve(100)],
			["tryReserve", () => v.tryReserve(100)],
			["free", () => v.free()],
			["shrinkToFit", () => v.shrinkToFit()],
		];
		for (const [operation, call] of calls) {
			if (operation === "shrinkToFit") v.pop(); // capacity to give back
			const error = expectRefused(heap, HeapCorruptionError, call);
			expect(error.message).toBe(`heap corrupted at block ${hex(v.address)}: Vector.${operation}: ${detail}`);
		}
		expect(v.address).not.toBe(0); // not freed
		heap.u32[(data >>> 2) - 1] = v.address;
		v.check();
		v.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("refuses to check a freed vector", () => {
		const heap = new Heap();
		const v = new Vector(heap, u32);
		v.free();
		expect(expectRefused(heap, InvalidPointerError, () => v.check()).message).toBe(
			"Vector.check(0x0000): invalid pointer: the vector was freed",
		);
	});
});
