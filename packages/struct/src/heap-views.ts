import { describeArgument } from "@offheap/core";
import type { HeapViews } from "./api.ts";

/**
 * Typed-array views over a whole buffer, for using struct types on memory that is not a `Heap`: a
 * `WebAssembly.Memory`, a file read into memory, a buffer from a worker. Build them again when the
 * buffer is replaced (a `WebAssembly.Memory` replaces its buffer when it grows).
 *
 * Views stop at the last whole element, so a buffer whose length is not a multiple of 8 still works
 * for everything except the 64-bit views' last bytes.
 *
 * @param buffer - any ArrayBuffer or SharedArrayBuffer.
 * @throws TypeError for anything else (a typed array: pass its `buffer`).
 * @example
 * ```ts
 * import { f32, heapViews, struct } from "@offheap/struct";
 * const Vec2 = struct("Vec2", { x: f32, y: f32 });
 * const memory = new WebAssembly.Memory({ initial: 1 });
 * const views = heapViews(memory.buffer);
 * Vec2.write(views, 1024, { x: 1, y: 2 }); // where a wasm module expects its Vec2
 * console.log(new Float32Array(memory.buffer, 1024, 2)); // Float32Array(2) [ 1, 2 ]
 * ```
 */
export function heapViews(buffer: ArrayBufferLike): HeapViews {
	const tag = Object.prototype.toString.call(buffer);
	if (tag !== "[object ArrayBuffer]" && tag !== "[object SharedArrayBuffer]") {
		throw new TypeError(
			`heapViews: expected an ArrayBuffer or SharedArrayBuffer, got ${describeArgument(buffer)}`,
		);
	}
	const n = buffer.byteLength;
	return {
		u8: new Uint8Array(buffer, 0, n),
		i8: new Int8Array(buffer, 0, n),
		u16: new Uint16Array(buffer, 0, n >>> 1),
		i16: new Int16Array(buffer, 0, n >>> 1),
		u32: new Uint32Array(buffer, 0, n >>> 2),
		i32: new Int32Array(buffer, 0, n >>> 2),
		f32: new Float32Array(buffer, 0, n >>> 2),
		f64: new Float64Array(buffer, 0, n >>> 3),
		i64: new BigInt64Array(buffer, 0, n >>> 3),
		u64: new BigUint64Array(buffer, 0, n >>> 3),
		dv: new DataView(buffer, 0, n),
	};
}
