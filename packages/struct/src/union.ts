import type { Fields, StructOptions } from "./api.ts";
import { StructType } from "./struct.ts";

/**
 * A C union: a {@link StructType} whose members all start at offset 0. Reading gives every member's
 * interpretation of the bytes; writing takes any subset of the members, in declaration order.
 *
 * @typeParam F - the schema: member names to types.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f32, u32, union, type UnionType } from "@offheap/struct";
 * const Pun: UnionType<{ f: typeof f32; u: typeof u32 }> = union("Pun", { f: f32, u: u32 });
 * const heap = new Heap();
 * const v = Pun.view(heap, heap.alloc(Pun.size));
 * v.f = 1;
 * console.log(v.u.toString(16)); // 3f800000
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the default makes `UnionType` mean "any union", to which every union type is assignable
export type UnionType<F extends Fields = any> = StructType<F, "union">;

/**
 * Declares a union type.
 *
 * @param name - the C name: a C identifier, not a keyword.
 * @param fields - member names to types, bit-fields or {@link field}s with options.
 * @param options - `packed`, `align` and `pack`, as for {@link struct}.
 * @throws TypeError for a bad name or member, or an option that is unknown (the message lists the
 * valid ones) or not of its type.
 * @example
 * ```ts
 * import { array, f64, i32, u8, union } from "@offheap/struct";
 * const U = union("U", { c: u8, d: f64, i: array(i32, 3) });
 * console.log(U.size, U.align); // 16 8
 * ```
 */
export function union<F extends Fields>(name: string, fields: F, options: StructOptions = {}): UnionType<F> {
	return new StructType("union", name, fields, options);
}
