import { defineProject, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// --expose-gc lets the leak-detector test collect handles on purpose (FinalizationRegistry only reports
// what the collector found); nothing else in the suite depends on it.
export default mergeConfig(
	shared,
	defineProject({ test: { name: "@offheap/rc", execArgv: ["--expose-gc"] } }),
);
