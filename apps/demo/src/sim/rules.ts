/**
 * The rules of the game, shared by both worlds so they cannot drift apart: kinds of entity, speeds,
 * sizes, lifetimes and timers. Both worlds draw their random numbers in the same order from the same
 * seed, so with these constants they compute the same frames, double for double.
 */

export const KIND_SHIP = 0;
export const KIND_ASTEROID = 1;
export const KIND_BULLET = 2;
export const KIND_PARTICLE = 3;
export const KIND_COUNT = 4;

/** Names of the kinds, as the sprite table names them (indexed by kind). */
export const KIND_NAMES: readonly string[] = ["ship", "asteroid", "bullet", "particle"];

/** What a sprite descriptor holds besides its name (indexed by kind). */
export const SPRITE_COLORS: readonly number[] = [0x4ec9ff, 0xb0a090, 0xffe066, 0xff7a3d];
export const SPRITE_POINTS: readonly number[] = [3, 9, 1, 1];

/** The longest step the world takes at once: a stalled tab must not tunnel bullets through rocks. */
export const MAX_DT = 0.1;

export const SHIP_RADIUS = 10;
export const SHIP_THRUST = 40;
export const SHIP_DRAG = 0.5;
export const SHIP_FIRE_INTERVAL = 0.2;
export const SHIP_MAX_SPIN = 2;
export const SHIP_RESPAWN_DELAY = 1.5;
export const SHIP_DEBRIS = 12;

export const BULLET_SPEED = 320;
export const BULLET_LIFE = 1.1;
export const BULLET_RADIUS = 2;

export const ASTEROID_MIN_RADIUS = 10;
export const ASTEROID_MAX_RADIUS = 40;
export const ASTEROID_MIN_SPEED = 15;
export const ASTEROID_MAX_SPEED = 60;
/** Asteroids at least this big split in two when destroyed. */
export const ASTEROID_SPLIT_RADIUS = 18;
export const ASTEROID_SPLIT_FACTOR = 0.6;

export const PARTICLE_MIN_LIFE = 0.4;
export const PARTICLE_MAX_LIFE = 1;
export const PARTICLE_MIN_SPEED = 20;
export const PARTICLE_MAX_SPEED = 120;
export const PARTICLE_RADIUS = 1.5;

/** How often the spawner tops the asteroid field up, and by how many at most. */
export const WAVE_INTERVAL = 0.1;
export const WAVE_SIZE = 16;

/** Timer actions. */
export const TIMER_WAVE = 1;
export const TIMER_RESPAWN = 2;

/** Side of a cell of the collision grid: more than the largest asteroid plus the largest ship. */
export const CELL_SIZE = 64;

/** Defaults of the optional {@link WorldOptions} fields. */
export const DEFAULT_ASTEROIDS = 600;
export const DEFAULT_SHIPS = 12;

/** Cells of the collision grid across and down a playfield. */
export function gridSize(extent: number): number {
	return Math.max(1, Math.ceil(extent / CELL_SIZE));
}

/** `value` moved back into `[0, size)`, for positions that crossed an edge of the playfield. */
export function wrap(value: number, size: number): number {
	if (value < 0) return value + size;
	if (value >= size) return value - size;
	return value;
}

/** Hit points of an asteroid of `radius`. */
export function asteroidHp(radius: number): number {
	return 1 + Math.floor(radius / 16);
}

/** Debris particles an asteroid of `radius` leaves when destroyed. */
export function asteroidDebris(radius: number): number {
	return 4 + Math.floor(radius / 4);
}
