export type { DropHook, RcKindDefinition, RcLeak, RcSpaceOptions, RcStats, ValueType } from "./api.ts";
export {
	downgrade,
	release,
	releaseWeak,
	retain,
	retainWeak,
	strongCount,
	upgrade,
	weakCount,
} from "./raw.ts";
export { Rc } from "./rc.ts";
export { RcKind } from "./rc-kind.ts";
export { RcSpace } from "./rc-space.ts";
export { Weak } from "./weak.ts";
