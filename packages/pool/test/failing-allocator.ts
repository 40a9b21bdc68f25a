import type { Allocator, Heap, Ptr } from "@offheap/core";

/**
 * A parent allocator for fault injection: forwards to a heap, but the `failAt`-th allocating call
 * (malloc, calloc or realloc; counted from 1) and, with `failAfter`, every later one returns 0.
 * Counts calls so tests can assert that steady state never reaches the parent.
 */
export class FailingAllocator implements Allocator {
	readonly heap: Heap;
	/** Allocating calls seen so far. */
	calls = 0;
	/** Frees seen so far. */
	frees = 0;
	failAt: number;
	failAfter: boolean;

	constructor(heap: Heap, failAt: number = Number.POSITIVE_INFINITY, failAfter: boolean = false) {
		this.heap = heap;
		this.failAt = failAt;
		this.failAfter = failAfter;
	}

	private fails(): boolean {
		this.calls++;
		return this.calls === this.failAt || (this.failAfter && this.calls > this.failAt);
	}

	malloc(size: number, align?: number): Ptr {
		return this.fails() ? 0 : this.heap.malloc(size, align);
	}

	calloc(count: number, size: number): Ptr {
		return this.fails() ? 0 : this.heap.calloc(count, size);
	}

	realloc(ptr: Ptr, size: number): Ptr {
		return this.fails() ? 0 : this.heap.realloc(ptr, size);
	}

	free(ptr: Ptr): void {
		this.frees++;
		this.heap.free(ptr);
	}

	usableSize(ptr: Ptr): number {
		return this.heap.usableSize(ptr);
	}
}
