/** Bytes as people read them: `512 B`, `12.3 KiB`, `4.00 MiB`. */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes)) return "n/a";
	const sign = bytes < 0 ? "-" : "";
	const abs = Math.abs(bytes);
	if (abs < 1024) return `${sign}${Math.round(abs)} B`;
	if (abs < 1024 * 1024) return `${sign}${(abs / 1024).toFixed(1)} KiB`;
	if (abs < 1024 * 1024 * 1024) return `${sign}${(abs / (1024 * 1024)).toFixed(2)} MiB`;
	return `${sign}${(abs / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}

/** Milliseconds with one decimal (`16.7 ms`). */
export function formatMs(ms: number): string {
	return Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : "n/a";
}

/** A ratio in [0, 1] as a percentage with one decimal. */
export function formatPercent(ratio: number): string {
	return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : "n/a";
}

/** An integer with thousands separators that do not depend on the browser's locale. */
export function formatCount(n: number): string {
	return Math.round(n)
		.toString()
		.replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009");
}
