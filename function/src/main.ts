// Entry point of the bundle (function/dist/index.mjs): environment → config → server on HOST:PORT.
// A configuration error ends the process at once with the reason on stderr, so a misconfigured
// function fails its first invocation visibly instead of relaying without protection.
import { ConfigError, loadConfig } from "./config.js";
import { eventLine } from "./log.js";
import { createProxy } from "./server.js";

// Whoever reads the log can go away (a closed pipe): the proxy then serves on without its log, rather
// than die of the EPIPE the next line would raise. Likewise for stderr.
let logging = true;
process.stdout.on("error", () => (logging = false));
process.stderr.on("error", () => {});
const log = (line: string) => {
  if (logging) process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`gptsite proxy: ${err.message}\n`);
    process.exit(2);
  }
  const proxy = createProxy(config, { log, collectGarbage: exposedGc() });
  await proxy.listen(config.port, config.host);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(eventLine("stopped", { signal, graceful: false }));
      process.exit(1);
    }
    stopping = true;
    log(eventLine("stopping", { signal }));
    void proxy.shutdown().then(() => {
      log(eventLine("stopped", { signal, graceful: true }));
      process.exit(0);
    });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** V8's `gc`, exposed by the small-memory flags (limits.ts): the young generation (~40 µs), or everything. */
function exposedGc(): ((full: boolean) => void) | undefined {
  const gc = (globalThis as { gc?: (options?: { type: "minor" }) => void }).gc;
  return gc && ((full) => (full ? gc() : gc({ type: "minor" })));
}

main().catch((err: unknown) => {
  process.stderr.write(`gptsite proxy: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
