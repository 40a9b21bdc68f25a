/**
 * A fixed-capacity ring of numbers: the last `capacity` samples of one plotted quantity. Pushing never
 * allocates, so the frame loop can record every frame.
 */
export class Series {
	readonly capacity: number;
	private readonly values: Float64Array;
	/** Index the next sample goes to. */
	private next = 0;
	private count = 0;

	constructor(capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1) {
			throw new RangeError(`Series capacity must be a positive integer, got ${capacity}`);
		}
		this.capacity = capacity;
		this.values = new Float64Array(capacity);
	}

	/** Number of samples held (at most `capacity`). */
	get length(): number {
		return this.count;
	}

	push(value: number): void {
		this.values[this.next] = value;
		this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
		if (this.count < this.capacity) this.count++;
	}

	/** The `i`-th held sample, oldest first (`0 <= i < length`). */
	at(i: number): number {
		const start = this.count < this.capacity ? 0 : this.next;
		const index = start + i;
		return this.values[index >= this.capacity ? index - this.capacity : index] as number;
	}

	/** The newest sample, or `NaN` when empty. */
	last(): number {
		return this.count === 0 ? Number.NaN : this.at(this.count - 1);
	}

	/** Largest held sample, or 0 when empty. */
	max(): number {
		let max = 0;
		for (let i = 0; i < this.count; i++) {
			const value = this.at(i);
			if (value > max) max = value;
		}
		return max;
	}

	clear(): void {
		this.next = 0;
		this.count = 0;
	}

	/** Copies the held samples, oldest first (for statistics and tests; not for the frame loop). */
	toArray(): number[] {
		const out = new Array<number>(this.count);
		for (let i = 0; i < this.count; i++) out[i] = this.at(i);
		return out;
	}
}
