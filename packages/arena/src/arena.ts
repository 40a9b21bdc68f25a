import type { Allocator, Ptr } from "@offheap/core";
import type { ArenaMark } from "./api.ts";
import { ArenaAllocator } from "./arena-allocator.ts";
import { consolidate } from "./internal/chunks.ts";
import { rewind, takeMark } from "./internal/marks.ts";
import { OPEN_AT, type OpenOptions } from "./internal/options.ts";
import { rejectFreed } from "./internal/reject.ts";
import { ArenaScope } from "./scope.ts";

/**
 * An arena (region) allocator: bump allocation in chunks taken from a parent allocator, freed all at
 * once. Chunks grow geometrically up to an optional hard budget. `mark()`/`reset(mark)` rewind to a
 * point, `scope()` rewinds when a `using` block ends, `reset()` forgets everything but keeps one chunk
 * big enough for the biggest frame so far, and `free()` returns everything to the parent.
 *
 * The arena is also an {@link Allocator}, so a container can live in it: `free` of the most recent
 * allocation rewinds over it, other frees only check their pointer, and `realloc` of the most recent
 * allocation grows in place.
 *
 * What it checks: `free`, `realloc` and `usableSize` refuse (with `InvalidPointerError`) a pointer
 * outside the arena's chunks or past what a chunk has handed out, which catches pointers into memory
 * a rewind or reset took back, and `reset`/`pop` refuse a mark that an earlier rewind invalidated.
 * What it cannot check: the arena keeps no per-allocation headers, so an interior pointer of a live
 * allocation passes, and a pointer into memory handed out again after a rewind looks live.
 * {@link ArenaState.check} verifies the arena's bookkeeping. When the parent's heap is checked
 * (`new Heap({ checked: true })`), the arena also puts a redzone after each allocation, poisons what it
 * takes back, verifies both, and names allocation sites in its errors.
 *
 * The arena's header and chunk list live in the parent's heap; the object is a view that
 * {@link Arena.open} recreates from `(parent, address)`.
 *
 * @example
 * ```ts
 * import { Arena } from "@offheap/arena";
 * import { Heap } from "@offheap/core";
 * const heap = new Heap();
 * const frame = new Arena(heap, { chunkBytes: 64 * 1024 });
 * for (let tick = 0; tick < 3; tick++) {
 *   using _scope = frame.scope(); // everything allocated in this block goes when it ends
 *   const positions = frame.alloc(100 * 8, 16);
 *   heap.f64[positions >>> 3] = tick;
 * }
 * console.log(frame.stats().usedBytes); // 0
 * frame.free(); // every chunk back to the heap
 * ```
 */
export class Arena extends ArenaAllocator {
	/**
	 * Recreates the view of an arena whose header is at `address` in `parent`'s heap: after the heap
	 * was reopened from its bytes, or in another part of a program that was handed the address.
	 * @throws `InvalidPointerError` when no arena header is there.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const heap = new Heap();
	 * const arena = new Arena(heap);
	 * const p = arena.malloc(4);
	 * const again = Arena.open(heap, arena.address);
	 * console.log(again.stats().usedBytes, again.usableSize(p)); // 8 8
	 * ```
	 */
	static open(parent: Allocator, address: Ptr): Arena {
		const options: OpenOptions = { [OPEN_AT]: address };
		return new Arena(parent, options);
	}

	/**
	 * Marks the current point, to rewind to with {@link Arena.reset} (which keeps the mark) or
	 * {@link Arena.pop} (which drops it). The mark is a number; it costs 16 bytes of the arena (a record
	 * of where to rewind to), which is why it can be validated exactly. Rewinding to a mark invalidates
	 * every mark taken after it.
	 * @throws `OutOfMemoryError` when the arena cannot hold the 16-byte record.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap());
	 * const level = arena.mark();
	 * for (let frame = 0; frame < 3; frame++) {
	 *   arena.malloc(1000);
	 *   arena.reset(level); // back to the mark; the mark stays valid
	 * }
	 * console.log(arena.stats().usedBytes); // 16
	 * ```
	 */
	mark(): ArenaMark {
		const hdr = this.hdr;
		if (hdr === 0) return rejectFreed("mark", 0);
		const record = takeMark(this.parent, hdr, this.markAlign, this.markBytes, this.checker);
		if (record === 0) throw this.exhausted(this.markBytes);
		return record;
	}

	/** Forgets every allocation and mark, keeping one chunk big enough for the high-water mark. */
	reset(): void;
	/**
	 * Rewinds to just after `mark` was taken: everything allocated since is forgotten, marks taken
	 * since become invalid, and `mark` itself stays valid.
	 * @throws `InvalidPointerError` for a mark that is not valid (invalidated by an earlier rewind, or
	 * never a mark of this arena); the arena is then unchanged.
	 */
	reset(mark: ArenaMark): void;
	/**
	 * Without an argument, forgets every allocation and mark and keeps exactly one chunk, big enough
	 * for the high-water mark ("after the biggest frame, no more allocation"); with a mark, rewinds to
	 * it. Neither touches the parent when the arena already holds a single big-enough chunk.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap(), { chunkBytes: 1024 });
	 * for (let i = 0; i < 100; i++) arena.malloc(100); // spills into more chunks
	 * arena.reset();
	 * const { chunks, usedBytes, highWaterBytes } = arena.stats();
	 * console.log(chunks, usedBytes, highWaterBytes >= 10400); // 1 0 true
	 * ```
	 */
	reset(mark?: ArenaMark): void {
		const hdr = this.hdr;
		if (hdr === 0) {
			rejectFreed("reset", mark ?? 0);
			return;
		}
		if (mark === undefined) {
			// biome-ignore lint/complexity/noArguments: reset() and reset(undefined) must not mean the same.
			if (arguments.length === 0) {
				const checker = this.checker;
				if (checker !== undefined) checker.onReset(this.heap, hdr);
				const kept = consolidate(this.parent, hdr);
				if (checker !== undefined) checker.afterReset(kept);
				return;
			}
		}
		rewind("reset", this.heap, hdr, mark as number, this.markBytes, true, this.checker);
	}

	/**
	 * Rewinds to just before `mark` was taken and drops the mark too: what a scope does when it ends.
	 * Marks taken after `mark` become invalid.
	 * @throws `InvalidPointerError` for a mark that is not valid; the arena is then unchanged.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap());
	 * const m = arena.mark();
	 * arena.malloc(64);
	 * arena.pop(m);
	 * console.log(arena.stats().usedBytes, arena.stats().marks); // 0 0
	 * ```
	 */
	pop(mark: ArenaMark): void {
		const hdr = this.hdr;
		if (hdr === 0) {
			rejectFreed("pop", mark);
			return;
		}
		rewind("pop", this.heap, hdr, mark, this.markBytes, false, this.checker);
	}

	/**
	 * Opens a scope for `using`: a mark that is popped when the block ends, so everything allocated in
	 * the block is forgotten. The scope is a small JavaScript object; use {@link Arena.mark} and
	 * {@link Arena.pop} where not even that may be created.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap());
	 * {
	 *   using frame = arena.scope();
	 *   arena.malloc(4096);
	 *   console.log(frame.arena === arena); // true
	 * }
	 * console.log(arena.stats().usedBytes); // 0
	 * ```
	 */
	scope(): ArenaScope {
		return new ArenaScope(this, this.mark());
	}
}
