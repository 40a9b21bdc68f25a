import { DoubleFreeError, Heap, HeapCorruptionError, InvalidPointerError } from "@offheap/core";
import { f32, f64, i32, i64, struct, u8, u32, utf8 } from "@offheap/struct";
import { expectRefused } from "@offheap/test-support/refused";
import { describe, expect, it } from "vitest";
import { List } from "../src/index.ts";

const Vec2 = struct("Vec2", { x: f32, y: f32 });

describe.each([true, false])("List misuse (checked: %s)", (checked) => {
	it("refuses a node of another list with InvalidPointerError naming both lists, changing nothing", () => {
		const heap = new Heap();
		const a = new List(heap, u32, { checked });
		const b = new List(heap, u32, { checked });
		const na = a.pushBack(1);
		b.pushBack(2);
		const error = expectRefused(heap, InvalidPointerError, () => b.remove(na));
		expect(error.message).toContain("the node belongs to another list");
		expect(error.message).toContain(`List.remove(0x${na.toString(16).padStart(4, "0")})`);
		for (const misuse of [
			() => b.next(na),
			() => b.prev(na),
			() => b.get(na),
			() => b.set(na, 0),
			() => b.payload(na),
			() => b.insertBefore(na, 0),
			() => b.insertAfter(na, 0),
			() => b.moveToFront(na),
			() => b.moveToBack(na),
			() => b.splice(a, { before: na }),
		]) {
			expectRefused(heap, InvalidPointerError, misuse);
		}
		expect(b.owns(na)).toBe(false);
		expect(a.toArray()).toEqual([1]);
		expect(b.toArray()).toEqual([2]);
		a.free();
		b.free();
	});

	it("hands out no pointer that starts a heap block: heap.free of a node, a payload or the header is refused", () => {
		for (const heap of [new Heap(), new Heap({ checked: true })]) {
			const Wide = struct("Wide", { a: f64 }, { align: 16 });
			const lists = [
				new List(heap, u8, { checked }),
				new List(heap, u32, { checked }),
				new List(heap, f64, { checked }),
				new List(heap, Wide, { checked }),
			] as List[];
			for (const list of lists) {
				const nodes = [list.pushBack(), list.pushFront(), list.pushBack()];
				list.remove(nodes[1] as number); // a spare (or a freed block on the checked heap)
				nodes[1] = list.pushBack();
				for (const node of nodes) {
					for (const pointer of [node, node & ~7, list.payload(node)]) {
						const error = expectRefused(heap, InvalidPointerError, () => heap.free(pointer));
						expect(error.message).toMatch(/^free\(0x[0-9a-f]+\): invalid pointer: /);
					}
				}
				expectRefused(heap, InvalidPointerError, () => heap.free(list.address));
				expectRefused(heap, InvalidPointerError, () => heap.usableSize(list.first));
				expectRefused(heap, InvalidPointerError, () => heap.realloc(list.last & ~7, 64));
				expect(list.length).toBe(3);
				list.free();
			}
			if (heap.checked)
				expect(heap.leaks()).toEqual([]); // freed blocks wait in the quarantine
			else expect(heap.stats().liveBlocks).toBe(0);
		}
	});

	it("refuses a node already removed with DoubleFreeError while its block is free", () => {
		const heap = new Heap();
		const list = new List(heap, f64, { checked });
		const n = list.pushBack(1);
		list.pushBack(2);
		list.remove(n);
		const error = expectRefused(heap, DoubleFreeError, () => list.remove(n));
		expect(error.message).toContain("the node was already removed");
		expectRefused(heap, DoubleFreeError, () => list.get(n));
		expectRefused(heap, DoubleFreeError, () => list.next(n));
		expect(list.owns(n)).toBe(false);
		const popped = list.last;
		list.popBack();
		expectRefused(heap, DoubleFreeError, () => list.moveToFront(popped));
		list.free();
	});

	it("refuses addresses that are no node with InvalidPointerError", () => {
		const heap = new Heap();
		const list = new List(heap, u32, { checked });
		const n = list.pushBack(1);
		const block = heap.malloc(32); // live, but not a node
		heap.u32.fill(0, block >>> 2, (block >>> 2) + 8);
		const address = n & ~7;
		for (const bad of [0, address + 8, -8, 2 ** 40, heap.u8.length, block, Number.NaN, list.address]) {
			expectRefused(heap, InvalidPointerError, () => list.remove(bad));
		}
		expectRefused(heap, InvalidPointerError, () => list.remove(n + 0.5));
		expect(expectRefused(heap, InvalidPointerError, () => list.next(0)).message).toContain(
			"NULL is not a node",
		);
		expectRefused(heap, InvalidPointerError, () => list.remove("8" as unknown as number));
		heap.free(block);
		list.free();
	});

	it("refuses a removed node whose block went to another list's node as a node of that list", () => {
		const heap = new Heap();
		const a = new List(heap, u32, { checked, spare: 0 }); // removed nodes go straight back to the heap
		const b = new List(heap, u32, { checked });
		const n = a.pushBack(1);
		a.remove(n);
		const reused = b.pushBack(2); // the same block
		expect(reused & ~7).toBe(n & ~7);
		expectRefused(heap, InvalidPointerError, () => a.remove(n));
		a.free();
		b.free();
	});

	it("refuses a stale handle whose node's memory now holds a newer node of the same list", () => {
		const heap = new Heap();
		const list = new List(heap, u32, { checked });
		const keep = list.pushBack(0);
		const stale = list.pushBack(1);
		list.remove(stale);
		const fresh = list.pushBack(2); // the spare: the same memory, the next generation
		expect(fresh & ~7).toBe(stale & ~7);
		expect(fresh).not.toBe(stale);
		for (const misuse of [
			() => list.remove(stale),
			() => list.get(stale),
			() => list.set(stale, 5),
			() => list.next(stale),
			() => list.moveToFront(stale),
			() => list.insertAfter(stale, 3),
		]) {
			const error = expectRefused(heap, DoubleFreeError, misuse);
			expect(error.message).toMatch(/stale handle.*newer node of this list/);
		}
		expect(list.owns(stale)).toBe(false);
		expect(list.toArray()).toEqual([0, 2]);
		expect(list.get(fresh)).toBe(2);
		expect(list.owns(keep)).toBe(true);
		list.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("tells every one of seven reuses of a node's memory from the handles before it", () => {
		const heap = new Heap();
		const list = new List(heap, u32, { checked });
		const handles = [list.pushBack(0)];
		for (let i = 1; i < 8; i++) {
			list.remove(handles[i - 1] as number);
			handles.push(list.pushBack(i));
		}
		expect(new Set(handles.map((h) => h & ~7)).size).toBe(1); // one block all along
		expect(new Set(handles).size).toBe(8);
		const live = handles[7] as number;
		for (const old of handles.slice(0, 7)) expectRefused(heap, DoubleFreeError, () => list.get(old));
		expect(list.get(live)).toBe(7);
		list.free();
	});

	it("refuses a stale handle whose node went back to the heap and came back for this list", () => {
		const heap = new Heap();
		const list = new List(heap, u32, { checked, spare: 0 });
		list.pushBack(0);
		const stale = list.pushBack(1);
		list.remove(stale); // freed
		const fresh = list.pushBack(2); // malloc hands the same block back
		expect(fresh & ~7).toBe(stale & ~7);
		expectRefused(heap, DoubleFreeError, () => list.remove(stale));
		expect(list.toArray()).toEqual([0, 2]);
		list.free();
	});

	it("throws InvalidPointerError from every method of a freed list", () => {
		const heap = new Heap();
		const list = new List(heap, Vec2, { checked });
		const n = list.pushBack({ x: 1, y: 1 });
		const other = new List(heap, Vec2, { checked });
		list.free();
		for (const call of [
			() => list.pushBack(),
			() => list.pushFront({ x: 0, y: 0 }),
			() => list.popFront(),
			() => list.popBack(),
			() => list.first,
			() => list.last,
			() => list.next(n),
			() => list.get(n),
			() => list.view(n),
			() => list.cursor(n),
			() => list.remove(n),
			() => list.clear(),
			() => list.toArray(),
			() => list.nodes(),
			() => list.values(),
			() => list.splice(other),
		]) {
			expect(expectRefused(heap, InvalidPointerError, call).message).toContain("the list was freed");
		}
		expectRefused(heap, TypeError, () => other.splice(list));
		other.free();
	});

	it("refuses payload values that do not fit before allocating a node", () => {
		const heap = new Heap();
		const bytes = new List(heap, u8, { checked });
		const big = new List(heap, i64, { checked });
		const names = new List(heap, utf8(4), { checked });
		expectRefused(heap, TypeError, () => big.pushBack(1 as unknown as bigint));
		const words = new List(heap, u32, { checked });
		const signed = new List(heap, i32, { checked });
		if (checked) {
			expectRefused(heap, RangeError, () => bytes.pushBack(256));
			expectRefused(heap, TypeError, () => bytes.pushFront("1" as unknown as number));
			for (const bad of [-1, 2 ** 32, 0.5, Number.NaN]) {
				expectRefused(heap, RangeError, () => words.pushBack(bad));
				expectRefused(heap, RangeError, () => words.pushFront(bad));
			}
			for (const bad of [2 ** 31, -(2 ** 31) - 1, 0.5])
				expectRefused(heap, RangeError, () => signed.pushBack(bad));
		}
		words.pushBack(2 ** 32 - 1);
		words.pushFront(0);
		signed.pushBack(-(2 ** 31));
		signed.pushFront(2 ** 31 - 1);
		expect([...words.toArray(), ...signed.toArray()]).toEqual([0, 2 ** 32 - 1, 2 ** 31 - 1, -(2 ** 31)]);
		words.free();
		signed.free();
		// A string too long is refused even unchecked; unchecked, its node is allocated and freed again.
		expect(() => names.pushBack("far too long")).toThrow(RangeError);
		expect(names.length).toBe(0);
		for (const l of [bytes, big, names]) l.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("refuses a payload a struct type rejects halfway, or a bigint for numbers, without taking a node", () => {
		const heap = new Heap();
		const Named = struct("Named", { id: u32, name: utf8(4) });
		const names = new List(heap, Named, { checked });
		const keep = names.pushBack({ id: 1, name: "ab" });
		names.pushBack({ id: 2, name: "cd" });
		names.popBack(); // a spare node: the next insertion takes it
		const bad = { id: 9, name: "far too long" };
		for (const insert of [
			() => names.pushBack(bad),
			() => names.pushFront(bad),
			() => names.insertAfter(keep, bad),
			() => names.insertBefore(keep, bad),
			() => names.set(keep, bad),
		]) {
			expect(expectRefused(heap, RangeError, insert).message).toContain("far too long");
		}
		expect(names.toArray()).toEqual([{ id: 1, name: "ab" }]);
		const words = new List(heap, u32, { checked });
		const w = words.pushBack(1);
		words.pushBack(2);
		words.popBack();
		for (const bad of [1n, Symbol("s")] as unknown as number[]) {
			expectRefused(heap, TypeError, () => words.pushBack(bad));
			expectRefused(heap, TypeError, () => words.pushFront(bad));
			expectRefused(heap, TypeError, () => words.insertAfter(w, bad));
			expectRefused(heap, TypeError, () => words.set(w, bad));
		}
		expect(words.toArray()).toEqual([1]);
		expect(words.spares).toBe(1);
		names.free();
		words.free();
	});

	it("reads a payload whose getters or valueOf change the list before it reads the list", () => {
		const heap = new Heap();
		const Pair = struct("Pair", { a: u32, b: u32 });
		const list = new List(heap, Pair, { checked });
		const first = list.pushBack({ a: 1, b: 1 });
		list.pushBack({ a: 2, b: 2 });
		const sneaky = {
			get a() {
				list.popBack(); // the list changes while the value is read
				list.pushFront({ a: 0, b: 0 });
				return 7;
			},
			b: 8,
		};
		list.pushBack(sneaky);
		expect(list.toArray()).toEqual([
			{ a: 0, b: 0 },
			{ a: 1, b: 1 },
			{ a: 7, b: 8 },
		]);
		const removing = {
			get a() {
				list.remove(first);
				return 5;
			},
			b: 5,
		};
		// The getter removed the anchor (its own change, kept): the insertion is refused, not linked to it.
		expect(() => list.insertAfter(first, removing)).toThrow(DoubleFreeError);
		expect(list.toArray()).toEqual([
			{ a: 0, b: 0 },
			{ a: 7, b: 8 },
		]);
		if (!checked) {
			const words = new List(heap, u32, { checked: false });
			words.pushBack(1);
			const tricky = {
				valueOf() {
					words.pushBack(2);
					return 3;
				},
			};
			words.pushBack(tricky as unknown as number);
			expect(words.toArray()).toEqual([1, 2, 3]);
			words.free();
		}
		list.check();
		heap.check();
		list.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("refuses views of scalar payloads and splices of foreign lists", () => {
		const heap = new Heap();
		const floats = new List(heap, f64, { checked });
		const n = floats.pushBack(1);
		expectRefused(heap, TypeError, () => floats.view(n));
		expectRefused(heap, TypeError, () => floats.cursor(n));
		const other = new List(new Heap(), f64, { checked });
		expectRefused(heap, TypeError, () => floats.splice(other));
		const ints = new List(heap, i64, { checked });
		expectRefused(heap, TypeError, () => floats.splice(ints as unknown as List<typeof f64>));
		expectRefused(heap, TypeError, () => floats.splice({} as List<typeof f64>));
		for (const l of [floats, other, ints]) l.free();
	});

	it("refuses ranges that are not ranges", () => {
		const heap = new Heap();
		const a = new List(heap, u32, { checked });
		const b = new List(heap, u32, { checked });
		const [x, y, z] = [1, 2, 3].map((v) => a.pushBack(v)) as [number, number, number];
		b.pushBack(9);
		expect(expectRefused(heap, RangeError, () => b.splice(a, { first: z, last: x })).message).toContain(
			"`last` does not follow `first`",
		);
		expectRefused(heap, RangeError, () => a.splice(a, { first: x, last: z, before: y }));
		expectRefused(heap, RangeError, () => a.splice(a, { first: x, last: y, before: y }));
		expectRefused(heap, InvalidPointerError, () => a.splice(b, { first: x }));
		a.free();
		b.free();
	});

	it("refuses to open what is not a list of that type", () => {
		const heap = new Heap();
		const list = new List(heap, u32, { checked });
		list.pushBack(1);
		expectRefused(heap, InvalidPointerError, () => List.open(heap, u32, list.first));
		expectRefused(heap, InvalidPointerError, () => List.open(heap, u32, 4));
		expectRefused(heap, TypeError, () => List.open(heap, f64, list.address));
		expectRefused(heap, TypeError, () => List.open(heap, f32, list.address));
		const w = list.address >>> 2;
		heap.u32[w + 3] = 0; // length 0 with a first node
		expectRefused(heap, HeapCorruptionError, () => List.open(heap, u32, list.address));
		heap.u32[w + 3] = 1;
		const held = heap.u32[w + 9] as number;
		heap.u32[w + 9] = 0; // fewer nodes held than the length
		expect(
			expectRefused(heap, HeapCorruptionError, () => List.open(heap, u32, list.address)).message,
		).toContain("fewer than the length");
		heap.u32[w + 9] = held;
		const address = list.address;
		list.free();
		expect(expectRefused(heap, InvalidPointerError, () => List.open(heap, u32, address)).message).toContain(
			"no list header there",
		);
	});

	it("refuses unknown options and options that are not objects, naming the key and every valid option", () => {
		const heap = new Heap();
		const a = new List(heap, u32, { checked });
		const b = new List(heap, u32, { checked });
		const n = a.pushBack(1);
		b.pushBack(2);
		const cases: [() => unknown, string][] = [
			[
				() => new List(heap, u32, { spares: 4 } as never),
				'List: unknown option "spares" (valid options: nodes, spare, checked)',
			],
			[
				() => new List(heap, u32, { Nodes: heap } as never),
				'List: unknown option "Nodes"; did you mean "nodes"? (valid options: nodes, spare, checked)',
			],
			[() => new List(heap, u32, "fast" as never), 'List: options must be an object, got string "fast"'],
			[
				() => List.open(heap, u32, a.address, { capacity: 2 } as never),
				'List.open: unknown option "capacity" (valid options: nodes, spare, checked)',
			],
			[
				() => a.splice(b, { befor: n } as never),
				'List.splice: unknown option "befor" (valid options: before, first, last)',
			],
			[() => a.splice(b, 0 as never), "List.splice: options must be an object, got 0"],
			[
				() => new List(heap, u32, { checked: "yes" } as never),
				'List: checked must be a boolean, got string "yes"',
			],
			[
				() => new List(heap, u32, { nodes: 5 } as never),
				"List: nodes must be an Allocator (a Heap, an arena, a pool…), got 5",
			],
			[
				() => new List(null as never, u32),
				"List: allocator must be an Allocator (a Heap, an arena, a pool…), got null",
			],
		];
		for (const [misuse, message] of cases) {
			expect(expectRefused(heap, TypeError, misuse).message).toBe(message);
		}
		expect(a.toArray()).toEqual([1]);
		expect(b.toArray()).toEqual([2]);
		a.free();
		b.free();
	});

	it("refuses bigint and symbol node handles, addresses and counts, naming the argument", () => {
		const heap = new Heap();
		const Pair = struct("Pair", { a: u32, b: u32 });
		const list = new List(heap, Pair, { checked });
		const other = new List(heap, Pair, { checked });
		list.pushBack({ a: 1, b: 1 });
		other.pushBack({ a: 2, b: 2 });
		for (const bad of [1n, Symbol("n")] as unknown as number[]) {
			const shown = typeof bad === "bigint" ? "bigint 1n" : "symbol Symbol(n)";
			for (const [operation, misuse] of [
				["next", () => list.next(bad)],
				["prev", () => list.prev(bad)],
				["get", () => list.get(bad)],
				["set", () => list.set(bad, { a: 0, b: 0 })],
				["view", () => list.view(bad)],
				["cursor", () => list.cursor(bad)],
				["payload", () => list.payload(bad)],
				["remove", () => list.remove(bad)],
				["insertBefore", () => list.insertBefore(bad, { a: 0, b: 0 })],
				["insertAfter", () => list.insertAfter(bad)],
				["moveToFront", () => list.moveToFront(bad)],
				["moveToBack", () => list.moveToBack(bad)],
				["splice", () => list.splice(other, { before: bad })],
				["splice", () => list.splice(other, { first: bad, last: bad })],
			] as const) {
				expect(expectRefused(heap, InvalidPointerError, misuse).message).toBe(
					`List.${operation}(${String(bad)}): invalid pointer: not a node handle: ${shown} (a handle is a number)`,
				);
			}
			expect(list.owns(bad)).toBe(false);
			expect(expectRefused(heap, InvalidPointerError, () => List.open(heap, Pair, bad)).message).toBe(
				`List.open(${String(bad)}): invalid pointer: expected a number, got ${shown}`,
			);
			expect(expectRefused(heap, TypeError, () => new List(heap, Pair, { spare: bad })).message).toBe(
				`List: spare must be a number, got ${shown}`,
			);
		}
		expect(expectRefused(heap, RangeError, () => new List(heap, Pair, { spare: -1 })).message).toBe(
			"List: spare -1 is not a non-negative integer or Infinity",
		);
		expect(list.length).toBe(1);
		list.free();
		other.free();
	});

	it("refuses bad types and options, allocating nothing", () => {
		const heap = new Heap();
		expectRefused(heap, TypeError, () => new List(heap, undefined as never));
		expectRefused(
			heap,
			RangeError,
			() => new List(heap, { kind: "struct", name: "Z", size: 0, align: 1 } as never),
		);
		expectRefused(heap, RangeError, () =>
			List.nodeLayout({ kind: "struct", name: "Z", size: 4, align: 6 } as never),
		);
		expectRefused(heap, TypeError, () => new List(heap, u8, { checked: 1 as unknown as boolean }));
	});
});
