export type { ListNode, ListOptions } from "./api.ts";
export { List, type SpliceOptions } from "./list.ts";
