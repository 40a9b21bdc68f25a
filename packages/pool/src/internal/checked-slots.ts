import { CallSites, HeapCorruptionError, hex } from "@offheap/core";

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
	private readonly sites = new CallSites(/\bat (Pool\w*|CheckedSlots)\.|\bat new Pool\w*\b/);
	private readonly allocatedAt = new Map<number, number>();
	private readonly freedAt = new Map<number, number>();
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
		this.allocatedAt.set(index, this.sites.capture());
		this.freedAt.delete(index);
	}

	onFree(u8: Uint8Array, index: number, ptr: number): void {
		u8.fill(POISON, ptr + 4, ptr + this.slotBytes);
		this.freedAt.set(index, this.sites.capture());
	}

	/** Where slot `index` was last allocated and freed, for error messages. */
	history(index: number): string {
		const sites = this.sites;
		let text = `  slot ${index} allocated at:\n${sites.indented(this.allocatedAt.get(index) ?? 0)}`;
		const freed = this.freedAt.get(index);
		if (freed !== undefined) text += sites.describe("freed at", freed);
		return text;
	}
}
