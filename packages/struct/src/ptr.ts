import type { HeapViews, Type } from "./api.ts";
import { settings } from "./configure.ts";
import { checkNoMoreArguments, checkPointer, rejectScalar } from "./internal/checks.ts";
import { PTR_INFO } from "./internal/scalar-info.ts";

/**
 * A 32-bit heap pointer to a value of type `T`: a `number` (byte offset; 0 is NULL), stored as a
 * `uint32_t`. That is a pointer's size on wasm32; for x86-64 C, `toC()` declares it as `uint32_t` so
 * that both sides agree on the layout.
 *
 * Like a scalar, it has {@link PtrType.typedArray} and {@link PtrType.shift} for containers.
 *
 * @typeParam T - the type pointed to.
 * @example
 * ```ts
 * import { Heap } from "@offheap/core";
 * import { f32, ptr, struct } from "@offheap/struct";
 * const Vec2 = struct("Vec2", { x: f32, y: f32 });
 * const Sprite = struct("Sprite", { at: ptr(Vec2) });
 * const heap = new Heap();
 * const s = Sprite.view(heap, heap.alloc(Sprite.size));
 * s.at = heap.alloc(Vec2.size);
 * Vec2.view(heap, s.at).x = 5;
 * console.log(Vec2.read(heap, s.at).x, Sprite.fields[0]?.type.name); // 5 ptr<Vec2>
 * ```
 */
export class PtrType<T extends Type = Type> implements Type<number> {
	/** Always `"ptr"`. */
	readonly kind: "ptr" = "ptr";
	/** Always 4. */
	readonly size: number = 4;
	/** Always 4. */
	readonly align: number = 4;
	/** Always 2: `ptr >>> 2` indexes {@link PtrType.typedArray}. */
	readonly shift: 2 = 2;
	private readonly to: T | (() => T);
	private resolved: T | undefined;

	/** @internal Use {@link ptr}. */
	constructor(to: T | (() => T)) {
		this.to = to;
	}

	/** The type pointed to (a thunk given to {@link ptr} is called on first use). */
	get target(): T {
		if (this.resolved === undefined) {
			const to = this.to;
			this.resolved = typeof to === "function" ? to() : to;
		}
		return this.resolved;
	}

	/** `ptr<Target>`. */
	get name(): string {
		return `ptr<${this.target.name}>`;
	}

	/** The heap's u32 view, where pointers are stored. */
	typedArray(heap: HeapViews): Uint32Array {
		return heap.u32;
	}

	/**
	 * Reads the pointer stored at `ptr`.
	 * @throws {@link @offheap/core!InvalidPointerError} in checked mode when `ptr` is NULL or outside the heap.
	 */
	read(heap: HeapViews, ptr: number): number {
		if (settings.checked) checkPointer("ptr", "read", heap, ptr, 4);
		return (ptr & 3) === 0 ? (heap.u32[ptr >>> 2] as number) : heap.dv.getUint32(ptr, true);
	}

	/**
	 * Stores the pointer `value` at `ptr`.
	 * @throws RangeError in checked mode when `value` is not an integer in [0, 2^32), and
	 * {@link @offheap/core!InvalidPointerError} in checked mode for a bad `ptr`.
	 */
	write(heap: HeapViews, ptr: number, value: number): void {
		if (settings.checked) {
			checkPointer("ptr", "write", heap, ptr, 4);
			if (typeof value !== "number" || value >>> 0 !== value) rejectScalar("ptr.write", PTR_INFO, value);
		}
		if ((ptr & 3) === 0) heap.u32[ptr >>> 2] = value;
		else heap.dv.setUint32(ptr, value, true);
	}
}

/**
 * A 32-bit heap pointer to a `target` value. For a pointer to the struct being defined (a linked
 * list node), pass a function returning it, and annotate the struct's type (TypeScript needs it for
 * the self-reference).
 *
 * @param target - the type pointed to, or a function returning it.
 * @throws TypeError when `target` is neither, or for a second argument (there are no options).
 * @example
 * ```ts
 * import { i32, ptr, type PtrType, struct, type StructType, type Type } from "@offheap/struct";
 * const Node: StructType<{ value: typeof i32; next: PtrType }> = struct("Node", {
 *   value: i32,
 *   next: ptr((): Type => Node),
 * });
 * console.log(Node.size, Node.offsetOf("next")); // 8 4
 * ```
 */
export function ptr<T extends Type>(target: T | (() => T)): PtrType<T> {
	// biome-ignore lint/complexity/noArguments: counts what the signature leaves out (an options object passed by mistake)
	checkNoMoreArguments("ptr", arguments, 1, "(target)");
	if (
		typeof target !== "function" &&
		(typeof target !== "object" || target === null || !("size" in target))
	) {
		throw new TypeError(`ptr: expected a type or a function returning one, got ${String(target)}`);
	}
	return new PtrType(target);
}
