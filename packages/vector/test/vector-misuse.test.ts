import { Heap, HeapCorruptionError, InvalidPointerError } from "@offheap/core";
import { bool, f32, f64, i64, struct, u8, u32, utf8 } from "@offheap/struct";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { Vector } from "../src/index.ts";

const Vec2 = struct("Vec2", { x: f32, y: f32 });

function full<T extends Parameters<typeof Vector.open>[1]>(
	heap: Heap,
	type: T,
	fill: (v: Vector<T>) => void,
): Vector<T> {
	const v = new Vector(heap, type);
	fill(v);
	while (v.length < v.capacity) fill(v);
	expect(v.length).toBe(v.capacity); // the next push must grow
	return v;
}

describe("Vector misuse", () => {
	it("refuses indices out of bounds with a RangeError naming the index and the length", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64);
		v.pushMany([1, 2, 3]);
		const cases: [string, () => unknown][] = [
			["get", () => v.get(3)],
			["get", () => v.get(-1)],
			["get", () => v.get(1.5)],
			["set", () => v.set(3, 0)],
			["at", () => v.at(3)],
			["at", () => v.at(-4)],
			["remove", () => v.remove(3)],
			["swapRemove", () => v.swapRemove(7)],
			["insert", () => v.insert(4, 0)],
		];
		for (const [operation, misuse] of cases) {
			const error = expectRefused(heap, RangeError, misuse);
			expect(error.message).toMatch(
				new RegExp(`^Vector\\.${operation}: index -?[\\d.]+ is out of bounds for length 3`),
			);
		}
		const odd = expectRefused(heap, RangeError, () => v.get(Number.NaN));
		expect(odd.message).toContain("(not an integer)");
		expect(v.toArray()).toEqual([1, 2, 3]);
		v.free();
	});

	it("refuses values that do not fit the element type in checked mode, before growing", () => {
		const heap = new Heap();
		const floats = full(heap, f64, (v) => v.push(0));
		expectRefused(heap, TypeError, () => floats.push("1" as unknown as number));
		expectRefused(heap, TypeError, () => floats.insert(0, undefined as unknown as number));
		const bytes = full(heap, u8, (v) => v.push(0));
		expect(expectRefused(heap, RangeError, () => bytes.push(256)).message).toBe(
			"Vector.push: 256 is not an integer in [0, 255] (element type u8)",
		);
		expectRefused(heap, RangeError, () => bytes.push(1.5));
		expectRefused(heap, RangeError, () => bytes.set(0, -1));
		const flags = full(heap, bool, (v) => v.push(true));
		expectRefused(heap, TypeError, () => flags.push(1 as unknown as boolean));
		const big = full(heap, i64, (v) => v.push(0n));
		expectRefused(heap, TypeError, () => big.push(1 as unknown as bigint));
		expectRefused(heap, RangeError, () => big.push(2n ** 63n));
		const points = full(heap, Vec2, (v) => v.push({ x: 0, y: 0 }));
		expectRefused(heap, TypeError, () => points.push({ x: 1 } as unknown as { x: number; y: number }));
		expectRefused(heap, TypeError, () =>
			points.set(0, { x: "a", y: 0 } as unknown as { x: number; y: number }),
		);
		expectRefused(heap, TypeError, () =>
			points.pushMany([{ x: 1, y: 1 }, null as unknown as { x: number; y: number }]),
		);
		const names = full(heap, utf8(4), (v) => v.push("ab"));
		expectRefused(heap, RangeError, () => names.push("too long"));
		for (const v of [floats, bytes, flags, big, points, names]) v.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("converts values as typed arrays do when unchecked, except bigints which are always checked", () => {
		const heap = new Heap();
		const bytes = new Vector(heap, u8, { checked: false });
		bytes.pushMany([256, 1.9, -1]);
		expect(bytes.toArray()).toEqual([0, 1, 255]);
		const big = new Vector(heap, i64, { checked: false });
		expectRefused(heap, TypeError, () => big.push(1 as unknown as bigint));
		big.push(2n ** 63n); // wraps, as BigInt64Array does
		expect(big.get(0)).toBe(-(2n ** 63n));
		bytes.free();
		big.free();
	});

	it("throws InvalidPointerError from every method of a freed vector", () => {
		const heap = new Heap();
		const v = new Vector(heap, Vec2);
		v.push({ x: 1, y: 2 });
		v.free();
		const calls: (() => unknown)[] = [
			() => v.push({ x: 0, y: 0 }),
			() => v.get(0),
			() => v.set(0, { x: 0, y: 0 }),
			() => v.at(0),
			() => v.cursor(0),
			() => v.emplace(),
			() => v.pop(),
			() => v.insert(0, { x: 0, y: 0 }),
			() => v.remove(0),
			() => v.swapRemove(0),
			() => v.truncate(0),
			() => v.clear(),
			() => v.reserve(1),
			() => v.tryReserve(1),
			() => v.shrinkToFit(),
			() => v.pushMany([]),
			() => v.copyFrom([]),
			() => v.toArray(),
			() => v.values(),
			() => [...v],
		];
		for (const call of calls) {
			expect(expectRefused(heap, InvalidPointerError, call).message).toContain("the vector was freed");
		}
		const scalars = new Vector(heap, f64);
		scalars.free();
		expectRefused(heap, InvalidPointerError, () => scalars.sort());
		expectRefused(heap, InvalidPointerError, () => scalars.asTypedArray());
	});

	it("refuses operations the element type does not support", () => {
		const heap = new Heap();
		const points = new Vector(heap, Vec2);
		points.push({ x: 1, y: 1 });
		expectRefused(heap, TypeError, () => points.sort());
		expectRefused(heap, TypeError, () => points.asTypedArray());
		const floats = new Vector(heap, f32);
		floats.push(1);
		expectRefused(heap, TypeError, () => floats.cursor(0));
		expectRefused(heap, TypeError, () => floats.emplace());
		expectRefused(heap, TypeError, () => floats.pushMany(new BigInt64Array(2) as unknown as Float32Array));
		const big = new Vector(heap, i64);
		expectRefused(heap, TypeError, () => big.pushMany(new Float64Array(2) as unknown as BigInt64Array));
		expectRefused(heap, TypeError, () => floats.pushMany(42 as unknown as number[]));
		points.free();
		floats.free();
		big.free();
	});

	it("refuses bad counts, offsets and options with a RangeError or TypeError and allocates nothing", () => {
		const heap = new Heap();
		const v = new Vector(heap, u32);
		v.pushMany([1, 2, 3]);
		expectRefused(heap, RangeError, () => v.truncate(-1));
		expectRefused(heap, RangeError, () => v.reserve(-1));
		expectRefused(heap, RangeError, () => v.reserve(0.5));
		expectRefused(heap, RangeError, () => v.tryReserve(Number.NaN));
		expect(expectRefused(heap, RangeError, () => v.copyFrom([1, 2], 2)).message).toBe(
			"Vector.copyFrom: 2 values at offset 2 do not fit in length 3",
		);
		expectRefused(heap, RangeError, () => v.copyFrom([1], -1));
		expectRefused(heap, RangeError, () => new Vector(heap, u32, { capacity: -1 }));
		expectRefused(heap, RangeError, () => new Vector(heap, u32, { growthFactor: 1 }));
		expectRefused(heap, RangeError, () => new Vector(heap, u32, { growthFactor: 4.5 }));
		expectRefused(heap, TypeError, () => new Vector(heap, u32, { checked: "yes" as unknown as boolean }));
		expectRefused(
			heap,
			RangeError,
			() => new Vector(heap, { kind: "scalar", name: "none", size: 0, align: 1 } as never),
		);
		expectRefused(
			heap,
			RangeError,
			() => new Vector(heap, { kind: "struct", name: "Odd", size: 8, align: 3 } as never),
		);
		expectRefused(heap, TypeError, () => new Vector(heap, null as never));
		v.free();
	});

	it("hands out no pointer that starts a heap block: heap.free of the header, the storage or an element is refused", () => {
		for (const heap of [new Heap(), new Heap({ checked: true })]) {
			const Wide = struct("Wide", { a: f64 }, { align: 32 });
			const floats = new Vector(heap, f64, { capacity: 4 });
			const bytes = new Vector(heap, u8);
			const wide = new Vector(heap, Wide);
			const points = new Vector(heap, Vec2);
			floats.pushMany([1, 2, 3]);
			bytes.pushMany([1, 2, 3]);
			wide.push({ a: 1 });
			points.push({ x: 1, y: 2 });
			const pointers = [
				floats.address,
				floats.dataAddress,
				bytes.address,
				bytes.dataAddress,
				wide.address,
				wide.dataAddress,
				wide.at(0).$ptr,
				points.dataAddress,
				points.at(0).$ptr,
				points.cursor(0).$ptr,
			];
			for (const pointer of pointers) {
				const error = expectRefused(heap, InvalidPointerError, () => heap.free(pointer));
				expect(error.message).toMatch(/^free\(0x[0-9a-f]+\): invalid pointer: /);
				expectRefused(heap, InvalidPointerError, () => heap.realloc(pointer, 1024));
			}
			expect(floats.toArray()).toEqual([1, 2, 3]);
			for (const v of [floats, bytes, wide, points] as Vector[]) v.free();
			if (heap.checked)
				expect(heap.leaks()).toEqual([]); // freed blocks wait in the quarantine
			else expect(heap.stats().liveBlocks).toBe(0);
		}
	});

	it("refuses unknown options and options that are not objects, naming the key and every valid option", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64);
		v.push(1);
		const cases: [() => unknown, string][] = [
			[
				() => new Vector(heap, f64, { capacty: 8 } as never),
				'Vector: unknown option "capacty" (valid options: capacity, growthFactor, checked)',
			],
			[
				() => new Vector(heap, f64, { Checked: false } as never),
				'Vector: unknown option "Checked"; did you mean "checked"? (valid options: capacity, growthFactor, checked)',
			],
			[() => new Vector(heap, f64, 5 as never), "Vector: options must be an object, got 5"],
			[() => new Vector(heap, f64, null as never), "Vector: options must be an object, got null"],
			[
				() => Vector.open(heap, f64, v.address, { capacity: 4 } as never),
				'Vector.open: unknown option "capacity" (valid options: checked)',
			],
			[
				() => v.asTypedArray({ check: false } as never),
				'Vector.asTypedArray: unknown option "check" (valid options: checked)',
			],
			[
				() => v.asTypedArray({ checked: "no" } as never),
				'Vector.asTypedArray: checked must be a boolean, got string "no"',
			],
			[() => new Vector(heap, f64, { checked: 1 } as never), "Vector: checked must be a boolean, got 1"],
			[
				() => new Vector(undefined as never, f64),
				"Vector: allocator must be an Allocator (a Heap, an arena, a pool…), got undefined",
			],
			[
				() => new Vector({ heap: 5 } as never, f64),
				"Vector: allocator must be an Allocator (a Heap, an arena, a pool…), got object [object Object]",
			],
		];
		for (const [misuse, message] of cases) {
			expect(expectRefused(heap, TypeError, misuse).message).toBe(message);
		}
		expect(v.toArray()).toEqual([1]);
		v.free();
	});

	it("refuses bigint and symbol indices, counts, offsets and capacities with a TypeError naming the argument", () => {
		const heap = new Heap();
		const v = new Vector(heap, f64);
		v.pushMany([1, 2, 3]);
		const points = new Vector(heap, Vec2);
		points.push({ x: 1, y: 2 });
		for (const bad of [1n, Symbol("i")] as unknown as number[]) {
			const shown = typeof bad === "bigint" ? "bigint 1n" : "symbol Symbol(i)";
			const cases: [() => unknown, string][] = [
				[() => v.get(bad), `Vector.get: index must be a number, got ${shown}`],
				[() => v.set(bad, 0), `Vector.set: index must be a number, got ${shown}`],
				[() => v.at(bad), `Vector.at: index must be a number, got ${shown}`],
				[() => v.insert(bad, 0), `Vector.insert: index must be a number, got ${shown}`],
				[() => v.remove(bad), `Vector.remove: index must be a number, got ${shown}`],
				[() => v.swapRemove(bad), `Vector.swapRemove: index must be a number, got ${shown}`],
				[() => points.cursor(bad), `Vector.cursor: index must be a number, got ${shown}`],
				[() => v.truncate(bad), `Vector.truncate: length must be a number, got ${shown}`],
				[() => v.reserve(bad), `Vector.reserve: additional must be a number, got ${shown}`],
				[() => v.tryReserve(bad), `Vector.tryReserve: additional must be a number, got ${shown}`],
				[() => v.copyFrom([1], bad), `Vector.copyFrom: offset must be a number, got ${shown}`],
				[() => new Vector(heap, f64, { capacity: bad }), `Vector: capacity must be a number, got ${shown}`],
				[
					() => new Vector(heap, f64, { growthFactor: bad }),
					`Vector: growthFactor must be a number, got ${shown}`,
				],
			];
			for (const [misuse, message] of cases) {
				expect(expectRefused(heap, TypeError, misuse).message).toBe(message);
			}
			expect(expectRefused(heap, InvalidPointerError, () => Vector.open(heap, f64, bad)).message).toBe(
				`Vector.open(${String(bad)}): invalid pointer: expected a number, got ${shown}`,
			);
		}
		expect(expectRefused(heap, RangeError, () => v.reserve(-1)).message).toBe(
			"Vector.reserve: additional -1 is not a non-negative integer",
		);
		expect(expectRefused(heap, RangeError, () => new Vector(heap, f64, { growthFactor: 5 })).message).toBe(
			"Vector: growthFactor 5 is not in [1.125, 4]",
		);
		expect(v.toArray()).toEqual([1, 2, 3]);
		v.free();
		points.free();
	});

	it("refuses to open what is not a vector of that type", () => {
		const heap = new Heap();
		const v = new Vector(heap, u32);
		v.push(1);
		expectRefused(heap, InvalidPointerError, () => Vector.open(heap, u32, v.address + 8));
		expectRefused(heap, InvalidPointerError, () => Vector.open(heap, u32, 3));
		expectRefused(heap, InvalidPointerError, () => Vector.open(heap, u32, heap.u8.length));
		expectRefused(heap, InvalidPointerError, () => Vector.open(heap, u32, v.dataAddress));
		expect(expectRefused(heap, TypeError, () => Vector.open(heap, f64, v.address)).message).toContain(
			"holds elements of 4 B aligned to 4, not f64",
		);
		expectRefused(heap, TypeError, () => Vector.open(heap, f32, v.address)); // same size, other type
		const address = v.address;
		heap.u32[(address >>> 2) + 2] = 1000; // length beyond the capacity
		expectRefused(heap, HeapCorruptionError, () => Vector.open(heap, u32, address));
		heap.u32[(address >>> 2) + 2] = 1;
		v.free();
		expect(expectRefused(heap, InvalidPointerError, () => Vector.open(heap, u32, address)).message).toContain(
			"no vector header there",
		);
	});
});
