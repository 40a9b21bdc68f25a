import { CallSites } from "@offheap/core";

/**
 * Call sites for the arena's checked mode (core's interning of stack traces), leaving out the frames
 * of the arena's own modules: those in its directory (`src/` or `dist/`). Stack traces name files by
 * path or by URL; a path matches both.
 * @internal
 */
export function arenaSites(): CallSites {
	return new CallSites(OWN_FRAMES);
}

const OWN_FRAMES: RegExp = new RegExp(
	new URL("..", import.meta.url).pathname.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
);
