import { FaultyAllocator, type Heap } from "@offheap/core";

/**
 * Core's fault-injecting allocator, set to fail the `failAt`-th allocating request (counted from 1)
 * and, with `failAfter`, every later one. `setFailure` moves the failure point during a test.
 */
export class FailingAllocator extends FaultyAllocator {
	constructor(heap: Heap, failAt: number = Number.POSITIVE_INFINITY, failAfter: boolean = false) {
		super(heap, failurePolicy(failAt, failAfter));
	}

	/** Allocating requests seen so far. */
	get calls(): number {
		return this.requests;
	}

	setFailure(failAt: number, failAfter = false): void {
		this.policy = failurePolicy(failAt, failAfter);
	}
}

function failurePolicy(failAt: number, failAfter: boolean): (request: number) => boolean {
	return (request) => request === failAt || (failAfter && request > failAt);
}
