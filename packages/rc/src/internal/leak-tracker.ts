import type { RcLeak } from "../api.ts";

/**
 * The leak detector of a space: every handle is registered with a `FinalizationRegistry` together
 * with where it was created, and unregistered when its reference is released. A handle the collector
 * reclaims while still registered held a count that nobody can release any more: a leak.
 * @internal
 */
export class LeakTracker {
	private readonly registry: FinalizationRegistry<RcLeak>;
	private readonly found: RcLeak[] = [];

	constructor(onLeak: ((leak: RcLeak) => void) | undefined) {
		if (typeof FinalizationRegistry !== "function") {
			throw new TypeError("RcSpace: leakDetection needs FinalizationRegistry, which this runtime lacks");
		}
		const found = this.found;
		this.registry = new FinalizationRegistry<RcLeak>(
			onLeak === undefined ? (leak) => found.push(leak) : (leak) => onLeak(leak),
		);
	}

	/** Registers `handle`; its creation site is the current stack. */
	track(handle: object, kind: string, ptr: number, strength: RcLeak["strength"]): void {
		const stack = (new Error().stack ?? "").replace(/^Error\n?/, "");
		this.registry.register(
			handle,
			{ kind, ptr, strength, stack: `${strength} handle created:\n${stack}` },
			handle,
		);
	}

	untrack(handle: object): void {
		this.registry.unregister(handle);
	}

	/** Leaks found so far (when there is no `onLeak` callback); the list is emptied. */
	take(): RcLeak[] {
		return this.found.splice(0, this.found.length);
	}
}
