import {
	DoubleFreeError,
	FaultyAllocator,
	Heap,
	HeapCorruptionError,
	InvalidPointerError,
} from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Arena } from "../src/index.ts";

function checkedArena(): { heap: Heap; arena: Arena } {
	const heap = new Heap({ checked: true });
	return { heap, arena: new Arena(heap, { chunkBytes: 1024 }) };
}

describe("Arena on a checked heap", () => {
	it("names the allocation, its size, the byte written and where it was allocated when a rewind finds its redzone overwritten", () => {
		const { heap, arena } = checkedArena();
		const start = arena.mark();
		const p = arena.malloc(10);
		arena.malloc(8);
		heap.u8[p + 12] = 0x41;
		const error = expectRefused(heap, HeapCorruptionError, () => arena.reset(start));
		expect(error.message).toContain("buffer overflow: byte 12 of the 10 B arena allocation");
		expect(error.message).toContain("found at reset");
		expect(error.message).toMatch(/allocated at:\n\s+at .*checker\.test\.ts/);
		heap.u8[p + 12] = 0xfd;
		arena.reset(start);
		arena.check();
	});

	it("verifies the redzone of the allocation that free() rewinds over, and of any other freed allocation", () => {
		const { heap, arena } = checkedArena();
		const a = arena.malloc(16);
		const b = arena.malloc(24);
		heap.u8[b + 24] = 0;
		expect(expectRefused(heap, HeapCorruptionError, () => arena.free(b)).message).toContain("found at free");
		heap.u8[b + 24] = 0xfd;
		heap.u8[a + 20] = 0;
		expectRefused(heap, HeapCorruptionError, () => arena.free(a));
		expectRefused(heap, HeapCorruptionError, () => arena.check());
	});

	it("poisons what reset(mark), pop, reset() and free() take back, and catches a write through a stale pointer when the bytes are handed out again", () => {
		const takeBacks: ((arena: Arena, mark: number, last: number) => void)[] = [
			(arena, mark) => arena.reset(mark),
			(arena, mark) => arena.pop(mark),
			(arena) => arena.reset(),
			(arena, _mark, last) => arena.free(last),
		];
		for (const takeBack of takeBacks) {
			const { heap, arena } = checkedArena();
			const mark = arena.mark();
			const stale = arena.malloc(40);
			takeBack(arena, mark, stale);
			expect(heap.u8.subarray(stale, stale + 40).every((x) => x === 0xdd)).toBe(true);
			heap.u8[stale + 3] = 7;
			const error = expectRefused(heap, HeapCorruptionError, () => arena.malloc(40));
			expect(error.message).toContain("write after reset");
			expect(error.message).toContain("byte 3 of the 40 B allocation");
			expect(expectRefused(heap, HeapCorruptionError, () => arena.check()).message).toContain(
				"found at check",
			);
			heap.u8[stale + 3] = 0xdd;
			expect(arena.malloc(40)).not.toBe(0);
			arena.check();
		}
	});

	it("names where a stale mark was taken and where it was invalidated", () => {
		const { heap, arena } = checkedArena();
		const outer = arena.mark();
		const inner = arena.mark();
		arena.reset(outer);
		const error = expectRefused(heap, InvalidPointerError, () => arena.pop(inner));
		expect(error.message).toMatch(/mark taken at:\n\s+at .*checker\.test\.ts/);
		expect(error.message).toMatch(/invalidated at:\n\s+at .*checker\.test\.ts/);
	});

	it("names a pointer taken back by a rewind, and calls a second free of the last allocation a double free", () => {
		const { heap, arena } = checkedArena();
		const mark = arena.mark();
		const rewound = arena.malloc(8);
		arena.reset(mark);
		const stale = expectRefused(heap, InvalidPointerError, () => arena.usableSize(rewound));
		expect(stale.message).toMatch(/the 8 B allocation at 0x[0-9a-f]+ was taken back by a rewind or reset/);
		expect(stale.message).toContain("taken back at:");
		const last = arena.malloc(16);
		arena.free(last);
		const twice = expectRefused(heap, DoubleFreeError, () => arena.free(last));
		expect(twice.message).toContain("freed at:");
	});

	it("poisons an allocation freed while not the last, refuses it from then on, and catches a write through it", () => {
		const { heap, arena } = checkedArena();
		const start = arena.mark();
		const a = arena.malloc(12);
		arena.malloc(8);
		arena.free(a);
		expect(heap.u8.subarray(a, a + 12).every((x) => x === 0xdd)).toBe(true);
		const twice = expectRefused(heap, DoubleFreeError, () => arena.free(a));
		expect(twice.message).toMatch(
			/the 12 B allocation at 0x[0-9a-f]+ was freed\n\s+allocated at:[\s\S]*freed at:/,
		);
		expectRefused(heap, DoubleFreeError, () => arena.usableSize(a));
		heap.u8[a + 5] = 1;
		const write = expectRefused(heap, HeapCorruptionError, () => arena.check());
		expect(write.message).toContain("write after free: byte 5 of the 12 B arena allocation");
		expectRefused(heap, HeapCorruptionError, () => arena.reset(start));
		heap.u8[a + 5] = 0xdd;
		arena.reset(start);
		expectRefused(heap, DoubleFreeError, () => arena.free(a));
		arena.check();
	});

	it("reports the size asked for of every live allocation, and always moves on realloc, copying what was asked for", () => {
		const { heap, arena } = checkedArena();
		const a = arena.malloc(10);
		const b = arena.malloc(3);
		expect([arena.usableSize(a), arena.usableSize(b)]).toEqual([10, 3]);
		heap.u8.fill(9, b, b + 3);
		const moved = arena.realloc(b, 6);
		expect(moved).not.toBe(b);
		expect([...heap.u8.subarray(moved, moved + 3)]).toEqual([9, 9, 9]);
		expect(arena.usableSize(moved)).toBe(6);
		arena.check();
	});

	it("leaves itself checkable and usable after every failing parent call", () => {
		for (let failAt = 1; failAt <= 6; failAt++) {
			const heap = new Heap({ checked: true });
			const parent = new FaultyAllocator(heap, (n) => n === failAt);
			let arena: Arena;
			try {
				arena = new Arena(parent, { chunkBytes: 256 });
			} catch {
				expect(heap.leaks()).toEqual([]);
				continue;
			}
			const mark = arena.mark();
			for (let i = 0; i < 20; i++) arena.malloc(60 + i);
			arena.check();
			arena.reset(mark);
			for (let i = 0; i < 20; i++) arena.malloc(60 + i);
			arena.reset();
			arena.check();
			arena.free();
			expect(heap.leaks()).toEqual([]);
			heap.check();
		}
	});
});
