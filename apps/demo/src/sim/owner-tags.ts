import type { Allocator, Heap, Ptr } from "@offheap/core";
import { type HeapBlock, OWNERS, type Owner } from "./api.ts";

/**
 * Who allocated each live block of a heap, for the heap map: one byte per 8 bytes of address space
 * (every block's payload is 8-aligned, so each payload address has a byte of its own). `0` is
 * "nobody said": such a block shows as "other".
 */
export class OwnerTags {
	readonly heap: Heap;
	/** Owner code (`OWNERS` index + 1) by `ptr >>> 3`. */
	readonly codes: Uint8Array;

	constructor(heap: Heap) {
		this.heap = heap;
		this.codes = new Uint8Array(Math.ceil(heap.stats().maxBytes / 8));
	}

	/** An allocator that takes its blocks from the heap and tags them as `owner`'s. */
	allocator(owner: Owner): TaggedAllocator {
		return new TaggedAllocator(this, OWNERS.indexOf(owner) + 1);
	}

	/** Owner of the live block whose payload starts at `ptr`. */
	ownerOf(ptr: Ptr): Owner {
		const code = this.codes[ptr >>> 3] as number;
		return code === 0 ? "other" : (OWNERS[code - 1] as Owner);
	}

	/**
	 * Every block of the heap in address order, headers included, free ones too: they tile the heap
	 * from the end of the allocator's control block to the start of its bitmap. Walks the heap: a
	 * cold path.
	 */
	blocks(): HeapBlock[] {
		const blocks: HeapBlock[] = [];
		for (const block of this.heap.walk()) {
			blocks.push({
				address: block.ptr - 4,
				size: block.size + 4,
				owner: block.free ? "free" : this.ownerOf(block.ptr),
			});
		}
		return blocks;
	}
}

/**
 * An allocator over a heap that writes the owner's code next to every block it hands out and clears
 * it when the block goes: what lets the heap map colour blocks by the structure that owns them. It
 * costs one byte store per allocation and creates nothing.
 */
export class TaggedAllocator implements Allocator {
	readonly heap: Heap;
	private readonly codes: Uint8Array;
	private readonly code: number;

	constructor(tags: OwnerTags, code: number) {
		this.heap = tags.heap;
		this.codes = tags.codes;
		this.code = code;
	}

	malloc(size: number, align?: number): Ptr {
		const ptr = this.heap.malloc(size, align);
		if (ptr !== 0) this.codes[ptr >>> 3] = this.code;
		return ptr;
	}

	calloc(count: number, size: number): Ptr {
		const ptr = this.heap.calloc(count, size);
		if (ptr !== 0) this.codes[ptr >>> 3] = this.code;
		return ptr;
	}

	realloc(ptr: Ptr, size: number): Ptr {
		const moved = this.heap.realloc(ptr, size);
		if (moved !== 0 && moved !== ptr) {
			if (ptr !== 0) this.codes[ptr >>> 3] = 0;
			this.codes[moved >>> 3] = this.code;
		}
		return moved;
	}

	free(ptr: Ptr): void {
		this.heap.free(ptr);
		if (ptr !== 0) this.codes[ptr >>> 3] = 0;
	}

	usableSize(ptr: Ptr): number {
		return this.heap.usableSize(ptr);
	}
}
