import {
	type Allocator,
	DoubleFreeError,
	Heap,
	HeapCorruptionError,
	InvalidPointerError,
} from "@offheap/core";
import { describe, expect, it } from "vitest";
import {
	downgrade,
	RcSpace,
	release,
	releaseWeak,
	retain,
	strongCount,
	upgrade,
	weakCount,
} from "../src/index.ts";
import { expectRefused, expectThrown, hexOf, occupancy } from "./helpers.ts";

/** A node owning up to three children (u32 addresses) and holding its parent weakly (a u32 address). */
const node = { size: 16, align: 8 };
const CHILDREN = 3;

function nodeSpace(heap: Heap, onDrop: (ptr: number, space: RcSpace) => void = () => {}) {
	const space = new RcSpace(heap);
	const Node = space.kind({
		name: "Node",
		type: node,
		drop: (ptr, s) => {
			onDrop(ptr, s);
			const u32 = s.heap.u32;
			const base = ptr >>> 2;
			// Read every field before releasing: a release may free memory and a hook may grow the heap.
			const children = [u32[base], u32[base + 1], u32[base + 2]] as number[];
			const parent = u32[base + CHILDREN] as number;
			for (const child of children) release(s, child);
			releaseWeak(s, parent);
		},
	});
	return { space, Node };
}

describe("drops", () => {
	it("runs the drop hook once, when the last strong reference goes, with the value still readable", () => {
		const heap = new Heap();
		const seen: number[] = [];
		const space = new RcSpace(heap);
		const Cell = space.kind({
			name: "Cell",
			type: { size: 8, align: 8 },
			drop: (ptr, s) => {
				seen.push(s.heap.f64[ptr >>> 3] as number);
				expect(strongCount(s, ptr)).toBe(0);
				expect(upgrade(s, ptr)).toBe(false);
			},
		});
		const a = space.alloc(Cell);
		heap.f64[a.ptr >>> 3] = 9.75;
		const w = a.downgrade();
		const b = a.clone();
		a.release();
		expect(seen).toEqual([]);
		b.release();
		expect(seen).toEqual([9.75]);
		w.release();
		expect(seen).toEqual([9.75]);
	});

	it("drops what a value owns: a whole tree goes with its root", () => {
		const heap = new Heap();
		const start = occupancy(heap);
		const dropped: number[] = [];
		const { space, Node } = nodeSpace(heap, (ptr) => dropped.push(ptr));
		const all: number[] = [];
		const build = (depth: number, parent: number): number => {
			const p = space.allocRaw(Node);
			all.push(p);
			if (parent !== 0) downgrade(space, parent);
			heap.u32[(p >>> 2) + CHILDREN] = parent;
			if (depth > 0) for (let i = 0; i < CHILDREN; i++) heap.u32[(p >>> 2) + i] = build(depth - 1, p);
			return p;
		};
		const root = build(4, 0);
		expect(space.stats().liveValues).toBe(121);
		expect(weakCount(space, root)).toBe(3);
		release(space, root);
		expect(dropped.sort()).toEqual(all.sort());
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0, freed: 121 });
		space.free();
		expect(occupancy(heap)).toEqual(start);
		heap.check();
	});

	it("drops a chain of 100,000 values without deepening the JS stack", () => {
		const heap = new Heap();
		const start = occupancy(heap);
		let depth = 0;
		let maxDepth = 0;
		const space = new RcSpace(heap);
		const Link = space.kind({
			name: "Link",
			type: { size: 4, align: 4 },
			drop: (ptr, s) => {
				depth++;
				maxDepth = Math.max(maxDepth, depth);
				release(s, s.heap.u32[ptr >>> 2] as number);
				depth--;
			},
		});
		let head = 0;
		for (let i = 0; i < 100_000; i++) {
			const p = space.allocRaw(Link);
			heap.u32[p >>> 2] = head;
			head = p;
		}
		release(space, head);
		expect(maxDepth).toBe(1);
		expect(space.stats()).toMatchObject({ liveValues: 0, freed: 100_000 });
		space.free();
		expect(occupancy(heap)).toEqual(start);
	});

	it("keeps the counts right when a drop hook throws: dropped, freed, and the error rethrown", () => {
		const heap = new Heap();
		const start = occupancy(heap);
		const failure = new Error("hook failed");
		const { space, Node } = nodeSpace(heap);
		const Bad = space.kind({
			name: "Bad",
			type: node,
			drop: (ptr, s) => {
				release(s, s.heap.u32[ptr >>> 2] as number); // its child still goes
				throw failure;
			},
		});
		const child = space.allocRaw(Node);
		const bad = space.alloc(Bad);
		heap.u32[bad.ptr >>> 2] = child;
		const w = bad.downgrade();
		expect(() => bad.release()).toThrow(failure);
		expect(bad.released).toBe(true);
		expect(w.upgrade()).toBeNull();
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 1, freed: 1 });
		w.release();
		space.free();
		expect(occupancy(heap)).toEqual(start);
		heap.check();
	});

	it("runs every pending drop when several hooks throw, then throws an AggregateError", () => {
		const heap = new Heap();
		const ran: string[] = [];
		const space = new RcSpace(heap);
		const Leaf = space.kind({
			name: "Leaf",
			type: { size: 8, align: 8 },
			drop: () => {
				ran.push("leaf");
				throw new Error("leaf");
			},
		});
		const Pair = space.kind({
			name: "Pair",
			type: { size: 8, align: 8 },
			drop: (ptr, s) => {
				ran.push("pair");
				release(s, s.heap.u32[ptr >>> 2] as number);
				release(s, s.heap.u32[(ptr >>> 2) + 1] as number);
				throw new Error("pair");
			},
		});
		const pair = space.allocRaw(Pair);
		heap.u32[pair >>> 2] = space.allocRaw(Leaf);
		heap.u32[(pair >>> 2) + 1] = space.allocRaw(Leaf);
		let caught: unknown;
		try {
			release(space, pair);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(AggregateError);
		expect((caught as AggregateError).errors.map((e: Error) => e.message)).toEqual(["pair", "leaf", "leaf"]);
		expect(ran).toEqual(["pair", "leaf", "leaf"]);
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0, freed: 3 });
		// The space is still usable: a later drop runs normally.
		const again = space.allocRaw(Leaf);
		expect(() => release(space, again)).toThrow("leaf");
		heap.check();
	});

	it("refuses to revive or release twice the value being dropped, from its own hook", () => {
		const heap = new Heap();
		let ran = 0;
		const space = new RcSpace(heap);
		const Cell = space.kind({
			name: "Cell",
			type: { size: 8, align: 8 },
			drop: (ptr, s) => {
				const dropped = `(${hexOf(ptr)}): %s: the value was already dropped (strong 0, weak 1): no strong reference is left to use`;
				const misuses = [
					[retain, InvalidPointerError, "invalid pointer"],
					[release, DoubleFreeError, "double free"],
					[downgrade, InvalidPointerError, "invalid pointer"],
				] as const;
				for (const [use, kind, what] of misuses) {
					expectRefused(heap, undefined, kind, `${use.name}${dropped.replace("%s", what)}`, () =>
						use(s, ptr),
					);
				}
				ran++;
			},
		});
		release(space, space.allocRaw(Cell));
		expect(ran).toBe(1);
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0, freed: 1 });
	});

	it("lets a drop hook allocate, even when that grows the heap", () => {
		const heap = new Heap({ initialBytes: 65536, maxBytes: 1 << 24 });
		const space = new RcSpace(heap);
		const Cell = space.kind({ name: "Cell", type: { size: 8, align: 8 } });
		const blocks: number[] = [];
		const Owner = space.kind({
			name: "Owner",
			type: { size: 8, align: 8 },
			drop: (ptr, s) => {
				blocks.push(s.heap.alloc(1 << 20)); // grows the heap: views are re-created
				release(s, s.heap.u32[ptr >>> 2] as number);
			},
		});
		const owner = space.allocRaw(Owner);
		heap.u32[owner >>> 2] = space.allocRaw(Cell);
		const w = space.alloc(Owner);
		const weakOwner = w.downgrade();
		w.release();
		release(space, owner);
		expect(heap.stats().heapBytes).toBeGreaterThan(1 << 21);
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 1, freed: 2 });
		weakOwner.release();
		for (const b of blocks) heap.free(b);
		heap.check();
	});

	it("keeps the block of a value whose hook releases a weak reference to the value itself", () => {
		const heap = new Heap();
		const start = occupancy(heap);
		const space = new RcSpace(heap);
		const Self = space.kind({
			name: "Self",
			type: { size: 8, align: 8 },
			drop: (ptr, s) => {
				expect(weakCount(s, ptr)).toBe(1);
				releaseWeak(s, ptr);
				expect(weakCount(s, ptr)).toBe(0);
				expectRefused(
					heap,
					undefined,
					DoubleFreeError,
					`releaseWeak(${hexOf(ptr)}): double free: no weak reference is left to release (strong 0, weak 0)`,
					() => releaseWeak(s, ptr),
				);
				heap.check();
			},
		});
		const p = space.allocRaw(Self);
		downgrade(space, p);
		release(space, p);
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0, freed: 1 });
		space.free();
		expect(occupancy(heap)).toEqual(start);
	});

	it("refuses to drop a value whose kind is not registered, changing nothing", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		const p = space.allocRaw(space.kind({ name: "Cell", type: { size: 8, align: 8 } }));
		retain(space, p);
		const again = RcSpace.open(heap, space.address);
		release(again, p); // not the last: no hook needed
		expectRefused(
			heap,
			again,
			TypeError,
			`release(${hexOf(p)}): the value's kind (id 1) is not registered in this space: call space.kind() ` +
				"with its definition first (after RcSpace.open, register every kind again)",
			() => release(again, p),
		);
		again.kind({ name: "Cell", type: { size: 8, align: 8 } });
		expect(release(again, p)).toBe(true);
	});

	it("refuses a last release whose block cannot be unlinked from a corrupted list, before any hook runs", () => {
		const heap = new Heap();
		let hooks = 0;
		const space = new RcSpace(heap);
		const Plain = space.kind({ name: "Plain", type: { size: 8, align: 8 } });
		const Hooked = space.kind({
			name: "Hooked",
			type: { size: 8, align: 8 },
			drop: () => {
				hooks++;
			},
		});
		for (const kind of [Plain, Hooked]) {
			const a = space.alloc(kind);
			const b = space.allocRaw(kind); // the list: b, a, …
			const link = ((a.ptr - 32) >>> 2) + 0;
			const saved = heap.u32[link] as number;
			heap.u32[link] = 8; // a stray write over a's link back to b
			const broken =
				`heap corrupted at block ${hexOf(a.ptr - 32)}: RcSpace ${hexOf(space.address)}: the list of values ` +
				`is broken at value ${hexOf(a.ptr)}: its previous value 0x0008 does not link back to it`;
			for (const attempt of [() => release(space, a.ptr), () => a.release()]) {
				const bytes = heap.u8.slice();
				const stats = [heap.stats(), space.stats()];
				expectThrown(HeapCorruptionError, broken, attempt);
				expect(heap.u8.every((byte, i) => byte === bytes[i])).toBe(true);
				expect([heap.stats(), space.stats()]).toEqual(stats);
				expect(a.released).toBe(false);
				expect(a.strongCount).toBe(1);
			}
			expect(hooks).toBe(0);
			heap.u32[link] = saved;
			space.check();
			a.release();
			release(space, b);
		}
		expect(hooks).toBe(2);
		space.check();
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0, freed: 4 });
	});

	it("undoes a drop or a weak release whose block the allocator refuses to free", () => {
		const heap = new Heap();
		let refuse = false;
		// An allocator over the heap whose free throws (as a heap does when it finds its metadata corrupted).
		const allocator: Allocator = {
			heap,
			malloc: (size, align) => heap.malloc(size, align),
			calloc: (count, size) => heap.calloc(count, size),
			realloc: (ptr, size) => heap.realloc(ptr, size),
			usableSize: (ptr) => heap.usableSize(ptr),
			free: (ptr) => {
				if (refuse) throw new HeapCorruptionError(ptr, "refused by the test");
				heap.free(ptr);
			},
		};
		const space = new RcSpace(allocator);
		const Plain = space.kind({ name: "Plain", type: { size: 8, align: 8 } });
		const p = space.allocRaw(Plain);
		const q = space.allocRaw(Plain);
		downgrade(space, q);
		release(space, q); // dropped, kept by a weak reference
		refuse = true;
		const refused = (ptr: number) => `heap corrupted at block ${hexOf(ptr - 32)}: refused by the test`;
		expectRefused(heap, space, HeapCorruptionError, refused(p), () => release(space, p));
		expectRefused(heap, space, HeapCorruptionError, refused(q), () => releaseWeak(space, q));
		const handle = space.alloc(Plain);
		refuse = true;
		expectRefused(heap, space, HeapCorruptionError, refused(handle.ptr), () => handle.release());
		expect(handle.released).toBe(false);
		// With a hook, the drop has happened when the free fails: the value stays, counted as dropped.
		let hooks = 0;
		const Hooked = space.kind({
			name: "Hooked",
			type: { size: 8, align: 8 },
			drop: () => {
				hooks++;
			},
		});
		refuse = false;
		const h = space.allocRaw(Hooked);
		refuse = true;
		expectThrown(HeapCorruptionError, refused(h), () => release(space, h));
		expect(hooks).toBe(1);
		expect(strongCount(space, h)).toBe(0);
		space.check();
		expect(space.stats()).toMatchObject({ liveValues: 2, droppedValues: 2 });
		refuse = false;
		release(space, p);
		releaseWeak(space, q);
		handle.release();
		releaseWeak(space, h); // the weak reference the failed free left behind
		space.check();
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0, freed: 4 });
		space.free();
		heap.check();
	});
});
