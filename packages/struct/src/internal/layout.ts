/**
 * The System V x86-64 (and wasm32) layout of a struct or union, exactly as GCC computes it.
 *
 * This follows GCC's `stor-layout.cc` (`layout_decl`, `update_alignment_for_field`, `place_field`,
 * `place_union_field`, `excess_unit_span`) for a target where PCC_BITFIELD_TYPE_MATTERS holds and
 * MS bit-field layout is off. Positions are in bits throughout, as in GCC. Every rule below is pinned
 * by a golden test, and random schemas are compared against the C compiler in the test suite.
 */

/** One member as the layout sees it. */
export interface LayoutField {
	/** `sizeof` and `_Alignof` of the member's type (the declared base type of a bit-field). */
	readonly size: number;
	readonly align: number;
	/** Width of a bit-field; `undefined` for an ordinary member. */
	readonly width: number | undefined;
	/** An unnamed bit-field: it takes space but does not raise the record's alignment. */
	readonly unnamed: boolean;
	/** `__attribute__((packed))` on the member. */
	readonly packed: boolean;
	/** `__attribute__((aligned(n)))` on the member, in bytes; 0 when absent. */
	readonly userAlign: number;
}

/** Options of the record, in bytes; 0 means absent. */
export interface LayoutOptions {
	readonly union: boolean;
	readonly packed: boolean;
	/** `__attribute__((aligned(n)))` on the type. */
	readonly align: number;
	/** `#pragma pack(n)`. */
	readonly pack: number;
}

export interface Placement {
	/** Bit position of the member from the start of the record. */
	readonly bitPos: number;
	/** The member's alignment in bytes after packing and attributes (1 for a bit-field without one). */
	readonly align: number;
}

export interface Layout {
	readonly size: number;
	readonly align: number;
	readonly placements: readonly Placement[];
}

function roundUp(x: number, a: number): number {
	return Math.ceil(x / a) * a;
}

/** GCC's `excess_unit_span`: would `width` bits at `bitPos` span more `unit`s than the type has? */
function excessUnitSpan(bitPos: number, width: number, unit: number, typeBits: number): boolean {
	const offset = bitPos % unit;
	return Math.floor((offset + width + unit - 1) / unit) > typeBits / unit;
}

export function layOut(fields: readonly LayoutField[], options: LayoutOptions): Layout {
	// Everything below is in bits, as in GCC (sizes here stay far below 2^53, so plain numbers do).
	const maxFieldAlign = options.pack * 8;
	let recordAlign = Math.max(8, options.align * 8);
	let bitPos = 0;
	let unionBytes = 0;
	const placements: Placement[] = [];
	for (const f of fields) {
		const typeAlign = f.align * 8;
		const packed = options.packed || f.packed;
		const userAlign = f.userAlign * 8;
		let desired: number;
		const width = f.width;
		if (width !== undefined) {
			if (width === 0) {
				// `T :0` aligns the next member to T, whatever the packing, and never raises the
				// record's alignment (it is unnamed).
				desired = typeAlign;
			} else {
				// A bit-field's own alignment is one bit unless an attribute gives it one.
				desired = userAlign !== 0 ? userAlign : 1;
				if (maxFieldAlign !== 0) desired = Math.min(desired, maxFieldAlign);
				if (!f.unnamed) {
					let implied = typeAlign;
					if (maxFieldAlign !== 0) implied = Math.min(implied, maxFieldAlign);
					else if (packed) implied = Math.min(implied, 8);
					recordAlign = Math.max(recordAlign, desired, implied);
				}
			}
		} else {
			if (userAlign !== 0) desired = packed ? userAlign : Math.max(userAlign, typeAlign);
			else desired = packed ? 8 : typeAlign;
			if (maxFieldAlign !== 0) desired = Math.min(desired, maxFieldAlign);
			recordAlign = Math.max(recordAlign, desired);
		}
		if (options.union) {
			placements.push({ bitPos: 0, align: Math.max(1, desired / 8) });
			unionBytes = Math.max(unionBytes, width === undefined ? f.size : Math.ceil(width / 8));
			continue;
		}
		bitPos = roundUp(bitPos, desired);
		if (width !== undefined && width > 0 && !packed && maxFieldAlign === 0) {
			// A bit-field may not span more storage units of its type than the type itself.
			if (excessUnitSpan(bitPos, width, typeAlign, f.size * 8)) bitPos = roundUp(bitPos, typeAlign);
		}
		placements.push({ bitPos, align: Math.max(1, desired / 8) });
		bitPos += width ?? f.size * 8;
	}
	const align = recordAlign / 8;
	const unpadded = options.union ? unionBytes : Math.ceil(bitPos / 8);
	return { size: roundUp(unpadded, align), align, placements };
}
