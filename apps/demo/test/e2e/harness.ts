/**
 * What the end-to-end test needs around the page: a production build through Vite's JS API, a preview
 * server on a free port of 127.0.0.1, and Debian's Chromium driven by playwright-core (never a browser
 * download).
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { build, type InlineConfig, type PreviewServer, preview } from "vite";

export const DEMO_DIR: string = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
export const CHROMIUM_PATH = "/usr/bin/chromium";

export const CHROMIUM_ARGS: readonly string[] = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
];

/** Fails with instructions instead of skipping: CI must install the browser, not quietly pass. */
export function requireChromium(path: string = CHROMIUM_PATH): void {
	if (!existsSync(path)) {
		throw new Error(
			`The demo's end-to-end test needs Debian's Chromium at ${path}, which is missing. ` +
				"Install it with `apt-get install -y chromium` (the README's `pnpm test` does, through tools/ensure-system-deps.sh); the test never downloads a browser.",
		);
	}
}

export interface ServedPage {
	readonly url: string;
	readonly outDir: string;
	close(): Promise<void>;
}

/**
 * Builds the page into a fresh temporary directory (so a concurrent `pnpm build` of the demo is not
 * disturbed) and serves it with `vite preview`, which applies vite.config.ts as `pnpm preview` does.
 */
export async function buildAndServe(): Promise<ServedPage> {
	const outDir = await mkdtemp(join(tmpdir(), "offheap-demo-e2e-"));
	const shared: InlineConfig = {
		root: DEMO_DIR,
		configFile: join(DEMO_DIR, "vite.config.ts"),
		logLevel: "warn",
	};
	let server: PreviewServer | undefined;
	try {
		await build({ ...shared, build: { outDir, emptyOutDir: true } });
		server = await preview({
			...shared,
			build: { outDir },
			preview: { host: "127.0.0.1", port: 0, strictPort: false },
		});
		const address = server.httpServer.address();
		if (address === null || typeof address === "string")
			throw new Error("vite preview did not listen on a port");
		const running = server;
		return {
			url: `http://127.0.0.1:${address.port}/`,
			outDir,
			close: async () => {
				await running.close();
				await rm(outDir, { recursive: true, force: true });
			},
		};
	} catch (error) {
		await server?.close();
		await rm(outDir, { recursive: true, force: true });
		throw error;
	}
}

export function launchChromium(): Promise<Browser> {
	requireChromium();
	return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], timeout: 30_000 });
}
