import { checkOptions, describeArgument } from "@offheap/core";
import type { FieldInfo, FieldOptions, StructOptions, Type } from "./api.ts";
import { checkBooleanOption } from "./internal/checks.ts";
import { isType } from "./internal/record.ts";
import { PTR_INFO, SCALARS } from "./internal/scalar-info.ts";

/**
 * Options of {@link toC}.
 *
 * @example
 * ```ts
 * import { f32, struct, toC, type ToCOptions } from "@offheap/struct";
 * const options: ToCOptions = { asserts: false };
 * console.log(toC(struct("V", { x: f32 }), options).includes("_Static_assert")); // false
 * ```
 */
export interface ToCOptions {
	/**
	 * Emit `_Static_assert`s of every size, alignment and offset, so that a compiler that lays the
	 * types out differently refuses the header.
	 * @defaultValue true
	 */
	asserts?: boolean;
	/**
	 * Emit `#include <stdint.h>` and `<stddef.h>` first.
	 * @defaultValue true
	 */
	includes?: boolean;
}

/** The options of {@link toC}. */
const TOC_OPTIONS: readonly (keyof ToCOptions)[] = ["asserts", "includes"];

interface Record_ extends Type {
	readonly kind: "struct" | "union";
	readonly fields: readonly FieldInfo[];
	readonly schema: { readonly [name: string]: unknown };
	readonly options: Readonly<StructOptions>;
}

interface Array_ extends Type {
	readonly kind: "array";
	readonly element: Type;
	readonly length: number;
}

function isRecord(type: Type): type is Record_ {
	return type.kind === "struct" || type.kind === "union";
}

/** The C declaration of a member called `name` of type `type` (`float m[4][4]`). */
function declarator(type: Type, name: string): string {
	switch (type.kind) {
		case "array": {
			const a = type as Array_;
			return declarator(a.element, `${name}[${a.length}]`);
		}
		case "utf8":
			return `char ${name}[${type.size}]`;
		case "ptr":
			return `${PTR_INFO.c} ${name}`;
		case "struct":
		case "union":
			return `${type.kind} ${type.name} ${name}`;
		default:
			return `${SCALARS[type.name as keyof typeof SCALARS].c} ${name}`;
	}
}

/** Adds the records `type` depends on, then `type` itself, to `out` (each once). */
function collect(type: Type, out: Map<string, Record_>, visiting: Set<Type>): void {
	if (type.kind === "array") {
		collect((type as Array_).element, out, visiting);
		return;
	}
	if (!isRecord(type)) return;
	const seen = out.get(type.name);
	if (seen === type || visiting.has(type)) return;
	if (seen !== undefined) {
		throw new TypeError(`toC: two different types are both called ${type.name}; C needs distinct names`);
	}
	visiting.add(type);
	for (const f of type.fields) collect(f.type, out, visiting);
	out.set(type.name, type);
}

function attributes(parts: readonly string[]): string {
	return parts.length === 0 ? "" : ` __attribute__((${parts.join(", ")}))`;
}

function member(type: Record_, f: FieldInfo): string {
	const spec = type.schema[f.name] as { kind?: string; options?: FieldOptions } | undefined;
	const options = spec?.kind === "field" ? (spec.options ?? {}) : {};
	const attrs: string[] = [];
	if (options.packed === true) attrs.push("packed");
	if (options.align !== undefined) attrs.push(`aligned(${options.align})`);
	let decl: string;
	if (f.flexible === true) decl = declarator(f.type, `${f.name}[]`);
	else if (f.bitWidth === undefined) decl = declarator(f.type, f.name);
	else {
		const c = SCALARS[f.type.name as keyof typeof SCALARS].c;
		decl = f.padding ? `${c} : ${f.bitWidth}` : `${c} ${f.name} : ${f.bitWidth}`;
	}
	const note = f.type.kind === "ptr" ? ` /* ${f.type.name} */` : "";
	return `\t${decl}${attributes(attrs)};${note}`;
}

function declaration(type: Record_, asserts: boolean): string {
	const o = type.options;
	const attrs: string[] = [];
	if (o.packed === true) attrs.push("packed");
	if (o.align !== undefined) attrs.push(`aligned(${o.align})`);
	const lines: string[] = [];
	if (o.pack !== undefined) lines.push(`#pragma pack(push, ${o.pack})`);
	lines.push(`${type.kind}${attributes(attrs)} ${type.name} {`);
	for (const f of type.fields) lines.push(member(type, f));
	lines.push("};");
	if (o.pack !== undefined) lines.push("#pragma pack(pop)");
	lines.push(`typedef ${type.kind} ${type.name} ${type.name};`);
	if (asserts) {
		const t = `${type.kind} ${type.name}`;
		lines.push(`_Static_assert(sizeof(${t}) == ${type.size}, "sizeof(${type.name})");`);
		lines.push(`_Static_assert(_Alignof(${t}) == ${type.align}, "_Alignof(${type.name})");`);
		for (const f of type.fields) {
			if (f.bitWidth !== undefined) continue;
			lines.push(
				`_Static_assert(offsetof(${t}, ${f.name}) == ${f.offset}, "offsetof(${type.name}, ${f.name})");`,
			);
		}
	}
	return lines.join("\n");
}

/**
 * C declarations for `types` and every struct and union they contain, in dependency order, each once:
 * a header that GCC or Clang (x86-64, aarch64 Linux, wasm32) lays out exactly as this package does.
 * Pointers (`ptr(T)`) are declared as `uint32_t`, which is a wasm32 pointer's size; on a 64-bit host
 * treat them as offsets into the heap.
 *
 * @param types - one type or several; scalars and strings contribute nothing by themselves.
 * @param options - see {@link ToCOptions}.
 * @throws TypeError for something that is not a type, two different types in the header with the
 * same name, or an option that is unknown or not a boolean.
 * @example
 * ```ts
 * import { bits, f32, i32, struct, toC } from "@offheap/struct";
 * const Vec2 = struct("Vec2", { x: f32, y: f32 });
 * const Body = struct("Body", { pos: Vec2, flags: bits(i32, 3) }, { align: 16 });
 * console.log(toC(Body, { asserts: false, includes: false }));
 * // struct Vec2 {
 * // 	float x;
 * // 	float y;
 * // };
 * // typedef struct Vec2 Vec2;
 * // struct __attribute__((aligned(16))) Body {
 * // 	struct Vec2 pos;
 * // 	int32_t flags : 3;
 * // };
 * // typedef struct Body Body;
 * ```
 */
export function toC(types: Type | readonly Type[], options: ToCOptions = {}): string {
	checkOptions("toC", options, TOC_OPTIONS);
	for (const key of TOC_OPTIONS) checkBooleanOption("toC", key, options[key]);
	const list: readonly Type[] = Array.isArray(types) ? types : [types as Type];
	for (const type of list) {
		if (!isType(type)) throw new TypeError(`toC: expected a type, got ${describeArgument(type)}`);
	}
	const records = new Map<string, Record_>();
	for (const type of list) collect(type, records, new Set());
	const parts: string[] = [];
	if (options.includes !== false) parts.push("#include <stddef.h>\n#include <stdint.h>");
	for (const type of records.values()) parts.push(declaration(type, options.asserts !== false));
	return `${parts.join("\n\n")}\n`;
}
