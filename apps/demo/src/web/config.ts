import type { DemoConfig } from "./demo-app.ts";

/** What the page runs unless the URL says otherwise (`?budget=8` MiB, `?seed=7`, `?burst=1000`). */
export const DEFAULT_CONFIG: DemoConfig = {
	budgetBytes: 4 * 1024 * 1024,
	seed: 1,
	width: 1280,
	height: 720,
	burst: 500,
};

/** Reads overrides from a query string; anything missing or malformed keeps its default. */
export function configFromQuery(search: string, defaults: DemoConfig = DEFAULT_CONFIG): DemoConfig {
	const params = new URLSearchParams(search);
	const budgetMiB = atLeast(params.get("budget"), 0.0625);
	const seed = atLeast(params.get("seed"), 0);
	const burst = atLeast(params.get("burst"), 1);
	return {
		...defaults,
		budgetBytes: budgetMiB === undefined ? defaults.budgetBytes : Math.round(budgetMiB * 1024 * 1024),
		seed: seed === undefined ? defaults.seed : Math.floor(seed),
		burst: burst === undefined ? defaults.burst : Math.floor(burst),
	};
}

function atLeast(text: string | null, min: number): number | undefined {
	if (text === null || text.trim() === "") return undefined;
	const value = Number(text);
	return Number.isFinite(value) && value >= min ? value : undefined;
}
