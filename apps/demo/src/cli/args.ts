import { parseArgs } from "node:util";

/** What `pnpm demo` was asked to do. */
export interface DemoOptions {
	/** Seconds of steady state measured per world. */
	readonly seconds: number;
	/** The offheap world's heap, in bytes. */
	readonly budgetBytes: number;
	/** Asteroids the spawner keeps alive (ships, bullets and debris come on top). */
	readonly asteroids: number;
	/** Where the heap maps are written. */
	readonly out: string;
	/** `--steady N`: only the steady-state GC measurement, N seconds per world. */
	readonly steady: number | undefined;
	/** `--realtime`: step the steady state at 60 frames per second of wall time, as a game does. */
	readonly realtime: boolean;
	readonly seed: number;
	readonly help: boolean;
}

export const USAGE: string = `Usage: pnpm demo [-- options]

Runs the asteroid simulation headless, on offheap structures in one fixed-budget heap and on plain JS
objects, and prints frame times, memory by owner and garbage-collector work side by side.

  --seconds N     steady-state seconds per world (default 4)
  --budget MiB    the offheap heap's fixed budget (default 4)
  --entities N    asteroids kept alive by the spawner (default 600)
  --out DIR       where heap-map.svg and heap-map.png go (default apps/demo/out)
  --steady N      only measure N seconds of steady state per world (GC events), e.g. --steady 10
  --realtime      with --steady: 60 frames per wall-clock second, as a game runs, not flat out
  --seed N        random seed (default 1)
`;

function positive(name: string, text: string | undefined, fallback: number): number {
	if (text === undefined) return fallback;
	const value = Number(text);
	if (!Number.isFinite(value) || value <= 0)
		throw new RangeError(`--${name}: expected a positive number, got ${text}`);
	return value;
}

/** Parses the command line (`process.argv.slice(2)`). @throws RangeError or TypeError for bad flags. */
export function parseDemoArgs(argv: readonly string[], defaultOut: string): DemoOptions {
	const { values } = parseArgs({
		args: argv.filter((arg) => arg !== "--"),
		options: {
			seconds: { type: "string" },
			budget: { type: "string" },
			entities: { type: "string" },
			out: { type: "string" },
			steady: { type: "string" },
			seed: { type: "string" },
			realtime: { type: "boolean" },
			help: { type: "boolean", short: "h" },
		},
		strict: true,
	});
	const budgetMiB = positive("budget", values.budget, 4);
	return {
		seconds: positive("seconds", values.seconds, 4),
		budgetBytes: Math.ceil((budgetMiB * 1024 * 1024) / 8) * 8,
		asteroids: Math.round(positive("entities", values.entities, 600)),
		out: values.out ?? defaultOut,
		steady: values.steady === undefined ? undefined : positive("steady", values.steady, 10),
		seed: Math.round(positive("seed", values.seed, 1)),
		realtime: values.realtime === true,
		help: values.help === true,
	};
}
