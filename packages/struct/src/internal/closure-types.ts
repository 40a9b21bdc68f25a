/** Shapes shared by the closure-built accessors. */
import type { HeapViews } from "../api.ts";
import type { ViewObject } from "./runtime.ts";

export type Load = (h: HeapViews, q: number) => unknown;
export type Store = (h: HeapViews, q: number, v: unknown) => void;
export type Indexed = { [i: number]: number | bigint };
export type DataViewMethods = { [m: string]: (...args: unknown[]) => unknown };

/** A closure-built view: its heap, address, and nested views. */
export interface Base extends ViewObject {
	$c: ViewObject[];
}

export type Getter = (this: Base) => unknown;
export type Setter = (this: Base, v: unknown) => void;
