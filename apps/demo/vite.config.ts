import { defaultClientConditions, defaultServerConditions, defineConfig } from "vite";

/** Resolves every `@offheap/*` package to its TypeScript source, so neither dev nor build needs their `dist`. */
const source = "@offheap/source";

const isolation = {
	"Cross-Origin-Opener-Policy": "same-origin",
	"Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
	// Relative asset URLs: the built page works from any path (a docs sub-folder, file server, CI artefact).
	base: "./",
	resolve: { conditions: [source, ...defaultClientConditions] },
	// Setting conditions replaces Vite's defaults, and Vitest's node environment reads the SSR ones.
	ssr: { resolve: { conditions: [source, ...defaultServerConditions] } },
	build: {
		outDir: "dist/web",
		emptyOutDir: true,
		target: "es2022",
		sourcemap: true,
	},
	// Cross-origin isolation lets the page use performance.measureUserAgentSpecificMemory() for the JS heap panel.
	server: { host: "127.0.0.1", headers: isolation },
	preview: { host: "127.0.0.1", headers: isolation },
});
