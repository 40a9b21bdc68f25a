/** Errors of the bench's own making, and how the bench prints any error. */

/**
 * An error the user can act on (a missing trace, a bad option, an unknown section): printed as its message
 * alone.
 */
export class BenchError extends Error {
	override name = "BenchError";
}

/**
 * One clean line (or a few) for `error`, without a stack trace: the message of a {@link BenchError}, the
 * name and message of anything else. `OFFHEAP_BENCH_STACK=1` prints the stack of unexpected errors too.
 */
export function describeError(error: unknown): string {
	if (error instanceof BenchError) return error.message;
	if (!(error instanceof Error)) return String(error);
	if (process.env.OFFHEAP_BENCH_STACK === "1" && error.stack !== undefined) return error.stack;
	return `${error.name}: ${error.message} (OFFHEAP_BENCH_STACK=1 prints the stack)`;
}
