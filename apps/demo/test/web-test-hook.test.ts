import { describe, expect, it } from "vitest";
import { collectErrors } from "../src/web/test-hook.ts";

/** A window stand-in: collectErrors only listens for events on it. */
function fakeWindow(): { target: Window; dispatch(type: string, fields: Record<string, unknown>): void } {
	const events = new EventTarget();
	return {
		target: events as unknown as Window,
		dispatch(type, fields) {
			events.dispatchEvent(Object.assign(new Event(type), fields));
		},
	};
}

describe("collectErrors", () => {
	it("records uncaught errors with their class and message", () => {
		const { target, dispatch } = fakeWindow();
		const errors = collectErrors(target, null);
		dispatch("error", { error: new RangeError("bad index 7"), message: "Uncaught RangeError: bad index 7" });
		dispatch("error", { error: null, message: "Script error." });
		expect(errors).toEqual(["RangeError: bad index 7", "Script error."]);
	});

	it("records unhandled rejections, errors or not", () => {
		const { target, dispatch } = fakeWindow();
		const errors = collectErrors(target, null);
		dispatch("unhandledrejection", { reason: new TypeError("no world") });
		dispatch("unhandledrejection", { reason: 42 });
		expect(errors).toEqual(["unhandled rejection: TypeError: no world", "unhandled rejection: 42"]);
	});

	it("shows the newest error in the banner", () => {
		const { target, dispatch } = fakeWindow();
		const banner = { hidden: true, textContent: "" } as HTMLElement;
		collectErrors(target, banner);
		dispatch("error", { error: new Error("boom"), message: "boom" });
		expect(banner.hidden).toBe(false);
		expect(banner.textContent).toBe("Error: Error: boom");
	});

	it("keeps at most 100 messages when a frame throws every time", () => {
		const { target, dispatch } = fakeWindow();
		const errors = collectErrors(target, null);
		for (let i = 0; i < 150; i++) dispatch("error", { error: new Error(`frame ${i}`), message: "" });
		expect(errors.length).toBe(100);
		expect(errors[99]).toBe("Error: frame 99");
	});
});
