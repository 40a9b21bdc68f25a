import { Heap } from "@offheap/core";
import { expectRefused } from "@offheap/test-support/refused";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FieldInfo, StructType, Type } from "../src/index.ts";
import { buildAccessors, type Strategy } from "../src/internal/accessors.ts";
import type { ViewObject } from "../src/internal/runtime.ts";
import { SchemaGenerator } from "./support/random-schema.ts";
import { arbitraryValue, written } from "./support/values.ts";

/** A zeroed block for one value of `t`, aligned to it, or deliberately one byte past that. */
function block(heap: Heap, t: StructType, misaligned: boolean): number {
	const p = heap.alloc(t.size + 1, Math.max(8, t.align)) + (misaligned ? 1 : 0);
	heap.u8.fill(0, p, p + t.size);
	return p;
}

function bytes(heap: Heap, p: number, n: number): number[] {
	return Array.from(heap.u8.subarray(p, p + n));
}

const setup = fc.record({
	seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
	checked: fc.boolean(),
	misaligned: fc.boolean(),
});

/** A place in a plain value: the object or array holding it, its key there, and its path for messages. */
interface Place {
	readonly holder: Record<string | number, unknown>;
	readonly key: string | number;
	readonly path: string;
	readonly aggregate: boolean;
}

/** Every value inside `value` of type `type` (a union: the members present), with its path. */
function places(type: Type, value: unknown, path: string, out: Place[]): Place[] {
	if (type.kind === "array") {
		const element = (type as unknown as { element: Type }).element;
		(value as unknown[]).forEach((x, i) => {
			const holder = value as unknown as Record<number, unknown>;
			out.push({ holder, key: i, path: `${path}[${i}]`, aggregate: isAggregate(element) });
			places(element, x, `${path}[${i}]`, out);
		});
	} else if (type.kind === "struct" || type.kind === "union") {
		for (const f of (type as unknown as { fields: readonly FieldInfo[] }).fields) {
			const holder = value as Record<string, unknown>;
			if (f.padding || f.flexible === true || holder[f.name] === undefined) continue;
			const aggregate = f.bitWidth === undefined && isAggregate(f.type);
			out.push({ holder, key: f.name, path: `${path}.${f.name}`, aggregate });
			if (aggregate) places(f.type, holder[f.name], `${path}.${f.name}`, out);
		}
	}
	return out;
}

function isAggregate(type: Type): boolean {
	return type.kind === "struct" || type.kind === "union" || type.kind === "array";
}

describe("generated and closure accessors", () => {
	const heap = new Heap({ initialBytes: 1 << 20, maxBytes: 1 << 20 });

	it("copy random values of random schemas in and out identically, aligned or not, checked or not", () => {
		fc.assert(
			fc.property(setup, ({ seed, checked, misaligned }) => {
				const t = new SchemaGenerator(seed, "P").record();
				const value = fc.sample(arbitraryValue(t), { seed, numRuns: 1 })[0];
				const variant = { aligned: !misaligned, checked };
				const [a, b] = (["codegen", "closures"] as Strategy[]).map((s) => buildAccessors(t, variant, s));
				const pa = block(heap, t, misaligned);
				const pb = block(heap, t, misaligned);
				a?.write(heap, pa, value, t.name);
				b?.write(heap, pb, value, t.name);
				expect(bytes(heap, pb, t.size)).toEqual(bytes(heap, pa, t.size));
				const fromA = b?.read(heap, pa);
				expect(a?.read(heap, pb)).toEqual(fromA);
				expect(written(t, fromA, value)).toEqual(value);
				heap.free(pa - (misaligned ? 1 : 0));
				heap.free(pb - (misaligned ? 1 : 0));
			}),
			{ numRuns: 300 },
		);
	});

	it("give views whose setters and getters agree field by field", () => {
		fc.assert(
			fc.property(setup, ({ seed, checked, misaligned }) => {
				const t = new SchemaGenerator(seed, "V").record();
				const value = fc.sample(arbitraryValue(t), { seed, numRuns: 1 })[0] as Record<string, unknown>;
				const variant = { aligned: !misaligned, checked };
				const views = (["codegen", "closures"] as Strategy[]).map((s) => {
					const View = buildAccessors(t, variant, s).View;
					return new View(heap).$at(block(heap, t, misaligned)) as ViewObject & Record<string, unknown>;
				});
				for (const v of views) {
					for (const [name, x] of Object.entries(value)) {
						const current = v[name];
						if (typeof current === "object" && current !== null)
							(current as { $write(x: unknown): void }).$write(x);
						else v[name] = x;
					}
				}
				const [g, c] = views as [ViewObject & Record<string, unknown>, ViewObject & Record<string, unknown>];
				expect(bytes(heap, c.$ptr, t.size)).toEqual(bytes(heap, g.$ptr, t.size));
				for (const name of Object.keys(value)) {
					const x = g[name];
					const y = c[name];
					if (typeof x === "object" && x !== null) {
						expect((y as { $read(): unknown }).$read()).toEqual((x as { $read(): unknown }).$read());
					} else expect(y).toEqual(x);
				}
				for (const v of views) heap.free(v.$ptr - (misaligned ? 1 : 0));
			}),
			{ numRuns: 200 },
		);
	});

	it("refuse a value bad anywhere in a random schema with the same error naming its path, changing no byte", () => {
		fc.assert(
			fc.property(setup, fc.nat(), ({ seed, checked, misaligned }, pick) => {
				const t = new SchemaGenerator(seed, "R").record();
				const value = fc.sample(arbitraryValue(t), { seed, numRuns: 1 })[0];
				// Checked, a symbol is refused anywhere; unchecked, only a value of the wrong shape is.
				const candidates = places(t, value, t.name, []).filter((p) => checked || p.aggregate);
				const place = candidates[pick % Math.max(1, candidates.length)];
				if (place !== undefined) place.holder[place.key] = checked ? Symbol("bad") : null;
				const bad = place === undefined ? null : value;
				const variant = { aligned: !misaligned, checked };
				const errors = (["codegen", "closures"] as Strategy[]).map((s) => {
					const p = block(heap, t, misaligned);
					heap.u8.fill(0x5a, p, p + t.size);
					const error = expectRefused(heap, TypeError, () =>
						buildAccessors(t, variant, s).write(heap, p, bad, t.name),
					);
					heap.free(p - (misaligned ? 1 : 0));
					return error.message;
				});
				expect(errors[1]).toBe(errors[0]);
				expect(errors[0]?.startsWith(`${place?.path ?? t.name}: `)).toBe(true);
			}),
			{ numRuns: 200 },
		);
	});

	it("name their generated classes after the type", () => {
		const t = new SchemaGenerator(1, "Named").record();
		const View = buildAccessors(t, { aligned: true, checked: true }, "codegen").View;
		expect(View.name).toBe(`${t.name}View`);
	});
});
