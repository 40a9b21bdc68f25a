import type { PoolHandle } from "@offheap/pool";
import type { u32 } from "@offheap/struct";
import type { Vector } from "@offheap/vector";
import type { FrameReport, World, WorldOptions } from "./api.ts";
import {
	E_ANGLE,
	E_HP,
	E_KIND,
	E_OWNER,
	E_RADIUS,
	E_SPIN,
	E_TIMER,
	E_VX,
	E_VY,
	E_X,
	E_Y,
	Timer,
} from "./layouts.ts";
import { OffheapStore } from "./offheap-store.ts";
import { Random } from "./random.ts";
import * as R from "./rules.ts";

type TimerCursor = ReturnType<typeof Timer.cursor>;

/**
 * The simulation on offheap structures: the rules, over the memory of {@link OffheapStore}.
 *
 * When the heap is full a spawn is refused and counted; the world never throws for lack of memory.
 * A step creates no JS object: handles and addresses are numbers, cursors are made once, the frame
 * report is one object updated in place, and the per-entity loops read the heap's typed arrays.
 */
export class OffheapWorld extends OffheapStore implements World {
	readonly mode = "offheap" as const;
	private readonly random: Random;
	private readonly targetAsteroids: number;
	private readonly timer: TimerCursor;
	/**
	 * The step's numbers, where methods read them instead of taking them as arguments (a double passed
	 * to a call that is not inlined is boxed): `[dt, time, deadline of the timer being scheduled]`.
	 */
	private readonly clock = new Float64Array(3);
	private readonly report = { frame: 0, entities: 0, spawned: 0, refused: 0, stepMs: 0 };

	constructor(options: WorldOptions) {
		super(options);
		this.timer = Timer.cursor(this.heap, { checked: false });
		this.random = new Random(options.seed);
		this.targetAsteroids = options.asteroids ?? R.DEFAULT_ASTEROIDS;
		const ships = options.ships ?? R.DEFAULT_SHIPS;
		for (let i = 0; i < ships; i++) this.spawnShip();
		for (let i = 0; i < this.targetAsteroids; i++) {
			this.args[0] = this.random.next() * this.width;
			this.args[1] = this.random.next() * this.height;
			this.spawnRandomAsteroid();
		}
		this.schedule(R.TIMER_WAVE); // clock[2] = 0: the first wave is due at once
		this.pendingSpawned = 0;
	}

	/**
	 * Advances the world by `dtSeconds` (at most 0.1 s; NaN or negative stand still). The report is
	 * one object, updated in place by every step so that a frame allocates nothing: copy it to keep it.
	 */
	step(dtSeconds: number): FrameReport {
		if (this.freed) throw new Error("OffheapWorld.step: the world was freed");
		const started = performance.now();
		const dt = dtSeconds > 0 ? Math.min(dtSeconds, R.MAX_DT) : 0; // NaN and negative steps stand still
		const state = this.state;
		state.frame += 1;
		state.time += dt;
		const clock = this.clock;
		clock[0] = dt;
		clock[1] = state.time;
		this.runTimers();
		this.updateShips();
		this.moveAll(R.KIND_ASTEROID, false);
		this.moveAll(R.KIND_BULLET, true);
		this.moveAll(R.KIND_PARTICLE, true);
		// The frame's scratch: what `using frame = arena.scope()` does (a mark, popped when the frame
		// ends), spelled out so that no scope object and no TypeScript `using` helper state is made
		// per frame: on Node 20 `using` is compiled to helpers that allocate on every block.
		this.frameMark = this.scratch === null ? 0 : this.scratch.mark();
		this.inCollision = true;
		try {
			this.collide();
		} finally {
			this.inCollision = false;
			this.endFrame();
		}
		state.seed = this.random.seed;
		const report = this.report;
		report.frame = state.frame;
		report.entities = this.entityCount();
		report.spawned = this.pendingSpawned;
		report.refused = this.pendingRefused;
		this.pendingSpawned = 0;
		this.pendingRefused = 0;
		report.stepMs = performance.now() - started;
		return report;
	}

	spawnBurst(count: number): { readonly spawned: number; readonly refused: number } {
		if (this.freed) throw new Error("OffheapWorld.spawnBurst: the world was freed");
		const refusedBefore = this.state.refused;
		const random = this.random;
		const x = random.next() * this.width;
		const y = random.next() * this.height;
		const args = this.args;
		for (let i = 0; i < count; i++) {
			const angle = random.next() * 2 * Math.PI;
			const speed = random.range(R.ASTEROID_MIN_SPEED, 2 * R.ASTEROID_MAX_SPEED);
			const radius = random.range(R.ASTEROID_MIN_RADIUS, R.ASTEROID_SPLIT_RADIUS);
			const spin = random.range(-1, 1);
			args[0] = x;
			args[1] = y;
			args[2] = Math.cos(angle) * speed;
			args[3] = Math.sin(angle) * speed;
			args[4] = angle;
			args[5] = spin;
			args[6] = radius;
			args[7] = 0;
			this.spawn(R.KIND_ASTEROID, R.asteroidHp(radius), 0);
		}
		const refused = this.state.refused - refusedBefore;
		return { spawned: count - refused, refused };
	}

	// ---------------------------------------------------------------- rules
	// The per-entity loops read and write the heap's typed arrays at the struct's offsets (see
	// layouts.ts), and new entities are staged in `this.args`: no double crosses a call that V8 might
	// not inline, so nothing is boxed. The heap's budget is fixed, so its views are never re-created;
	// they are still re-read after anything that allocates, as the heap's contract asks.

	private updateShips(): void {
		const dt = this.clock[0] as number;
		const handles = this.kinds[R.KIND_SHIP] as Vector<typeof u32>;
		const width = this.width;
		const height = this.height;
		for (let i = handles.length - 1; i >= 0; i--) {
			const handle = handles.get(i);
			const f64 = this.heap.f64;
			const p = this.entities.ptr(handle) >>> 3;
			const angle = (f64[p + E_ANGLE] as number) + (f64[p + E_SPIN] as number) * dt;
			const cos = Math.cos(angle);
			const sin = Math.sin(angle);
			let vx = (f64[p + E_VX] as number) + cos * R.SHIP_THRUST * dt;
			let vy = (f64[p + E_VY] as number) + sin * R.SHIP_THRUST * dt;
			vx -= vx * R.SHIP_DRAG * dt;
			vy -= vy * R.SHIP_DRAG * dt;
			let x = (f64[p + E_X] as number) + vx * dt;
			let y = (f64[p + E_Y] as number) + vy * dt;
			if (x < 0) x += width;
			else if (x >= width) x -= width;
			if (y < 0) y += height;
			else if (y >= height) y -= height;
			f64[p + E_ANGLE] = angle;
			f64[p + E_VX] = vx;
			f64[p + E_VY] = vy;
			f64[p + E_X] = x;
			f64[p + E_Y] = y;
			const timer = (f64[p + E_TIMER] as number) - dt;
			if (timer > 0) {
				f64[p + E_TIMER] = timer;
				continue;
			}
			f64[p + E_TIMER] = timer + R.SHIP_FIRE_INTERVAL;
			f64[p + E_SPIN] = this.random.range(-R.SHIP_MAX_SPIN, R.SHIP_MAX_SPIN);
			const args = this.args;
			args[0] = R.wrap(x + cos * R.SHIP_RADIUS, width);
			args[1] = R.wrap(y + sin * R.SHIP_RADIUS, height);
			args[2] = vx + cos * R.BULLET_SPEED;
			args[3] = vy + sin * R.BULLET_SPEED;
			args[4] = angle;
			args[5] = 0;
			args[6] = R.BULLET_RADIUS;
			args[7] = R.BULLET_LIFE;
			this.spawn(R.KIND_BULLET, 1, handle);
		}
	}

	/** Moves every entity of `kind`; with `mortal`, counts its timer down and removes it at zero. */
	private moveAll(kind: number, mortal: boolean): void {
		const dt = this.clock[0] as number;
		const handles = this.kinds[kind] as Vector<typeof u32>;
		const width = this.width;
		const height = this.height;
		const f64 = this.heap.f64; // nothing below allocates
		for (let i = handles.length - 1; i >= 0; i--) {
			const handle = handles.get(i);
			const p = this.entities.ptr(handle) >>> 3;
			let x = (f64[p + E_X] as number) + (f64[p + E_VX] as number) * dt;
			let y = (f64[p + E_Y] as number) + (f64[p + E_VY] as number) * dt;
			if (x < 0) x += width;
			else if (x >= width) x -= width;
			if (y < 0) y += height;
			else if (y >= height) y -= height;
			f64[p + E_X] = x;
			f64[p + E_Y] = y;
			f64[p + E_ANGLE] = (f64[p + E_ANGLE] as number) + (f64[p + E_SPIN] as number) * dt;
			if (!mortal) continue;
			const timer = (f64[p + E_TIMER] as number) - dt;
			f64[p + E_TIMER] = timer;
			if (timer <= 0) this.remove(handle);
		}
	}

	/**
	 * Finds what hit an asteroid through a uniform grid of the asteroids built in the scratch arena,
	 * records the contacts as pairs of handles, then resolves them in order: a pair whose entities
	 * an earlier pair removed is skipped by the pool's generation check.
	 */
	private collide(): void {
		const scratch = this.scratch;
		if (scratch === null) return;
		const asteroids = this.kinds[R.KIND_ASTEROID] as Vector<typeof u32>;
		const bullets = this.kinds[R.KIND_BULLET] as Vector<typeof u32>;
		const ships = this.kinds[R.KIND_SHIP] as Vector<typeof u32>;
		const cells = this.gridWidth * this.gridHeight;
		const count = asteroids.length;
		const heads = scratch.malloc(cells * 4) >>> 2;
		const next = scratch.malloc(Math.max(1, count) * 4) >>> 2;
		const pairs = scratch.malloc(Math.max(1, bullets.length + ships.length) * 8) >>> 2;
		if (heads === 0 || next === 0 || pairs === 0) return; // cannot happen: the arena is sized for the pool
		const i32 = this.heap.i32;
		const f64 = this.heap.f64;
		i32.fill(-1, heads, heads + cells);
		const pool = this.entities;
		const gw = this.gridWidth;
		const gh = this.gridHeight;
		for (let i = count - 1; i >= 0; i--) {
			const p = pool.ptr(asteroids.get(i)) >>> 3;
			const cx = Math.min(gw - 1, Math.floor((f64[p + E_X] as number) / R.CELL_SIZE));
			const cy = Math.min(gh - 1, Math.floor((f64[p + E_Y] as number) / R.CELL_SIZE));
			const cell = heads + cy * gw + cx;
			i32[next + i] = i32[cell] as number;
			i32[cell] = i;
		}
		let found = 0;
		found = this.query(bullets, heads, next, pairs, found);
		found = this.query(ships, heads, next, pairs, found);
		for (let k = 0; k < found; k++) {
			const u32s = this.heap.u32;
			const hitter = u32s[pairs + 2 * k] as number;
			const asteroid = u32s[pairs + 2 * k + 1] as number;
			if (!pool.isLive(hitter) || !pool.isLive(asteroid)) continue;
			this.hit(hitter, asteroid);
		}
	}

	/** Records, for each entity of `handles`, the first asteroid it overlaps. */
	private query(
		handles: Vector<typeof u32>,
		heads: number,
		next: number,
		pairs: number,
		found: number,
	): number {
		const pool = this.entities;
		const asteroids = this.kinds[R.KIND_ASTEROID] as Vector<typeof u32>;
		const i32 = this.heap.i32;
		const u32s = this.heap.u32;
		const f64 = this.heap.f64;
		const gw = this.gridWidth;
		const gh = this.gridHeight;
		for (let i = 0, n = handles.length; i < n; i++) {
			const handle = handles.get(i);
			const p = pool.ptr(handle) >>> 3;
			const x = f64[p + E_X] as number;
			const y = f64[p + E_Y] as number;
			const r = f64[p + E_RADIUS] as number;
			const cx = Math.min(gw - 1, Math.floor(x / R.CELL_SIZE));
			const cy = Math.min(gh - 1, Math.floor(y / R.CELL_SIZE));
			let hit = -1;
			for (let gy = Math.max(0, cy - 1), gyEnd = Math.min(gh - 1, cy + 1); gy <= gyEnd && hit < 0; gy++) {
				for (let gx = Math.max(0, cx - 1), gxEnd = Math.min(gw - 1, cx + 1); gx <= gxEnd && hit < 0; gx++) {
					for (let j = i32[heads + gy * gw + gx] as number; j >= 0; j = i32[next + j] as number) {
						const q = pool.ptr(asteroids.get(j)) >>> 3;
						const dx = (f64[q + E_X] as number) - x;
						const dy = (f64[q + E_Y] as number) - y;
						const reach = (f64[q + E_RADIUS] as number) + r;
						if (dx * dx + dy * dy < reach * reach) {
							hit = j;
							break;
						}
					}
				}
			}
			if (hit < 0) continue;
			u32s[pairs + 2 * found] = handle;
			u32s[pairs + 2 * found + 1] = asteroids.get(hit);
			found++;
		}
		return found;
	}

	/** A bullet or a ship (`hitter`) struck `asteroid`: both live. */
	private hit(hitter: PoolHandle, asteroid: PoolHandle): void {
		const state = this.state;
		const pool = this.entities;
		const at = pool.ptr(hitter);
		if (this.heap.u8[at + E_KIND] === R.KIND_BULLET) {
			if (pool.isLive(this.heap.u32[(at >>> 2) + E_OWNER] as number)) state.hits += 1;
			this.remove(hitter);
		} else {
			this.keepOrigin(at);
			this.remove(hitter);
			this.debris(R.SHIP_DEBRIS);
			this.clock[2] = (this.clock[1] as number) + R.SHIP_RESPAWN_DELAY;
			this.schedule(R.TIMER_RESPAWN);
		}
		const rock = pool.ptr(asteroid);
		const hp = this.heap.u8[rock + E_HP] as number;
		if (hp > 1) {
			this.heap.u8[rock + E_HP] = hp - 1;
			return;
		}
		state.kills += 1;
		const radius = this.heap.f64[(rock >>> 3) + E_RADIUS] as number;
		this.keepOrigin(rock);
		this.remove(asteroid);
		this.debris(R.asteroidDebris(radius));
		if (radius >= R.ASTEROID_SPLIT_RADIUS) {
			for (let piece = 0; piece < 2; piece++) {
				const args = this.args;
				const origin = this.origin;
				args[0] = origin[0] as number;
				args[1] = origin[1] as number;
				args[6] = radius * R.ASTEROID_SPLIT_FACTOR;
				this.spawnAsteroid();
			}
		}
	}

	/** Spawns `count` debris particles flying out of `this.origin`. */
	private debris(count: number): void {
		const random = this.random;
		const args = this.args;
		const origin = this.origin;
		for (let i = 0; i < count; i++) {
			const angle = random.next() * 2 * Math.PI;
			const speed = random.range(R.PARTICLE_MIN_SPEED, R.PARTICLE_MAX_SPEED);
			const life = random.range(R.PARTICLE_MIN_LIFE, R.PARTICLE_MAX_LIFE);
			args[0] = origin[0] as number;
			args[1] = origin[1] as number;
			args[2] = (origin[2] as number) * 0.5 + Math.cos(angle) * speed;
			args[3] = (origin[3] as number) * 0.5 + Math.sin(angle) * speed;
			args[4] = angle;
			args[5] = 0;
			args[6] = R.PARTICLE_RADIUS;
			args[7] = life;
			this.spawn(R.KIND_PARTICLE, 1, 0);
		}
	}

	private spawnShip(): void {
		const random = this.random;
		const args = this.args;
		args[0] = random.next() * this.width;
		args[1] = random.next() * this.height;
		args[2] = 0;
		args[3] = 0;
		args[4] = random.next() * 2 * Math.PI;
		args[5] = random.range(-R.SHIP_MAX_SPIN, R.SHIP_MAX_SPIN);
		args[6] = R.SHIP_RADIUS;
		args[7] = random.next() * R.SHIP_FIRE_INTERVAL;
		this.spawn(R.KIND_SHIP, 1, 0);
	}

	/** Spawns an asteroid at `args[0..1]` of a random radius. */
	private spawnRandomAsteroid(): void {
		this.args[6] = this.random.range(R.ASTEROID_MIN_RADIUS, R.ASTEROID_MAX_RADIUS);
		this.spawnAsteroid();
	}

	/** Spawns an asteroid at `args[0..1]` of radius `args[6]`, flying off in a random direction. */
	private spawnAsteroid(): void {
		const random = this.random;
		const args = this.args;
		const angle = random.next() * 2 * Math.PI;
		const speed = random.range(R.ASTEROID_MIN_SPEED, R.ASTEROID_MAX_SPEED);
		args[5] = random.range(-1, 1);
		args[2] = Math.cos(angle) * speed;
		args[3] = Math.sin(angle) * speed;
		args[4] = angle;
		args[7] = 0;
		this.spawn(R.KIND_ASTEROID, R.asteroidHp(args[6] as number), 0);
	}

	// ---------------------------------------------------------------- timers

	private runTimers(): void {
		const now = this.clock[1] as number;
		const timers = this.timers;
		const t = this.timer;
		for (let node = timers.first; node !== 0; node = timers.first) {
			t.$at(timers.payload(node));
			const deadline = t.deadline;
			if (deadline > now) break;
			const action = t.action;
			timers.remove(node);
			if (action === R.TIMER_WAVE) {
				this.wave();
				this.clock[2] = deadline + R.WAVE_INTERVAL;
				this.schedule(R.TIMER_WAVE);
			} else this.spawnShip();
		}
	}

	/** Tops the asteroid field up towards its target, a few asteroids at a time from the edges. */
	private wave(): void {
		const missing = this.targetAsteroids - this.count(R.KIND_ASTEROID);
		const random = this.random;
		const args = this.args;
		for (let i = 0, n = Math.min(R.WAVE_SIZE, missing); i < n; i++) {
			const along = random.next();
			const top = random.next() < 0.5;
			args[0] = top ? along * this.width : 0;
			args[1] = top ? 0 : along * this.height;
			this.spawnRandomAsteroid();
		}
	}

	/** Inserts a timer due at `clock[2]` after every timer due no later (ties keep their order). */
	private schedule(action: number): void {
		const deadline = this.clock[2] as number;
		const timers = this.timers;
		const t = this.timer;
		let after = timers.last;
		while (after !== 0 && t.$at(timers.payload(after)).deadline > deadline) after = timers.prev(after);
		const node = after === 0 ? timers.pushFront() : timers.insertAfter(after);
		t.$at(timers.payload(node));
		t.deadline = deadline;
		t.action = action;
		t.arg = 0;
	}
}
