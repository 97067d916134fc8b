// The engine harness: the real Pulumi engine and a Docker engine for the stack suites, with local
// images instead of a registry. `npm run engine:up` / `engine:down` (scripts/engine.ts) and the
// engine suite's global setup (test/engine/setup.ts) use these.
export { engineDown, engineUp, type Engine, type EngineOptions } from "./up.js";
export { configLines, engineProcessEnv, exportLines, shQuote, type EngineEnv, type StackConfig } from "./env.js";
export { installPlugins } from "./plugins.js";
export { engineLayout } from "./layout.js";
export { engineSettings } from "./settings.js";
export { MissingTool } from "./run.js";
