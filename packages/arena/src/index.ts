export type { ArenaMark, ArenaOptions, ArenaStats } from "./api.ts";
export { Arena } from "./arena.ts";
export { ArenaAllocator } from "./arena-allocator.ts";
export { ArenaState } from "./arena-state.ts";
export { ArenaScope } from "./scope.ts";
