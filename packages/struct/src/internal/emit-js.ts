/**
 * JavaScript source snippets for one access: what generated accessors are made of. Addresses and
 * values are given as expressions; everything interpolated is a number or a validated identifier.
 */
import type { Access, BitPart } from "./plan.ts";
import type { ScalarInfo } from "./scalar-info.ts";

/** `p + off`, or `p` when `off` is 0. */
export function addr(p: string, off: number): string {
	return off === 0 ? p : `${p} + ${off}`;
}

export function str(s: string): string {
	return JSON.stringify(s);
}

type Scalar = Extract<Access, { k: "scalar" }>;
type Bits = Extract<Access, { k: "bits" }>;

export function scalarLoad(a: Scalar, h: string, at: string): string {
	const { info } = a;
	let e: string;
	if (info.size === 1) e = `${h}.${info.view}[${at}]`;
	else if (a.aligned) e = `${h}.${info.view}[(${at}) >>> ${info.shift}]`;
	else e = `${h}.dv.get${info.dv}(${at}, true)`;
	return info.value === "boolean" ? `(${e} !== 0)` : e;
}

export function scalarStore(a: Scalar, h: string, at: string, v: string): string {
	const { info } = a;
	const x = info.value === "boolean" ? `${v} ? 1 : 0` : v;
	if (info.size === 1) return `${h}.${info.view}[${at}] = ${x};`;
	if (a.aligned) return `${h}.${info.view}[(${at}) >>> ${info.shift}] = ${x};`;
	return `${h}.dv.set${info.dv}(${at}, ${x}, true);`;
}

/** The condition under which `v` must be rejected for this scalar, or "" when nothing is checked. */
export function scalarReject(info: ScalarInfo, v: string, checked: boolean): string {
	if (info.value === "bigint") {
		return checked
			? `typeof ${v} !== "bigint" || ${v} < ${info.min}n || ${v} > ${info.max}n`
			: `typeof ${v} !== "bigint"`;
	}
	if (!checked) return "";
	if (info.value === "boolean") return `typeof ${v} !== "boolean"`;
	if (!info.integer) return `typeof ${v} !== "number"`;
	// The type first: the integer tests below throw an engine error for a bigint or a symbol.
	const number = `typeof ${v} !== "number"`;
	switch (info.view) {
		case "i8":
			return `${number} || (${v} << 24 >> 24) !== ${v}`;
		case "u8":
			return `${number} || (${v} & 255) !== ${v}`;
		case "i16":
			return `${number} || (${v} << 16 >> 16) !== ${v}`;
		case "u16":
			return `${number} || (${v} & 65535) !== ${v}`;
		case "i32":
			return `${number} || (${v} | 0) !== ${v}`;
		default:
			return `${number} || (${v} >>> 0) !== ${v}`;
	}
}

/** The condition under which `v` is not a string of at most `maxBytes` bytes of UTF-8 without NUL. */
export function utf8Reject(maxBytes: number, v: string): string {
	// utf8Length gives -1 for a NUL, which `>>> 0` makes larger than any field.
	return `typeof ${v} !== "string" || utf8Length(${v}) >>> 0 > ${maxBytes}`;
}

/** Writes a string already checked with {@link utf8Reject}. */
export function utf8Store(maxBytes: number, h: string, at: string, v: string): string {
	return `encodeUtf8(${h}.u8, ${at}, ${maxBytes}, ${v});`;
}

const CONTAINER_SHIFT = { 1: 0, 2: 1, 4: 2 } as const;

function containerRef(part: BitPart, h: string, p: string): string {
	const c = part.container as 1 | 2 | 4;
	const at = addr(p, part.offset);
	return c === 1 ? `${h}.u8[${at}]` : `${h}.u${c * 8}[(${at}) >>> ${CONTAINER_SHIFT[c]}]`;
}

/** The unsigned value of a bit part. */
export function partLoad(part: BitPart, h: string, p: string): string {
	if (part.container !== 0) {
		const load = containerRef(part, h, p);
		if (part.width === part.container * 8) return load;
		return `((${load} >>> ${part.shift}) & ${2 ** part.width - 1})`;
	}
	const terms = part.bytes.map((b, k) => {
		const t = `((${h}.u8[${addr(p, part.offset + k)}] >>> ${b.at}) & ${b.mask})`;
		return b.from === 0 ? t : `${t} * ${2 ** b.from}`;
	});
	return `(${terms.join(" + ")})`;
}

/** Stores the unsigned value `u` (already within the part's width) into a bit part. */
export function partStore(part: BitPart, h: string, p: string, u: string): string {
	if (part.container !== 0) {
		const ref = containerRef(part, h, p);
		if (part.width === part.container * 8) return `${ref} = ${u};`;
		const mask = 2 ** part.width - 1;
		const clear = ~(mask << part.shift);
		return `${ref} = (${ref} & ${clear}) | (${u} << ${part.shift});`;
	}
	return part.bytes
		.map((b, k) => {
			const ref = `${h}.u8[${addr(p, part.offset + k)}]`;
			return `${ref} = (${ref} & ${~(b.mask << b.at) & 255}) | (((${u} >>> ${b.from}) & ${b.mask}) << ${b.at});`;
		})
		.join("");
}

export function bitsLoad(a: Bits, h: string, p: string): string {
	const { info, width } = a;
	const lo = partLoad(a.lo, h, p);
	if (info.value === "bigint") {
		const raw =
			a.hi === undefined ? `BigInt(${lo})` : `((BigInt(${partLoad(a.hi, h, p)}) << 32n) | BigInt(${lo}))`;
		return info.signed ? `BigInt.asIntN(${width}, ${raw})` : raw;
	}
	if (info.value === "boolean") return `(${lo} !== 0)`;
	if (!info.signed) return lo;
	return width === 32 ? `(${lo} | 0)` : `((${lo} << ${32 - width}) >> ${32 - width})`;
}

/** The condition under which `v` is refused for a bit-field (its range is checked even unchecked), or "". */
export function bitsReject(a: Bits, v: string, checked: boolean): string {
	const { info, width } = a;
	if (info.value === "boolean") return checked ? `typeof ${v} !== "boolean"` : "";
	if (info.value === "bigint") {
		const min = info.signed ? -(2n ** BigInt(width - 1)) : 0n;
		const max = info.signed ? 2n ** BigInt(width - 1) - 1n : 2n ** BigInt(width) - 1n;
		return `typeof ${v} !== "bigint" || ${v} < ${min}n || ${v} > ${max}n`;
	}
	const min = info.signed ? -(2 ** (width - 1)) : 0;
	const max = info.signed ? 2 ** (width - 1) - 1 : 2 ** width - 1;
	const range = `!(${v} >= ${min} && ${v} <= ${max})`;
	// Unchecked, a bigint in range would pass the comparison and then throw in the middle of a write.
	return checked
		? `typeof ${v} !== "number" || ${range} || Math.floor(${v}) !== ${v}`
		: `${range} || typeof ${v} === "bigint"`;
}

/** Writes a bit-field value already checked with {@link bitsReject} into the record at `p`. */
export function bitsStore(a: Bits, h: string, p: string, v: string): string {
	const { info, width } = a;
	if (info.value === "boolean") return partStore(a.lo, h, p, `(${v} ? 1 : 0)`);
	if (info.value === "bigint") {
		let s = `{ const u = BigInt.asUintN(${width}, ${v});`;
		s += partStore(a.lo, h, p, width <= 32 ? "Number(u)" : "Number(u & 4294967295n)");
		if (a.hi !== undefined) s += `{ const hi = Number(u >> 32n); ${partStore(a.hi, h, p, "hi")} }`;
		return `${s}}`;
	}
	const u = width === 32 ? `(${v} >>> 0)` : `(${v} & ${2 ** width - 1})`;
	return partStore(a.lo, h, p, u);
}
