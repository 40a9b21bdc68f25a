/**
 * Stack traces of call sites, interned as small integers: what checked mode records for every block
 * (and what packages built on a heap record for their own sub-allocations), so a record holds a
 * number, not a string, and one site seen a million times is stored once.
 *
 * @example
 * ```ts
 * import { CallSites } from "@offheap/core";
 * const sites = new CallSites(/\bat (Pool|Arena)\./); // frames of the library itself are left out
 * function allocateHere(): number {
 *   return sites.capture();
 * }
 * const a = allocateHere();
 * const b = allocateHere();
 * console.log(a > 0, a === b, sites.trace(a).includes("allocateHere")); // true false true
 * console.log(sites.describe("allocated at", a).startsWith("\n  allocated at:\n    at allocateHere")); // true
 * ```
 */
export class CallSites {
	/** Frames matching this are the library's own and say nothing about the caller. */
	private readonly own: RegExp;
	private readonly enabled: boolean;
	private readonly ids = new Map<string, number>();
	private readonly traces: string[] = ["(no stack trace)"];

	/**
	 * @param ownFrames - frames to leave out (besides `CallSites`' own and the runtime's): the
	 * library's classes, e.g. `/\bat (Pool|PoolState)\./`, or its directory.
	 * @param enabled - `false` records nothing (every capture is id 0), for long runs where stack
	 * traces cost too much.
	 */
	constructor(ownFrames: RegExp, enabled = true) {
		this.own = ownFrames;
		this.enabled = enabled;
	}

	/** The id of the caller's stack (up to 8 frames, without the library's own frames). */
	capture(): number {
		if (!this.enabled) return 0;
		// The library's own frames (a container over a heap over the checker) can fill V8's default
		// 10 frames before the caller's appear: look deeper while capturing.
		const host = Error as { stackTraceLimit?: number | undefined };
		const limit = host.stackTraceLimit;
		host.stackTraceLimit = 40;
		const stack = new Error().stack ?? "";
		host.stackTraceLimit = limit;
		const lines = stack.split("\n");
		let trace = "";
		let kept = 0;
		for (let i = 1; i < lines.length && kept < 8; i++) {
			const line = (lines[i] as string).trim();
			if (RUNTIME_FRAME.test(line) || LIBRARY_FRAME.test(line) || this.own.test(line)) continue;
			trace = kept === 0 ? line : `${trace}\n${line}`;
			kept++;
		}
		// Bundled into one file with its caller, a library cannot tell its frames apart: keep them all.
		if (kept === 0) {
			trace = lines
				.slice(1, 9)
				.map((line) => line.trim())
				.join("\n");
		}
		let id = this.ids.get(trace);
		if (id === undefined) {
			id = this.traces.length;
			this.traces.push(trace);
			this.ids.set(trace, id);
		}
		return id;
	}

	/** The trace of site `id`, frames separated by newlines. */
	trace(id: number): string {
		return this.traces[id] ?? "(unknown site)";
	}

	/** `\n  heading:\n    frame\n    frame…`, ready to append to an error message. */
	describe(heading: string, id: number): string {
		return `\n  ${heading}:\n${this.indented(id)}`;
	}

	/** The trace of site `id`, each frame indented by four spaces. */
	indented(id: number): string {
		return `    ${this.trace(id).replaceAll("\n", "\n    ")}`;
	}
}

/** Frames of the runtime itself. */
const RUNTIME_FRAME = /\(node:internal\/|^at node:internal\//;

/**
 * Frames of offheap's own packages, installed (`@offheap/<name>/…`) or in this repository
 * (`packages/<name>/src|dist/…`): they say how, not where, so a site starts at the caller's code.
 */
const LIBRARY_FRAME = /[\\/]@offheap[\\/]|[\\/]packages[\\/][a-z-]+[\\/](?:src|dist)[\\/]|\bat CallSites\./;
