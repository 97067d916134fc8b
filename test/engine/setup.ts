// Global setup of `npm run test:engine`: engine:up once for all engine suites (its time is the cold or
// warm figure of this run), engine:down at the end if this run started the private dockerd. Without
// the tools the engine needs, the suites are skipped with the reason, except in CI, where that fails.
import type { TestProject } from "vitest/node";
import { engineDown, engineUp, MissingTool, type Engine } from "../../engine/index.js";

/** What the suites get through inject("engine"): engine:up's answer, plain data (it crosses into the test workers). */
export type ProvidedEngine = Engine;

declare module "vitest" {
  export interface ProvidedContext {
    engine: { engine?: ProvidedEngine; skip?: string };
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  let engine: Engine;
  try {
    engine = await engineUp();
  } catch (err) {
    if (!(err instanceof MissingTool)) throw err;
    if (process.env.CI) throw new Error(`engine:up: ${err.message}. In CI a missing engine is a failure, not a skip.`);
    console.warn(`[engine] skipping the engine suites: ${err.message}`);
    project.provide("engine", { skip: err.message });
    return undefined;
  }
  project.provide("engine", { engine });
  return async () => {
    if (engine.docker.started) await engineDown();
  };
}
