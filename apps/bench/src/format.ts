/** Markdown tables and number formatting for the report. */

export type Align = "left" | "right";

/** A Markdown table; `align` gives each column's alignment (default: first left, others right). */
export function table(
	headers: readonly string[],
	rows: readonly (readonly string[])[],
	align?: readonly Align[],
): string {
	const aligns = headers.map((_, i) => align?.[i] ?? (i === 0 ? "left" : "right"));
	const line = (cells: readonly string[]): string =>
		`| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
	const rule = `|${aligns.map((a) => (a === "right" ? "---:" : "---")).join("|")}|`;
	return [line(headers), rule, ...rows.map(line)].join("\n");
}

/** 1451051 → "1,451,051". */
export function int(n: number): string {
	return Math.round(n).toLocaleString("en-US");
}

/** Operations per second as "12.34 M". */
export function mops(opsPerSec: number): string {
	if (!Number.isFinite(opsPerSec)) return "n/a";
	const m = opsPerSec / 1e6;
	return m >= 100 ? m.toFixed(0) : m >= 10 ? m.toFixed(1) : m >= 1 ? m.toFixed(2) : m.toFixed(3);
}

/** A ratio as "12.3×". */
export function ratio(x: number): string {
	if (!Number.isFinite(x)) return "n/a";
	return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
}

/** Milliseconds, with precision that fits their size. */
export function ms(x: number): string {
	return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 10 ? `${x.toFixed(0)} ms` : `${x.toFixed(2)} ms`;
}

/** Bytes as KiB/MiB with two or three significant digits. */
export function bytes(n: number): string {
	if (!Number.isFinite(n)) return "n/a";
	if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
	if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
	return `${n} B`;
}

/** "pass"/"FAIL" for the targets table; plain words, because emoji need a font not every reader has. */
export function verdict(pass: boolean): string {
	return pass ? "pass" : "**FAIL**";
}

/**
 * `what` with each `#` replaced by the next of `values`: the failure messages of the benchmark kernels,
 * built here rather than with a template literal at the throw site, which slowed every kernel's loop by
 * about half (measured on the sqlite3 replay), failure or not.
 */
export function fillIn(what: string, ...values: readonly number[]): string {
	let text = what;
	for (const value of values) text = text.replace("#", String(value));
	return text;
}
