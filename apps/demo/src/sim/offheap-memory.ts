import { Arena } from "@offheap/arena";
import { OutOfMemoryError } from "@offheap/core";
import { downgrade, release, releaseWeak, upgrade } from "@offheap/rc";
import { Entity } from "./layouts.ts";
import type { OffheapStore } from "./offheap-store.ts";
import { KIND_COUNT, KIND_NAMES, SPRITE_COLORS, SPRITE_POINTS } from "./rules.ts";

// The cold paths of the offheap world's memory: sizing and replacing the scratch arena, creating
// sprite descriptors, and taking everything apart again.

/**
 * Bytes of scratch a frame needs with `capacity` entities on a grid of `cells` cells: the grid's
 * list heads, one list link per asteroid and one contact pair per bullet or ship (asteroids, bullets
 * and ships are at most `capacity` together), plus alignment and the arena's own bookkeeping.
 */
export function scratchBytes(capacity: number, cells: number): number {
	return ((cells * 4 + capacity * 8 + 7) & ~7) + 128;
}

/**
 * Gives the world a scratch arena with room for a frame of `capacity` entities: one chunk, whose
 * budget is that chunk, so a frame never asks the heap for more. The new arena is made before the
 * old one goes, so on failure the world keeps the old one (and refuses what needed the new one).
 * During collisions the frame still reads the old arena: it is retired and freed when the frame ends.
 * @returns false when the heap cannot hold the new arena.
 */
export function growScratch(world: OffheapStore, capacity: number, cells: number): boolean {
	const bytes = scratchBytes(capacity, cells);
	let arena: Arena;
	try {
		arena = new Arena(world.scratchAllocator, { chunkBytes: bytes, maxBytes: bytes });
	} catch (error) {
		if (error instanceof OutOfMemoryError) return false;
		throw error;
	}
	const old = world.scratch;
	if (old !== null) {
		if (world.inCollision && world.retired === null) world.retired = old;
		else old.free();
	}
	world.scratch = arena;
	world.scratchCapacity = capacity;
	return true;
}

/**
 * The sprite descriptor of `kind` with one more strong reference, for a new entity: the live one
 * when some entity still holds it, else a new one (the world's weak reference tells which).
 * @returns its address, or 0 when the heap cannot hold a new descriptor.
 */
export function spriteFor(world: OffheapStore, kind: number): number {
	const table = world.state.sprites;
	const current = table.get(kind);
	if (current !== 0 && upgrade(world.sprites, current)) return current;
	return createSprite(world, kind, current);
}

function createSprite(world: OffheapStore, kind: number, dropped: number): number {
	const table = world.state.sprites;
	if (dropped !== 0) {
		releaseWeak(world.sprites, dropped); // frees the dropped descriptor's block
		table.set(kind, 0);
	}
	const ptr = world.sprites.allocRaw(world.spriteKind);
	if (ptr === 0) return 0;
	const sprite = world.spriteCursor.$at(ptr);
	sprite.name = KIND_NAMES[kind] as string;
	sprite.color = SPRITE_COLORS[kind] as number;
	sprite.points = SPRITE_POINTS[kind] as number;
	sprite.kind = kind;
	downgrade(world.sprites, ptr); // the table's weak reference; the strong one is the caller's
	table.set(kind, ptr);
	return ptr;
}

/** Frees every structure of the world, in an order that leaves no block behind. */
export function freeStructures(world: OffheapStore): void {
	const entity = Entity.cursor(world.heap, { checked: false });
	for (let kind = 0; kind < KIND_COUNT; kind++) {
		const handles = world.kinds[kind];
		if (handles === undefined) continue;
		for (let i = 0; i < handles.length; i++) {
			release(world.sprites, entity.$at(world.entities.ptr(handles.get(i))).sprite);
		}
		handles.free();
	}
	world.entities.free();
	world.timers.free();
	world.timerNodes.free();
	const table = world.state.sprites;
	for (let kind = 0; kind < KIND_COUNT; kind++) {
		releaseWeak(world.sprites, table.get(kind));
		table.set(kind, 0);
	}
	world.sprites.free();
	world.scratch?.free();
	world.scratch = null;
	world.retired?.free();
	world.retired = null;
	world.tags.allocator("other").free(world.state.$ptr);
}
