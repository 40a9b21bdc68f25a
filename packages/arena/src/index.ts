export type { ArenaMark, ArenaOptions, ArenaStats } from "./api.ts";
export { Arena } from "./arena.ts";
export { ArenaScope } from "./scope.ts";
