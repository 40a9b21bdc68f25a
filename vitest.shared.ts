import { defineConfig } from "vitest/config";

const source = "@offheap/source";

/** Options shared by every package's vitest project; project configs cannot extend the root config. */
export default defineConfig({
	resolve: { conditions: [source, "module", "browser", "development|production"] },
	ssr: { resolve: { conditions: [source, "module", "node", "development|production"] } },
	test: {
		include: ["test/**/*.test.ts"],
		restoreMocks: true,
		// Property tests do a fixed amount of work, but CI runs packages in parallel on 2 cores.
		testTimeout: 30_000,
		typecheck: { enabled: false },
	},
});
