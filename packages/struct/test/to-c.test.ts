/// <reference types="node" />
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
	array,
	bits,
	f32,
	field,
	i32,
	padBits,
	ptr,
	type StructType,
	struct,
	toC,
	u8,
	union,
	utf8,
} from "../src/index.ts";
import { SchemaGenerator } from "./support/random-schema.ts";
import { refusal } from "./support/refusal.ts";

const hasCC = spawnSync("cc", ["--version"], { stdio: "ignore" }).status === 0;
if (!hasCC)
	console.warn(
		"to-c.test.ts: no C compiler (`cc`) on PATH: the differential test against the C compiler is SKIPPED",
	);

const work = hasCC ? mkdtempSync(join(tmpdir(), "offheap-struct-")) : "";
afterAll(() => {
	if (work !== "") rmSync(work, { recursive: true, force: true });
});

/** Compiles `source` with the machine's C compiler in one invocation, runs it, and returns its output. */
function compileAndRun(name: string, source: string): string {
	const c = join(work, `${name}.c`);
	const exe = join(work, name);
	writeFileSync(c, source);
	const cc = spawnSync("cc", ["-std=gnu11", "-w", "-O0", "-o", exe, c], { encoding: "utf8" });
	if (cc.status !== 0) throw new Error(`cc failed:\n${cc.stderr.split("\n").slice(0, 30).join("\n")}`);
	const run = spawnSync(exe, [], { encoding: "utf8", maxBuffer: 64 << 20 });
	if (run.status !== 0) throw new Error(`${exe} failed: ${run.stderr}`);
	return run.stdout;
}

/** C statements printing what the compiler made of `t`, in the format of {@link expectedLayout}. */
function probe(t: StructType): string {
	const tag = `${t.kind} ${t.name}`;
	const lines = [`\tprintf("${t.name} size %zu align %zu\\n", sizeof(${tag}), _Alignof(${tag}));`];
	for (const f of t.fields) {
		if (f.padding) continue;
		if (f.bitWidth === undefined)
			lines.push(`\tprintf("${t.name}.${f.name} offset %zu\\n", offsetof(${tag}, ${f.name}));`);
		else
			lines.push(
				`\t{ ${tag} s; memset(&s, 0, sizeof s); s.${f.name} = -1; bitsOf("${t.name}.${f.name}", &s, sizeof s); }`,
			);
	}
	return lines.join("\n");
}

function expectedLayout(t: StructType): string[] {
	const lines = [`${t.name} size ${t.size} align ${t.align}`];
	for (const f of t.fields) {
		if (f.padding) continue;
		if (f.bitWidth === undefined) lines.push(`${t.name}.${f.name} offset ${f.offset}`);
		else {
			const first = f.offset * 8 + (f.bitOffset ?? 0);
			lines.push(`${t.name}.${f.name} bits ${first} ${first + f.bitWidth - 1}`);
		}
	}
	return lines;
}

const PRELUDE = `#include <stdio.h>
#include <string.h>
static void bitsOf(const char *name, const void *s, size_t n) {
	const unsigned char *p = s;
	long lo = -1, hi = -1;
	for (size_t i = 0; i < n * 8; i++) if ((p[i / 8] >> (i % 8)) & 1) { if (lo < 0) lo = (long)i; hi = (long)i; }
	printf("%s bits %ld %ld\\n", name, lo, hi);
}
`;

describe("toC", () => {
	it("declares dependencies first, each once, with typedefs and static asserts", () => {
		const Vec2 = struct("Vec2", { x: f32, y: f32 });
		const Body = struct("Body", { a: Vec2, b: Vec2, path: array(Vec2, 4) });
		const c = toC([Body, Vec2]);
		expect(c.match(/struct Vec2 \{/g)).toHaveLength(1);
		expect(c.indexOf("struct Vec2 {")).toBeLessThan(c.indexOf("struct Body {"));
		expect(c).toContain("\tstruct Vec2 path[4];");
		expect(c).toContain("typedef struct Body Body;");
		expect(c).toContain('_Static_assert(offsetof(struct Body, path) == 16, "offsetof(Body, path)");');
		expect(c.startsWith("#include <stddef.h>\n#include <stdint.h>\n")).toBe(true);
	});

	it("spells every kind of member and option as GCC understands it", () => {
		const Inner = union("Inner", { u: u8, i: i32 });
		const T = struct(
			"T",
			{
				name: utf8(8),
				grid: array(array(f32, 3), 2),
				next: ptr(u8),
				flags: bits(i32, 3),
				_gap: padBits(i32, 0),
				wide: field(bits(i32, 20), { packed: true }),
				inner: field(Inner, { align: 16 }),
			},
			{ align: 32, pack: 4 },
		);
		expect(T.toC()).toBe(
			toC([Inner, T]).replace("", ""), // T.toC() is toC(T), which includes Inner
		);
		const c = toC(T, { asserts: false, includes: false });
		expect(c).toBe(`union Inner {
	uint8_t u;
	int32_t i;
};
typedef union Inner Inner;

#pragma pack(push, 4)
struct __attribute__((aligned(32))) T {
	char name[8];
	float grid[2][3];
	uint32_t next; /* ptr<u8> */
	int32_t flags : 3;
	int32_t : 0;
	int32_t wide : 20 __attribute__((packed));
	union Inner inner __attribute__((aligned(16)));
};
#pragma pack(pop)
typedef struct T T;
`);
	});

	it("refuses unknown and mistyped options, naming them", () => {
		const S = struct("S", { x: u8 });
		expect(refusal(TypeError, () => toC(S, { assert: false } as never)).message).toBe(
			'toC: unknown option "assert" (valid options: asserts, includes)',
		);
		expect(refusal(TypeError, () => S.toC({ includes: "no" } as never)).message).toBe(
			'toC: includes must be a boolean, got string "no"',
		);
	});

	it("refuses what is not a type, naming it", () => {
		expect(refusal(TypeError, () => toC(5 as never)).message).toBe("toC: expected a type, got 5");
		expect(refusal(TypeError, () => toC([u8, null] as never)).message).toBe("toC: expected a type, got null");
	});

	it("rejects two different types with the same name in one header", () => {
		const A = struct("Dup", { x: u8 });
		const B = struct("Dup", { y: u8 });
		expect(() => toC([A, B])).toThrow(TypeError);
		expect(() => toC([A, A])).not.toThrow();
	});

	it.skipIf(!hasCC)("lays out 400 random schemas exactly as the C compiler does (one cc run)", () => {
		const gen = new SchemaGenerator(20240611, "R");
		const tops: StructType[] = [];
		for (let i = 0; i < 400; i++) tops.push(gen.record());
		const records = gen.records;
		const program = `${toC(tops)}\n${PRELUDE}\nint main(void) {\n${records.map(probe).join("\n")}\n\treturn 0;\n}\n`;
		const actual = compileAndRun("random", program).trim().split("\n");
		expect(actual).toEqual(records.flatMap(expectedLayout));
		// The sample really covers what it claims to.
		const fields = records.flatMap((r) => r.fields);
		expect(records.some((r) => r.kind === "union")).toBe(true);
		expect(records.some((r) => r.options.packed === true)).toBe(true);
		expect(records.some((r) => r.options.pack !== undefined)).toBe(true);
		expect(fields.some((f) => f.bitWidth === 0)).toBe(true);
		expect(fields.some((f) => f.bitWidth !== undefined && f.type.size === 8 && f.bitWidth > 32)).toBe(true);
		expect(
			fields.some(
				(f) =>
					f.type.kind === "array" &&
					(f.type as unknown as { element: { kind: string } }).element.kind === "struct",
			),
		).toBe(true);
		expect(fields.some((f) => f.flexible === true)).toBe(true);
	});
});
