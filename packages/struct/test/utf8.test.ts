import { Heap } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { array, configure, struct, u8, utf8 } from "../src/index.ts";
import { utf8Length } from "../src/internal/utf8-codec.ts";
import { refusal } from "./support/refusal.ts";
import { utf8String } from "./support/values.ts";

const encoder = new TextEncoder();

describe("utf8(n)", () => {
	it("round-trips ASCII and multi-byte strings, padding the rest of the field with NUL", () => {
		const heap = new Heap();
		const Name = utf8(8);
		const p = heap.alloc(8);
		heap.u8.fill(0xaa, p, p + 8);
		Name.write(heap, p, "é€");
		expect(Name.read(heap, p)).toBe("é€");
		expect(Array.from(heap.u8.subarray(p, p + 8))).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac, 0, 0, 0]);
	});

	it("fills the field exactly with a multi-byte character at the boundary, without a terminator", () => {
		const heap = new Heap();
		const T = utf8(5);
		const p = heap.alloc(8);
		heap.u8[p + 5] = 0x41; // the next byte belongs to someone else
		T.write(heap, p, "a😀");
		expect(T.read(heap, p)).toBe("a😀");
		expect(() => T.write(heap, p, "ab😀")).toThrow(RangeError);
		expect(T.read(heap, p)).toBe("a😀"); // nothing written by the failed write
	});

	it("refuses a string one byte too long, naming the field and the sizes", () => {
		const heap = new Heap();
		const Player = struct("Player", { id: u8, name: utf8(4) });
		const v = Player.view(heap, heap.alloc(Player.size));
		expect(() => {
			v.name = "abcdé"; // 6 bytes
		}).toThrow(/Player\.name: "abcdé" is 6 bytes of UTF-8, more than the 4 of utf8\(4\)/);
		expect(() => {
			v.name = "€€"; // 6 bytes: the second € would be cut
		}).toThrow(RangeError);
	});

	it("refuses strings containing U+0000 and values that are not strings, even unchecked", () => {
		const heap = new Heap();
		const T = struct("T", { s: utf8(8) });
		const v = T.view(heap, heap.alloc(T.size), { checked: false });
		expect(() => {
			v.s = "a\0b";
		}).toThrow(RangeError);
		expect(() => {
			v.s = 5 as never;
		}).toThrow(TypeError);
	});

	it("encodes lone surrogates as U+FFFD, like TextEncoder", () => {
		const heap = new Heap();
		const T = utf8(9);
		const p = heap.alloc(9);
		T.write(heap, p, "a\ud800b\udc00");
		expect(T.read(heap, p)).toBe("a\ufffdb\ufffd");
		expect(utf8Length("a\ud800b\udc00")).toBe(encoder.encode("a\ud800b\udc00").length);
	});

	it("reads a multi-byte character cut by C code at the end of the field as U+FFFD", () => {
		const heap = new Heap();
		const T = utf8(4);
		const p = heap.alloc(4);
		heap.u8.set([0x61, 0x62, 0xe2, 0x82], p); // "ab" and the first two bytes of "€"
		expect(T.read(heap, p)).toBe("ab\ufffd");
	});

	it("reads views of a SharedArrayBuffer heap", () => {
		const heap = new Heap({ shared: true });
		const T = utf8(7);
		const p = heap.alloc(7);
		T.write(heap, p, "ñandú"); // 7 bytes
		expect(T.read(heap, p)).toBe("ñandú");
	});

	it("round-trips random strings up to the field size and measures them as TextEncoder does", () => {
		const heap = new Heap();
		const p = heap.alloc(16);
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 16 }).chain((n) => fc.tuple(fc.constant(n), utf8String(n))),
				([n, s]) => {
					const T = utf8(n);
					T.write(heap, p, s);
					expect(T.read(heap, p)).toBe(s);
					expect(utf8Length(s)).toBe(encoder.encode(s).length);
				},
			),
			{ numRuns: 200 },
		);
	});

	it("takes no options: a second argument is refused, naming it", () => {
		expect(refusal(TypeError, () => (utf8 as (...a: unknown[]) => unknown)(8, { nul: true })).message).toBe(
			"utf8: unexpected argument 2 (object [object Object]); utf8 takes (maxBytes)",
		);
	});

	it("refuses a size or a pointer that is not a number with a TypeError naming it", () => {
		expect(refusal(TypeError, () => utf8(8n as never)).message).toBe(
			"utf8: maxBytes must be a number, got bigint 8n",
		);
		expect(refusal(TypeError, () => utf8(Symbol() as never)).message).toBe(
			"utf8: maxBytes must be a number, got symbol Symbol()",
		);
		const heap = new Heap();
		expect(expectRefused(heap, TypeError, () => utf8(4).write(heap, 8n as never, "a")).message).toBe(
			"utf8[4].write: ptr must be a number, got bigint 8n",
		);
		expect(expectRefused(heap, TypeError, () => utf8(4).read(heap, Symbol() as never)).message).toBe(
			"utf8[4].read: ptr must be a number, got symbol Symbol()",
		);
	});

	it("rejects a size that is not a positive integer", () => {
		expect(() => utf8(0)).toThrow(RangeError);
		expect(() => utf8(2.5)).toThrow(RangeError);
		expect(utf8(3).name).toBe("utf8[3]");
	});

	it("checks the pointer in checked mode only", () => {
		const heap = new Heap();
		expect(() => utf8(4).read(heap, 0)).toThrow(/NULL/);
		configure({ checked: false });
		try {
			expect(typeof utf8(4).read(heap, 0)).toBe("string");
		} finally {
			configure({ checked: true });
		}
	});
});

describe.each(["codegen", "closures"])("utf8 fields (%s)", (strategy) => {
	beforeAll(() => {
		configure({ codegen: strategy === "codegen" });
	});
	afterAll(() => {
		configure({ codegen: true, checked: true });
	});

	it("changes no byte when a string too long for a later field is refused, checked or not", () => {
		const Tag = struct("Tag", { id: u8, label: utf8(4) });
		const Player = struct("Player", { id: u8, name: utf8(4), tags: array(Tag, 2) });
		const heap = new Heap();
		const p = heap.alloc(Player.size, Player.align);
		const good = {
			id: 1,
			name: "ab",
			tags: [
				{ id: 2, label: "x" },
				{ id: 3, label: "y" },
			],
		};
		Player.write(heap, p, good);
		for (const checked of [true, false]) {
			configure({ checked });
			try {
				const name = expectRefused(heap, RangeError, () =>
					Player.write(heap, p, { ...good, id: 9, name: "abcdé" }),
				);
				expect(name.message).toBe('Player.name: "abcdé" is 6 bytes of UTF-8, more than the 4 of utf8(4)');
				const tags = [
					{ id: 7, label: "z" },
					{ id: 8, label: "€€" },
				];
				const label = expectRefused(heap, RangeError, () => Player.write(heap, p, { ...good, id: 9, tags }));
				expect(label.message).toBe(
					'Player.tags[1].label: "€€" is 6 bytes of UTF-8, more than the 4 of utf8(4)',
				);
			} finally {
				configure({ checked: true });
			}
		}
		expect(Player.read(heap, p)).toEqual(good);
	});

	it("never writes past the field, even when a getter gives a longer string on a second read", () => {
		const S = struct("S", { id: u8, names: array(utf8(4), 2) });
		const heap = new Heap();
		const p = heap.alloc(S.size + 16, S.align);
		heap.u8.fill(0xaa, p + S.size, p + S.size + 16);
		let reads = 0;
		const names = {
			length: 2,
			0: "c",
			get 1() {
				reads++;
				return reads === 1 ? "ok" : "much too long";
			},
		};
		S.write(heap, p, { id: 1, names: names as unknown as string[] });
		expect(Array.from(heap.u8.subarray(p + S.size, p + S.size + 16))).toEqual(new Array(16).fill(0xaa));
		expect([reads, S.read(heap, p).names]).toEqual([2, ["c", "much"]]); // read again to store, cut at the field's end
	});
});
