export type { ElementType, TypedArrayOf, VectorAccessOptions, VectorOptions } from "./api.ts";
export { Vector } from "./vector.ts";
export { VectorAccess } from "./vector-access.ts";
export { VectorEdits } from "./vector-edits.ts";
export { VectorState } from "./vector-state.ts";
