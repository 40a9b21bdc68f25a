/** One TypeDoc site for every package, with the guides in docs/guides as project documents. */
/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
	name: "offheap",
	entryPointStrategy: "packages",
	entryPoints: ["../packages/*"],
	// The root program compiles nothing in packages mode, but TypeDoc still loads a tsconfig for it.
	tsconfig: "../packages/core/tsconfig.build.json",
	packageOptions: {
		entryPoints: ["src/index.ts"],
		tsconfig: "tsconfig.build.json",
		excludeInternal: true,
		excludePrivate: true,
		disableGit: true,
		gitRevision: "main",
		sourceLinkTemplate: "https://github.com/offheap/offheap/blob/{gitRevision}/{path}#L{line}",
	},
	// The landing page; the repository README (with contributor commands) stays on GitHub.
	readme: "index.md",
	projectDocuments: [
		"guides/getting-started.md",
		"guides/heap.md",
		"guides/struct-layouts.md",
		"guides/vector.md",
		"guides/linked-list.md",
		"guides/arenas.md",
		"guides/pools.md",
		"guides/reference-counting.md",
		"guides/fixed-budget-games.md",
		"guides/demo.md",
		"guides/debugging.md",
		"guides/performance.md",
	],
	sortEntryPoints: false,
	out: "site",
	treatWarningsAsErrors: true,
	validation: { invalidLink: true, notExported: true, notDocumented: false },
	searchInDocuments: true,
	navigation: { includeCategories: true, includeGroups: false },
	highlightLanguages: ["ts", "js", "json", "bash", "c", "text"],
};
