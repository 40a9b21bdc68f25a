import { DoubleFreeError, Heap, HeapCorruptionError, InvalidPointerError } from "@offheap/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	downgrade,
	type RcKind,
	RcSpace,
	release,
	releaseWeak,
	retain,
	retainWeak,
	strongCount,
	upgrade,
} from "../src/index.ts";
import { expectRefused, expectThrown, hexOf, literal, occupancy } from "./helpers.ts";

const cell = { size: 8, align: 8 };

// Word indexes of the layout, as the guide documents it.
const H = { prev: 0, next: 1, space: 2, check: 3, strong: 4, weak: 5, serial: 6, meta: 7 };
const W = {
	magic: 0,
	version: 1,
	id: 13,
	kindCount: 3,
	kindTable: 4,
	kindBytes: 5,
	live: 6,
	dropped: 7,
	first: 12,
};
const F = { created: 4, freed: 5 };

/**
 * A space with three values in its list (c, b, a from the front): `a` live with a weak reference,
 * `b` dropped and kept by a weak reference, `c` live.
 */
function fixture() {
	const heap = new Heap();
	const space = new RcSpace(heap);
	const Cell = space.kind({ name: "Cell", type: cell });
	const a = space.allocRaw(Cell);
	downgrade(space, a);
	const b = space.allocRaw(Cell);
	downgrade(space, b);
	release(space, b);
	const c = space.allocRaw(Cell);
	space.check();
	const word = (ptr: number, field: keyof typeof H) => ((ptr - 32) >>> 2) + H[field];
	const control = (field: keyof typeof W) => (space.address >>> 2) + W[field];
	return { heap, space, Cell, a, b, c, word, control, at: hexOf(space.address) };
}

/** Asserts that check() throws exactly this HeapCorruptionError, and that it wrote nothing. */
function expectCorrupt(heap: Heap, space: RcSpace, block: number, detail: string | RegExp): void {
	const bytes = heap.u8.slice();
	const head = `heap corrupted at block ${hexOf(block)}: RcSpace ${hexOf(space.address)}: `;
	const message =
		typeof detail === "string" ? head + detail : new RegExp(`^${literal(head)}${detail.source}`);
	const error = expectThrown(HeapCorruptionError, message, () => space.check());
	expect((error as HeapCorruptionError).block).toBe(block);
	expect(heap.u8.every((byte, i) => byte === bytes[i])).toBe(true);
}

describe("RcSpace.check", () => {
	it("passes on a fresh space, after every kind of operation, and after everything is released", () => {
		const { heap, space, a, b, c } = fixture();
		retain(space, a);
		upgrade(space, a);
		retainWeak(space, b);
		space.check();
		for (let i = 0; i < 3; i++) release(space, a);
		releaseWeak(space, a);
		releaseWeak(space, b);
		releaseWeak(space, b);
		release(space, c);
		space.check();
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0, freed: 3 });
		space.free();
		heap.check();
	});

	it("passes inside drop hooks, while values are being dropped", () => {
		const heap = new Heap();
		const space = new RcSpace(heap);
		let checks = 0;
		const Node = space.kind({
			name: "Node",
			type: { size: 4, align: 4 },
			drop: (ptr, s) => {
				s.check();
				checks++;
				release(s, s.heap.u32[ptr >>> 2] as number);
				s.check();
			},
		});
		let head = 0;
		for (let i = 0; i < 5; i++) {
			const p = space.allocRaw(Node);
			heap.u32[p >>> 2] = head;
			downgrade(space, p);
			head = p;
		}
		release(space, head);
		expect(checks).toBe(5);
		space.check();
		expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 5 });
	});

	it("names a control block whose magic, version or id was overwritten", () => {
		const { heap, space, control, at } = fixture();
		heap.u32[control("magic")] = 0x12345678;
		expectCorrupt(heap, space, space.address, "control block magic is 0x12345678, not 0x52635370");
		heap.u32[control("magic")] = 0x52635370;
		heap.u32[control("version")] = 7;
		expectCorrupt(heap, space, space.address, "control block layout version is 7, not 2");
		heap.u32[control("version")] = 2;
		const id = heap.u32[control("id")] as number;
		const changed = (id ^ 1) >>> 0;
		heap.u32[control("id")] = changed;
		expectCorrupt(
			heap,
			space,
			space.address,
			`control block id is ${hexOf(changed)}, not this space's ${hexOf(id)}`,
		);
		heap.u32[control("id")] = id;
		space.check();
		expect(at).toBe(hexOf(space.address));
	});

	it("names a kind table that does not match its counters or its records", () => {
		const { heap, space, control } = fixture();
		const table = heap.u32[control("kindTable")] as number;
		heap.u32[control("kindCount")] = 0x10000;
		expectCorrupt(heap, space, space.address, "it records 65536 kinds, more than the 65535 a space holds");
		heap.u32[control("kindCount")] = 0;
		expectCorrupt(heap, space, space.address, `it records 0 kinds in a table at ${hexOf(table)} of 20 B`);
		heap.u32[control("kindCount")] = 1;
		heap.u32[control("kindBytes")] = 24;
		expectCorrupt(heap, space, table, "the kind table holds 24 B of records in a block of 20 B");
		heap.u32[control("kindBytes")] = 16;
		expectCorrupt(heap, space, table, "kind 1: a name of 4 code units does not fit the table's 16 B");
		heap.u32[control("kindBytes")] = 20;
		heap.u32[table >>> 2] = 0;
		expectCorrupt(heap, space, table, "kind 1: a name of 0 code units does not fit the table's 20 B");
		heap.u32[table >>> 2] = 4;
		heap.u32[(table >>> 2) + 2] = 3;
		expectCorrupt(heap, space, table, "kind 1: align 3 is not a power of two in [1, 2^24]");
		heap.u32[(table >>> 2) + 2] = 16;
		expectCorrupt(
			heap,
			space,
			table,
			'kind 1 is recorded as "Cell" (size 8, align 16) but registered as "Cell" (size 8, align 8)',
		);
		heap.u32[(table >>> 2) + 2] = 8;
		heap.u32[control("kindTable")] = table + 8;
		expectCorrupt(heap, space, table + 8, /the kind table is not a live block: .+/);
		heap.u32[control("kindTable")] = table;
		space.check();
		// Two kinds, one counted: the second record is left over.
		space.kind({ name: "Second", type: cell });
		const grown = heap.u32[control("kindTable")] as number;
		heap.u32[control("kindCount")] = 1;
		expectCorrupt(heap, space, grown, "the kind records take 20 B, but the table says 44 B");
		heap.u32[control("kindCount")] = 2;
		space.check();
	});

	it("names counters that do not match the values in its list: the cross-space underflow included", () => {
		const { heap, space, control } = fixture();
		const live = control("live");
		heap.u32[live] = 0xffffffff; // what releasing a value of another space used to leave behind
		expectCorrupt(heap, space, space.address, "liveValues is 4294967295, but 2 values in its list are live");
		heap.u32[live] = 2;
		heap.u32[control("dropped")] = 0;
		expectCorrupt(heap, space, space.address, "droppedValues is 0, but 1 values in its list are dropped");
		heap.u32[control("dropped")] = 1;
		const created = (space.address >>> 3) + F.created;
		heap.f64[created] = 4;
		expectCorrupt(
			heap,
			space,
			space.address,
			"its list holds 3 value blocks, but it counts 4 created and 0 freed",
		);
		heap.f64[created] = 2;
		expectCorrupt(
			heap,
			space,
			space.address,
			/value 0x[0-9a-f]+ links to 0x[0-9a-f]+, past the 2 value blocks created and not freed \(a cycle, or a wrong counter\)$/,
		);
		heap.f64[created] = Number.NaN;
		expectCorrupt(heap, space, space.address, "it counts NaN values created and 0 freed");
		heap.f64[created] = 3;
		heap.f64[(space.address >>> 3) + F.freed] = 4;
		expectCorrupt(heap, space, space.address, "it counts 3 values created and 4 freed");
		heap.f64[(space.address >>> 3) + F.freed] = 0;
		space.check();
	});

	it("names a broken list of values: a bad start, a bad link back, a cycle", () => {
		const { heap, space, a, b, c, word, control } = fixture();
		heap.u32[control("first")] = c + 4;
		expectCorrupt(
			heap,
			space,
			space.address,
			`the list of values starts at ${hexOf(c + 4)}, which is not a value address`,
		);
		heap.u32[control("first")] = c;
		heap.u32[word(b, "prev")] = a;
		expectCorrupt(
			heap,
			space,
			b - 32,
			`value ${hexOf(b)} (kind 1) links back to ${hexOf(a)}, not to ${hexOf(c)}`,
		);
		heap.u32[word(b, "prev")] = c;
		heap.u32[word(a, "next")] = c; // a cycle: c, b, a, c …
		expectCorrupt(
			heap,
			space,
			space.address,
			`value ${hexOf(a)} links to ${hexOf(c)}, past the 3 value blocks created and not freed (a cycle, or a wrong counter)`,
		);
		heap.u32[word(a, "next")] = 0;
		const plain = heap.malloc(64);
		heap.u32[word(a, "next")] = plain + 32;
		expectCorrupt(
			heap,
			space,
			plain,
			`value ${hexOf(a)} links to ${hexOf(plain + 32)}, which has no Rc header (meta word 0x0000)`,
		);
		heap.u32[word(a, "next")] = 0;
		space.check();
	});

	it("names a value header whose tag, kind, offset, owner, serial or check word was overwritten", () => {
		const { heap, space, a, b, c, word } = fixture();
		const meta = heap.u32[word(b, "meta")] as number;
		heap.u32[word(b, "meta")] = meta & 0xffffff;
		expectCorrupt(
			heap,
			space,
			b - 32,
			`value ${hexOf(c)} links to ${hexOf(b)}, which has no Rc header (meta word ${hexOf(meta & 0xffffff)})`,
		);
		heap.u32[word(b, "meta")] = (meta & ~0xffff) | 9;
		expectCorrupt(heap, space, b - 32, `value ${hexOf(b)} has kind id 9, not one of the 1 kinds recorded`);
		heap.u32[word(b, "meta")] = ((meta & ~0x1f0000) | (6 << 16)) >>> 0;
		expectCorrupt(
			heap,
			space,
			b - 32,
			`value ${hexOf(b)} (kind 1): meta word ${hexOf(((meta & ~0x1f0000) | (6 << 16)) >>> 0)} does not give its kind's value offset 32`,
		);
		heap.u32[word(b, "meta")] = meta;
		const other = new RcSpace(heap);
		heap.u32[word(b, "space")] = other.address;
		expectCorrupt(
			heap,
			space,
			b - 32,
			`value ${hexOf(b)} (kind 1) is in this space's list, but its header names the space ${hexOf(other.address)}`,
		);
		heap.u32[word(b, "space")] = space.address;
		const serial = heap.u32[word(a, "serial")] as number;
		heap.u32[word(a, "serial")] = 0;
		expectCorrupt(heap, space, a - 32, `value ${hexOf(a)} (kind 1) has serial 0, which no value has`);
		heap.u32[word(a, "serial")] = serial ^ 0x100;
		expectCorrupt(
			heap,
			space,
			a - 32,
			`value ${hexOf(a)} (kind 1): its check word ${hexOf(heap.u32[word(a, "check")] as number)} does not match its space, serial and kind`,
		);
		heap.u32[word(a, "serial")] = serial;
		space.check();
	});

	it("names counts that cannot be: no weak reference on a block, a drop marked outside any drop", () => {
		const { heap, space, a, c, word } = fixture();
		heap.u32[word(c, "weak")] = 0;
		expectCorrupt(
			heap,
			space,
			c - 32,
			`value ${hexOf(c)} (kind 1) has weak count 0, but a value block is kept by at least one`,
		);
		heap.u32[word(c, "weak")] = 1;
		const meta = heap.u32[word(a, "meta")] as number;
		heap.u32[word(a, "meta")] = meta | 0x800000;
		expectCorrupt(
			heap,
			space,
			a - 32,
			`value ${hexOf(a)} (kind 1) is marked as being dropped (strong 1) while no drop hook runs`,
		);
		heap.u32[word(a, "meta")] = meta;
		space.check();
	});

	it("names a value whose block was freed behind its back", () => {
		const { heap, space, a, c } = fixture();
		heap.free(c - 32); // the block's start, which the heap does hand out: a user mistake rc cannot stop
		expectCorrupt(
			heap,
			space,
			c - 32,
			new RegExp(`value ${literal(hexOf(c))} \\(kind 1\\): its block is not live: .+`),
		);
		expect(heap.usableSize(a - 32)).toBeGreaterThanOrEqual(40);
	});

	it("is refused on a freed space, and changes nothing when it passes", () => {
		const { heap, space, a, b, c } = fixture();
		const bytes = heap.u8.slice();
		const stats = [heap.stats(), space.stats()];
		space.check();
		expect(heap.u8.every((byte, i) => byte === bytes[i])).toBe(true);
		expect([heap.stats(), space.stats()]).toEqual(stats);
		release(space, a);
		releaseWeak(space, a);
		releaseWeak(space, b);
		release(space, c);
		space.free();
		expectRefused(
			heap,
			undefined,
			InvalidPointerError,
			`RcSpace.check(${hexOf(space.address)}): invalid pointer: this RcSpace was freed`,
			() => space.check(),
		);
	});
});

// ---------------------------------------------------------------- property

/** Operations of the property test; each picks its target from `n`. */
const OPS = 14;
const op = fc.tuple(fc.integer({ min: 0, max: OPS - 1 }), fc.nat(), fc.boolean());

interface World {
	heap: Heap;
	spaces: RcSpace[];
	kinds: RcKind[][];
	/** Raw references held: per space, value → [strong, weak] held by the test. */
	held: Map<number, [number, number]>[];
	/** Values owned by another value (never made owners themselves, so no cycle can form). */
	owned: Set<number>;
}

/** Children are owned strongly in the first word and held weakly in the second. */
function makeKinds(space: RcSpace, tag: string): RcKind[] {
	const owner = (ptr: number, s: RcSpace) => {
		const u32 = s.heap.u32;
		const [child, weak] = [u32[ptr >>> 2] as number, u32[(ptr >>> 2) + 1] as number];
		release(s, child);
		releaseWeak(s, weak);
	};
	return [
		space.kind({ name: `${tag}Cell`, type: { size: 8, align: 8 } }),
		space.kind({ name: `${tag}Wide`, type: { size: 40, align: 64 }, drop: owner }),
		space.kind({ name: `${tag}Pair`, type: { size: 8, align: 4 }, drop: owner }),
		space.kind({ name: `${tag}Empty`, type: { size: 0, align: 1 } }),
	];
}

function checkAll(world: World): void {
	for (const space of world.spaces) space.check();
	world.heap.check();
}

function pick<T>(list: readonly T[], n: number): T | undefined {
	return list.length === 0 ? undefined : list[n % list.length];
}

function step(world: World, [code, n, flag]: [number, number, boolean]): void {
	const si = flag ? 1 : 0;
	const space = world.spaces[si] as RcSpace;
	const other = world.spaces[1 - si] as RcSpace;
	const held = world.held[si] as Map<number, [number, number]>;
	const strongOnes = [...held].filter(([, [s]]) => s > 0).map(([p]) => p);
	const weakOnes = [...held].filter(([, [, w]]) => w > 0).map(([p]) => p);
	const count = (p: number, ds: number, dw: number) => {
		const [s, w] = held.get(p) ?? [0, 0];
		if (s + ds === 0 && w + dw === 0) held.delete(p);
		else held.set(p, [s + ds, w + dw]);
	};
	switch (code) {
		case 0:
		case 1: {
			const kind = world.kinds[si]?.[n % 4] as RcKind;
			const p = space.allocRaw(kind);
			if (p !== 0) count(p, 1, 0);
			break;
		}
		case 2: {
			const p = pick(strongOnes, n);
			if (p !== undefined) {
				retain(space, p);
				count(p, 1, 0);
			}
			break;
		}
		case 3:
		case 4: {
			const p = pick(strongOnes, n);
			if (p !== undefined) {
				count(p, -1, 0);
				release(space, p);
			}
			break;
		}
		case 5: {
			const p = pick(strongOnes, n);
			if (p !== undefined) {
				downgrade(space, p);
				count(p, 0, 1);
			}
			break;
		}
		case 6: {
			const p = pick(weakOnes, n);
			if (p !== undefined) {
				count(p, 0, -1);
				releaseWeak(space, p);
			}
			break;
		}
		case 7: {
			const p = pick(weakOnes, n);
			if (p !== undefined && upgrade(space, p)) count(p, 1, 0);
			break;
		}
		case 8: {
			// An owner takes over one of our strong references as its child (and a weak one as its link).
			const parent = pick(strongOnes, n);
			const child = pick(strongOnes, n >>> 3);
			if (parent === undefined || child === undefined || parent === child || world.owned.has(parent)) break;
			const kind = space.kindOf(parent);
			if (kind === undefined || kind.drop === undefined || space.heap.u32[parent >>> 2] !== 0) break;
			world.owned.add(child);
			downgrade(space, child);
			space.heap.u32[parent >>> 2] = child;
			space.heap.u32[(parent >>> 2) + 1] = child;
			count(child, -1, 0);
			// The weak link is the parent's, not ours: it is released by the parent's hook.
			break;
		}
		case 9: {
			// Misuse: a value of the other space, refused with nothing changed.
			const p = pick([...(world.held[1 - si] as Map<number, [number, number]>).keys()], n);
			if (p === undefined) break;
			expectRefused(
				world.heap,
				space,
				InvalidPointerError,
				`retain(${hexOf(p)}): invalid pointer: the value belongs to another RcSpace (at ${hexOf(other.address)}), ` +
					`not to this one (at ${hexOf(space.address)})`,
				() => retain(space, p),
			);
			break;
		}
		case 10: {
			// Misuse: releasing a dropped value once too often, refused with nothing changed.
			const p = pick(
				weakOnes.filter((q) => strongCount(space, q) === 0),
				n,
			);
			if (p === undefined) break;
			expectRefused(
				world.heap,
				space,
				DoubleFreeError,
				new RegExp(`^release\\(${hexOf(p)}\\): double free: `),
				() => release(space, p),
			);
			break;
		}
		case 11: {
			// Writes to a value's bytes never disturb the space.
			const p = pick(strongOnes, n);
			const kind = p === undefined ? undefined : space.kindOf(p);
			if (p !== undefined && kind !== undefined && kind.drop === undefined && kind.size >= 8) {
				space.heap.u32[p >>> 2] = n;
				space.heap.u32[(p >>> 2) + 1] = ~n;
			}
			break;
		}
		case 12: {
			// Real exhaustion of the fixed budget, then the room given back.
			const blocks: number[] = [];
			for (let size = 4096; size >= 8; size >>>= 1) {
				for (let b = world.heap.malloc(size); b !== 0; b = world.heap.malloc(size)) blocks.push(b);
			}
			const kind = world.kinds[si]?.[n % 4] as RcKind;
			const bytes = world.heap.u8.slice();
			const stats = [world.heap.stats(), space.stats()];
			expect(space.allocRaw(kind)).toBe(0);
			expect(space.tryAlloc(kind)).toBeNull();
			expect(world.heap.u8.every((byte, i) => byte === bytes[i])).toBe(true);
			expect([world.heap.stats(), space.stats()]).toEqual(stats);
			checkAll(world);
			for (const b of blocks) world.heap.free(b);
			break;
		}
		default: {
			const p = pick(weakOnes, n);
			if (p !== undefined) {
				retainWeak(space, p);
				count(p, 0, 1);
			}
		}
	}
}

describe("RcSpace.check, property", () => {
	it("passes, with heap.check(), after every step of any sequence of operations on two spaces sharing a fixed heap", () => {
		fc.assert(
			fc.property(fc.array(op, { maxLength: 60 }), (commands) => {
				const heap = new Heap({ initialBytes: 1 << 17, maxBytes: 1 << 17 });
				const start = occupancy(heap);
				const spaces = [new RcSpace(heap), new RcSpace(heap, { checkBlocks: false })];
				const world: World = {
					heap,
					spaces,
					kinds: spaces.map((s, i) => makeKinds(s, `S${i}`)),
					held: [new Map(), new Map()],
					owned: new Set(),
				};
				checkAll(world);
				for (const command of commands) {
					step(world, command);
					checkAll(world);
				}
				// Give back every reference the test holds: strong ones first; owners drop their children.
				world.spaces.forEach((space, i) => {
					const held = world.held[i] as Map<number, [number, number]>;
					for (const [p, [s]] of held) for (let k = 0; k < s; k++) release(space, p);
					for (const [p, [, w]] of held) for (let k = 0; k < w; k++) releaseWeak(space, p);
					space.check();
					expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0 });
					space.free();
				});
				heap.check();
				expect(occupancy(heap)).toEqual(start);
			}),
			{ numRuns: 150 },
		);
	});
});
