export type { ListNode, ListOptions, SpliceOptions } from "./api.ts";
export { List } from "./list.ts";
export { ListDeque } from "./list-deque.ts";
export { ListPayloads } from "./list-payloads.ts";
export { ListState } from "./list-state.ts";
