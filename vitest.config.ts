import { defineConfig } from "vitest/config";

/** Root config for local runs of every package at once (`pnpm vitest`); CI runs each package through turbo. */
export default defineConfig({
	test: { projects: ["packages/*"] },
});
