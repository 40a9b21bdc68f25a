import { HeapCorruptionError, hex, type Ptr } from "@offheap/core";
import type { RcSpace } from "../rc-space.ts";
import {
	checkWord,
	DROPPING,
	F_CREATED,
	F_FREED,
	H_CHECK,
	H_META,
	H_NEXT,
	H_PREV,
	H_SERIAL,
	H_SPACE,
	H_STRONG,
	H_WEAK,
	HEADER_BYTES,
	K_ALIGN,
	K_NAME,
	K_NAME_LENGTH,
	K_SIZE,
	KIND_MASK,
	kindRecordBytes,
	LAYOUT_VERSION,
	MAX_KINDS,
	SPACE_MAGIC,
	TAG,
	W_DROPPED,
	W_FIRST,
	W_ID,
	W_KIND_BYTES,
	W_KIND_COUNT,
	W_KIND_TABLE,
	W_LIVE,
	W_MAGIC,
	W_VERSION,
} from "./layout.ts";
import { MAX_ALIGN, MAX_SIZE } from "./validate.ts";

// RcSpace.check: a full walk over what a space keeps in the heap (control block, kind table, the list
// of value blocks), O(kinds + values). Cold; reads only.

/** A kind as the walk needs it: where its values start in their blocks, and their size. */
interface KindShape {
	offset: number;
	size: number;
}

/** Usable bytes of `block` as the allocator says, or the reason it is not a live block. */
function usable(space: RcSpace, block: Ptr): number | string {
	try {
		return space.allocator.usableSize(block);
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

function isCount(x: number): boolean {
	return Number.isInteger(x) && x >= 0 && x <= Number.MAX_SAFE_INTEGER;
}

/** Throws {@link HeapCorruptionError} naming the first inconsistency of `space` in the heap. */
export function checkSpace(space: RcSpace): void {
	const address = space.address;
	const fail = (block: number, what: string): never => {
		throw new HeapCorruptionError(block, `RcSpace ${hex(address)}: ${what}`);
	};
	const u32 = space.heap.u32;
	const f64 = space.heap.f64;
	const cw = space.control;

	// ---- control block
	const magic = u32[cw + W_MAGIC] as number;
	if (magic !== SPACE_MAGIC) fail(address, `control block magic is ${hex(magic)}, not ${hex(SPACE_MAGIC)}`);
	const version = u32[cw + W_VERSION] as number;
	if (version !== LAYOUT_VERSION)
		fail(address, `control block layout version is ${version}, not ${LAYOUT_VERSION}`);
	const id = u32[cw + W_ID] as number;
	if (id === 0 || id !== space.id) {
		fail(address, `control block id is ${hex(id)}, not this space's ${hex(space.id)}`);
	}
	const control = usable(space, address);
	if (typeof control === "string") fail(address, `the control block is not a live block: ${control}`);

	// ---- kind table
	const count = u32[cw + W_KIND_COUNT] as number;
	const table = u32[cw + W_KIND_TABLE] as number;
	const tableBytes = u32[cw + W_KIND_BYTES] as number;
	if (count > MAX_KINDS) fail(address, `it records ${count} kinds, more than the ${MAX_KINDS} a space holds`);
	if ((count === 0) !== (table === 0) || (count === 0) !== (tableBytes === 0)) {
		fail(address, `it records ${count} kinds in a table at ${hex(table)} of ${tableBytes} B`);
	}
	const kinds: KindShape[] = [{ offset: 0, size: 0 }];
	if (count !== 0) {
		const room = usable(space, table);
		if (typeof room === "string") fail(table, `the kind table is not a live block: ${room}`);
		if ((room as number) < tableBytes) {
			fail(table, `the kind table holds ${tableBytes} B of records in a block of ${room} B`);
		}
		let used = 0;
		for (let k = 1; k <= count; k++) {
			const r = (table + used) >>> 2;
			const length = u32[r + K_NAME_LENGTH] as number;
			const size = u32[r + K_SIZE] as number;
			const align = u32[r + K_ALIGN] as number;
			if (length === 0 || used + kindRecordBytes(length) > tableBytes) {
				fail(table, `kind ${k}: a name of ${length} code units does not fit the table's ${tableBytes} B`);
			}
			if (size > MAX_SIZE) fail(table, `kind ${k}: size ${size} is above ${MAX_SIZE}`);
			if (align < 1 || align > MAX_ALIGN || (align & (align - 1)) !== 0) {
				fail(table, `kind ${k}: align ${align} is not a power of two in [1, 2^24]`);
			}
			const registered = space.kinds[k];
			if (registered !== undefined) {
				let name = "";
				for (let i = 0; i < length; i++)
					name += String.fromCharCode(space.heap.u16[((r + K_NAME) << 1) + i] as number);
				if (name !== registered.name || size !== registered.size || align !== registered.align) {
					fail(
						table,
						`kind ${k} is recorded as "${name}" (size ${size}, align ${align}) but registered as ` +
							`"${registered.name}" (size ${registered.size}, align ${registered.align})`,
					);
				}
			}
			kinds.push({ offset: Math.max(HEADER_BYTES, align), size });
			used += kindRecordBytes(length);
		}
		if (used !== tableBytes)
			fail(table, `the kind records take ${used} B, but the table says ${tableBytes} B`);
	}

	// ---- counters
	const live = u32[cw + W_LIVE] as number;
	const dropped = u32[cw + W_DROPPED] as number;
	const created = f64[(address >>> 3) + F_CREATED] as number;
	const freed = f64[(address >>> 3) + F_FREED] as number;
	if (!isCount(created) || !isCount(freed) || freed > created) {
		fail(address, `it counts ${created} values created and ${freed} freed`);
	}

	// ---- the list of value blocks
	const blocks = created - freed;
	const bytes = u32.length * 4;
	let seen = 0;
	let liveSeen = 0;
	let droppedSeen = 0;
	let prev = 0;
	let ptr = u32[cw + W_FIRST] as number;
	while (ptr !== 0) {
		const from =
			prev === 0 ? `the list of values starts at ${hex(ptr)}` : `value ${hex(prev)} links to ${hex(ptr)}`;
		if ((ptr & 7) !== 0 || ptr < HEADER_BYTES || ptr >= bytes) {
			fail(address, `${from}, which is not a value address`);
		}
		const h = (ptr - HEADER_BYTES) >>> 2;
		const meta = u32[h + H_META] as number;
		if (meta >>> 24 !== TAG) {
			fail(ptr - HEADER_BYTES, `${from}, which has no Rc header (meta word ${hex(meta)})`);
		}
		if (seen === blocks) {
			fail(
				address,
				`${from}, past the ${blocks} value blocks created and not freed (a cycle, or a wrong counter)`,
			);
		}
		const kindId = meta & KIND_MASK;
		const shape = kinds[kindId];
		if (kindId === 0 || shape === undefined) {
			fail(
				ptr - HEADER_BYTES,
				`value ${hex(ptr)} has kind id ${kindId}, not one of the ${count} kinds recorded`,
			);
		}
		const block = ptr - shape.offset;
		const at = `value ${hex(ptr)} (kind ${kindId})`;
		if (1 << ((meta >>> 16) & 31) !== shape.offset || (meta & 0x600000) !== 0) {
			fail(block, `${at}: meta word ${hex(meta)} does not give its kind's value offset ${shape.offset}`);
		}
		const owner = u32[h + H_SPACE] as number;
		if (owner !== address)
			fail(block, `${at} is in this space's list, but its header names the space ${hex(owner)}`);
		const back = u32[h + H_PREV] as number;
		if (back !== prev) fail(block, `${at} links back to ${hex(back)}, not to ${hex(prev)}`);
		const serial = u32[h + H_SERIAL] as number;
		if (serial === 0) fail(block, `${at} has serial 0, which no value has`);
		if (u32[h + H_CHECK] !== checkWord(address, serial, meta)) {
			fail(
				block,
				`${at}: its check word ${hex(u32[h + H_CHECK] as number)} does not match its space, serial and kind`,
			);
		}
		const strong = u32[h + H_STRONG] as number;
		const weak = u32[h + H_WEAK] as number;
		if (weak === 0) fail(block, `${at} has weak count 0, but a value block is kept by at least one`);
		if ((meta & DROPPING) !== 0) {
			if (strong !== 0 || !space.dropping) {
				fail(block, `${at} is marked as being dropped (strong ${strong}) while no drop hook runs`);
			}
		} else if (strong === 0) droppedSeen++;
		else liveSeen++;
		const room = usable(space, block);
		if (typeof room === "string") fail(block, `${at}: its block is not live: ${room}`);
		if ((room as number) < shape.offset + shape.size) {
			fail(
				block,
				`${at}: its block holds ${room} B, less than the ${shape.offset + shape.size} B of the value`,
			);
		}
		seen++;
		prev = ptr;
		ptr = u32[h + H_NEXT] as number;
	}
	if (seen !== blocks) {
		fail(address, `its list holds ${seen} value blocks, but it counts ${created} created and ${freed} freed`);
	}
	if (liveSeen !== live) fail(address, `liveValues is ${live}, but ${liveSeen} values in its list are live`);
	if (droppedSeen !== dropped) {
		fail(address, `droppedValues is ${dropped}, but ${droppedSeen} values in its list are dropped`);
	}
}
