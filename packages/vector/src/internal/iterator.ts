/**
 * The iterator of a vector: it reads the length on every step (so it sees pushes and pops), and
 * throws once the vector's storage moved or shrank, or the vector was freed, after it was created.
 * @internal
 */
import type { GuardOwner } from "./guard.ts";
import { rejectStale } from "./reject.ts";

/** What the iterator needs from its vector. */
export interface IteratedVector<V> extends GuardOwner {
	readonly length: number;
	readonly dataAddress: number;
	at(index: number): V;
}

export class VectorIterator<V> implements IterableIterator<V> {
	private readonly vector: IteratedVector<V>;
	private readonly version: number;
	private readonly data: number;
	private index = 0;

	constructor(vector: IteratedVector<V>) {
		this.vector = vector;
		this.version = vector.version;
		this.data = vector.dataAddress;
	}

	next(): IteratorResult<V> {
		const vector = this.vector;
		if (vector.address === 0 || vector.version !== this.version) this.stale();
		const i = this.index;
		if (i >= vector.length) return { done: true, value: undefined };
		this.index = i + 1;
		return { done: false, value: vector.at(i) };
	}

	[Symbol.iterator](): this {
		return this;
	}

	private stale(): never {
		const vector = this.vector;
		return rejectStale(
			"Vector iterator",
			this.data,
			vector.address === 0
				? "the vector was freed"
				: `the vector's storage was moved or shrunk (version ${this.version} when iteration began, ${vector.version} now)`,
		);
	}
}
