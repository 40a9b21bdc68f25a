import type { ArenaMark } from "./api.ts";
import type { Arena } from "./arena.ts";

/**
 * A scope of an arena, opened by {@link Arena.scope}: a mark that is popped when the scope is
 * disposed, so a `using` block forgets everything allocated in it.
 *
 * @example
 * ```ts
 * import { Arena } from "@offheap/arena";
 * import { Heap } from "@offheap/core";
 * const arena = new Arena(new Heap());
 * function frame(entities: number): number {
 *   using scratch = arena.scope();
 *   const tmp = arena.alloc(entities * 16);
 *   scratch.reset(); // start the scope over: tmp is forgotten
 *   return tmp;
 * }
 * frame(1000);
 * console.log(arena.stats().usedBytes, arena.stats().marks); // 0 0
 * ```
 */
export class ArenaScope implements Disposable {
	/** The arena the scope belongs to. */
	readonly arena: Arena;
	/** The scope's mark. */
	readonly mark: ArenaMark;

	/**
	 * Wraps `mark`, a mark of `arena`; {@link Arena.scope} is the usual way to get one.
	 * @param arena - the arena the mark belongs to.
	 * @param mark - a valid mark of `arena`.
	 * @example
	 * ```ts
	 * import { Arena, ArenaScope } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap());
	 * {
	 *   using _scope = new ArenaScope(arena, arena.mark()); // what arena.scope() does
	 *   arena.malloc(64);
	 * }
	 * console.log(arena.stats().usedBytes); // 0
	 * ```
	 */
	constructor(arena: Arena, mark: ArenaMark) {
		this.arena = arena;
		this.mark = mark;
	}

	/**
	 * Rewinds to the start of the scope and keeps it open.
	 * @throws `InvalidPointerError` when the scope's mark is no longer valid (an outer scope was
	 * rewound, or this scope already ended).
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap());
	 * using scope = arena.scope();
	 * arena.malloc(100);
	 * scope.reset();
	 * console.log(arena.stats().usedBytes); // 16: the scope's mark
	 * ```
	 */
	reset(): void {
		this.arena.reset(this.mark);
	}

	/**
	 * Ends the scope: pops its mark, forgetting everything allocated since it opened.
	 * @throws `InvalidPointerError` when the scope already ended or an outer scope was rewound first.
	 * @example
	 * ```ts
	 * import { Arena } from "@offheap/arena";
	 * import { Heap } from "@offheap/core";
	 * const arena = new Arena(new Heap());
	 * const scope = arena.scope();
	 * arena.malloc(100);
	 * scope[Symbol.dispose]();
	 * console.log(arena.stats().usedBytes); // 0
	 * ```
	 */
	[Symbol.dispose](): void {
		this.arena.pop(this.mark);
	}
}
