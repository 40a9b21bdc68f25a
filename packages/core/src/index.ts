export type { Allocator, BlockInfo, HeapOptions, HeapStats, Ptr } from "./api.ts";
export {
	DoubleFreeError,
	HeapCorruptionError,
	hex,
	InvalidPointerError,
	OffheapError,
	OutOfMemoryError,
} from "./errors.ts";
export { Heap } from "./heap.ts";
