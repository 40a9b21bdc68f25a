/** What generated and closure accessors share at run time, and the shape of what they produce. */
import type { HeapViews } from "../api.ts";
import { path, type Root, rejectIndex, rejectPointer } from "./checks.ts";
import { decodeUtf8, encodeUtf8, utf8Length } from "./utf8-codec.ts";

/** The cold paths and tables, passed to generated code as `rt`. */
export interface Runtime {
	readonly path: typeof path;
	readonly rejectIndex: typeof rejectIndex;
	readonly rejectPointer: typeof rejectPointer;
	readonly rejectCursor: (where: string) => never;
}

export const rt: Runtime = {
	path,
	rejectIndex,
	rejectPointer,
	rejectCursor(where: string): never {
		throw new TypeError(
			`${where}: cursor() is for arrays of structs, unions and arrays; use get() for scalars`,
		);
	},
};

/** The hot helpers, passed to generated code by name so that calls to them are direct. */
export const helpers: {
	readonly decodeUtf8: typeof decodeUtf8;
	readonly encodeUtf8: typeof encodeUtf8;
	readonly utf8Length: typeof utf8Length;
} = { decodeUtf8, encodeUtf8, utf8Length };

/** A view or cursor object as the builders make it (the public view types describe it for users). */
export interface ViewObject {
	$heap: HeapViews;
	$ptr: number;
	/** The view this one is nested in (a field's view, an element's view), for error paths. */
	$up: ViewObject | undefined;
	/** Its field name or element index in `$up`. */
	$key: string | number | undefined;
	readonly $type: { readonly name: string };
	$at(ptr: number): ViewObject;
}

/**
 * A class of views, one per type, alignment variant and checked mode. A nested view is made with the
 * view it is nested in and its key there; an outermost one with the heap only.
 */
export type ViewClass = new (heap: HeapViews, up?: ViewObject, key?: string | number) => ViewObject;

/** The accessors of one aggregate type in one variant. */
export interface Accessors {
	readonly View: ViewClass;
	readonly read: (heap: HeapViews, ptr: number) => unknown;
	/**
	 * Validates all of `value`, then writes it: a refused value changes no byte. Errors name the path
	 * from `at`: the view written through, or the name of the type written.
	 */
	readonly write: (heap: HeapViews, ptr: number, value: unknown, at: Root) => void;
}

/** Which accessors: for addresses aligned to the type's alignment or not, checked or not. */
export interface Variant {
	readonly aligned: boolean;
	readonly checked: boolean;
}
