import { DoubleFreeError, Heap } from "@offheap/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	downgrade,
	Rc,
	RcSpace,
	release,
	releaseWeak,
	retain,
	strongCount,
	upgrade,
	type Weak,
	weakCount,
} from "../src/index.ts";
import { expectThrown, hexOf, occupancy } from "./helpers.ts";

/** What a value should look like: its references, split by who holds them. */
interface Model {
	ptr: number;
	strongHandles: Rc[];
	weakHandles: Weak[];
	rawStrong: number;
	rawWeak: number;
	dropped: boolean;
	freed: boolean;
}

const strongOf = (m: Model): number => m.strongHandles.length + m.rawStrong;
const weakOf = (m: Model): number => m.weakHandles.length + m.rawWeak;

const OPS = 16;
const op = fc.tuple(fc.integer({ min: 0, max: OPS - 1 }), fc.nat());

function run(commands: readonly [number, number][], checkBlocks: boolean, checked: boolean): void {
	// A checked heap puts redzones around every block and poisons freed ones: check() then also proves
	// that nothing is written outside a value's block or into a freed one.
	const heap = new Heap(checked ? { checked: { stacks: false } } : {});
	const start = occupancy(heap);
	let drops = 0;
	const space = new RcSpace(heap, { checkBlocks });
	const Cell = space.kind({
		name: "Cell",
		type: { size: 12, align: 4 },
		drop: () => {
			drops++;
		},
	});
	const values: Model[] = [];
	let created = 0;

	const pick = <T>(list: readonly T[], n: number): T | undefined => list[n % Math.max(1, list.length)];
	const alive = (): Model[] => values.filter((m) => strongOf(m) > 0);
	const held = (): Model[] => values.filter((m) => !m.freed);
	/** Called after the model lost a reference: the value drops at strong 0 and frees at weak 0 too. */
	const settle = (m: Model): void => {
		if (strongOf(m) === 0) m.dropped = true;
		if (m.dropped && weakOf(m) === 0) m.freed = true;
	};

	for (const [code, n] of commands) {
		switch (code) {
			case 0: {
				const rc = space.alloc(Cell);
				values.push({
					ptr: rc.ptr,
					strongHandles: [rc],
					weakHandles: [],
					rawStrong: 0,
					rawWeak: 0,
					dropped: false,
					freed: false,
				});
				created++;
				break;
			}
			case 1: {
				const ptr = space.allocRaw(Cell);
				values.push({
					ptr,
					strongHandles: [],
					weakHandles: [],
					rawStrong: 1,
					rawWeak: 0,
					dropped: false,
					freed: false,
				});
				created++;
				break;
			}
			case 2: {
				const m = pick(
					values.filter((v) => v.strongHandles.length > 0),
					n,
				);
				if (m) m.strongHandles.push((m.strongHandles[n % m.strongHandles.length] as Rc).clone());
				break;
			}
			case 3: {
				const m = pick(
					values.filter((v) => v.strongHandles.length > 0),
					n,
				);
				if (!m) break;
				const [rc] = m.strongHandles.splice(n % m.strongHandles.length, 1);
				(rc as Rc).release();
				settle(m);
				// A second release of that handle is refused and changes nothing.
				const stats = space.stats();
				const bytes = heap.u8.slice();
				expectThrown(
					DoubleFreeError,
					`Rc.release(${hexOf(m.ptr)}): double free: this Rc handle was already released (or turned into a raw pointer)`,
					() => (rc as Rc).release(),
				);
				expect(space.stats()).toEqual(stats);
				expect(heap.u8.every((byte, i) => byte === bytes[i])).toBe(true);
				break;
			}
			case 4: {
				const m = pick(alive(), n);
				if (m) {
					retain(space, m.ptr);
					m.rawStrong++;
				}
				break;
			}
			case 5: {
				const m = pick(
					values.filter((v) => v.rawStrong > 0),
					n,
				);
				if (!m) break;
				m.rawStrong--;
				expect(release(space, m.ptr)).toBe(strongOf(m) === 0);
				settle(m);
				break;
			}
			case 6: {
				const m = pick(
					values.filter((v) => v.strongHandles.length > 0),
					n,
				);
				if (m) m.weakHandles.push((m.strongHandles[0] as Rc).downgrade());
				break;
			}
			case 7: {
				const m = pick(alive(), n);
				if (m) {
					downgrade(space, m.ptr);
					m.rawWeak++;
				}
				break;
			}
			case 8: {
				const m = pick(
					values.filter((v) => v.weakHandles.length > 0),
					n,
				);
				if (!m) break;
				const [w] = m.weakHandles.splice(n % m.weakHandles.length, 1);
				(w as Weak).release();
				settle(m);
				break;
			}
			case 9: {
				const m = pick(
					values.filter((v) => v.rawWeak > 0),
					n,
				);
				if (!m) break;
				m.rawWeak--;
				expect(releaseWeak(space, m.ptr)).toBe(m.dropped && weakOf(m) === 0);
				settle(m);
				break;
			}
			case 10: {
				const m = pick(
					values.filter((v) => v.weakHandles.length > 0),
					n,
				);
				if (!m) break;
				const up = (m.weakHandles[n % m.weakHandles.length] as Weak).upgrade();
				expect(up === null).toBe(m.dropped);
				if (up !== null) m.strongHandles.push(up);
				break;
			}
			case 11: {
				const m = pick(
					values.filter((v) => v.rawWeak > 0),
					n,
				);
				if (!m) break;
				const up = upgrade(space, m.ptr);
				expect(up).toBe(!m.dropped);
				if (up) m.rawStrong++;
				break;
			}
			case 12: {
				const m = pick(
					values.filter((v) => v.weakHandles.length > 0),
					n,
				);
				if (m) m.weakHandles.push((m.weakHandles[0] as Weak).clone());
				break;
			}
			case 13: {
				const m = pick(
					values.filter((v) => v.strongHandles.length > 0),
					n,
				);
				if (!m) break;
				const [rc] = m.strongHandles.splice(0, 1);
				expect((rc as Rc).intoRaw()).toBe(m.ptr);
				m.rawStrong++;
				break;
			}
			case 14: {
				const m = pick(
					values.filter((v) => v.rawStrong > 0),
					n,
				);
				if (!m) break;
				m.strongHandles.push(Rc.open(space, m.ptr, Cell));
				m.rawStrong--;
				break;
			}
			default: {
				const m = pick(held(), n);
				if (m) heap.u32[m.ptr >>> 2] = n; // writes to the value never disturb the counts
			}
		}
		for (const m of held()) {
			expect(strongCount(space, m.ptr)).toBe(strongOf(m));
			expect(weakCount(space, m.ptr)).toBe(weakOf(m));
		}
		expect(drops).toBe(values.filter((m) => m.dropped).length);
		expect(space.stats()).toEqual({
			kinds: 1,
			liveValues: alive().length,
			droppedValues: values.filter((m) => m.dropped && !m.freed).length,
			created,
			freed: values.filter((m) => m.freed).length,
		});
		space.check();
	}
	heap.check();

	// Give everything back: strong references first, then weak ones.
	for (const m of values) {
		for (const rc of m.strongHandles) rc.release();
		for (; m.rawStrong > 0; m.rawStrong--) release(space, m.ptr);
	}
	expect(drops).toBe(values.length);
	for (const m of values) {
		for (const w of m.weakHandles) w.release();
		for (; m.rawWeak > 0; m.rawWeak--) releaseWeak(space, m.ptr);
	}
	expect(space.stats()).toMatchObject({ liveValues: 0, droppedValues: 0, freed: values.length });
	space.check();
	space.free();
	heap.check();
	// A checked heap holds freed blocks in quarantine, so its counters do not return: ask it for leaks.
	if (checked) expect(heap.leaks()).toEqual([]);
	else expect(occupancy(heap)).toEqual(start);
}

describe("against a model of Rust's Rc and Weak", () => {
	it("keeps every count, drop and free exactly as the model says, and check() passes, whatever the order of operations", () => {
		fc.assert(
			fc.property(
				fc.array(op, { maxLength: 80 }),
				fc.boolean(),
				fc.boolean(),
				(commands, checkBlocks, checked) => {
					run(commands, checkBlocks, checked);
				},
			),
			{ numRuns: 200 },
		);
	});
});
