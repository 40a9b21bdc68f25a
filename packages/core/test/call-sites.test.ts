import { describe, expect, it } from "vitest";
import { CallSites, Heap } from "../src/index.ts";

function allocatingCaller(sites: CallSites): number {
	return sites.capture();
}

describe("CallSites", () => {
	it("interns one id per distinct stack and leaves the library's own frames out", () => {
		const sites = new CallSites(/\bat allocatingCaller\b/);
		const first = allocatingCaller(sites);
		const again = allocatingCaller(sites);
		const other = allocatingCaller(sites);
		expect(first).toBeGreaterThan(0);
		expect(new Set([first, again, other]).size).toBe(3); // three call lines, three sites
		expect(sites.trace(first)).not.toContain("allocatingCaller");
		expect(sites.trace(first)).not.toContain("CallSites.");
		expect(sites.trace(first).split("\n").length).toBeLessThanOrEqual(8);
	});

	it("returns the same id for the same site called in a loop", () => {
		const sites = new CallSites(/^$/);
		const ids = new Set<number>();
		for (let i = 0; i < 5; i++) ids.add(sites.capture());
		expect(ids.size).toBe(1);
	});

	it("records nothing when disabled", () => {
		const sites = new CallSites(/^$/, false);
		expect(sites.capture()).toBe(0);
		expect(sites.trace(0)).toBe("(no stack trace)");
		expect(sites.trace(99)).toBe("(unknown site)");
	});

	it("formats a site as an indented paragraph for error messages", () => {
		const sites = new CallSites(/^$/);
		const id = sites.capture();
		const text = sites.describe("allocated at", id);
		expect(text.startsWith("\n  allocated at:\n    at ")).toBe(true);
		expect(
			text
				.split("\n")
				.slice(2)
				.every((line) => line.startsWith("    at ")),
		).toBe(true);
	});
});

describe("Heap.blockHistory", () => {
	it("names where a live block of a checked heap was allocated, and where it was freed while quarantined", () => {
		const heap = new Heap({ checked: true });
		const p = heap.malloc(16);
		const live = heap.blockHistory(p);
		expect(live).toMatch(/^\n {2}allocated at:\n {4}at .*call-sites\.test\.ts/);
		expect(live).not.toContain("freed at");
		heap.free(p);
		const freed = heap.blockHistory(p);
		expect(freed).toContain("allocated at:");
		expect(freed).toMatch(/freed at:\n {4}at .*call-sites\.test\.ts/);
	});

	it("is empty for unchecked heaps and for pointers a checked heap does not remember", () => {
		const plain = new Heap();
		expect(plain.blockHistory(plain.malloc(8))).toBe("");
		const checked = new Heap({ checked: true });
		expect(checked.blockHistory(12_345)).toBe("");
	});
});
