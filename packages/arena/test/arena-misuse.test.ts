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

/** How an InvalidPointerError names the value it was given. */
function shown(value: unknown): string {
	return typeof value === "number" ? hex(value) : String(value);
}

const PAST = "of what its chunk has handed out (freed by a rewind or a reset, or never allocated)";

describe.each(Object.entries(pointerOperations))(
	"%s of a pointer the arena did not hand out",
	(name, call) => {
		it("refuses a heap block outside the arena's chunks and names the pointer", () => {
			const { heap, arena, outside } = busyArena();
			const error = expectRefused(heap, InvalidPointerError, () => call(arena, outside));
			expect(error.message).toBe(`${name}(${hex(outside)}): invalid pointer: not in any chunk of this arena`);
		});

		it("refuses pointers past the cursor, in a chunk header, and beyond the heap", () => {
			const { heap, arena, live, outside } = busyArena();
			const last = live[live.length - 1] as number;
			expect(expectRefused(heap, InvalidPointerError, () => call(arena, last + 64)).message).toBe(
				`${name}(${hex(last + 64)}): invalid pointer: not live: at or past the end ${hex(last + 24)} ${PAST}`,
			);
			expect(expectRefused(heap, InvalidPointerError, () => call(arena, 2 ** 40)).message).toBe(
				`${name}(${hex(2 ** 40)}): invalid pointer: not a non-negative integer`,
			);
			const m = arena.mark();
			const rewound = arena.malloc(16);
			arena.reset(m);
			expect(expectRefused(heap, InvalidPointerError, () => call(arena, rewound)).message).toBe(
				`${name}(${hex(rewound)}): invalid pointer: not live: at or past the end ${hex(rewound)} ${PAST}`,
			);
			const chunk = [...heap.walk()].find(
				(b) => !b.free && b.ptr !== arena.address && b.ptr !== outside,
			)?.ptr;
			expect(chunk).toBeDefined();
			expect(expectRefused(heap, InvalidPointerError, () => call(arena, (chunk as number) + 8)).message).toBe(
				`${name}(${hex((chunk as number) + 8)}): invalid pointer: inside a chunk's bookkeeping header`,
			);
		});

		it("refuses non-numbers, negatives and fractions", () => {
			const { heap, arena, live } = busyArena();
			const bad: [unknown, string][] = [
				[-8, "not a non-negative integer"],
				[1.5, "not a non-negative integer"],
				[Number.NaN, "not a non-negative integer"],
				[(live[0] as number) + 0.5, "not a non-negative integer"],
				["16", 'expected a non-negative integer address, got string "16"'],
				[null, "expected a non-negative integer address, got null"],
			];
			for (const [value, why] of bad) {
				expect(expectRefused(heap, InvalidPointerError, () => call(arena, value as number)).message).toBe(
					`${name}(${shown(value)}): invalid pointer: ${why}`,
				);
			}
		});
	},
);

describe("Arena misuse", () => {
	it("calls freeing the last allocation twice a double free", () => {
		const { heap, arena, live } = busyArena();
		const last = live[live.length - 1] as number;
		arena.free(last);
		const error = expectRefused(heap, DoubleFreeError, () => arena.free(last));
		expect(error.message).toBe(
			`free(${hex(last)}): double free: it was the arena's last allocation and was already freed (the arena rewound over it)`,
		);
	});

	it("refuses free(undefined) rather than freeing the whole arena", () => {
		const { heap, arena } = busyArena();
		const error = expectRefused(heap, InvalidPointerError, () => arena.free(undefined as unknown as number));
		expect(error.message).toBe(
			"free(undefined): invalid pointer: expected a non-negative integer address, got undefined",
		);
		expect(arena.stats().chunks).toBeGreaterThan(0);
	});

	it("refuses bad sizes and alignments with RangeError naming them, and no change", () => {
		const { heap, arena, live } = busyArena();
		const sizes: [unknown, string][] = [
			[-1, "-1"],
			[1.5, "1.5"],
			[Number.NaN, "NaN"],
			[2 ** 31, "2147483648"],
			["8", 'string "8"'],
		];
		for (const [size, d] of sizes) {
			const n = size as number;
			const bytes = `size ${d} is not an integer number of bytes in [0, 2147483647]`;
			expect(expectRefused(heap, RangeError, () => arena.malloc(n)).message).toBe(`malloc: ${bytes}`);
			expect(expectRefused(heap, RangeError, () => arena.realloc(live[3] as number, n)).message).toBe(
				`realloc: ${bytes}`,
			);
			expect(
				expectRefused(heap, RangeError, () => arena.realloc(live[live.length - 1] as number, n)).message,
			).toBe(`realloc: ${bytes}`);
		}
		for (const align of [0, 3, 12, 8192, -8, 1.5]) {
			expect(expectRefused(heap, RangeError, () => arena.malloc(8, align)).message).toBe(
				`malloc: alignment ${align} is not a power of two in [1, 4096]`,
			);
		}
		expect(expectRefused(heap, RangeError, () => arena.calloc(-1, 8)).message).toBe(
			"calloc: count -1 is not a non-negative integer",
		);
		expect(expectRefused(heap, RangeError, () => arena.calloc(8, 0.5)).message).toBe(
			"calloc: size 0.5 is not an integer number of bytes in [0, 2147483647]",
		);
	});

	it("refuses bad options with RangeError naming them, and allocates nothing", () => {
		const heap = new Heap();
		const bad: [object, string][] = [
			[{ chunkBytes: 8 }, "chunkBytes = 8 is not an integer in [64, 2^30]"],
			[{ chunkBytes: 1.5 }, "chunkBytes = 1.5 is not an integer in [64, 2^30]"],
			[{ chunkBytes: 2 ** 31 }, "chunkBytes = 2147483648 is not an integer in [64, 2^30]"],
			[{ growthFactor: 0.5 }, "growthFactor = 0.5 is not a number in [1, 4]"],
			[{ growthFactor: 5 }, "growthFactor = 5 is not a number in [1, 4]"],
			[{ growthFactor: Number.NaN }, "growthFactor = NaN is not a number in [1, 4]"],
			[{ maxBytes: 10 }, "maxBytes = 10 is not an integer in [64, 2^32 - 1)"],
			[{ maxBytes: 1024, chunkBytes: 2048 }, "chunkBytes = 2048 is not at most maxBytes (1024)"],
			[{ minAlign: 3 }, "minAlign = 3 is not a power of two in [1, 4096]"],
			[{ minAlign: 8192 }, "minAlign = 8192 is not a power of two in [1, 4096]"],
		];
		for (const [options, message] of bad) {
			expect(expectRefused(heap, RangeError, () => new Arena(heap, options)).message).toBe(
				`Arena: option ${message}`,
			);
		}
	});

	it("refuses to open an address that holds no arena, naming why", () => {
		const heap = new Heap();
		const block = heap.malloc(128);
		const freed = new Arena(heap);
		const stale = freed.address;
		freed.free();
		const cases: [number, string][] = [
			[block, "no arena header there"],
			[stale, "no arena header there"],
			[0, "not a non-zero, 8-aligned address"],
			[3, "not a non-zero, 8-aligned address"],
			[-8, "not a non-zero, 8-aligned address"],
			[2 ** 40, "not a non-zero, 8-aligned address"],
			[heap.u8.length - 8, "past the end of the heap"],
		];
		for (const [address, why] of cases) {
			expect(expectRefused(heap, InvalidPointerError, () => Arena.open(heap, address)).message).toBe(
				`Arena.open(${hex(address)}): invalid pointer: ${why}`,
			);
		}
	});

	it("refuses every operation once freed, with InvalidPointerError naming the operation", () => {
		const heap = new Heap();
		const arena = new Arena(heap);
		const p = arena.malloc(8);
		arena.free();
		const calls: [string, number, () => unknown][] = [
			["malloc", 0, () => arena.malloc(8)],
			["malloc", 0, () => arena.malloc(8, 64)],
			["malloc", 0, () => arena.alloc(8)],
			["malloc", 0, () => arena.calloc(1, 8)],
			["realloc", 0, () => arena.realloc(p, 16)],
			["free", p, () => arena.free(p)],
			["usableSize", p, () => arena.usableSize(p)],
			["mark", 0, () => arena.mark()],
			["reset", 0, () => arena.reset()],
			["reset", p, () => arena.reset(p)],
			["pop", p, () => arena.pop(p)],
			["mark", 0, () => arena.scope()],
			["stats", 0, () => arena.stats()],
			["check", 0, () => arena.check()],
			["free", 0, () => arena.free()],
		];
		for (const [name, value, call] of calls) {
			expect(expectRefused(heap, InvalidPointerError, call).message).toBe(
				`${name}(${hex(value)}): invalid pointer: this arena was freed: create a new one`,
			);
		}
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
