/**
 * Stale-view detection for checked vectors. A struct view reads the heap through a {@link HeapViews}
 * object on every access, so a view over a {@link StorageGuard} checks the vector's storage version
 * each time a field is read or written. A typed array cannot check itself: the checked one is a Proxy
 * that does the same check before every access.
 * @internal
 */
import type { Heap } from "@offheap/core";
import type { HeapViews } from "@offheap/struct";
import { rejectStale } from "./reject.ts";

/** What a guard needs from its vector: whether it is alive, and its storage version. */
export interface GuardOwner {
	readonly heap: Heap;
	/** 0 once the vector is freed. */
	readonly address: number;
	readonly version: number;
}

function staleDetail(owner: GuardOwner, version: number): string {
	if (owner.address === 0) return "the vector was freed";
	return `the vector's storage was moved or shrunk (version ${version} when the view was taken, ${owner.version} now)`;
}

/**
 * Heap views that refuse to serve a view whose vector's storage moved, shrank or was freed since
 * `version`. `version` and `data` are updated when the guard is reused for a cursor.
 */
export class StorageGuard implements HeapViews {
	private readonly owner: GuardOwner;
	/** The storage version the views over this guard were taken at. */
	version: number;
	/** The storage address at that version, for messages. */
	data: number;

	constructor(owner: GuardOwner, version: number, data: number) {
		this.owner = owner;
		this.version = version;
		this.data = data;
	}

	private heap(): Heap {
		const owner = this.owner;
		if (owner.address === 0 || owner.version !== this.version) {
			rejectStale("Vector view", this.data, staleDetail(owner, this.version));
		}
		return owner.heap;
	}

	get u8(): Uint8Array {
		return this.heap().u8;
	}
	get i8(): Int8Array {
		return this.heap().i8;
	}
	get u16(): Uint16Array {
		return this.heap().u16;
	}
	get i16(): Int16Array {
		return this.heap().i16;
	}
	get u32(): Uint32Array {
		return this.heap().u32;
	}
	get i32(): Int32Array {
		return this.heap().i32;
	}
	get f32(): Float32Array {
		return this.heap().f32;
	}
	get f64(): Float64Array {
		return this.heap().f64;
	}
	get i64(): BigInt64Array {
		return this.heap().i64;
	}
	get u64(): BigUint64Array {
		return this.heap().u64;
	}
	get dv(): DataView {
		return this.heap().dv;
	}
}

/**
 * A Proxy of `array` (a subarray of the heap over the vector's elements) that throws
 * `InvalidPointerError` on any use once the vector's storage moved or shrank, the vector was freed, or the heap
 * replaced its buffer (which detaches every typed array over the old one).
 */
export function guardArray<A extends ArrayBufferView>(
	array: A,
	owner: GuardOwner,
	version: number,
	data: number,
): A {
	const byteLength = array.byteLength;
	const check = (): void => {
		if (owner.address === 0 || owner.version !== version) {
			rejectStale("Vector typed array", data, staleDetail(owner, version));
		}
		if (array.byteLength !== byteLength) {
			rejectStale(
				"Vector typed array",
				data,
				"the heap grew and replaced its buffer, which detached the array",
			);
		}
	};
	return new Proxy(array, {
		get(target, key) {
			check();
			const value: unknown = Reflect.get(target, key, target);
			// Typed-array methods only work on the real array, so they are bound to it.
			return typeof value === "function" && key !== "constructor"
				? (value as (...args: unknown[]) => unknown).bind(target)
				: value;
		},
		set(target, key, value) {
			check();
			return Reflect.set(target, key, value, target);
		},
		has(target, key) {
			check();
			return Reflect.has(target, key);
		},
		ownKeys(target) {
			check();
			return Reflect.ownKeys(target);
		},
		getOwnPropertyDescriptor(target, key) {
			check();
			return Reflect.getOwnPropertyDescriptor(target, key);
		},
	});
}
