/**
 * A small deterministic random source (mulberry32): the same seed gives the same sequence in every
 * engine, so the offheap world and the plain world spawn exactly the same things.
 *
 * The state is one 32-bit integer, kept unboxed, so drawing numbers allocates nothing.
 */
export class Random {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** The current state: a seed that continues the sequence from here. */
	get seed(): number {
		return this.state;
	}

	/** A number in `[0, 1)`. */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) | 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** A number in `[min, max)`. */
	range(min: number, max: number): number {
		return min + (max - min) * this.next();
	}

	/** An integer in `[0, n)`. */
	int(n: number): number {
		return Math.floor(this.next() * n);
	}
}
