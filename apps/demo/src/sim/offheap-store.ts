import type { Arena } from "@offheap/arena";
import { Heap } from "@offheap/core";
import { List } from "@offheap/list";
import { NULL_HANDLE, Pool, type PoolHandle } from "@offheap/pool";
import { type RcKind, RcSpace, release } from "@offheap/rc";
import { u32 } from "@offheap/struct";
import { Vector } from "@offheap/vector";
import type { BudgetReport, HeapBlock, WorldOptions } from "./api.ts";
import { budgetOf } from "./budget.ts";
import {
	E_ANGLE,
	E_HP,
	E_INDEX,
	E_KIND,
	E_OWNER,
	E_RADIUS,
	E_SPRITE,
	E_VX,
	E_VY,
	E_X,
	E_Y,
	ENTITY_NUMBERS,
	Entity,
	Sprite,
	Timer,
	WorldState,
} from "./layouts.ts";
import { freeStructures, growScratch, spriteFor } from "./offheap-memory.ts";
import { OwnerTags, type TaggedAllocator } from "./owner-tags.ts";
import * as R from "./rules.ts";

/**
 * The memory of the offheap world, all in one `Heap` of a fixed budget, and the entity operations
 * that need nothing but memory (spawn, remove, draw, account). {@link OffheapWorld} adds the rules.
 *
 * - entities in a growable {@link Pool} of {@link Entity} slots, named by generation-checked handles;
 * - the handles of each kind in a `Vector<u32>` (swap-removal, each entity knows its index);
 * - one shared {@link Sprite} descriptor per kind in an `Rc`, retained by every entity of the kind;
 * - the collision grid and contact pairs of a frame in an `Arena`, forgotten at the end of every frame;
 * - timers (asteroid waves, ship respawns) in a {@link List} ordered by deadline, nodes from a pool;
 * - the world's own clock and counters in a {@link WorldState} block.
 *
 * Every structure takes its blocks through its own {@link TaggedAllocator}, so the heap map can tell
 * who owns each block.
 */
export class OffheapStore {
	readonly width: number;
	readonly height: number;
	readonly heapBytes: number;
	readonly heap: Heap;
	/** @internal */ readonly tags: OwnerTags;
	/** @internal */ readonly entities: Pool;
	/** @internal Handles of the live entities of each kind, indexed by kind. */
	readonly kinds: Vector<typeof u32>[];
	/** @internal */ readonly sprites: RcSpace;
	/** @internal */ readonly spriteKind: RcKind<typeof Sprite>;
	/** @internal */ readonly timerNodes: Pool;
	/** @internal */ readonly timers: List<typeof Timer>;
	/** @internal */ readonly state: ReturnType<typeof WorldState.view>;
	/** @internal Where the frame's scratch comes from; replaced by a bigger one when the pool grows. */
	scratch: Arena | null;
	/** @internal An arena replaced during collisions, whose memory the frame still reads. */
	retired: Arena | null = null;
	/** The scratch arena's mark at the start of the current frame, popped when the frame ends. */
	frameMark = 0;
	/** @internal Entities the scratch arena has room for in one frame. */
	scratchCapacity = 0;
	/** @internal */ readonly scratchAllocator: TaggedAllocator;
	/** @internal */ inCollision = false;
	/** @internal The scratch arena's mark at the start of the frame. */
	/** @internal For writing new sprite descriptors. */
	readonly spriteCursor: ReturnType<typeof Sprite.cursor>;
	protected readonly gridWidth: number;
	protected readonly gridHeight: number;
	/** A new entity's numbers, in layout order (see {@link ENTITY_NUMBERS}). */
	protected readonly args: Float64Array = new Float64Array(ENTITY_NUMBERS);
	/** Position and velocity of an entity that just went, for its debris and fragments. */
	protected readonly origin: Float64Array = new Float64Array(4);
	protected pendingSpawned = 0;
	protected pendingRefused = 0;
	protected freed = false;

	constructor(options: WorldOptions) {
		this.width = options.width;
		this.height = options.height;
		this.heap = new Heap({ initialBytes: options.budgetBytes, maxBytes: options.budgetBytes });
		this.heapBytes = this.heap.stats().heapBytes;
		this.tags = new OwnerTags(this.heap);
		const heap = this.heap;
		const stateAt = this.tags.allocator("other").malloc(WorldState.size, WorldState.align);
		if (stateAt === 0) throw new RangeError(`a budget of ${options.budgetBytes} B cannot hold a world`);
		heap.u8.fill(0, stateAt, stateAt + WorldState.size);
		this.state = WorldState.view(heap, stateAt, { checked: false });
		const pools = this.tags.allocator("pool");
		this.entities = new Pool(pools, Entity, { capacity: 256, growable: true });
		const vectors = this.tags.allocator("vector");
		this.kinds = [];
		for (let kind = 0; kind < R.KIND_COUNT; kind++) {
			this.kinds.push(new Vector(vectors, u32, { capacity: 64, checked: false }));
		}
		this.sprites = new RcSpace(this.tags.allocator("rc"));
		const state = this.state;
		this.spriteKind = this.sprites.kind({
			name: "Sprite",
			type: Sprite,
			drop: () => {
				state.spriteDrops += 1;
			},
		});
		const ships = options.ships ?? R.DEFAULT_SHIPS;
		this.timerNodes = new Pool(pools, List.nodeLayout(Timer), { capacity: ships + 8 });
		this.timers = new List(this.tags.allocator("list"), Timer, {
			nodes: this.timerNodes,
			spare: 1,
			checked: false,
		});
		this.scratchAllocator = this.tags.allocator("arena");
		this.gridWidth = R.gridSize(this.width);
		this.gridHeight = R.gridSize(this.height);
		this.scratch = null;
		growScratch(this, this.entities.capacity, this.gridWidth * this.gridHeight);
		this.spriteCursor = Sprite.cursor(heap, { checked: false });
	}

	budget(): BudgetReport {
		return budgetOf(this.heap.stats(), this.heapMap(), this.entityCount(), this.state.refused);
	}

	heapMap(): readonly HeapBlock[] {
		return this.freed ? [] : this.tags.blocks();
	}

	forEachSprite(visit: (x: number, y: number, angle: number, radius: number, kind: number) => void): void {
		const f64 = this.heap.f64;
		for (let kind = 0; kind < R.KIND_COUNT; kind++) {
			const handles = this.kinds[kind] as Vector<typeof u32>;
			for (let i = 0, n = handles.length; i < n; i++) {
				const p = this.entities.ptr(handles.get(i)) >>> 3;
				visit(
					f64[p + E_X] as number,
					f64[p + E_Y] as number,
					f64[p + E_ANGLE] as number,
					f64[p + E_RADIUS] as number,
					kind,
				);
			}
		}
	}

	/** Live entities of every kind. */
	entityCount(): number {
		let n = 0;
		for (let kind = 0; kind < R.KIND_COUNT; kind++) n += (this.kinds[kind] as Vector<typeof u32>).length;
		return n;
	}

	/** Live entities of one kind. */
	count(kind: number): number {
		return (this.kinds[kind] as Vector<typeof u32>).length;
	}

	free(): void {
		if (this.freed) return;
		this.freed = true;
		freeStructures(this);
	}

	[Symbol.dispose](): void {
		this.free();
	}

	/** Copies the position and velocity of the entity at `ptr` to `this.origin`, before it goes. */
	protected keepOrigin(ptr: number): void {
		const f64 = this.heap.f64;
		const p = ptr >>> 3;
		const origin = this.origin;
		origin[0] = f64[p + E_X] as number;
		origin[1] = f64[p + E_Y] as number;
		origin[2] = f64[p + E_VX] as number;
		origin[3] = f64[p + E_VY] as number;
	}

	/**
	 * Creates an entity from the numbers staged in `this.args`, or refuses it when the heap cannot
	 * hold it (the sprite, a slot of its vector, the pool's next chunk or the scratch for a bigger
	 * pool): counted, never thrown.
	 */
	protected spawn(kind: number, hp: number, owner: PoolHandle): PoolHandle {
		const sprite = spriteFor(this, kind);
		const handles = this.kinds[kind] as Vector<typeof u32>;
		const pool = this.entities;
		let handle = NULL_HANDLE;
		if (sprite !== 0 && handles.tryReserve(1)) {
			const full = pool.live === pool.capacity;
			if (!full || this.scratchCapacity >= 2 * pool.capacity || this.growScratchFor(2 * pool.capacity)) {
				handle = pool.alloc();
			}
		}
		if (handle === NULL_HANDLE) {
			if (sprite !== 0) release(this.sprites, sprite);
			this.state.refused += 1;
			this.pendingRefused++;
			return NULL_HANDLE;
		}
		const heap = this.heap;
		const ptr = pool.ptr(handle);
		heap.f64.set(this.args, (ptr >>> 3) + E_X);
		const w = ptr >>> 2;
		heap.u32[w + E_SPRITE] = sprite;
		heap.u32[w + E_OWNER] = owner;
		heap.u32[w + E_INDEX] = handles.length;
		heap.u8[ptr + E_KIND] = kind;
		heap.u8[ptr + E_HP] = hp;
		handles.push(handle);
		this.pendingSpawned++;
		return handle;
	}

	protected growScratchFor(capacity: number): boolean {
		return growScratch(this, capacity, this.gridWidth * this.gridHeight);
	}

	/** Removes a live entity: from its kind's vector (swap-removal), its sprite, its slot. */
	protected remove(handle: PoolHandle): void {
		const heap = this.heap;
		const pool = this.entities;
		const ptr = pool.ptr(handle);
		const handles = this.kinds[heap.u8[ptr + E_KIND] as number] as Vector<typeof u32>;
		const index = heap.u32[(ptr >>> 2) + E_INDEX] as number;
		const sprite = heap.u32[(ptr >>> 2) + E_SPRITE] as number;
		handles.swapRemove(index);
		if (index < handles.length) heap.u32[(pool.ptr(handles.get(index)) >>> 2) + E_INDEX] = index;
		release(this.sprites, sprite);
		pool.freeHandle(handle);
	}

	/** Forgets the frame's scratch: pops the frame's mark, or frees the arena that held it. */
	protected endFrame(): void {
		if (this.retired !== null) {
			this.retired.free();
			this.retired = null;
		} else this.scratch?.pop(this.frameMark);
	}
}
