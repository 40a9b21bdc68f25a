export type { PoolHandle, PoolOptions, PoolStats, SlotType } from "./api.ts";
export { NULL_HANDLE } from "./api.ts";
export { Pool } from "./pool.ts";
export { PoolAllocator } from "./pool-allocator.ts";
export { PoolState } from "./pool-state.ts";
