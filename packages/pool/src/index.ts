export type { PoolHandle, PoolOptions, PoolStats, SlotType } from "./api.ts";
export { NULL_HANDLE } from "./api.ts";
export { Pool } from "./pool.ts";
