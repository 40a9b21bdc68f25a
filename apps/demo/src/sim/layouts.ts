import { array, f32, f64, ptr, struct, u8, u16, u32, utf8 } from "@offheap/struct";

/**
 * A sprite descriptor: what every entity of a kind shares, held in an `Rc`. Each live entity holds a
 * strong reference; the world keeps only a weak one, so the descriptor is dropped with its last user.
 */
export const Sprite = struct("Sprite", {
	name: utf8(12),
	color: u32,
	radius: f32,
	points: u16,
	kind: u8,
});

/**
 * One entity, in a slot of the entity pool. Positions are `f64` so that the offheap world computes
 * exactly what the plain world computes with JS numbers.
 */
export const Entity = struct("Entity", {
	x: f64,
	y: f64,
	vx: f64,
	vy: f64,
	angle: f64,
	spin: f64,
	radius: f64,
	/** Seconds left to live (bullets, particles), or until the next shot (ships). */
	timer: f64,
	/** The entity's shared sprite: an address in the Rc space, retained by this entity. */
	sprite: ptr(Sprite),
	/** Handle of the ship that fired a bullet (checked for staleness when the bullet scores). */
	owner: u32,
	/** Position of the entity's handle in the vector of its kind, for O(1) removal. */
	index: u32,
	kind: u8,
	hp: u8,
});

/** A timer of the timer list, ordered by deadline. */
export const Timer = struct("Timer", {
	deadline: f64,
	action: u32,
	arg: u32,
});

/**
 * The world's own state, in one block of the heap: clock, counters, the random state and the weak
 * references of the sprite table.
 */
export const WorldState = struct("WorldState", {
	time: f64,
	frame: u32,
	seed: u32,
	refused: u32,
	hits: u32,
	kills: u32,
	spriteDrops: u32,
	sprites: array(u32, 4),
});

// Word and byte offsets of Entity's fields, for the per-entity loops, which read and write the heap's
// typed arrays directly: a loop that touches ten fields through a cursor makes ten getter/setter
// calls, and once V8's inlining budget for the loop is spent, a call that is not inlined boxes the
// double it passes, a few hundred bytes of garbage per frame. The offsets come from the struct, so the
// layout is still declared once, here.

/** `heap.f64` index of each number field, relative to `ptr >>> 3`. */
export const E_X: number = Entity.offsetOf("x") / 8;
export const E_Y: number = Entity.offsetOf("y") / 8;
export const E_VX: number = Entity.offsetOf("vx") / 8;
export const E_VY: number = Entity.offsetOf("vy") / 8;
export const E_ANGLE: number = Entity.offsetOf("angle") / 8;
export const E_SPIN: number = Entity.offsetOf("spin") / 8;
export const E_RADIUS: number = Entity.offsetOf("radius") / 8;
export const E_TIMER: number = Entity.offsetOf("timer") / 8;
/** `heap.u32` index of each 32-bit field, relative to `ptr >>> 2`. */
export const E_SPRITE: number = Entity.offsetOf("sprite") / 4;
export const E_OWNER: number = Entity.offsetOf("owner") / 4;
export const E_INDEX: number = Entity.offsetOf("index") / 4;
/** Byte offset of each byte field. */
export const E_KIND: number = Entity.offsetOf("kind");
export const E_HP: number = Entity.offsetOf("hp");

/**
 * The number fields of an entity in layout order (x, y, vx, vy, angle, spin, radius, timer): a new
 * entity is staged in a `Float64Array` of this length and copied into its slot with one `set`.
 */
export const ENTITY_NUMBERS = 8;
if (E_TIMER - E_X !== ENTITY_NUMBERS - 1) throw new Error("Entity: the number fields must be contiguous");
