export type { ElementType, TypedArrayOf, VectorAccessOptions, VectorOptions } from "./api.ts";
export { Vector } from "./vector.ts";
