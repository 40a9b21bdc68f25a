/** Assertions for refused calls that touch no heap (declarations, settings). */
import { expect } from "vitest";

/**
 * Asserts that `misuse` throws exactly `kind` (not a subclass, not a superclass) and returns the
 * error, for a check of its message.
 */
export function refusal<E extends Error>(
	kind: abstract new (...args: never[]) => E,
	misuse: () => unknown,
): E {
	let caught: unknown;
	try {
		misuse();
	} catch (error) {
		caught = error;
	}
	expect(caught, `expected ${kind.name}, got ${String(caught)}`).toBeInstanceOf(kind);
	expect((caught as Error).constructor).toBe(kind);
	return caught as E;
}
