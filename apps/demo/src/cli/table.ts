/** A text table: a header row, then rows of cells; the first column left-aligned, the rest right. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
	const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
	const line = (cells: readonly string[]) =>
		cells
			.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
			.join("  ");
	const rule = widths.map((w) => "-".repeat(w)).join("  ");
	return [line(header), rule, ...rows.map((row) => (row.length === 0 ? "" : line(row)))].join("\n");
}

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
	return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(3);
}

/** Bytes in KiB, with one decimal. */
export function kib(bytes: number): string {
	return `${(bytes / 1024).toFixed(1)} KiB`;
}
