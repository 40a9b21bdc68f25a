import { failAfter, Heap, HeapCorruptionError, hex, InvalidPointerError } from "@offheap/core";
import { f64, u32 } from "@offheap/struct";
import { expectRefused } from "@offheap/test-support/refused";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { List } from "../src/index.ts";
import {
	C_REFS,
	N_NEXT,
	N_OWNER,
	N_PREV,
	W_CELL,
	W_INDIRECT,
	W_LAST,
	W_LENGTH,
	W_MAGIC,
	W_NODES,
	W_PAYLOAD_SIZE,
	W_SPARE,
} from "../src/internal/layout.ts";

/** A list of three nodes, its handles and a way to write one of its words (and to put it back). */
function three(heap = new Heap()) {
	const list = new List(heap, u32);
	const [a, b, c] = [1, 2, 3].map((x) => list.pushBack(x)) as [number, number, number];
	const hdr = list.address >>> 2;
	const node = (n: number) => (n & ~7) >>> 2;
	return { heap, list, a, b, c, hdr, node };
}

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

/** The message `List.check` throws for `detail` found at `block` of the list at `address`. */
function message(block: number, address: number, detail: string): string {
	return `heap corrupted at block ${hex(block)}: List.check: list at ${hex(address)}: ${detail}`;
}

function expectCorrupt(heap: Heap, list: List, block: number, detail: string): void {
	const error = expectRefused(heap, HeapCorruptionError, () => list.check());
	expect(error.message).toBe(message(block, list.address, detail));
	expect(error.block).toBe(block);
}

describe("List.check", () => {
	it("passes on lists with spares, spliced-in nodes, forwarding cells and any node allocator", () => {
		const heap = new Heap();
		const a = new List(heap, u32);
		const b = new List(heap, u32);
		const c = new List(heap, u32, { nodes: failAfter(heap, 1000), spare: 2 });
		for (let i = 0; i < 5; i++) {
			a.pushBack(i);
			b.pushFront(i);
			c.pushBack(i);
		}
		a.popBack();
		a.splice(b); // b's nodes keep b's old cell, which now forwards to a's
		a.remove(a.last);
		for (let i = 0; i < 4; i++) c.popFront();
		for (const list of [a, b, c]) list.check();
		expect(c.spares).toBe(2);
		for (const list of [a, b, c]) list.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("names a header whose magic, payload type or ends are wrong", () => {
		const { heap, list, a, c, hdr } = three();
		const address = list.address;
		corrupt(heap, hdr + W_MAGIC, 0, () =>
			expectCorrupt(heap, list, address, "header magic 0x0000 is not the list magic 0x5453494c"),
		);
		corrupt(heap, hdr + W_PAYLOAD_SIZE, 8, () =>
			expectCorrupt(heap, list, address, "the header's payload type (8 B aligned to 4) is not u32's"),
		);
		corrupt(heap, hdr + W_LAST, a, () =>
			expectCorrupt(heap, list, address, `the walk from first ends at ${hex(c)}, but last is ${hex(a)}`),
		);
		corrupt(heap, hdr + W_LENGTH, 5, () =>
			expectCorrupt(heap, list, address, "header: 3 nodes held, fewer than the length 5"),
		);
		corrupt(heap, hdr + W_NODES, 5, () =>
			corrupt(heap, hdr + W_LENGTH, 5, () =>
				expectCorrupt(heap, list, address, "3 nodes are linked from first to last, but its length is 5"),
			),
		);
		corrupt(heap, hdr + W_LENGTH, 2, () =>
			expectCorrupt(
				heap,
				list,
				c & ~7,
				`node ${hex(c & ~7)} (handle ${hex(c)}): more nodes are linked than its length 2 (a cycle, or a wrong length)`,
			),
		);
		list.check();
		list.free();
	});

	it("names the node whose links disagree, whose owner or generation is wrong, or that forms a cycle", () => {
		const { heap, list, a, b, c, node } = three();
		corrupt(heap, node(b) + N_PREV, 0, () =>
			expectCorrupt(
				heap,
				list,
				b & ~7,
				`node ${hex(b & ~7)} (handle ${hex(b)}): its prev link is 0x0000, but the node before it is ${hex(a)}`,
			),
		);
		corrupt(heap, node(c) + N_NEXT, a, () =>
			expectCorrupt(
				heap,
				list,
				a & ~7,
				`node ${hex(a & ~7)} (handle ${hex(a)}): more nodes are linked than its length 3 (a cycle, or a wrong length)`,
			),
		);
		const root = heap.u32[(list.address >>> 2) + W_CELL] as number;
		corrupt(heap, node(b) + N_OWNER, 0, () =>
			expectCorrupt(
				heap,
				list,
				b & ~7,
				`node ${hex(b & ~7)} (handle ${hex(b)}): its owner word 0x0000 names no owner cell of this list (its root is ${hex(root)})`,
			),
		);
		const stale = (b & ~7) | ((b + 1) & 7); // the same node, another generation
		corrupt(heap, node(a) + N_NEXT, stale, () =>
			expectCorrupt(
				heap,
				list,
				b & ~7,
				`node ${hex(b & ~7)} (handle ${hex(stale)}): the link to it has generation ${stale & 7}, its owner word ${hex(root | (b & 7))} has ${b & 7}`,
			),
		);
		const outside = heap.u8.length;
		corrupt(heap, node(a) + N_NEXT, outside, () =>
			expectCorrupt(
				heap,
				list,
				outside,
				`node ${hex(outside)} (handle ${hex(outside)}): it is not inside the heap`,
			),
		);
		list.check();
		list.free();
	});

	it("names a node or a header whose block was freed behind the list's back", () => {
		const { heap, list, b } = three();
		heap.free((b & ~7) - 8); // a bug elsewhere: the node's block, 8 bytes before the node
		let report = "";
		try {
			heap.usableSize((b & ~7) - 8);
		} catch (error) {
			report = (error as Error).message.split("\n")[0] as string;
		}
		expectCorrupt(
			heap,
			list,
			b & ~7,
			`node ${hex(b & ~7)} (handle ${hex(b)}): its block ${hex((b & ~7) - 8)} is not a live block of its allocator (${report})`,
		);
		const other = new List(heap, f64);
		heap.free(other.address - 8);
		try {
			heap.usableSize(other.address - 8);
		} catch (error) {
			report = (error as Error).message.split("\n")[0] as string;
		}
		expectCorrupt(
			heap,
			other,
			other.address,
			`the header's block ${hex(other.address - 8)} is not a live block of its allocator (${report})`,
		);
	});

	it("names a spare node whose owner word is wrong, and spare counts that disagree", () => {
		const { heap, list, c, hdr, node } = three();
		list.popBack(); // c is a spare now
		const spare = heap.u32[hdr + W_SPARE] as number;
		expect(spare & ~7).toBe(c & ~7);
		corrupt(heap, node(spare) + N_OWNER, 0, () =>
			expectCorrupt(
				heap,
				list,
				c & ~7,
				`spare node ${hex(c & ~7)} (handle ${hex(spare)}): its owner word is 0x0000, not the spare tag 1`,
			),
		);
		corrupt(heap, hdr + W_NODES, 4, () =>
			expectCorrupt(
				heap,
				list,
				list.address,
				"1 spare nodes are linked, but it holds 2 (nodes held less the length)",
			),
		);
		corrupt(heap, hdr + W_NODES, 2, () =>
			expectCorrupt(
				heap,
				list,
				c & ~7,
				`spare node ${hex(c & ~7)} (handle ${hex(spare)}): more spare nodes are linked than the 0 it holds (a cycle, or a wrong count)`,
			),
		);
		list.check();
		list.free();
	});

	it("names owner cells whose reference counts disagree with the nodes and cells that name them", () => {
		const heap = new Heap();
		const a = new List(heap, u32);
		const b = new List(heap, u32);
		a.pushBack(1);
		const moved = [b.pushBack(2), b.pushBack(3)];
		const forwarding = (heap.u32[((moved[0] as number) & ~7) >>> 2] as number) & ~7;
		a.splice(b); // b's old cell now forwards to a's root
		const root = heap.u32[(a.address >>> 2) + W_CELL] as number;
		expect(forwarding).not.toBe(root);
		a.check();
		corrupt(heap, (forwarding >>> 2) + C_REFS, 5, () =>
			expectCorrupt(
				heap,
				a,
				forwarding,
				`owner cell ${hex(forwarding)} counts 5 references, but 2 nodes and cells name it`,
			),
		);
		corrupt(heap, (root >>> 2) + C_REFS, 1, () =>
			expectCorrupt(
				heap,
				a,
				root,
				`its root cell ${hex(root)} counts 1 references, but the list and 1 cells name it`,
			),
		);
		corrupt(heap, (a.address >>> 2) + W_INDIRECT, 1, () =>
			expectCorrupt(heap, a, root, "2 nodes are tagged with forwarding cells, but its header counts 1"),
		);
		a.free();
		b.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("refuses to free, clear or trim a list whose links are corrupt, freeing nothing", () => {
		const { heap, list, a, b, c, node } = three();
		list.popBack(); // c is a spare now
		const outside = heap.u8.length;
		corrupt(heap, node(a) + N_NEXT, outside, () => {
			for (const [operation, call] of [
				["free", () => list.free()],
				["clear", () => list.clear()],
			] as const) {
				const error = expectRefused(heap, HeapCorruptionError, call);
				expect(error.message).toBe(
					`heap corrupted at block ${hex(outside)}: List.${operation}: list at ${hex(list.address)}: ` +
						`node ${hex(outside)} (handle ${hex(outside)}): it is not inside the heap`,
				);
			}
		});
		const spare = heap.u32[(list.address >>> 2) + W_SPARE] as number;
		corrupt(heap, node(spare) + N_NEXT, b, () => {
			const error = expectRefused(heap, HeapCorruptionError, () => list.trim());
			expect(error.message).toBe(
				`heap corrupted at block ${hex(b & ~7)}: List.trim: list at ${hex(list.address)}: ` +
					`spare node ${hex(b & ~7)} (handle ${hex(b)}): more spare nodes are linked than the 1 it holds (a cycle, or a wrong count)`,
			);
		});
		expect(list.toArray()).toEqual([1, 2]);
		expect(c & ~7).toBe(spare & ~7);
		list.check();
		list.free();
		expect(heap.stats().liveBlocks).toBe(0);
	});

	it("refuses to check a freed list", () => {
		const heap = new Heap();
		const list = new List(heap, u32);
		list.free();
		expect(expectRefused(heap, InvalidPointerError, () => list.check()).message).toBe(
			"List.check(0x0000): invalid pointer: the list was freed",
		);
	});

	it("passes after every step of random operations on several lists, with the heap's own check", () => {
		type Step = { op: number; l: number; at: number };
		const step = fc.record({ op: fc.nat({ max: 9 }), l: fc.nat({ max: 2 }), at: fc.nat({ max: 50 }) });
		fc.assert(
			fc.property(fc.array(step, { maxLength: 120 }), fc.boolean(), (steps: Step[], checked) => {
				const heap = new Heap({ checked });
				const lists = [
					new List(heap, u32),
					new List(heap, u32, { spare: 3 }),
					new List(heap, u32, { spare: 0 }),
				];
				const pick = (list: List, at: number): number => {
					let n = list.first;
					for (let i = 0; i < at % Math.max(1, list.length) && n !== 0; i++) n = list.next(n);
					return n;
				};
				for (const { op, l, at } of steps) {
					const list = lists[l] as List<typeof u32>;
					const other = lists[(l + 1 + (at % 2)) % 3] as List<typeof u32>;
					const node = pick(list, at);
					switch (op) {
						case 0:
							list.pushBack(at);
							break;
						case 1:
							list.pushFront(at);
							break;
						case 2:
							if (node !== 0) list.insertAfter(node, at);
							break;
						case 3:
							if (node !== 0) list.remove(node);
							break;
						case 4:
							list.popFront();
							break;
						case 5:
							if (node !== 0) list.moveToFront(node);
							break;
						case 6:
							list.splice(other);
							break;
						case 7:
							if (other.length > 0) {
								const first = pick(other, at);
								list.splice(other, { first, last: other.last, before: node });
							}
							break;
						case 8:
							if (at % 5 === 0) list.clear();
							else list.trim();
							break;
						default:
							if (node !== 0) list.get(node); // compresses the node's owner path
					}
					for (const each of lists) each.check();
					heap.check();
				}
				for (const each of lists) each.free();
				if (!checked) expect(heap.stats().liveBlocks).toBe(0);
			}),
			{ numRuns: 150 },
		);
	});
});
