import { describe, expect, it } from "vitest";
import {
	E_ANGLE,
	E_HP,
	E_INDEX,
	E_KIND,
	E_OWNER,
	E_RADIUS,
	E_SPIN,
	E_SPRITE,
	E_TIMER,
	E_VX,
	E_VY,
	E_X,
	E_Y,
	ENTITY_NUMBERS,
	Entity,
	Sprite,
	Timer,
	WorldState,
} from "../src/sim/layouts.ts";

describe("layouts", () => {
	it("keeps an entity's numbers contiguous and in the order spawns stage them", () => {
		expect([E_X, E_Y, E_VX, E_VY, E_ANGLE, E_SPIN, E_RADIUS, E_TIMER]).toEqual(
			Array.from({ length: ENTITY_NUMBERS }, (_, i) => E_X + i),
		);
	});

	it("derives the raw offsets from the struct layout", () => {
		expect(E_X * 8).toBe(Entity.offsetOf("x"));
		expect(E_TIMER * 8).toBe(Entity.offsetOf("timer"));
		expect(E_SPRITE * 4).toBe(Entity.offsetOf("sprite"));
		expect(E_OWNER * 4).toBe(Entity.offsetOf("owner"));
		expect(E_INDEX * 4).toBe(Entity.offsetOf("index"));
		expect(E_KIND).toBe(Entity.offsetOf("kind"));
		expect(E_HP).toBe(Entity.offsetOf("hp"));
	});

	it("lays the structs out as C would", () => {
		expect(Entity.size).toBe(80); // 8 doubles, 3 words, 2 bytes, padded to 8
		expect(Entity.align).toBe(8);
		expect(Timer.size).toBe(16);
		expect(Sprite.size % Sprite.align).toBe(0);
		expect(WorldState.offsetOf("sprites") % 4).toBe(0);
		expect(Entity.toC()).toContain("double x;");
	});
});
