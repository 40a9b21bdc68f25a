import { DoubleFreeError, Heap, HeapCorruptionError, hex, InvalidPointerError } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Arena } from "../src/index.ts";

/** An arena with a few chunks, a mark and live allocations, so misuse has state to damage. */
function busyArena(): { heap: Heap; arena: Arena; live: number[]; outside: number } {
	const heap = new Heap({ initialBytes: 1 << 16, maxBytes: 1 << 24 });
	const outside = heap.malloc(64);
	const arena = new Arena(heap, { chunkBytes: 256 });
	const live: number[] = [];
	for (let i = 0; i < 20; i++) live.push(arena.malloc(40));
	arena.mark();
	live.push(arena.malloc(24));
	return { heap, arena, live, outside };
}

const pointerOperations = {
	free: (arena: Arena, p: number) => arena.free(p),
	realloc: (arena: Arena, p: number) => arena.realloc(p, 64),
	usableSize: (arena: Arena, p: number) => arena.usableSize(p),
};

describe.each(Object.entries(pointerOperations))(
	"%s of a pointer the arena did not hand out",
	(name, call) => {
		it("refuses a heap block outside the arena's chunks and names the pointer", () => {
			const { heap, arena, outside } = busyArena();
			const error = expectRefused(heap, InvalidPointerError, () => call(arena, outside));
			expect(error.message).toContain(`${name}(0x${outside.toString(16).padStart(4, "0")})`);
			expect(error.message).toContain("not in any chunk");
		});

		it("refuses pointers past the cursor, in a chunk header, and beyond the heap", () => {
			const { heap, arena, live } = busyArena();
			const last = live[live.length - 1] as number;
			expectRefused(heap, InvalidPointerError, () => call(arena, last + 64));
			expectRefused(heap, InvalidPointerError, () => call(arena, 2 ** 40));
			const m = arena.mark();
			const rewound = arena.malloc(16);
			arena.reset(m);
			expectRefused(heap, InvalidPointerError, () => call(arena, rewound));
		});

		it("refuses non-numbers, negatives and fractions", () => {
			const { heap, arena, live } = busyArena();
			for (const bad of [-8, 1.5, Number.NaN, "16" as unknown as number, null as unknown as number]) {
				expectRefused(heap, InvalidPointerError, () => call(arena, bad));
			}
			expectRefused(heap, InvalidPointerError, () => call(arena, (live[0] as number) + 0.5));
		});
	},
);

describe("Arena misuse", () => {
	it("calls freeing the last allocation twice a double free", () => {
		const { heap, arena, live } = busyArena();
		const last = live[live.length - 1] as number;
		arena.free(last);
		const error = expectRefused(heap, DoubleFreeError, () => arena.free(last));
		expect(error.message).toContain("already freed");
	});

	it("refuses free(undefined) rather than freeing the whole arena", () => {
		const { heap, arena } = busyArena();
		expectRefused(heap, InvalidPointerError, () => arena.free(undefined as unknown as number));
	});

	it("refuses bad sizes and alignments with RangeError and no change", () => {
		const { heap, arena, live } = busyArena();
		for (const size of [-1, 1.5, Number.NaN, 2 ** 31, "8" as unknown as number]) {
			expectRefused(heap, RangeError, () => arena.malloc(size));
			expectRefused(heap, RangeError, () => arena.realloc(live[3] as number, size));
			expectRefused(heap, RangeError, () => arena.realloc(live[live.length - 1] as number, size));
		}
		for (const align of [0, 3, 12, 8192, -8, 1.5]) {
			expectRefused(heap, RangeError, () => arena.malloc(8, align));
		}
		expectRefused(heap, RangeError, () => arena.calloc(-1, 8));
		expectRefused(heap, RangeError, () => arena.calloc(8, 0.5));
	});

	it("refuses bad options with RangeError and allocates nothing", () => {
		const heap = new Heap();
		const bad = [
			{ chunkBytes: 8 },
			{ chunkBytes: 1.5 },
			{ chunkBytes: 2 ** 31 },
			{ growthFactor: 0.5 },
			{ growthFactor: 5 },
			{ growthFactor: Number.NaN },
			{ maxBytes: 10 },
			{ maxBytes: 1024, chunkBytes: 2048 },
			{ minAlign: 3 },
			{ minAlign: 8192 },
		];
		for (const options of bad) expectRefused(heap, RangeError, () => new Arena(heap, options));
	});

	it("refuses to open an address that holds no arena", () => {
		const heap = new Heap();
		const block = heap.malloc(128);
		const freed = new Arena(heap);
		const stale = freed.address;
		freed.free();
		for (const address of [block, stale, 0, 3, -8, 2 ** 40]) {
			expectRefused(heap, InvalidPointerError, () => Arena.open(heap, address));
		}
	});

	it("refuses every operation once freed, with InvalidPointerError", () => {
		const heap = new Heap();
		const arena = new Arena(heap);
		const p = arena.malloc(8);
		arena.free();
		const calls: (() => unknown)[] = [
			() => arena.malloc(8),
			() => arena.malloc(8, 64),
			() => arena.alloc(8),
			() => arena.calloc(1, 8),
			() => arena.realloc(p, 16),
			() => arena.free(p),
			() => arena.usableSize(p),
			() => arena.mark(),
			() => arena.reset(),
			() => arena.reset(p),
			() => arena.pop(p),
			() => arena.scope(),
			() => arena.stats(),
			() => arena.free(),
		];
		for (const call of calls) expectRefused(heap, InvalidPointerError, call);
	});

	it("reports a mark record overwritten by a stray write as heap corruption", () => {
		const heap = new Heap();
		const arena = new Arena(heap);
		const outer = arena.mark();
		const inner = arena.mark();
		arena.malloc(8);
		heap.u32[(inner >>> 2) + 3] = 0; // the record's check word
		const error = expectRefused(heap, HeapCorruptionError, () => arena.reset(outer));
		expect(error.message).toBe(
			`heap corrupted at block ${hex(inner)}: arena mark record ${hex(inner)}: its check word was overwritten (a write past the end of an allocation?)`,
		);
	});
});

describe("Arena options and argument types", () => {
	const VALID = "(valid options: chunkBytes, growthFactor, maxBytes, minAlign)";

	it("refuses an unknown option, naming it, the near miss and every valid option, allocating nothing", () => {
		const heap = new Heap();
		const cases: [unknown, string][] = [
			[{ chunkSize: 1024 }, `Arena: unknown option "chunkSize" ${VALID}`],
			[{ maxbytes: 4096 }, `Arena: unknown option "maxbytes"; did you mean "maxBytes"? ${VALID}`],
			[{ [Symbol("x")]: 1 }, `Arena: unknown option Symbol(x) ${VALID}`],
			[null, "Arena: options must be an object, got null"],
			["big", 'Arena: options must be an object, got string "big"'],
		];
		for (const [options, message] of cases) {
			const error = expectRefused(heap, TypeError, () => new Arena(heap, options as object));
			expect(error.message).toBe(message);
		}
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("names bigint and symbol options in a RangeError, and a parent that is not an allocator in a TypeError", () => {
		const heap = new Heap();
		const range: [object, string][] = [
			[{ chunkBytes: 1024n }, "Arena: option chunkBytes = bigint 1024n is not an integer in [64, 2^30]"],
			[
				{ maxBytes: Symbol("m") },
				"Arena: option maxBytes = symbol Symbol(m) is not an integer in [64, 2^32 - 1)",
			],
			[{ growthFactor: 2n }, "Arena: option growthFactor = bigint 2n is not a number in [1, 4]"],
			[{ minAlign: 8n }, "Arena: option minAlign = bigint 8n is not a power of two in [1, 4096]"],
		];
		for (const [options, message] of range) {
			expect(expectRefused(heap, RangeError, () => new Arena(heap, options)).message).toBe(message);
		}
		for (const parent of [undefined, null, 8n, {}, { heap }]) {
			const error = expectRefused(heap, TypeError, () => new Arena(parent as unknown as Heap));
			expect(error.message).toMatch(
				/^Arena: parent .* is not an Allocator \(a Heap, a Pool, another Arena …\)$/,
			);
			expectRefused(heap, TypeError, () => Arena.open(parent as unknown as Heap, 8));
		}
		expect(expectRefused(heap, TypeError, () => new Arena(null as unknown as Heap)).message).toBe(
			"Arena: parent null is not an Allocator (a Heap, a Pool, another Arena …)",
		);
	});

	it("names bigint and symbol sizes, counts and alignments in a RangeError, changing nothing", () => {
		const { heap, arena, live } = busyArena();
		const last = live[live.length - 1] as number;
		const big = 8n as unknown as number;
		const sym = Symbol("s") as unknown as number;
		const bytes = "is not an integer number of bytes in [0, 2147483647]";
		const cases: [() => unknown, string][] = [
			[() => arena.malloc(big), `malloc: size bigint 8n ${bytes}`],
			[() => arena.malloc(sym), `malloc: size symbol Symbol(s) ${bytes}`],
			[() => arena.alloc(big), `malloc: size bigint 8n ${bytes}`],
			[() => arena.malloc(8, big), "malloc: alignment bigint 8n is not a power of two in [1, 4096]"],
			[() => arena.malloc(8, sym), "malloc: alignment symbol Symbol(s) is not a power of two in [1, 4096]"],
			[() => arena.calloc(big, 8), "calloc: count bigint 8n is not a non-negative integer"],
			[() => arena.calloc(1, sym), `calloc: size symbol Symbol(s) ${bytes}`],
			[() => arena.realloc(last, big), `realloc: size bigint 8n ${bytes}`],
		];
		for (const [call, message] of cases) expect(expectRefused(heap, RangeError, call).message).toBe(message);
	});

	it("names bigint and symbol pointers and marks in an InvalidPointerError, changing nothing", () => {
		const { heap, arena, live } = busyArena();
		const p = live[3] as number;
		const mark = arena.mark();
		const pointers: [unknown, string, string][] = [
			[BigInt(p), `${p}`, `bigint ${p}n`],
			[Symbol("p"), "Symbol(p)", "symbol Symbol(p)"],
		];
		for (const [bad, shown, described] of pointers) {
			for (const [name, call] of [
				["free", () => arena.free(bad as number)],
				["usableSize", () => arena.usableSize(bad as number)],
				["realloc", () => arena.realloc(bad as number, 8)],
			] as const) {
				expect(expectRefused(heap, InvalidPointerError, call).message).toBe(
					`${name}(${shown}): invalid pointer: expected a non-negative integer address, got ${described}`,
				);
			}
		}
		const marks: [unknown, string, string][] = [
			[BigInt(mark), `${mark}`, `bigint ${mark}n`],
			[Symbol("m"), "Symbol(m)", "symbol Symbol(m)"],
		];
		for (const [bad, shown, described] of marks) {
			for (const [name, call] of [
				["reset", () => arena.reset(bad as number)],
				["pop", () => arena.pop(bad as number)],
			] as const) {
				expect(expectRefused(heap, InvalidPointerError, call).message).toBe(
					`${name}(${shown}): invalid pointer: not a valid mark of this arena: marks are the non-zero, 8-aligned numbers mark() returns, got ${described}`,
				);
			}
		}
		expect(
			expectRefused(heap, InvalidPointerError, () => Arena.open(heap, 8n as unknown as number)).message,
		).toBe("Arena.open(8): invalid pointer: expected the address of an arena's header, got bigint 8n");
		arena.check();
	});
});
