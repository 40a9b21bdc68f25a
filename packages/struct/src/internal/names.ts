/**
 * Names of types and fields end up verbatim in C declarations and in generated JavaScript, so they must
 * be plain C identifiers: that keeps `toC()` compilable and makes code generation injection-free.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** C11 keywords, and the typedef names `toC()` itself uses. */
const RESERVED: ReadonlySet<string> = new Set([
	"auto",
	"break",
	"case",
	"char",
	"const",
	"continue",
	"default",
	"do",
	"double",
	"else",
	"enum",
	"extern",
	"float",
	"for",
	"goto",
	"if",
	"inline",
	"int",
	"long",
	"register",
	"restrict",
	"return",
	"short",
	"signed",
	"sizeof",
	"static",
	"struct",
	"switch",
	"typedef",
	"union",
	"unsigned",
	"void",
	"volatile",
	"while",
	"_Alignas",
	"_Alignof",
	"_Atomic",
	"_Bool",
	"_Complex",
	"_Generic",
	"_Imaginary",
	"_Noreturn",
	"_Static_assert",
	"_Thread_local",
	"int8_t",
	"uint8_t",
	"int16_t",
	"uint16_t",
	"int32_t",
	"uint32_t",
	"int64_t",
	"uint64_t",
]);

/** Why `name` cannot be used as a C identifier, or `undefined` when it can. */
export function identifierProblem(name: unknown): string | undefined {
	if (typeof name !== "string") return `expected a string, got ${typeof name}`;
	if (!IDENTIFIER.test(name)) return `${JSON.stringify(name)} is not a C identifier ([A-Za-z_][A-Za-z0-9_]*)`;
	if (RESERVED.has(name)) return `${JSON.stringify(name)} is a C keyword or a name that toC() uses`;
	return undefined;
}

/** Throws a TypeError unless `name` is a usable type name. */
export function checkTypeName(kind: string, name: unknown): asserts name is string {
	const problem = identifierProblem(name);
	if (problem !== undefined) throw new TypeError(`${kind} name: ${problem}`);
}
