import type { BudgetReport, FrameReport, HeapBlock, World, WorldOptions } from "./api.ts";
import { bytesByOwner } from "./budget.ts";
import { Random } from "./random.ts";
import * as R from "./rules.ts";

/** An entity as a typical JS game writes it: an object per entity. */
class PlainEntity {
	x: number;
	y: number;
	vx: number;
	vy: number;
	angle: number;
	spin: number;
	radius: number;
	timer: number;
	owner: PlainEntity | null;
	index = 0;
	kind: number;
	hp: number;
	alive = true;

	constructor(
		kind: number,
		x: number,
		y: number,
		vx: number,
		vy: number,
		angle: number,
		spin: number,
		radius: number,
		timer: number,
		hp: number,
		owner: PlainEntity | null,
	) {
		this.kind = kind;
		this.x = x;
		this.y = y;
		this.vx = vx;
		this.vy = vy;
		this.angle = angle;
		this.spin = spin;
		this.radius = radius;
		this.timer = timer;
		this.hp = hp;
		this.owner = owner;
	}
}

interface PlainTimer {
	deadline: number;
	action: number;
}

/**
 * Rough bytes of one entity on the JS heap (an object of 13 in-object fields, its boxed doubles, and
 * its slot in an array), for {@link PlainWorld.budget}: the sim runs in browsers too, where no API
 * reports the heap, so the plain world estimates instead of measuring.
 */
export const PLAIN_ENTITY_BYTES = 200;

/**
 * The same simulation as {@link OffheapWorld}, written the way a JS game usually is: an object per
 * entity, arrays of them per kind, a fresh grid of arrays every frame and an array of timers. Same
 * seed, same random draws in the same order, so the same frames; only the memory differs, and with
 * it what the garbage collector has to do.
 */
export class PlainWorld implements World {
	readonly mode = "plain" as const;
	readonly width: number;
	readonly height: number;
	/** The plain world has no heap of its own: its map is empty. */
	readonly heapBytes: number = 0;
	private readonly budgetBytes: number;
	private readonly kinds: PlainEntity[][] = [[], [], [], []];
	private timers: PlainTimer[] = [];
	private readonly random: Random;
	private readonly targetAsteroids: number;
	private readonly gridWidth: number;
	private readonly gridHeight: number;
	private time = 0;
	private frame = 0;
	private pendingSpawned = 0;
	/** Counted like the offheap world's (a bullet scores when its ship still lives); not reported. */
	hits = 0;
	kills = 0;
	private highWater = 0;

	constructor(options: WorldOptions) {
		this.width = options.width;
		this.height = options.height;
		this.budgetBytes = options.budgetBytes;
		this.random = new Random(options.seed);
		this.targetAsteroids = options.asteroids ?? R.DEFAULT_ASTEROIDS;
		this.gridWidth = R.gridSize(this.width);
		this.gridHeight = R.gridSize(this.height);
		const ships = options.ships ?? R.DEFAULT_SHIPS;
		for (let i = 0; i < ships; i++) this.spawnShip();
		for (let i = 0; i < this.targetAsteroids; i++) {
			this.spawnAsteroid(this.random.next() * this.width, this.random.next() * this.height);
		}
		this.schedule(0, R.TIMER_WAVE);
		this.pendingSpawned = 0;
	}

	step(dtSeconds: number): FrameReport {
		const started = performance.now();
		const dt = dtSeconds > 0 ? Math.min(dtSeconds, R.MAX_DT) : 0; // NaN and negative steps stand still
		this.frame += 1;
		this.time += dt;
		this.runTimers(this.time);
		this.updateShips(dt);
		this.moveAll(R.KIND_ASTEROID, dt, false);
		this.moveAll(R.KIND_BULLET, dt, true);
		this.moveAll(R.KIND_PARTICLE, dt, true);
		this.collide();
		const entities = this.entityCount();
		if (entities > this.highWater) this.highWater = entities;
		const spawned = this.pendingSpawned;
		this.pendingSpawned = 0;
		return { frame: this.frame, entities, spawned, refused: 0, stepMs: performance.now() - started };
	}

	spawnBurst(count: number): { readonly spawned: number; readonly refused: number } {
		const random = this.random;
		const x = random.next() * this.width;
		const y = random.next() * this.height;
		for (let i = 0; i < count; i++) {
			const angle = random.next() * 2 * Math.PI;
			const speed = random.range(R.ASTEROID_MIN_SPEED, 2 * R.ASTEROID_MAX_SPEED);
			const radius = random.range(R.ASTEROID_MIN_RADIUS, R.ASTEROID_SPLIT_RADIUS);
			const spin = random.range(-1, 1);
			const vx = Math.cos(angle) * speed;
			const vy = Math.sin(angle) * speed;
			this.spawn(R.KIND_ASTEROID, x, y, vx, vy, angle, spin, radius, 0, R.asteroidHp(radius), null);
		}
		return { spawned: count, refused: 0 };
	}

	/** An estimate: {@link PLAIN_ENTITY_BYTES} per live entity; owners and fragmentation do not apply. */
	budget(): BudgetReport {
		const entities = this.entityCount();
		return {
			budgetBytes: this.budgetBytes,
			usedBytes: entities * PLAIN_ENTITY_BYTES,
			highWaterBytes: this.highWater * PLAIN_ENTITY_BYTES,
			largestFreeBlock: 0,
			fragmentation: 0,
			bytesByOwner: bytesByOwner([]),
			entities,
			refusedSpawns: 0,
		};
	}

	heapMap(): readonly HeapBlock[] {
		return [];
	}

	forEachSprite(visit: (x: number, y: number, angle: number, radius: number, kind: number) => void): void {
		for (const list of this.kinds) {
			for (const e of list) visit(e.x, e.y, e.angle, e.radius, e.kind);
		}
	}

	entityCount(): number {
		let n = 0;
		for (const list of this.kinds) n += list.length;
		return n;
	}

	count(kind: number): number {
		return (this.kinds[kind] as PlainEntity[]).length;
	}

	free(): void {
		for (const list of this.kinds) list.length = 0;
		this.timers = [];
	}

	[Symbol.dispose](): void {
		this.free();
	}

	// ---------------------------------------------------------------- rules (as in OffheapWorld)

	private updateShips(dt: number): void {
		const ships = this.kinds[R.KIND_SHIP] as PlainEntity[];
		for (let i = ships.length - 1; i >= 0; i--) {
			const ship = ships[i] as PlainEntity;
			const angle = ship.angle + ship.spin * dt;
			const cos = Math.cos(angle);
			const sin = Math.sin(angle);
			let vx = ship.vx + cos * R.SHIP_THRUST * dt;
			let vy = ship.vy + sin * R.SHIP_THRUST * dt;
			vx -= vx * R.SHIP_DRAG * dt;
			vy -= vy * R.SHIP_DRAG * dt;
			ship.angle = angle;
			ship.vx = vx;
			ship.vy = vy;
			ship.x = R.wrap(ship.x + vx * dt, this.width);
			ship.y = R.wrap(ship.y + vy * dt, this.height);
			ship.timer -= dt;
			if (ship.timer > 0) continue;
			ship.timer += R.SHIP_FIRE_INTERVAL;
			ship.spin = this.random.range(-R.SHIP_MAX_SPIN, R.SHIP_MAX_SPIN);
			const bx = R.wrap(ship.x + cos * R.SHIP_RADIUS, this.width);
			const by = R.wrap(ship.y + sin * R.SHIP_RADIUS, this.height);
			const bvx = vx + cos * R.BULLET_SPEED;
			const bvy = vy + sin * R.BULLET_SPEED;
			this.spawn(R.KIND_BULLET, bx, by, bvx, bvy, angle, 0, R.BULLET_RADIUS, R.BULLET_LIFE, 1, ship);
		}
	}

	private moveAll(kind: number, dt: number, mortal: boolean): void {
		const list = this.kinds[kind] as PlainEntity[];
		for (let i = list.length - 1; i >= 0; i--) {
			const e = list[i] as PlainEntity;
			e.x = R.wrap(e.x + e.vx * dt, this.width);
			e.y = R.wrap(e.y + e.vy * dt, this.height);
			e.angle += e.spin * dt;
			if (!mortal) continue;
			e.timer -= dt;
			if (e.timer <= 0) this.remove(e);
		}
	}

	private collide(): void {
		const gw = this.gridWidth;
		const gh = this.gridHeight;
		const grid = new Map<number, PlainEntity[]>();
		for (const asteroid of this.kinds[R.KIND_ASTEROID] as PlainEntity[]) {
			const cx = Math.min(gw - 1, Math.floor(asteroid.x / R.CELL_SIZE));
			const cy = Math.min(gh - 1, Math.floor(asteroid.y / R.CELL_SIZE));
			const key = cy * gw + cx;
			const cell = grid.get(key);
			if (cell === undefined) grid.set(key, [asteroid]);
			else cell.push(asteroid);
		}
		const contacts: { hitter: PlainEntity; asteroid: PlainEntity }[] = [];
		for (const kind of [R.KIND_BULLET, R.KIND_SHIP]) {
			for (const hitter of this.kinds[kind] as PlainEntity[]) {
				const asteroid = this.firstOverlap(grid, hitter);
				if (asteroid !== undefined) contacts.push({ hitter, asteroid });
			}
		}
		for (const { hitter, asteroid } of contacts) {
			if (hitter.alive && asteroid.alive) this.hit(hitter, asteroid);
		}
	}

	private firstOverlap(grid: Map<number, PlainEntity[]>, e: PlainEntity): PlainEntity | undefined {
		const gw = this.gridWidth;
		const gh = this.gridHeight;
		const cx = Math.min(gw - 1, Math.floor(e.x / R.CELL_SIZE));
		const cy = Math.min(gh - 1, Math.floor(e.y / R.CELL_SIZE));
		for (let gy = Math.max(0, cy - 1); gy <= Math.min(gh - 1, cy + 1); gy++) {
			for (let gx = Math.max(0, cx - 1); gx <= Math.min(gw - 1, cx + 1); gx++) {
				const cell = grid.get(gy * gw + gx) ?? [];
				const hit = cell.find((a) => {
					const dx = a.x - e.x;
					const dy = a.y - e.y;
					const reach = a.radius + e.radius;
					return dx * dx + dy * dy < reach * reach;
				});
				if (hit !== undefined) return hit;
			}
		}
		return undefined;
	}

	private hit(hitter: PlainEntity, asteroid: PlainEntity): void {
		if (hitter.kind === R.KIND_BULLET) {
			if (hitter.owner?.alive === true) this.hits += 1;
			this.remove(hitter);
		} else {
			this.remove(hitter);
			this.debris(hitter.x, hitter.y, hitter.vx, hitter.vy, R.SHIP_DEBRIS);
			this.schedule(this.time + R.SHIP_RESPAWN_DELAY, R.TIMER_RESPAWN);
		}
		if (asteroid.hp > 1) {
			asteroid.hp -= 1;
			return;
		}
		this.kills += 1;
		this.remove(asteroid);
		this.debris(asteroid.x, asteroid.y, asteroid.vx, asteroid.vy, R.asteroidDebris(asteroid.radius));
		if (asteroid.radius >= R.ASTEROID_SPLIT_RADIUS) {
			this.spawnAsteroidAt(asteroid.x, asteroid.y, asteroid.radius * R.ASTEROID_SPLIT_FACTOR);
			this.spawnAsteroidAt(asteroid.x, asteroid.y, asteroid.radius * R.ASTEROID_SPLIT_FACTOR);
		}
	}

	private debris(x: number, y: number, vx: number, vy: number, count: number): void {
		const random = this.random;
		for (let i = 0; i < count; i++) {
			const angle = random.next() * 2 * Math.PI;
			const speed = random.range(R.PARTICLE_MIN_SPEED, R.PARTICLE_MAX_SPEED);
			const life = random.range(R.PARTICLE_MIN_LIFE, R.PARTICLE_MAX_LIFE);
			const pvx = vx * 0.5 + Math.cos(angle) * speed;
			const pvy = vy * 0.5 + Math.sin(angle) * speed;
			this.spawn(R.KIND_PARTICLE, x, y, pvx, pvy, angle, 0, R.PARTICLE_RADIUS, life, 1, null);
		}
	}

	private spawnShip(): void {
		const random = this.random;
		const x = random.next() * this.width;
		const y = random.next() * this.height;
		const angle = random.next() * 2 * Math.PI;
		const spin = random.range(-R.SHIP_MAX_SPIN, R.SHIP_MAX_SPIN);
		const timer = random.next() * R.SHIP_FIRE_INTERVAL;
		this.spawn(R.KIND_SHIP, x, y, 0, 0, angle, spin, R.SHIP_RADIUS, timer, 1, null);
	}

	private spawnAsteroid(x: number, y: number): void {
		this.spawnAsteroidAt(x, y, this.random.range(R.ASTEROID_MIN_RADIUS, R.ASTEROID_MAX_RADIUS));
	}

	private spawnAsteroidAt(x: number, y: number, radius: number): void {
		const random = this.random;
		const angle = random.next() * 2 * Math.PI;
		const speed = random.range(R.ASTEROID_MIN_SPEED, R.ASTEROID_MAX_SPEED);
		const spin = random.range(-1, 1);
		const vx = Math.cos(angle) * speed;
		const vy = Math.sin(angle) * speed;
		this.spawn(R.KIND_ASTEROID, x, y, vx, vy, angle, spin, radius, 0, R.asteroidHp(radius), null);
	}

	private spawn(
		kind: number,
		x: number,
		y: number,
		vx: number,
		vy: number,
		angle: number,
		spin: number,
		radius: number,
		timer: number,
		hp: number,
		owner: PlainEntity | null,
	): void {
		const list = this.kinds[kind] as PlainEntity[];
		const e = new PlainEntity(kind, x, y, vx, vy, angle, spin, radius, timer, hp, owner);
		e.index = list.length;
		list.push(e);
		this.pendingSpawned++;
	}

	private remove(e: PlainEntity): void {
		const list = this.kinds[e.kind] as PlainEntity[];
		const last = list.pop() as PlainEntity;
		if (last !== e) {
			list[e.index] = last;
			last.index = e.index;
		}
		e.alive = false;
		e.owner = null;
	}

	private runTimers(now: number): void {
		while (this.timers.length > 0 && (this.timers[0] as PlainTimer).deadline <= now) {
			const { deadline, action } = this.timers.shift() as PlainTimer;
			if (action === R.TIMER_WAVE) {
				this.wave();
				this.schedule(deadline + R.WAVE_INTERVAL, R.TIMER_WAVE);
			} else this.spawnShip();
		}
	}

	private wave(): void {
		const missing = this.targetAsteroids - this.count(R.KIND_ASTEROID);
		for (let i = 0, n = Math.min(R.WAVE_SIZE, missing); i < n; i++) {
			const along = this.random.next();
			if (this.random.next() < 0.5) this.spawnAsteroid(along * this.width, 0);
			else this.spawnAsteroid(0, along * this.height);
		}
	}

	private schedule(deadline: number, action: number): void {
		let at = this.timers.length;
		while (at > 0 && (this.timers[at - 1] as PlainTimer).deadline > deadline) at--;
		this.timers.splice(at, 0, { deadline, action });
	}
}
