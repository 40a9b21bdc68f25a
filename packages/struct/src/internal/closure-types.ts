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

/** How closure-built accessors load, validate and store one scalar, string or bit-field value. */
export interface LeafOps {
	readonly load: Load;
	/** Stores a value already validated (by `test`, when there is one). */
	readonly put: Store;
	/** Whether `v` must be refused; `undefined` when nothing is checked (unchecked numbers). */
	readonly test: ((v: unknown) => boolean) | undefined;
	/** Throws the error for a refused `v`, naming `where`. */
	readonly reject: (where: string, v: unknown) => never;
}
