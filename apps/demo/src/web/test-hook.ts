import type { HeapBlock, WorldMode } from "../sim/api.ts";
import type { DemoApp, DemoCounters } from "./demo-app.ts";

/** What the end-to-end test reads and drives through `window.__demo`. */
export interface DemoTestHook {
	/** Frames stepped by the active world. */
	frames(): number;
	counters(): DemoCounters;
	/** The heap map as last drawn: every block, free ones included (empty in plain mode). */
	heapMapBlocks(): readonly HeapBlock[];
	spawnBurst(count: number): { readonly spawned: number; readonly refused: number };
	setMode(mode: WorldMode): void;
	/** Messages of uncaught errors and unhandled rejections since the page loaded. */
	readonly errors: string[];
}

declare global {
	interface Window {
		__demo?: DemoTestHook;
	}
}

/** Most errors kept: a frame that throws every time must not grow the list forever. */
const MAX_ERRORS = 100;

/**
 * Collects uncaught errors into `errors` (and into the page's error banner). Installed before
 * anything else runs, so that a failure while building the page is caught too.
 */
export function collectErrors(target: Window, banner: HTMLElement | null): string[] {
	const errors: string[] = [];
	const add = (message: string): void => {
		if (errors.length < MAX_ERRORS) errors.push(message);
		if (banner !== null) {
			banner.hidden = false;
			banner.textContent = `Error: ${message}`;
		}
	};
	target.addEventListener("error", (event) => {
		const error: unknown = event.error;
		add(error instanceof Error ? `${error.name}: ${error.message}` : event.message);
	});
	target.addEventListener("unhandledrejection", (event) => {
		const reason: unknown = event.reason;
		add(
			`unhandled rejection: ${reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)}`,
		);
	});
	return errors;
}

/** Publishes the hook as `window.__demo`. */
export function installTestHook(target: Window, app: DemoApp, errors: string[]): DemoTestHook {
	const hook: DemoTestHook = {
		frames: () => app.frames(),
		counters: () => app.counterValues(),
		heapMapBlocks: () => app.heapMapBlocks(),
		spawnBurst: (count) => app.spawnBurst(count),
		setMode: (mode) => app.setMode(mode),
		errors,
	};
	target.__demo = hook;
	return hook;
}
