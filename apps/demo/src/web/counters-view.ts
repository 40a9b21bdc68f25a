import type { BudgetReport, FrameReport, WorldMode } from "../sim/api.ts";
import { requireElement, setText } from "./dom.ts";
import { formatBytes, formatCount, formatMs, formatPercent } from "./format.ts";

/** The counters next to the playfield and the "budget full" badge. */
export class CountersView {
	private readonly mode: HTMLElement;
	private readonly frame: HTMLElement;
	private readonly entities: HTMLElement;
	private readonly refused: HTMLElement;
	private readonly used: HTMLElement;
	private readonly highWater: HTMLElement;
	private readonly fragmentation: HTMLElement;
	private readonly largestFree: HTMLElement;
	private readonly step: HTMLElement;
	private readonly badge: HTMLElement;
	private readonly spawnStatus: HTMLElement;

	constructor(root: ParentNode) {
		this.mode = requireElement(root, "#counter-mode", HTMLElement);
		this.frame = requireElement(root, "#counter-frame", HTMLElement);
		this.entities = requireElement(root, "#counter-entities", HTMLElement);
		this.refused = requireElement(root, "#counter-refused", HTMLElement);
		this.used = requireElement(root, "#counter-used", HTMLElement);
		this.highWater = requireElement(root, "#counter-high-water", HTMLElement);
		this.fragmentation = requireElement(root, "#counter-fragmentation", HTMLElement);
		this.largestFree = requireElement(root, "#counter-largest-free", HTMLElement);
		this.step = requireElement(root, "#counter-step", HTMLElement);
		this.badge = requireElement(root, "#badge-full", HTMLElement);
		this.spawnStatus = requireElement(root, "#spawn-status", HTMLElement);
	}

	update(mode: WorldMode, report: FrameReport | undefined, budget: BudgetReport, spawnStatus: string): void {
		const plain = mode === "plain";
		setText(this.mode, plain ? "plain JS objects" : "offheap (one fixed-budget heap)");
		setText(this.frame, formatCount(report?.frame ?? 0));
		setText(this.entities, formatCount(budget.entities));
		setText(this.refused, formatCount(budget.refusedSpawns));
		const usedText = `${formatBytes(budget.usedBytes)} / ${formatBytes(budget.budgetBytes)}`;
		setText(this.used, plain ? `≈ ${usedText} (estimate)` : usedText);
		setText(this.highWater, formatBytes(budget.highWaterBytes));
		setText(this.fragmentation, plain ? "n/a" : formatPercent(budget.fragmentation));
		setText(this.largestFree, plain ? "n/a" : formatBytes(budget.largestFreeBlock));
		setText(this.step, formatMs(report?.stepMs ?? Number.NaN));
		const full = budget.refusedSpawns > 0;
		this.badge.hidden = !full;
		if (full) setText(this.badge, `budget full: ${formatCount(budget.refusedSpawns)} spawns refused`);
		setText(this.spawnStatus, spawnStatus);
	}
}
