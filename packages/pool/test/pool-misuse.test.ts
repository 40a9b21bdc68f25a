import { DoubleFreeError, Heap, hex, InvalidPointerError } from "@offheap/core";
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

/** Slot index and generation of a handle of `pool`. */
function parts(pool: Pool, h: number): { index: number; gen: number } {
	const bits = 30 - pool.stats().generationBits;
	return { index: h & ((1 << bits) - 1), gen: h >>> bits };
}

/** How an InvalidPointerError or DoubleFreeError names the value it was given. */
function shown(value: unknown): string {
	return typeof value === "number" ? hex(value) : String(value);
}

describe("Pool handle misuse", () => {
	it("calls freeing a handle twice a double free, naming the handle, its slot and generations", () => {
		const { heap, pool, freed } = busyPool();
		const h = freed[0] as number;
		const { index, gen } = parts(pool, h);
		const error = expectRefused(heap, DoubleFreeError, () => pool.freeHandle(h));
		expect(error.message).toBe(
			`freeHandle(${hex(h)}): double free: handle ${h} (slot ${index}, generation ${gen}) was already freed; ` +
				`slot ${index} is free at generation ${gen + 1}`,
		);
	});

	it("refuses a stale handle after its slot was handed out again, as a double free or a use after free", () => {
		const { heap, pool, freed } = busyPool();
		for (let i = 0; i < freed.length; i++) pool.allocOrThrow();
		for (const h of freed) {
			const { index, gen } = parts(pool, h);
			const what = `handle ${h} (slot ${index}, generation ${gen})`;
			const state = `slot ${index} is live at generation ${gen + 1}`;
			expect(expectRefused(heap, DoubleFreeError, () => pool.freeHandle(h)).message).toBe(
				`freeHandle(${hex(h)}): double free: ${what} was already freed; ${state}`,
			);
			expect(expectRefused(heap, InvalidPointerError, () => pool.ptr(h)).message).toBe(
				`ptr(${hex(h)}): invalid pointer: stale ${what}: it was freed; ${state}`,
			);
		}
	});

	it("refuses a handle of another pool as not this pool's", () => {
		const { heap, pool, live } = busyPool();
		const other = new Pool(heap, 24, { capacity: 4, growable: true, maxCapacity: 1024 });
		const foreign = other.allocOrThrow();
		const { index, gen } = parts(pool, foreign);
		const current = parts(pool, live[0] as number).gen; // slot 0 is live in this pool too
		expect(index).toBe(0);
		for (const [name, call] of [
			["freeHandle", () => pool.freeHandle(foreign)],
			["ptr", () => pool.ptr(foreign)],
		] as const) {
			expect(expectRefused(heap, InvalidPointerError, call).message).toBe(
				`${name}(${hex(foreign)}): invalid pointer: handle ${foreign} (slot 0, generation ${gen}): ` +
					`slot 0 is live at generation ${current} and never had generation ${gen}: a handle of another pool?`,
			);
		}
	});

	it("refuses handles of slots never handed out, and values that are not handles", () => {
		const { heap, pool, live } = busyPool();
		expect(pool.isLive(live[0] as number)).toBe(true);
		const neverUsed = (1 << 10) | 500; // generation 1, slot 500: never handed out
		for (const name of ["freeHandle", "ptr"] as const) {
			const call = (h: number) => (name === "ptr" ? pool.ptr(h) : pool.freeHandle(h));
			expect(expectRefused(heap, InvalidPointerError, () => call(neverUsed)).message).toBe(
				`${name}(${hex(neverUsed)}): invalid pointer: handle ${neverUsed} (slot 500, generation 1): ` +
					"this pool never handed out slot 500 (only 20): a handle of another pool?",
			);
			const notHandles: [unknown, string][] = [
				[0, "0"],
				[-1, "-1"],
				[2 ** 30, "1073741824"],
				[2 ** 31 + 1, "2147483649"],
				[1.5, "1.5"],
				[Number.NaN, "NaN"],
				["3", 'string "3"'],
				[undefined, "undefined"],
			];
			for (const [bad, described] of notHandles) {
				expect(expectRefused(heap, InvalidPointerError, () => call(bad as number)).message).toBe(
					`${name}(${shown(bad)}): invalid pointer: not a pool handle: handles are integers in [1, 2^30), got ${described}`,
				);
			}
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
		// free(ptr) is freePtr(ptr), and says so.
		const op = name === "free" ? "freePtr" : name;
		it(`${name}: refuses interior, foreign and out-of-range pointers, and a free slot, naming each`, () => {
			const { heap, pool, live } = busyPool();
			const h = live[6] as number;
			const p = pool.ptr(h);
			const { index } = parts(pool, h);
			expect(expectRefused(heap, InvalidPointerError, () => call(pool, p + 8)).message).toBe(
				`${op}(${hex(p + 8)}): invalid pointer: 8 B inside slot ${index} of this pool, not its start`,
			);
			const outside = heap.malloc(24);
			expect(expectRefused(heap, InvalidPointerError, () => call(pool, outside)).message).toBe(
				`${op}(${hex(outside)}): invalid pointer: not a slot of this pool`,
			);
			const bad: [unknown, string][] = [
				[-8, "-8"],
				[1.5, "1.5"],
				[2 ** 40, "1099511627776"],
				[Number.NaN, "NaN"],
				["8", 'string "8"'],
			];
			for (const [value, described] of bad) {
				expect(expectRefused(heap, InvalidPointerError, () => call(pool, value as number)).message).toBe(
					`${op}(${shown(value)}): invalid pointer: expected a non-negative integer address, got ${described}`,
				);
			}
			const slot = pool.allocPtr();
			const slotIndex = parts(pool, pool.handleOf(slot)).index;
			pool.freePtr(slot);
			expect(expectRefused(heap, DoubleFreeError, () => call(pool, slot)).message).toBe(
				`${op}(${hex(slot)}): double free: slot ${slotIndex} at ${hex(slot)} is already free`,
			);
		});
	}

	it("refuses free(undefined) rather than freeing the whole pool", () => {
		const { heap, pool } = busyPool();
		expect(
			expectRefused(heap, InvalidPointerError, () => pool.free(undefined as unknown as number)).message,
		).toBe("free(undefined): invalid pointer: expected a pointer, got undefined");
		expect(pool.live).toBe(15);
	});
});

describe("Pool argument misuse", () => {
	it("refuses bad sizes and alignments with RangeError naming them, and no change", () => {
		const { heap, pool, live } = busyPool();
		const p = pool.ptr(live[0] as number);
		const sizes: [unknown, string][] = [
			[-1, "-1"],
			[1.5, "1.5"],
			[Number.NaN, "NaN"],
			["8", 'string "8"'],
		];
		for (const [size, d] of sizes) {
			const n = size as number;
			const bytes = `${d} is not a non-negative integer number of bytes`;
			expect(expectRefused(heap, RangeError, () => pool.malloc(n)).message).toBe(`malloc: size ${bytes}`);
			expect(expectRefused(heap, RangeError, () => pool.realloc(p, n)).message).toBe(
				`realloc: size ${bytes}`,
			);
			expect(expectRefused(heap, RangeError, () => pool.calloc(1, n)).message).toBe(`calloc: size ${bytes}`);
			expect(expectRefused(heap, RangeError, () => pool.calloc(n, 1)).message).toBe(
				`calloc: count ${d} is not a non-negative integer`,
			);
		}
		for (const align of [0, 3, 8192, -8]) {
			expect(expectRefused(heap, RangeError, () => pool.malloc(8, align)).message).toBe(
				`malloc: alignment ${align} is not a power of two in [1, 4096]`,
			);
		}
	});

	it("refuses bad slot types and options with RangeError naming them, allocating nothing", () => {
		const heap = new Heap();
		const cases: [number | { size: number; align: number }, object, string][] = [
			[-1, {}, "slot size = -1 is not an integer number of bytes in [0, 2^30]"],
			[1.5, {}, "slot size = 1.5 is not an integer number of bytes in [0, 2^30]"],
			[{ size: 8, align: 3 }, {}, "slot align = 3 is not a power of two in [1, 4096]"],
			[{ size: 8, align: 8192 }, {}, "slot align = 8192 is not a power of two in [1, 4096]"],
			[8, { capacity: 0 }, "capacity = 0 is not an integer in [1, 2^24]"],
			[8, { capacity: 2 ** 25 }, "capacity = 33554432 is not an integer in [1, 2^24]"],
			[8, { capacity: 1.5 }, "capacity = 1.5 is not an integer in [1, 2^24]"],
			[
				8,
				{ capacity: 10, maxCapacity: 20 },
				"maxCapacity = 20 is not the capacity (10) of a pool that does not grow",
			],
			[
				8,
				{ capacity: 16, growable: true, maxCapacity: 8 },
				"maxCapacity = 8 is not an integer in [capacity (16), 2^24]",
			],
			[
				8,
				{ growable: true, maxCapacity: 2 ** 25 },
				"maxCapacity = 33554432 is not an integer in [capacity (256), 2^24]",
			],
			[8, { growable: "yes" }, 'growable = string "yes" is not a boolean'],
			[
				1 << 30,
				{ capacity: 4 },
				"capacity = 4 is not small enough for 4 slots of 1073741824 B to fit a heap",
			],
		];
		for (const [slot, options, message] of cases) {
			expect(expectRefused(heap, RangeError, () => new Pool(heap, slot, options)).message).toBe(
				`Pool: ${message}`,
			);
		}
	});

	it("refuses to open an address that holds no pool, naming why", () => {
		const heap = new Heap();
		const block = heap.malloc(400);
		const freed = new Pool(heap, 8);
		const stale = freed.address;
		freed.free();
		const cases: [number, string][] = [
			[block, "no pool header there"],
			[stale, "no pool header there"],
			[0, "not a non-zero, 8-aligned address"],
			[3, "not a non-zero, 8-aligned address"],
			[2 ** 40, "not a non-zero, 8-aligned address"],
			[heap.u8.length - 8, "past the end of the heap"],
		];
		for (const [address, why] of cases) {
			expect(expectRefused(heap, InvalidPointerError, () => Pool.open(heap, address)).message).toBe(
				`Pool.open(${hex(address)}): invalid pointer: ${why}`,
			);
		}
	});

	it("refuses every operation once freed, naming the operation", () => {
		const heap = new Heap();
		const pool = new Pool(heap, 8);
		const h = pool.allocOrThrow();
		const p = pool.ptr(h);
		pool.free();
		const calls: [string, number, () => unknown][] = [
			["alloc", 0, () => pool.alloc()],
			["alloc", 0, () => pool.allocOrThrow()],
			["allocPtr", 0, () => pool.allocPtr()],
			["ptr", h, () => pool.ptr(h)],
			["freeHandle", h, () => pool.freeHandle(h)],
			["freePtr", p, () => pool.freePtr(p)],
			["handleOf", p, () => pool.handleOf(p)],
			["malloc", 8, () => pool.malloc(8)],
			["usableSize", p, () => pool.usableSize(p)],
			["forEach", 0, () => pool.forEach(() => {})],
			["iterate", 0, () => [...pool]],
			["clear", 0, () => pool.clear()],
			["stats", 0, () => pool.stats()],
			["check", 0, () => pool.check()],
			["free", 0, () => pool.free()],
		];
		for (const [name, value, call] of calls) {
			expect(expectRefused(heap, InvalidPointerError, call).message).toBe(
				`${name}(${hex(value)}): invalid pointer: this pool was freed: create a new one`,
			);
		}
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
