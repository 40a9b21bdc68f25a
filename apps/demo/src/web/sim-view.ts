import type { World } from "../sim/api.ts";

/** Sprite colours by `kind` (ship, asteroid, bullet, particle, then anything else), as 0xAABBGGRR. */
const KIND_COLORS: Uint32Array = new Uint32Array([
	0xff_ff_c9_4e, // ship: light blue
	0xff_90_a0_b0, // asteroid: sand
	0xff_66_e0_ff, // bullet: yellow
	0xff_3d_7a_ff, // particle: orange
	0xff_d0_d0_d0, // anything else: grey
]);
const BACKGROUND = 0xff_1c_16_11;
const KIND_SHIP = 0;
/** Sprites at least this many pixels in radius are drawn as rings, smaller ones as dots. */
const RING_MIN_RADIUS = 3;
/**
 * Above this many sprites (in the previous frame) everything is drawn as dots: a field that dense is
 * noise either way, and rings would make drawing, not the simulation, dominate the frame time.
 */
const DOTS_ONLY_SPRITES = 4000;

/**
 * Draws a world's sprites into a pixel buffer and blits it once per frame. Plotting into a
 * `Uint32Array` over `ImageData` keeps the per-sprite cost to a few stores (thousands of path calls
 * would cost more than the simulation), and the visitor is created once, not per frame.
 */
export class SimView {
	private readonly ctx: CanvasRenderingContext2D;
	private readonly image: ImageData;
	private readonly pixels: Uint32Array;
	private readonly width: number;
	private readonly height: number;
	private scale = 1;
	private sprites = 0;
	private dotsOnly = false;
	private readonly visit: (x: number, y: number, angle: number, radius: number, kind: number) => void;

	constructor(canvas: HTMLCanvasElement) {
		const ctx = canvas.getContext("2d");
		if (ctx === null) throw new TypeError("SimView: the canvas has no 2d context");
		this.ctx = ctx;
		this.width = canvas.width;
		this.height = canvas.height;
		this.image = ctx.createImageData(this.width, this.height);
		this.pixels = new Uint32Array(this.image.data.buffer);
		this.visit = (x, y, angle, radius, kind) => this.sprite(x, y, angle, radius, kind);
	}

	draw(world: World): void {
		// One scale for both axes keeps rings round; the canvas has the playfield's aspect ratio.
		this.scale = Math.min(this.width / world.width, this.height / world.height);
		this.pixels.fill(BACKGROUND);
		this.dotsOnly = this.sprites > DOTS_ONLY_SPRITES;
		this.sprites = 0;
		world.forEachSprite(this.visit);
		this.ctx.putImageData(this.image, 0, 0);
	}

	private sprite(x: number, y: number, angle: number, radius: number, kind: number): void {
		this.sprites++;
		const scale = this.scale;
		const cx = Math.round(x * scale);
		const cy = Math.round(y * scale);
		const r = Math.round(radius * scale);
		const color = KIND_COLORS[
			kind >= 0 && kind < KIND_COLORS.length - 1 ? kind : KIND_COLORS.length - 1
		] as number;
		if (r < RING_MIN_RADIUS || this.dotsOnly) {
			this.square(cx, cy, r > 1 ? 1 : 0, color);
			return;
		}
		this.ring(cx, cy, r, color);
		if (kind === KIND_SHIP) {
			for (let i = 0; i <= r; i++) {
				this.set(Math.round(cx + Math.cos(angle) * i), Math.round(cy + Math.sin(angle) * i), color);
			}
		}
	}

	/** A filled square of side `2 * half + 1`. */
	private square(cx: number, cy: number, half: number, color: number): void {
		const { width, height, pixels } = this;
		if (cx - half >= 0 && cy - half >= 0 && cx + half < width && cy + half < height) {
			for (let y = cy - half; y <= cy + half; y++) {
				const row = y * width;
				for (let x = cx - half; x <= cx + half; x++) pixels[row + x] = color;
			}
			return;
		}
		for (let y = cy - half; y <= cy + half; y++) {
			for (let x = cx - half; x <= cx + half; x++) this.set(x, y, color);
		}
	}

	/** Midpoint circle: eight symmetric pixels per step, integer arithmetic only. */
	private ring(cx: number, cy: number, r: number, color: number): void {
		const { width, height, pixels } = this;
		if (cx - r < 0 || cy - r < 0 || cx + r >= width || cy + r >= height) {
			this.ringWrapped(cx, cy, r, color);
			return;
		}
		// Fully inside: plain stores, no wrapping or bounds checks.
		let x = r;
		let y = 0;
		let error = 1 - r;
		while (x >= y) {
			pixels[(cy + y) * width + cx + x] = color;
			pixels[(cy + x) * width + cx + y] = color;
			pixels[(cy + x) * width + cx - y] = color;
			pixels[(cy + y) * width + cx - x] = color;
			pixels[(cy - y) * width + cx - x] = color;
			pixels[(cy - x) * width + cx - y] = color;
			pixels[(cy - x) * width + cx + y] = color;
			pixels[(cy - y) * width + cx + x] = color;
			y++;
			if (error < 0) {
				error += 2 * y + 1;
			} else {
				x--;
				error += 2 * (y - x) + 1;
			}
		}
	}

	/** The same circle across an edge of the playfield, wrapped like the playfield. */
	private ringWrapped(cx: number, cy: number, r: number, color: number): void {
		let x = r;
		let y = 0;
		let error = 1 - r;
		while (x >= y) {
			this.set(cx + x, cy + y, color);
			this.set(cx + y, cy + x, color);
			this.set(cx - y, cy + x, color);
			this.set(cx - x, cy + y, color);
			this.set(cx - x, cy - y, color);
			this.set(cx - y, cy - x, color);
			this.set(cx + y, cy - x, color);
			this.set(cx + x, cy - y, color);
			y++;
			if (error < 0) {
				error += 2 * y + 1;
			} else {
				x--;
				error += 2 * (y - x) + 1;
			}
		}
	}

	/** One pixel, wrapped around the edges like the playfield itself. */
	private set(x: number, y: number, color: number): void {
		const { width, height } = this;
		const wx = x < 0 ? x + width : x >= width ? x - width : x;
		const wy = y < 0 ? y + height : y >= height ? y - height : y;
		if (wx >= 0 && wx < width && wy >= 0 && wy < height) this.pixels[wy * width + wx] = color;
	}
}
