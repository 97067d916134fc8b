#!/usr/bin/env -S npx --no-install tsx
// npm run local -- --help
// The whole chain on this machine: upstream (offline unless a key is given) → the built proxy →
// the system Nginx; prints what to point a client at and stays up until Ctrl-C, or with --check runs
// the smoke hops against it and exits with their status. Everything it started is stopped on exit.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chalk, spinner } from "zx";
import { build, needsBuild } from "./lib/build.ts";
import { EXIT, spinnerAllowed, UsageError } from "./lib/cli.ts";
import { clientHelp, nginxMissingOutcome } from "./lib/local-print.ts";
import { LOCAL_HELP, parseLocalArgs } from "./lib/local-args.ts";
import { startLocalChain } from "./lib/local.ts";
import { Teardown } from "./lib/teardown.ts";
import { smokeAndPrint } from "./lib/present.ts";
import { Redactor } from "./lib/secrets.ts";
import { smokeSettings } from "./lib/smoke-args.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const redactor = new Redactor();
const teardown = new Teardown();
let toStderr = false;
const say = (line) => (toStderr ? process.stderr : process.stdout).write(`${redactor.mask(line)}\n`);

let stopping = false;
async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  await teardown.run();
  process.exit(exitCode);
}

try {
  const args = parseLocalArgs(process.argv.slice(2), process.env);
  if (args.help) {
    process.stdout.write(LOCAL_HELP);
    process.exit(EXIT.ok);
  }
  const { options } = args;
  toStderr = options.flags.json === true;
  const settings = await smokeSettings(options.flags);
  for (const secret of [options.proxyToken, options.accessCode, options.upstream.key]) redactor.add(secret);
  // Ctrl-C or a kill is the normal end of a chain that stays up; it interrupts a --check.
  process.on("SIGINT", () => void stopAll(options.check ? 130 : EXIT.ok));
  process.on("SIGTERM", () => void stopAll(options.check ? 143 : EXIT.ok));

  if (await needsBuild(root)) {
    say("building the proxy (npm run build) …");
    await (spinnerAllowed(toStderr) ? spinner("npm run build", () => build(root)) : build(root));
  }
  const chain = await startLocalChain(root, options, { say, proxyLog: options.check ? undefined : (line) => say(`proxy │ ${line}`) }, teardown);

  if (options.check) {
    const report = await smokeAndPrint(chain.target, settings, {
      alsoMask: [chain.upstreamKey],
      ...(chain.nginxMissing ? { preset: nginxMissingOutcome(chain.nginxMissing, process.env) } : {}),
    });
    await stopAll(report.exitCode);
  } else {
    // The generated token is this run's own and the user needs it; one given with --proxy-token stays masked.
    process.stdout.write(`${clientHelp(chain, options)}\n`);
    const why = await chain.died;
    if (!stopping) {
      say(chalk.red(`local: ${why}; stopping everything.`));
      await stopAll(EXIT.failed);
    }
  }
} catch (err) {
  const usage = err instanceof UsageError;
  process.stderr.write(`${chalk.red(redactor.mask(usage ? err.message : `local: ${err?.message ?? err}`))}\n`);
  await stopAll(usage ? EXIT.usage : EXIT.failed);
}
