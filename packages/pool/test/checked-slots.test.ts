import { DoubleFreeError, Heap, HeapCorruptionError, hex, InvalidPointerError } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Pool } from "../src/index.ts";

function spawnEntity(pool: Pool): number {
	return pool.allocOrThrow();
}

describe("a pool in a checked heap", () => {
	it("poisons a freed slot and catches a write through a stale pointer when the slot is reused", () => {
		const heap = new Heap({ checked: true });
		const pool = new Pool(heap, 16, { capacity: 4 });
		const h = pool.allocOrThrow();
		const p = pool.ptr(h);
		pool.freeHandle(h);
		expect([...heap.u8.subarray(p + 4, p + 16)].every((b) => b === 0xdd)).toBe(true);
		heap.u8[p + 8] = 1;
		const live = pool.live;
		for (const call of [() => pool.alloc(), () => pool.allocPtr(), () => pool.check()]) {
			const error = expectRefused(heap, HeapCorruptionError, call);
			expect(error.message.split("\n")[0]).toBe(
				`heap corrupted at block ${hex(p)}: write after free: byte 8 of pool slot 0 (${hex(p)}, 16 B) changed after it was freed`,
			);
		}
		expect(pool.live).toBe(live); // the failed allocations changed nothing
	});

	it("poisons the slots clear() frees, so they are handed out again without a false write-after-free", () => {
		const heap = new Heap({ checked: true });
		const pool = new Pool(heap, 16, { capacity: 4 });
		const handles = [pool.allocOrThrow(), pool.allocOrThrow(), pool.allocOrThrow()];
		const ptrs = handles.map((h) => pool.ptr(h));
		pool.clear();
		for (const p of ptrs) expect([...heap.u8.subarray(p + 4, p + 16)].every((b) => b === 0xdd)).toBe(true);
		expect(pool.live).toBe(0);
		pool.check();
		const again = [pool.allocOrThrow(), pool.allocOrThrow(), pool.allocOrThrow(), pool.allocOrThrow()];
		expect(again.every((h) => pool.isLive(h))).toBe(true);
		expect(handles.some((h) => pool.isLive(h))).toBe(false);
		pool.check();
	});

	it("names where a stale handle's slot was allocated and freed", () => {
		const heap = new Heap({ checked: true });
		const pool = new Pool(heap, 16);
		const h = spawnEntity(pool);
		pool.freeHandle(h);
		let message = "";
		try {
			pool.ptr(h);
		} catch (error) {
			expect(error).toBeInstanceOf(InvalidPointerError);
			message = (error as Error).message;
		}
		expect(message).toMatch(/slot 0 allocated at:[\s\S]*spawnEntity[\s\S]*freed at:/);
		expect(() => pool.freeHandle(h)).toThrow(DoubleFreeError);
	});

	it("hands out slots filled with the fresh pattern and keeps working after many reuses", () => {
		const heap = new Heap({ checked: true });
		const pool = new Pool(heap, 24, { capacity: 8 });
		for (let round = 0; round < 50; round++) {
			const handles = Array.from({ length: 8 }, () => pool.allocOrThrow());
			const p = pool.ptr(handles[0] as number);
			expect(heap.u8[p + 12]).toBe(0xcd);
			for (const h of handles) pool.freeHandle(h);
		}
		pool.free();
		heap.check();
		expect(heap.leakReport()).toBe("");
	});
});
