export type { Allocator, BlockInfo, CheckedOptions, HeapOptions, HeapStats, LeakGroup, Ptr } from "./api.ts";
export { CallSites } from "./call-sites.ts";
export {
	DoubleFreeError,
	HeapCorruptionError,
	hex,
	InvalidPointerError,
	OffheapError,
	OutOfMemoryError,
} from "./errors.ts";
export { type FaultPolicy, FaultyAllocator, failAfter, failEvery, failRandomly } from "./faults.ts";
export { Heap } from "./heap.ts";
export { checkOptions, describeArgument, isAllocator } from "./kit.ts";
