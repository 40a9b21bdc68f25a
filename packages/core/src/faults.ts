import type { Allocator, Ptr } from "./api.ts";
import type { Heap } from "./heap.ts";

/**
 * When a {@link FaultyAllocator} fails a request: called with the 1-based number of the request
 * (every malloc, calloc and growing realloc counts), it answers whether that request fails.
 *
 * @example
 * ```ts
 * import { FaultyAllocator, Heap, type FaultPolicy } from "@offheap/core";
 * const oddOnes: FaultPolicy = (n) => n % 2 === 1;
 * const faulty = new FaultyAllocator(new Heap(), oddOnes);
 * console.log(faulty.malloc(8), faulty.malloc(8) !== 0); // 0 true
 * ```
 */
export type FaultPolicy = (request: number) => boolean;

/**
 * An allocator that forwards to another one but fails chosen requests, as if the budget were
 * exhausted: `malloc` and `calloc` return `0`, and `realloc` returns `0` and leaves the block untouched.
 * Use it to prove that your error paths release everything: run the code under test once for every
 * `n` with {@link failAfter}, and check the heap's stats afterwards.
 *
 * Frees, shrinking reallocs and `usableSize` never fail.
 *
 * @example
 * ```ts
 * import { failAfter, Heap } from "@offheap/core";
 * const heap = new Heap();
 * const faulty = failAfter(heap, 2); // the first two requests succeed, then every one fails
 * const a = faulty.malloc(16);
 * const b = faulty.malloc(16);
 * console.log(a !== 0, b !== 0, faulty.malloc(16), faulty.failures); // true true 0 1
 * faulty.free(a);
 * faulty.free(b);
 * ```
 */
export class FaultyAllocator implements Allocator {
	/** The allocator requests are forwarded to. */
	readonly inner: Allocator;
	/** Requests seen so far (malloc, calloc and growing realloc). */
	requests = 0;
	/** Requests failed on purpose so far. */
	failures = 0;
	/** Frees forwarded so far. */
	frees = 0;
	/** Which requests fail; may be replaced at any time, e.g. to stop failing. */
	policy: FaultPolicy;

	/**
	 * @param inner - the allocator to forward to.
	 * @param policy - which requests fail.
	 */
	constructor(inner: Allocator, policy: FaultPolicy) {
		this.inner = inner;
		this.policy = policy;
	}

	/** The heap of the inner allocator. */
	get heap(): Heap {
		return this.inner.heap;
	}

	private fails(): boolean {
		this.requests += 1;
		if (!this.policy(this.requests)) return false;
		this.failures += 1;
		return true;
	}

	/** Forwards to the inner allocator unless this request is chosen to fail. */
	malloc(size: number, align?: number): Ptr {
		return this.fails() ? 0 : this.inner.malloc(size, align);
	}

	/** Forwards to the inner allocator unless this request is chosen to fail. */
	calloc(count: number, size: number): Ptr {
		return this.fails() ? 0 : this.inner.calloc(count, size);
	}

	/** Forwards to the inner allocator unless the block grows and this request is chosen to fail. */
	realloc(ptr: Ptr, size: number): Ptr {
		if (ptr !== 0 && size <= this.inner.usableSize(ptr)) return this.inner.realloc(ptr, size);
		return this.fails() ? 0 : this.inner.realloc(ptr, size);
	}

	/** Always forwarded. */
	free(ptr: Ptr): void {
		this.frees += 1;
		this.inner.free(ptr);
	}

	/** Always forwarded. */
	usableSize(ptr: Ptr): number {
		return this.inner.usableSize(ptr);
	}
}

/**
 * An allocator whose first `n` requests succeed and every later one fails.
 * @example
 * ```ts
 * import { failAfter, Heap } from "@offheap/core";
 * const faulty = failAfter(new Heap(), 0);
 * console.log(faulty.malloc(1)); // 0
 * ```
 */
export function failAfter(inner: Allocator, n: number): FaultyAllocator {
	checkCount("failAfter", n, 0);
	return new FaultyAllocator(inner, (request) => request > n);
}

/**
 * An allocator that fails every `n`-th request (the `n`-th, the `2n`-th, …).
 * @example
 * ```ts
 * import { failEvery, Heap } from "@offheap/core";
 * const faulty = failEvery(new Heap(), 3);
 * const results = [1, 2, 3, 4, 5, 6].map(() => faulty.malloc(8) !== 0);
 * console.log(results); // [ true, true, false, true, true, false ]
 * ```
 */
export function failEvery(inner: Allocator, n: number): FaultyAllocator {
	checkCount("failEvery", n, 1);
	return new FaultyAllocator(inner, (request) => request % n === 0);
}

/**
 * An allocator that fails each request with probability `p`, from a seeded generator, so a failing
 * run can be replayed exactly.
 * @example
 * ```ts
 * import { failRandomly, Heap } from "@offheap/core";
 * const a = failRandomly(new Heap(), 0.5, 42);
 * const b = failRandomly(new Heap(), 0.5, 42);
 * const pattern = (f: typeof a) => Array.from({ length: 8 }, () => f.malloc(8) === 0);
 * console.log(JSON.stringify(pattern(a)) === JSON.stringify(pattern(b))); // true
 * ```
 */
export function failRandomly(inner: Allocator, p: number, seed: number): FaultyAllocator {
	if (typeof p !== "number" || !(p >= 0 && p <= 1))
		throw new RangeError(`failRandomly: probability ${p} is not in [0, 1]`);
	if (!Number.isInteger(seed)) throw new RangeError(`failRandomly: seed ${seed} is not an integer`);
	let state = seed >>> 0 || 0x9e3779b9;
	return new FaultyAllocator(inner, () => {
		// mulberry32
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296 < p;
	});
}

function checkCount(name: string, n: number, min: number): void {
	if (typeof n !== "number" || !Number.isInteger(n) || n < min) {
		throw new RangeError(`${name}: ${n} is not an integer of at least ${min}`);
	}
}
