import { checkOptions } from "@offheap/core";
import type { Settings } from "./api.ts";
import { checkBooleanOption } from "./internal/checks.ts";
import { codegenAvailable } from "./internal/codegen-probe.ts";

/** The live settings; internal modules read them, users change them through {@link configure}. */
export const settings: Settings = { checked: true, codegen: true };

let probed = false;

/** The names of the settings. */
const SETTINGS: readonly (keyof Settings)[] = ["checked", "codegen"];

/** Whether accessors generated now should use `new Function` (probed once, lazily). */
export function useCodegen(): boolean {
	if (!probed) {
		probed = true;
		if (settings.codegen && !codegenAvailable()) settings.codegen = false;
	}
	return settings.codegen;
}

/**
 * Changes module-wide settings and returns them all. Call it at startup: `checked` is the default of
 * accessors created afterwards (existing views keep theirs), and applies at once to the copying
 * `read`/`write` of every type.
 *
 * Checked mode (the default) is for development: pointers are checked against the heap bounds when a
 * view moves, array indices against lengths, and written values against their types. Unchecked mode
 * is for production hot paths: accessors do no more work than hand-written typed-array code.
 *
 * @param changes - the settings to change; see {@link Settings}.
 * @returns the settings now in effect.
 * @throws TypeError for an unknown setting or one that is not a boolean (then nothing changes).
 * @example
 * ```ts
 * import { configure } from "@offheap/struct";
 * const production = true;
 * if (production) configure({ checked: false });
 * console.log(configure({}).checked); // false
 * configure({ checked: true });
 * ```
 */
export function configure(changes: Partial<Settings> = {}): Settings {
	// Every setting is checked before any is changed: a refused call changes nothing.
	checkOptions("configure", changes, SETTINGS);
	for (const key of SETTINGS) checkBooleanOption("configure", key, changes[key]);
	if (changes.checked !== undefined) settings.checked = changes.checked;
	if (changes.codegen !== undefined) {
		settings.codegen = changes.codegen && codegenAvailable();
		probed = true;
	}
	useCodegen();
	return { ...settings };
}
