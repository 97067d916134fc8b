#!/usr/bin/env -S npx --no-install tsx
// npm run engine:up / npm run engine:down -- --help
// The real Pulumi engine and a Docker engine on this machine, with local images: the work is in
// engine/ (TypeScript, run through tsx, as the npm scripts do).
import { chalk } from "zx";
import { configLines, engineDown, engineUp, exportLines } from "../engine/index.js";
import { EXIT, parseFlags, UsageError } from "./lib/cli.js";

const HELP = `Usage: npm run --silent engine:up [-- --config]
       npm run engine:down

engine:up makes this machine ready to run the stacks with the real Pulumi engine and Docker:
  - Pulumi: the \`pulumi\` on PATH, or (none there, or GPTSITE_ENGINE_BUILD set) the CLI, the Node.js
    language host and the dynamic-provider launcher built from Pulumi's Go modules, cached by version;
  - Docker: the engine at DOCKER_HOST or /var/run/docker.sock, or (none answers, or
    GPTSITE_ENGINE_DOCKERD set) a private dockerd run as root (sudo otherwise) under the cache;
  - images, with no registry: a Debian root filesystem from debootstrap, and on it a Node image
    (this machine's node), an Nginx image and a NextChat stand-in.
It prints eval-able lines on stdout (everything else goes to stderr):
  eval "$(npm run --silent engine:up)"      exports PATH, DOCKER_HOST, PULUMI_HOME, PULUMI_BACKEND_URL, …
and, as comments, the \`pulumi config set\` lines that point a stack at the private dockerd and the images.

engine:down stops the private dockerd and removes its run dir; the cache (toolchain, images) stays.

Options:
  --config      engine:up: print only the \`pulumi config set\` lines, as commands
  -h, --help    this text

Environment:
  GPTSITE_ENGINE_CACHE          cache directory (default $XDG_CACHE_HOME/gptsite/engine, or ~/.cache/gptsite/engine)
  GPTSITE_ENGINE_BUILD=1        build the Pulumi toolchain even when pulumi is on PATH
  GPTSITE_ENGINE_DOCKERD=1      run the private dockerd even when a Docker engine answers
  GPTSITE_ENGINE_ADDRESS_POOL   the private dockerd's --default-address-pool (default: a /16 in 10.192.0.0/10)

Exit status: 0 done, 1 something failed (one sentence on stderr says what), 2 bad usage.

Examples:
  eval "$(npm run --silent engine:up)" && pulumi stack init local
  eval "$(npm run --silent engine:up -- --config)"
  npm run engine:down
`;

try {
  const [command, ...rest] = process.argv.slice(2);
  const flags = parseFlags(rest, { string: [], boolean: ["config"] }, "engine");
  if (flags.help || command === "-h" || command === "--help") {
    process.stdout.write(HELP);
  } else if (command === "up") {
    const engine = await engineUp();
    const config = configLines(engine.config);
    const lines = flags.config ? config : [...exportLines(engine), "# Point a stack at this engine:", ...config.map((line) => `# ${line}`)];
    process.stdout.write(`${lines.join("\n")}\n`);
  } else if (command === "down") {
    if (flags.config) throw new UsageError("engine: --config goes with up, not down");
    await engineDown();
  } else {
    throw new UsageError(`engine: expected up or down${command ? `; got ${JSON.stringify(command)}` : ""}; see engine --help`);
  }
} catch (err) {
  const usage = err instanceof UsageError;
  process.stderr.write(`${chalk.red(usage ? err.message : `engine: ${(err as Error | undefined)?.message ?? String(err)}`)}\n`);
  process.exitCode = usage ? EXIT.usage : EXIT.failed;
}
