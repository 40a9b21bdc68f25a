/** What generated and closure accessors share at run time, and the shape of what they produce. */
import type { HeapViews } from "../api.ts";
import {
	rejectAggregate,
	rejectBits,
	rejectIndex,
	rejectPointer,
	rejectScalar,
	rejectString,
} from "./checks.ts";
import { PTR_INFO, SCALARS, type ScalarInfo } from "./scalar-info.ts";
import { decodeUtf8, encodeUtf8, utf8Length } from "./utf8-codec.ts";

/** The cold paths and tables, passed to generated code as `rt`. */
export interface Runtime {
	readonly rejectAggregate: typeof rejectAggregate;
	readonly rejectBits: typeof rejectBits;
	readonly rejectIndex: typeof rejectIndex;
	readonly rejectPointer: typeof rejectPointer;
	readonly rejectScalar: typeof rejectScalar;
	readonly rejectString: typeof rejectString;
	readonly rejectCursor: (where: string) => never;
	readonly info: { readonly [name: string]: ScalarInfo };
}

export const rt: Runtime = {
	rejectAggregate,
	rejectBits,
	rejectIndex,
	rejectPointer,
	rejectScalar,
	rejectString,
	rejectCursor(where: string): never {
		throw new TypeError(
			`${where}: cursor() is for arrays of structs, unions and arrays; use get() for scalars`,
		);
	},
	info: { ...SCALARS, ptr: PTR_INFO },
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
	$at(ptr: number): ViewObject;
}

/** A class of views, one per type, alignment variant and checked mode. */
export type ViewClass = new (heap: HeapViews) => ViewObject;

/** The accessors of one aggregate type in one variant. */
export interface Accessors {
	readonly View: ViewClass;
	readonly read: (heap: HeapViews, ptr: number) => unknown;
	readonly write: (heap: HeapViews, ptr: number, value: unknown) => void;
}

/** Which accessors: for addresses aligned to the type's alignment or not, checked or not. */
export interface Variant {
	readonly aligned: boolean;
	readonly checked: boolean;
}
