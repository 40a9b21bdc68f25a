/**
 * Entry point of the browser front end: collects errors first, then builds the page around the
 * simulation's `createWorld` and publishes the test hook `window.__demo`.
 */
import { createWorld } from "../sim/create-world.ts";
import { configFromQuery } from "./config.ts";
import { DemoApp } from "./demo-app.ts";
import { collectErrors, installTestHook } from "./test-hook.ts";

const errors = collectErrors(window, document.querySelector<HTMLElement>("#errors"));
const app = new DemoApp(document, createWorld, configFromQuery(location.search));
installTestHook(window, app, errors);
app.start();
