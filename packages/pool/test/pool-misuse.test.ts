import { DoubleFreeError, Heap, InvalidPointerError } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Pool } from "../src/index.ts";

/** A growable pool with live and freed slots in several chunks, so misuse has state to damage. */
function busyPool(): { heap: Heap; pool: Pool; live: number[]; freed: number[] } {
	const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 24 });
	const pool = new Pool(heap, 24, { capacity: 4, growable: true, maxCapacity: 1024 });
	const all = Array.from({ length: 20 }, () => pool.allocOrThrow());
	const freed = all.filter((_, i) => i % 4 === 1);
	for (const h of freed) pool.freeHandle(h);
	return { heap, pool, live: all.filter((_, i) => i % 4 !== 1), freed };
}

describe("Pool handle misuse", () => {
	it("calls freeing a handle twice a double free, naming the handle, its slot and generations", () => {
		const { heap, pool, freed } = busyPool();
		const h = freed[0] as number;
		const error = expectRefused(heap, DoubleFreeError, () => pool.freeHandle(h));
		expect(error.message).toContain(`handle ${h}`);
		expect(error.message).toMatch(/slot \d+, generation \d+/);
		expect(error.message).toContain("already freed");
	});

	it("refuses a stale handle after its slot was handed out again, as a double free or a use after free", () => {
		const { heap, pool, freed } = busyPool();
		for (let i = 0; i < freed.length; i++) pool.allocOrThrow();
		for (const h of freed) {
			expectRefused(heap, DoubleFreeError, () => pool.freeHandle(h));
			const error = expectRefused(heap, InvalidPointerError, () => pool.ptr(h));
			expect(error.message).toContain("stale");
		}
	});

	it("refuses a handle of another pool as not this pool's", () => {
		const { heap, pool } = busyPool();
		const other = new Pool(heap, 24, { capacity: 4, growable: true, maxCapacity: 1024 });
		const foreign = other.allocOrThrow();
		for (const call of [() => pool.freeHandle(foreign), () => pool.ptr(foreign)]) {
			const error = expectRefused(heap, InvalidPointerError, call);
			expect(error.message).toContain("another pool");
		}
	});

	it("refuses handles of slots never handed out, and values that are not handles", () => {
		const { heap, pool, live } = busyPool();
		expect(pool.isLive(live[0] as number)).toBe(true);
		const neverUsed = (1 << 10) | 500; // generation 1, slot 500: never handed out
		for (const bad of [0, -1, 2 ** 30, 2 ** 31 + 1, 1.5, Number.NaN, neverUsed, "3" as unknown as number]) {
			expectRefused(heap, InvalidPointerError, () => pool.freeHandle(bad));
			expectRefused(heap, InvalidPointerError, () => pool.ptr(bad));
		}
	});
});

describe("Pool pointer misuse", () => {
	const operations = {
		freePtr: (pool: Pool, p: number) => pool.freePtr(p),
		free: (pool: Pool, p: number) => pool.free(p),
		handleOf: (pool: Pool, p: number) => pool.handleOf(p),
		usableSize: (pool: Pool, p: number) => pool.usableSize(p),
		realloc: (pool: Pool, p: number) => pool.realloc(p, 8),
	};
	for (const [name, call] of Object.entries(operations)) {
		it(`${name}: refuses interior, foreign and out-of-range pointers, and a free slot`, () => {
			const { heap, pool, live } = busyPool();
			const p = pool.ptr(live[6] as number);
			const interior = expectRefused(heap, InvalidPointerError, () => call(pool, p + 8));
			expect(interior.message).toContain("inside slot");
			const outside = heap.malloc(24);
			expectRefused(heap, InvalidPointerError, () => call(pool, outside));
			for (const bad of [-8, 1.5, 2 ** 40, Number.NaN, "8" as unknown as number]) {
				expectRefused(heap, InvalidPointerError, () => call(pool, bad));
			}
			const slot = pool.allocPtr();
			pool.freePtr(slot);
			const error = expectRefused(heap, DoubleFreeError, () => call(pool, slot));
			expect(error.message).toContain("already free");
		});
	}

	it("refuses to free a slot twice through freePtr", () => {
		const { heap, pool } = busyPool();
		const p = pool.allocPtr();
		pool.freePtr(p);
		const error = expectRefused(heap, DoubleFreeError, () => pool.freePtr(p));
		expect(error.message).toContain("already free");
	});

	it("refuses free(undefined) rather than freeing the whole pool", () => {
		const { heap, pool } = busyPool();
		expectRefused(heap, InvalidPointerError, () => pool.free(undefined as unknown as number));
	});
});

describe("Pool argument misuse", () => {
	it("refuses bad sizes and alignments with RangeError and no change", () => {
		const { heap, pool, live } = busyPool();
		const p = pool.ptr(live[0] as number);
		for (const size of [-1, 1.5, Number.NaN, "8" as unknown as number]) {
			expectRefused(heap, RangeError, () => pool.malloc(size));
			expectRefused(heap, RangeError, () => pool.realloc(p, size));
			expectRefused(heap, RangeError, () => pool.calloc(1, size));
			expectRefused(heap, RangeError, () => pool.calloc(size, 1));
		}
		for (const align of [0, 3, 8192, -8]) expectRefused(heap, RangeError, () => pool.malloc(8, align));
	});

	it("refuses bad slot types and options with RangeError, allocating nothing", () => {
		const heap = new Heap();
		const cases: [number | { size: number; align: number }, object][] = [
			[-1, {}],
			[1.5, {}],
			[{ size: 8, align: 3 }, {}],
			[{ size: 8, align: 8192 }, {}],
			[8, { capacity: 0 }],
			[8, { capacity: 2 ** 25 }],
			[8, { capacity: 1.5 }],
			[8, { capacity: 10, maxCapacity: 20 }],
			[8, { capacity: 16, growable: true, maxCapacity: 8 }],
			[8, { growable: true, maxCapacity: 2 ** 25 }],
			[8, { growable: "yes" }],
			[1 << 30, { capacity: 4 }],
		];
		for (const [slot, options] of cases) expectRefused(heap, RangeError, () => new Pool(heap, slot, options));
	});

	it("refuses to open an address that holds no pool", () => {
		const heap = new Heap();
		const block = heap.malloc(400);
		const freed = new Pool(heap, 8);
		const stale = freed.address;
		freed.free();
		for (const address of [block, stale, 0, 3, 2 ** 40]) {
			expectRefused(heap, InvalidPointerError, () => Pool.open(heap, address));
		}
	});

	it("refuses every operation once freed", () => {
		const heap = new Heap();
		const pool = new Pool(heap, 8);
		const h = pool.allocOrThrow();
		const p = pool.ptr(h);
		pool.free();
		const calls: (() => unknown)[] = [
			() => pool.alloc(),
			() => pool.allocOrThrow(),
			() => pool.allocPtr(),
			() => pool.ptr(h),
			() => pool.freeHandle(h),
			() => pool.freePtr(p),
			() => pool.handleOf(p),
			() => pool.malloc(8),
			() => pool.usableSize(p),
			() => pool.forEach(() => {}),
			() => [...pool],
			() => pool.clear(),
			() => pool.stats(),
			() => pool.free(),
		];
		for (const call of calls) expectRefused(heap, InvalidPointerError, call);
		expect(pool.isLive(h)).toBe(false);
		expect([pool.live, pool.capacity, pool.highWater]).toEqual([0, 0, 0]);
	});
});

describe("Pool options and argument types", () => {
	it("refuses an unknown option, naming it, the near miss and every valid option, allocating nothing", () => {
		const heap = new Heap();
		const cases: [unknown, string][] = [
			[{ capacty: 8 }, 'Pool: unknown option "capacty" (valid options: capacity, growable, maxCapacity)'],
			[
				{ capacity: 8, maxcapacity: 8 },
				'Pool: unknown option "maxcapacity"; did you mean "maxCapacity"? (valid options: capacity, growable, maxCapacity)',
			],
			[
				{ [Symbol("x")]: 1 },
				"Pool: unknown option Symbol(x) (valid options: capacity, growable, maxCapacity)",
			],
			[null, "Pool: options must be an object, got null"],
			[5, "Pool: options must be an object, got 5"],
			[[8], "Pool: options must be an object, got array of 1"],
		];
		for (const [options, message] of cases) {
			const error = expectRefused(heap, TypeError, () => new Pool(heap, 8, options as object));
			expect(error.message).toBe(message);
		}
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("names bigint and symbol slot types and options in a RangeError, and a parent that is not an allocator in a TypeError", () => {
		const heap = new Heap();
		const range: [() => unknown, string][] = [
			[
				() => new Pool(heap, 8n as unknown as number),
				"Pool: slot = bigint 8n is not a byte count or { size, align }",
			],
			[
				() => new Pool(heap, { size: 8n as unknown as number, align: 8 }),
				"Pool: slot size = bigint 8n is not an integer number of bytes in [0, 2^30]",
			],
			[
				() => new Pool(heap, { size: 8, align: Symbol("a") as unknown as number }),
				"Pool: slot align = symbol Symbol(a) is not a power of two in [1, 4096]",
			],
			[
				() => new Pool(heap, 8, { capacity: 4n as unknown as number }),
				"Pool: capacity = bigint 4n is not an integer in [1, 2^24]",
			],
			[
				() => new Pool(heap, 8, { growable: true, maxCapacity: Symbol("m") as unknown as number }),
				"Pool: maxCapacity = symbol Symbol(m) is not an integer in [capacity (256), 2^24]",
			],
			[() => new Pool(heap, 8, { growable: 1 as unknown as boolean }), "Pool: growable = 1 is not a boolean"],
		];
		for (const [call, message] of range) expect(expectRefused(heap, RangeError, call).message).toBe(message);
		for (const parent of [undefined, null, 8n, {}, { heap }]) {
			const error = expectRefused(heap, TypeError, () => new Pool(parent as unknown as Heap, 8));
			expect(error.message).toMatch(
				/^Pool: parent .* is not an Allocator \(a Heap, an Arena, another Pool …\)$/,
			);
			expectRefused(heap, TypeError, () => Pool.open(parent as unknown as Heap, 8));
		}
		expect(expectRefused(heap, TypeError, () => new Pool(undefined as unknown as Heap, 8)).message).toBe(
			"Pool: parent undefined is not an Allocator (a Heap, an Arena, another Pool …)",
		);
	});

	it("names bigint and symbol sizes, counts and alignments in a RangeError, changing nothing", () => {
		const { heap, pool, live } = busyPool();
		const p = pool.ptr(live[0] as number);
		const big = 8n as unknown as number;
		const sym = Symbol("s") as unknown as number;
		const cases: [() => unknown, string][] = [
			[() => pool.malloc(big), "malloc: size bigint 8n is not a non-negative integer number of bytes"],
			[() => pool.malloc(sym), "malloc: size symbol Symbol(s) is not a non-negative integer number of bytes"],
			[() => pool.malloc(8, big), "malloc: alignment bigint 8n is not a power of two in [1, 4096]"],
			[() => pool.calloc(big, 8), "calloc: count bigint 8n is not a non-negative integer"],
			[
				() => pool.calloc(1, sym),
				"calloc: size symbol Symbol(s) is not a non-negative integer number of bytes",
			],
			[() => pool.realloc(p, big), "realloc: size bigint 8n is not a non-negative integer number of bytes"],
		];
		for (const [call, message] of cases) expect(expectRefused(heap, RangeError, call).message).toBe(message);
	});

	it("names bigint and symbol handles and pointers in an InvalidPointerError, changing nothing", () => {
		const { heap, pool, live } = busyPool();
		const h = live[0] as number;
		const p = pool.ptr(h);
		const handles: [unknown, string][] = [
			[BigInt(h), `${h}`],
			[Symbol("h"), "Symbol(h)"],
		];
		for (const [bad, shown] of handles) {
			const got = `got ${typeof bad === "bigint" ? `bigint ${bad}n` : "symbol Symbol(h)"}`;
			for (const [name, call] of [
				["ptr", () => pool.ptr(bad as number)],
				["freeHandle", () => pool.freeHandle(bad as number)],
			] as const) {
				expect(expectRefused(heap, InvalidPointerError, call).message).toBe(
					`${name}(${shown}): invalid pointer: not a pool handle: handles are integers in [1, 2^30), ${got}`,
				);
			}
			expect(pool.isLive(bad as number)).toBe(false);
		}
		const pointers: [unknown, string, string][] = [
			[BigInt(p), `${p}`, `bigint ${p}n`],
			[Symbol("p"), "Symbol(p)", "symbol Symbol(p)"],
		];
		for (const [bad, shown, described] of pointers) {
			for (const [name, call] of [
				["freePtr", () => pool.freePtr(bad as number)],
				["freePtr", () => pool.free(bad as number)],
				["handleOf", () => pool.handleOf(bad as number)],
				["usableSize", () => pool.usableSize(bad as number)],
				["realloc", () => pool.realloc(bad as number, 8)],
			] as const) {
				expect(expectRefused(heap, InvalidPointerError, call).message).toBe(
					`${name}(${shown}): invalid pointer: expected a non-negative integer address, got ${described}`,
				);
			}
		}
		expect(
			expectRefused(heap, InvalidPointerError, () => Pool.open(heap, 8n as unknown as number)).message,
		).toBe("Pool.open(8): invalid pointer: expected the address of a pool's header, got bigint 8n");
	});
});
