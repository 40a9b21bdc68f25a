import type { DropHook, ValueType } from "./api.ts";
import { HEADER_BYTES, metaWord } from "./internal/layout.ts";
import type { RcSpace } from "./rc-space.ts";

/**
 * A kind of reference-counted value registered in one {@link RcSpace}: a value type, its drop hook,
 * and the small id stored in the header of each of its values. Create kinds with
 * {@link RcSpace.kind}; pass them to {@link RcSpace.alloc}.
 *
 * A value's block is its 32-byte header followed by the value, which starts at `max(32, align)` bytes
 * into the block so that it is aligned; the header is always the 32 bytes just before the value. So a
 * value's address is never the start of a heap block: `heap.free(ptr)` of it is refused.
 *
 * @typeParam T - the value type (a struct type of `@offheap/struct`, or any `{ size, align }`).
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { RcSpace } from "@offheap/rc";
 * const space = new RcSpace(new Heap());
 * const Mat4 = space.kind({ name: "Mat4", type: { size: 64, align: 16 } });
 * console.log(Mat4.id, Mat4.blockSize); // 1 96
 * ```
 */
export class RcKind<T extends ValueType = ValueType> {
	/** The space the kind is registered in. */
	readonly space: RcSpace;
	/** Id of the kind in its space (from 1), stored in every value's header. */
	readonly id: number;
	/** Name of the kind, unique in its space. */
	readonly name: string;
	/** The value type. */
	readonly type: T;
	/** Bytes of a value. */
	readonly size: number;
	/** Alignment of a value. */
	readonly align: number;
	/** The drop hook, if any. */
	readonly drop: DropHook | undefined;
	/** Offset of the value in its block: `max(32, align)`. */
	readonly valueOffset: number;
	/** Bytes asked of the allocator per value, header included. */
	readonly blockSize: number;
	/** Alignment asked of the allocator per value. */
	readonly blockAlign: number;
	/** @internal The meta word of this kind's headers. */
	readonly meta: number;

	/** @internal Kinds are made by {@link RcSpace.kind}. */
	constructor(space: RcSpace, id: number, name: string, type: T, drop: DropHook | undefined) {
		this.space = space;
		this.id = id;
		this.name = name;
		this.type = type;
		this.size = type.size;
		this.align = type.align;
		this.drop = drop;
		this.valueOffset = Math.max(HEADER_BYTES, type.align);
		this.blockSize = this.valueOffset + type.size;
		this.blockAlign = Math.max(8, type.align);
		this.meta = metaWord(id, Math.log2(this.valueOffset));
	}
}
