import type { HeapStats } from "@offheap/core";
import { type BudgetReport, type HeapBlock, OWNERS, type Owner } from "./api.ts";

/** Bytes by owner, every owner present (zero when it owns nothing). */
export function bytesByOwner(blocks: readonly HeapBlock[]): Record<Owner, number> {
	const bytes = Object.fromEntries(OWNERS.map((owner) => [owner, 0])) as Record<Owner, number>;
	for (const block of blocks) bytes[block.owner] += block.size;
	return bytes;
}

/** `1 - largestFreeBlock / freeBytes`: 0 when the free space is one block (or there is none). */
export function fragmentation(largestFreeBlock: number, freeBytes: number): number {
	return freeBytes === 0 ? 0 : 1 - largestFreeBlock / freeBytes;
}

/** The budget report of an offheap world from its heap's stats and map. */
export function budgetOf(
	stats: HeapStats,
	blocks: readonly HeapBlock[],
	entities: number,
	refusedSpawns: number,
): BudgetReport {
	return {
		budgetBytes: stats.maxBytes,
		usedBytes: stats.usedBytes,
		highWaterBytes: stats.highWaterBytes,
		largestFreeBlock: stats.largestFreeBlock,
		fragmentation: fragmentation(stats.largestFreeBlock, stats.freeBytes),
		bytesByOwner: bytesByOwner(blocks),
		entities,
		refusedSpawns,
	};
}
