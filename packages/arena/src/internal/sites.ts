/**
 * Where things happened, for checked mode's messages: stack traces interned as small integers, so an
 * allocation record holds a number, not a string.
 * @internal
 */
export class SiteTable {
	private readonly ids = new Map<string, number>();
	private readonly traces: string[] = ["(unknown)"];

	/** The id of the caller's stack, without the arena's own frames. */
	capture(): number {
		const lines = (new Error().stack ?? "").split("\n");
		let trace = "";
		let kept = 0;
		for (let i = 1; i < lines.length && kept < 8; i++) {
			const line = (lines[i] as string).trim();
			if (line.includes(OWN_DIRECTORY) || RUNTIME_FRAME.test(line)) continue;
			trace = kept === 0 ? line : `${trace}\n${line}`;
			kept++;
		}
		// Bundled into one file with its caller, the arena cannot tell its frames apart: keep them all.
		if (kept === 0)
			trace = lines
				.slice(1, 9)
				.map((line) => line.trim())
				.join("\n");
		let id = this.ids.get(trace);
		if (id === undefined) {
			id = this.traces.length;
			this.traces.push(trace);
			this.ids.set(trace, id);
		}
		return id;
	}

	/** The trace of `id`, indented under a heading. */
	describe(heading: string, id: number): string {
		const trace = this.traces[id] ?? "(unknown)";
		return `\n  ${heading}:\n    ${trace.replaceAll("\n", "\n    ")}`;
	}
}

/**
 * The directory of the package's modules (`src/` or `dist/`): frames there are the arena's own and say
 * nothing about the caller. Stack traces name files by path or by URL; a path matches both.
 */
const OWN_DIRECTORY: string = new URL("..", import.meta.url).pathname;

/** Frames of the runtime itself. */
const RUNTIME_FRAME = /\(node:internal\/|^at node:internal\//;
