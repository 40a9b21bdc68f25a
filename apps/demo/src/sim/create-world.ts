import type { World, WorldOptions } from "./api.ts";
import { OffheapWorld } from "./offheap-world.ts";
import { PlainWorld } from "./plain-world.ts";

/**
 * Creates the simulation in the memory `options.mode` asks for: offheap structures in one heap of
 * `options.budgetBytes`, or plain JS objects. Both run the same rules from the same seed.
 * @throws RangeError when the budget cannot even hold an empty world (a few KiB).
 */
export function createWorld(options: WorldOptions): World {
	return options.mode === "offheap" ? new OffheapWorld(options) : new PlainWorld(options);
}
