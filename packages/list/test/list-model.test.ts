import { DoubleFreeError, Heap, InvalidPointerError } from "@offheap/core";
import { u32 } from "@offheap/struct";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { List } from "../src/index.ts";

const LISTS = 3;

type Op =
	| { op: "pushBack" | "pushFront"; l: number }
	| { op: "insertBefore" | "insertAfter" | "remove" | "moveToFront" | "moveToBack"; l: number; at: number }
	| { op: "popFront" | "popBack" | "clear"; l: number }
	| { op: "foreign"; l: number; from: number; at: number }
	| { op: "stale"; l: number; at: number }
	| { op: "spliceAll"; l: number; from: number; before: number }
	| { op: "spliceRange"; l: number; from: number; at: number; count: number; before: number };

const l = fc.nat({ max: LISTS - 1 });
const at = fc.nat({ max: 1000 });
const op: fc.Arbitrary<Op> = fc.oneof(
	{ arbitrary: fc.record({ op: fc.constantFrom("pushBack" as const, "pushFront" as const), l }), weight: 10 },
	{
		arbitrary: fc.record({
			op: fc.constantFrom(
				"insertBefore" as const,
				"insertAfter" as const,
				"remove" as const,
				"moveToFront" as const,
				"moveToBack" as const,
			),
			l,
			at,
		}),
		weight: 8,
	},
	{
		arbitrary: fc.record({
			op: fc.constantFrom("popFront" as const, "popBack" as const, "clear" as const),
			l,
		}),
		weight: 2,
	},
	{ arbitrary: fc.record({ op: fc.constant("foreign" as const), l, from: l, at }), weight: 1 },
	{ arbitrary: fc.record({ op: fc.constant("stale" as const), l, at }), weight: 1 },
	{ arbitrary: fc.record({ op: fc.constant("spliceAll" as const), l, from: l, before: at }), weight: 2 },
	{
		arbitrary: fc.record({
			op: fc.constant("spliceRange" as const),
			l,
			from: l,
			at,
			count: fc.nat({ max: 5 }),
			before: at,
		}),
		weight: 2,
	},
);

/** The model: each list as an array of node handles, and each live node's payload. */
class Model {
	readonly lists: number[][] = Array.from({ length: LISTS }, () => []);
	readonly payload = new Map<number, number>();
	readonly dead: number[] = [];
	/** Spare nodes of each list: by default a list keeps every node it removes, until clear/trim/free. */
	readonly spares: number[] = Array.from({ length: LISTS }, () => 0);
	next = 1;

	kill(node: number, list: number): void {
		this.payload.delete(node);
		this.dead.push(node);
		this.spares[list] = (this.spares[list] as number) + 1;
	}

	/** A node was added to `list`: a spare when it has one. */
	take(list: number): void {
		this.spares[list] = Math.max(0, (this.spares[list] as number) - 1);
	}
}

function pick(nodes: readonly number[], at: number): number | undefined {
	return nodes.length === 0 ? undefined : nodes[at % nodes.length];
}

function apply(lists: List<typeof u32>[], m: Model, o: Op): void {
	const list = lists[o.l] as List<typeof u32>;
	const mine = m.lists[o.l] as number[];
	switch (o.op) {
		case "pushBack":
		case "pushFront": {
			const value = m.next++;
			const node = o.op === "pushBack" ? list.pushBack(value) : list.pushFront(value);
			if (o.op === "pushBack") mine.push(node);
			else mine.unshift(node);
			m.payload.set(node, value);
			m.take(o.l);
			return;
		}
		case "insertBefore":
		case "insertAfter": {
			const target = pick(mine, o.at);
			if (target === undefined) return;
			const value = m.next++;
			const node =
				o.op === "insertBefore" ? list.insertBefore(target, value) : list.insertAfter(target, value);
			mine.splice(mine.indexOf(target) + (o.op === "insertAfter" ? 1 : 0), 0, node);
			m.payload.set(node, value);
			m.take(o.l);
			return;
		}
		case "remove": {
			const target = pick(mine, o.at);
			if (target === undefined) return;
			list.remove(target);
			mine.splice(mine.indexOf(target), 1);
			m.kill(target, o.l);
			return;
		}
		case "moveToFront":
		case "moveToBack": {
			const target = pick(mine, o.at);
			if (target === undefined) return;
			if (o.op === "moveToFront") list.moveToFront(target);
			else list.moveToBack(target);
			mine.splice(mine.indexOf(target), 1);
			if (o.op === "moveToFront") mine.unshift(target);
			else mine.push(target);
			return;
		}
		case "popFront":
		case "popBack": {
			const node = o.op === "popFront" ? mine.shift() : mine.pop();
			expect(o.op === "popFront" ? list.popFront() : list.popBack()).toBe(
				node === undefined ? undefined : m.payload.get(node),
			);
			if (node !== undefined) m.kill(node, o.l);
			return;
		}
		case "clear":
			list.clear();
			for (const node of mine.splice(0)) m.kill(node, o.l);
			m.spares[o.l] = 0; // clear frees the spares too
			return;
		case "foreign": {
			if (o.from === o.l) return;
			const target = pick(m.lists[o.from] as number[], o.at);
			if (target === undefined) return;
			expect(() => list.remove(target)).toThrow(InvalidPointerError);
			expect(list.owns(target)).toBe(false);
			return;
		}
		case "stale": {
			const target = pick(m.dead, o.at);
			if (target === undefined || m.payload.has(target)) return; // its block now holds a live node
			let caught: unknown;
			try {
				list.remove(target);
			} catch (error) {
				caught = error;
			}
			// Free (DoubleFreeError), or reused for something that is not a node (InvalidPointerError).
			expect(caught instanceof DoubleFreeError || caught instanceof InvalidPointerError).toBe(true);
			// Its memory holds a newer node of this list: the generation tells them apart.
			if (mine.some((h) => (h & ~7) === (target & ~7))) expect(caught).toBeInstanceOf(DoubleFreeError);
			return;
		}
		case "spliceAll": {
			if (o.from === o.l) return;
			const theirs = m.lists[o.from] as number[];
			const before = pick(mine, o.before) ?? 0;
			const useBefore = o.before % 3 !== 0 && before !== 0;
			list.splice(lists[o.from] as List<typeof u32>, useBefore ? { before } : {});
			mine.splice(useBefore ? mine.indexOf(before) : mine.length, 0, ...theirs.splice(0));
			return;
		}
		default: {
			const theirs = m.lists[o.from] as number[];
			if (theirs.length === 0) return;
			const start = o.at % theirs.length;
			const end = Math.min(theirs.length - 1, start + o.count);
			const moved = theirs.slice(start, end + 1);
			const candidates = o.from === o.l ? mine.filter((n) => !moved.includes(n)) : mine;
			const before = o.before % 3 === 0 ? 0 : (pick(candidates, o.before) ?? 0);
			list.splice(lists[o.from] as List<typeof u32>, {
				first: moved[0] as number,
				last: moved[moved.length - 1] as number,
				before,
			});
			theirs.splice(start, moved.length);
			mine.splice(before === 0 ? mine.length : mine.indexOf(before), 0, ...moved);
		}
	}
}

describe("List against JS arrays", () => {
	it.each([true, false])(
		"matches the model after every operation, refuses foreign and stale nodes, and frees everything (checked: %s)",
		(checked) => {
			fc.assert(
				fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
					const heap = new Heap();
					const start = heap.stats();
					const lists = Array.from({ length: LISTS }, () => new List(heap, u32, { checked }));
					const m = new Model();
					for (const o of ops) {
						apply(lists, m, o);
						lists.forEach((list, i) => {
							const nodes = m.lists[i] as number[];
							expect(list.length).toBe(nodes.length);
							expect(list.first).toBe(nodes[0] ?? 0);
							expect(list.last).toBe(nodes[nodes.length - 1] ?? 0);
							expect(list.spares).toBe(m.spares[i]);
							list.check();
						});
					}
					lists.forEach((list, i) => {
						const nodes = m.lists[i] as number[];
						expect([...list.nodes()]).toEqual(nodes);
						expect([...list.nodes(true)]).toEqual([...nodes].reverse());
						expect(list.toArray()).toEqual(nodes.map((n) => m.payload.get(n)));
						for (const n of nodes) expect(list.owns(n)).toBe(true);
					});
					heap.check();
					const kept = heap.stats().liveBlocks;
					for (const list of lists) list.trim(); // frees exactly the spares
					expect(kept - heap.stats().liveBlocks).toBe(m.spares.reduce((n, k) => n + k, 0));
					expect(lists.map((list) => list.spares)).toEqual([0, 0, 0]);
					heap.check();
					for (const list of lists) list.free();
					const end = heap.stats();
					expect(end.liveBlocks).toBe(start.liveBlocks);
					expect(end.usedBytes).toBe(start.usedBytes);
				}),
				{ numRuns: 120 },
			);
		},
	);

	it("matches the model on a checked heap, which gets every removed node back, and leaks nothing", () => {
		fc.assert(
			fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
				const heap = new Heap({ checked: true });
				const lists = Array.from({ length: LISTS }, () => new List(heap, u32));
				const m = new Model();
				for (const o of ops) {
					apply(lists, m, o);
					for (const list of lists) list.check();
				}
				lists.forEach((list, i) => {
					const nodes = m.lists[i] as number[];
					expect([...list.nodes()]).toEqual(nodes);
					expect(list.spares).toBe(0);
				});
				heap.check();
				for (const list of lists) list.free();
				expect(heap.leaks()).toEqual([]);
			}),
			{ numRuns: 40 },
		);
	});
});
