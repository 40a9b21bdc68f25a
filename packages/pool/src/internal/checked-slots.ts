import { HeapCorruptionError, hex } from "@offheap/core";

const POISON = 0xdd;
const FRESH = 0xcd;

/**
 * A pool's share of checked mode (`new Heap({ checked: true })`): freed slots are poisoned and the
 * poison is verified when the slot is handed out again, and each slot remembers where it was last
 * allocated and freed, so a stale handle's error can say so. The first 4 bytes of a free slot hold the
 * free list's link and are not poisoned.
 * @internal
 */
export class CheckedSlots {
	private readonly allocatedAt = new Map<number, string>();
	private readonly freedAt = new Map<number, string>();
	private readonly slotBytes: number;

	constructor(slotBytes: number) {
		this.slotBytes = slotBytes;
	}

	/** Throws when a freed slot's poison changed: something wrote through a stale handle or pointer. */
	verifyPoison(u8: Uint8Array, index: number, ptr: number): void {
		for (let i = ptr + 4; i < ptr + this.slotBytes; i++) {
			if (u8[i] !== POISON) {
				throw new HeapCorruptionError(
					ptr,
					`write after free: byte ${i - ptr} of pool slot ${index} (${hex(ptr)}, ${this.slotBytes} B) ` +
						`changed after it was freed\n${this.history(index)}`,
				);
			}
		}
	}

	/** Fills a slot being handed out with the fresh pattern and records where. */
	onAlloc(u8: Uint8Array, index: number, ptr: number): void {
		u8.fill(FRESH, ptr, ptr + this.slotBytes);
		this.allocatedAt.set(index, site());
		this.freedAt.delete(index);
	}

	onFree(u8: Uint8Array, index: number, ptr: number): void {
		u8.fill(POISON, ptr + 4, ptr + this.slotBytes);
		this.freedAt.set(index, site());
	}

	/** Where slot `index` was last allocated and freed, for error messages. */
	history(index: number): string {
		const indent = (stack: string | undefined): string =>
			(stack ?? "(unknown)")
				.split("\n")
				.map((line) => `    ${line}`)
				.join("\n");
		const lines = [`  slot ${index} allocated at:\n${indent(this.allocatedAt.get(index))}`];
		if (this.freedAt.has(index)) lines.push(`  freed at:\n${indent(this.freedAt.get(index))}`);
		return lines.join("\n");
	}
}

function site(): string {
	return (new Error().stack ?? "")
		.split("\n")
		.slice(1)
		.filter((line) => !/\bat (Pool|CheckedSlots)\.|\bat site\b|\(node:internal\//.test(line))
		.slice(0, 8)
		.map((line) => line.trim())
		.join("\n");
}
