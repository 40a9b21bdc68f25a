import type { BudgetReport, FrameReport, HeapBlock, World, WorldMode, WorldOptions } from "../sim/api.ts";
import { CountersView } from "./counters-view.ts";
import { requireElement } from "./dom.ts";
import { FramePanel } from "./frame-panel.ts";
import { HeapMapView } from "./heap-map-view.ts";
import { MemoryPlot } from "./memory-plot.ts";
import { MemoryProbe } from "./memory-probe.ts";
import { SimView } from "./sim-view.ts";
import { SpawnFill } from "./spawn-fill.ts";

/** Builds a world; the page gets `createWorld` from the simulation (tests may pass another). */
export type CreateWorld = (options: WorldOptions) => World;

/** What the page runs: the same for both modes, so the two worlds are comparable. */
export interface DemoConfig {
	readonly budgetBytes: number;
	readonly seed: number;
	readonly width: number;
	readonly height: number;
	/** Entities per burst of the "Spawn" buttons. */
	readonly burst: number;
}

/** What the counters and the test hook report. */
export interface DemoCounters {
	readonly mode: WorldMode;
	readonly frame: number;
	readonly entities: number;
	readonly refusedSpawns: number;
	readonly usedBytes: number;
	readonly budgetBytes: number;
	readonly highWaterBytes: number;
	readonly fragmentation: number;
	readonly largestFreeBlock: number;
	readonly filling: boolean;
}

/** Counters, plots and memory samples; the memory plot assumes ten per second. */
const PANEL_INTERVAL_MS = 100;
const HEAP_MAP_INTERVAL_MS = 250;
const MEMORY_PROBE_INTERVAL_MS = 1000;
/**
 * Frames of a new world left out of the frame-time statistics: the first frames compile the code and
 * size the page, and their one-off stalls would otherwise dominate every short run's p99 and max.
 */
const WARMUP_FRAMES = 10;
/** Longest step the world is asked to simulate, so a stalled tab does not teleport everything. */
const MAX_DT_SECONDS = 0.1;

/**
 * The page: one world per mode (created on first use, the inactive one paused), the frame loop, the
 * controls, and the slower panels (counters, plots, heap map) refreshed a few times per second.
 */
export class DemoApp {
	readonly config: DemoConfig;
	private readonly createWorld: CreateWorld;
	private readonly worlds: Record<WorldMode, World | undefined> = { offheap: undefined, plain: undefined };
	private readonly reports: Record<WorldMode, FrameReport | undefined> = {
		offheap: undefined,
		plain: undefined,
	};
	private mode: WorldMode = "offheap";
	private readonly sim: SimView;
	private readonly heapMap: HeapMapView;
	private readonly counters: CountersView;
	private readonly memoryPlot: MemoryPlot;
	private readonly panels: Record<WorldMode, FramePanel>;
	private readonly probe = new MemoryProbe();
	private readonly fill: SpawnFill;
	private readonly modeButtons: readonly HTMLButtonElement[];
	private lastFrameAt = -1;
	private lastPanelAt = Number.NEGATIVE_INFINITY;
	private lastHeapMapAt = Number.NEGATIVE_INFINITY;
	private lastProbeAt = Number.NEGATIVE_INFINITY;
	private running = false;
	private readonly tick = (now: number): void => this.frame(now);

	constructor(root: ParentNode, createWorld: CreateWorld, config: DemoConfig) {
		this.config = config;
		this.createWorld = createWorld;
		this.sim = new SimView(requireElement(root, "#sim", HTMLCanvasElement));
		this.heapMap = new HeapMapView(
			requireElement(root, "#heap-map", HTMLCanvasElement),
			requireElement(root, "#legend", HTMLElement),
		);
		this.counters = new CountersView(root);
		this.memoryPlot = new MemoryPlot(requireElement(root, "#memory-plot", HTMLCanvasElement));
		this.panels = { offheap: new FramePanel(root, "offheap"), plain: new FramePanel(root, "plain") };
		this.fill = new SpawnFill(config.burst);
		const burstButton = requireElement(root, "#spawn-burst", HTMLButtonElement);
		burstButton.textContent = `Spawn ${config.burst}`;
		burstButton.addEventListener("click", () => {
			this.spawnBurst(config.burst);
		});
		requireElement(root, "#spawn-until-full", HTMLButtonElement).addEventListener("click", () => {
			this.fill.start();
		});
		requireElement(root, "#reset", HTMLButtonElement).addEventListener("click", () => this.reset());
		this.modeButtons = [...root.querySelectorAll<HTMLButtonElement>("button[data-mode]")];
		for (const button of this.modeButtons) {
			button.addEventListener("click", () =>
				this.setMode(button.dataset.mode === "plain" ? "plain" : "offheap"),
			);
		}
		this.syncModeButtons();
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		requestAnimationFrame(this.tick);
	}

	/** Frames stepped by the active world. */
	frames(): number {
		return this.reports[this.mode]?.frame ?? 0;
	}

	counterValues(): DemoCounters {
		const budget = this.world().budget();
		return {
			mode: this.mode,
			frame: this.frames(),
			entities: budget.entities,
			refusedSpawns: budget.refusedSpawns,
			usedBytes: budget.usedBytes,
			budgetBytes: budget.budgetBytes,
			highWaterBytes: budget.highWaterBytes,
			fragmentation: budget.fragmentation,
			largestFreeBlock: budget.largestFreeBlock,
			filling: this.fill.active,
		};
	}

	/** The heap map as last drawn (at most a quarter of a second old). */
	heapMapBlocks(): readonly HeapBlock[] {
		return this.heapMap.lastBlocks();
	}

	spawnBurst(count: number): { readonly spawned: number; readonly refused: number } {
		const result = this.world().spawnBurst(count);
		this.fill.note(`burst of ${count}: ${result.spawned} fit, ${result.refused} refused`);
		return result;
	}

	setMode(mode: WorldMode): void {
		if (mode === this.mode) return;
		this.fill.stop("stopped: mode changed");
		this.mode = mode;
		// The switch is no frame of either mode: do not count the gap.
		this.lastFrameAt = -1;
		this.syncModeButtons();
		this.refreshPanels(performance.now(), true);
	}

	/** Frees both worlds and starts the active mode again from the same seed. */
	reset(): void {
		this.fill.stop("");
		for (const mode of ["offheap", "plain"] as const) {
			this.worlds[mode]?.free();
			this.worlds[mode] = undefined;
			this.reports[mode] = undefined;
			this.panels[mode].reset();
		}
		this.memoryPlot.reset();
		this.lastFrameAt = -1;
		this.refreshPanels(performance.now(), true);
	}

	private world(): World {
		let world = this.worlds[this.mode];
		if (world === undefined) {
			const { budgetBytes, seed, width, height } = this.config;
			world = this.createWorld({ mode: this.mode, budgetBytes, seed, width, height });
			this.worlds[this.mode] = world;
		}
		return world;
	}

	private frame(now: number): void {
		// Scheduled first, so that a throwing frame (reported through window "error") does not stop the demo.
		requestAnimationFrame(this.tick);
		const world = this.world();
		const gap = this.lastFrameAt < 0 ? -1 : now - this.lastFrameAt;
		this.lastFrameAt = now;
		this.fill.continue(world);
		const dt = gap < 0 ? 1 / 60 : Math.min(gap / 1000, MAX_DT_SECONDS);
		const report = world.step(dt);
		this.reports[this.mode] = report;
		this.fill.observe(report);
		if (gap >= 0 && report.frame > WARMUP_FRAMES) this.panels[this.mode].record(gap, report.stepMs);
		this.sim.draw(world);
		this.refreshPanels(now, false);
	}

	private refreshPanels(now: number, force: boolean): void {
		if (!force && now - this.lastPanelAt < PANEL_INTERVAL_MS) return;
		this.lastPanelAt = now;
		const world = this.world();
		const budget: BudgetReport = world.budget();
		if (force || now - this.lastProbeAt >= MEMORY_PROBE_INTERVAL_MS) {
			this.lastProbeAt = now;
			this.probe.poll();
		}
		this.memoryPlot.record(this.mode, budget);
		this.memoryPlot.render(this.mode, budget);
		this.counters.update(this.mode, this.reports[this.mode], budget, this.fill.status());
		const jsHeap = this.probe.reading();
		this.panels.offheap.render(this.mode === "offheap", jsHeap);
		this.panels.plain.render(this.mode === "plain", jsHeap);
		if (force || now - this.lastHeapMapAt >= HEAP_MAP_INTERVAL_MS) {
			this.lastHeapMapAt = now;
			this.heapMap.draw(world.heapMap(), world.heapBytes, budget);
		}
	}

	private syncModeButtons(): void {
		for (const button of this.modeButtons) {
			button.setAttribute("aria-pressed", String(button.dataset.mode === this.mode));
		}
		document.body.dataset.mode = this.mode;
	}
}
