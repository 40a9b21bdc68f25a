export type {
	AccessOptions,
	ArrayView,
	BitFieldBase,
	BitFieldValue,
	Element,
	FieldInfo,
	FieldInput,
	FieldOptions,
	FieldSpec,
	Fields,
	FieldValue,
	FlexView,
	HeapViews,
	Infer,
	IsAggregate,
	ScalarName,
	Settings,
	StructInput,
	StructOptions,
	StructValue,
	StructView,
	Type,
	TypedArrays,
	TypeKind,
	Unwrap,
	View,
	ViewBase,
	WriteValue,
} from "./api.ts";
export { ArrayType, array, type Tuple } from "./array.ts";
export { BitField, bits, PadBits, padBits } from "./bits.ts";
export { configure } from "./configure.ts";
export {
	describeValue,
	ELEMENT_KIND,
	type ElementArray,
	type ElementViewName,
	elementKind,
	elementNumberRange,
	elementShift,
	elementValueProblem,
	elementView,
	elementViewName,
	isBigIntElement,
	isScalarElement,
} from "./element-kind.ts";
export { ElementValueCheck, elementValueError } from "./element-value-check.ts";
export { Field, field } from "./field.ts";
export { FlexibleArray, flex } from "./flex.ts";
export { heapViews } from "./heap-views.ts";
export { PtrType, ptr } from "./ptr.ts";
export { bool, f32, f64, i8, i16, i32, i64, ScalarType, u8, u16, u32, u64 } from "./scalar.ts";
export { type RecordInput, StructType, struct } from "./struct.ts";
export { type ToCOptions, toC } from "./to-c.ts";
export { type UnionType, union } from "./union.ts";
export { Utf8Type, utf8 } from "./utf8.ts";
