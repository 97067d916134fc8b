#!/usr/bin/env -S npx --no-install tsx
// npm run local -- --help
// The whole chain on this machine: upstream (offline unless a key is given) → the built proxy →
// the system Nginx, with a chat at /; prints what to open and what to point a client at and stays up
// until Ctrl-C, or with --check runs the smoke hops against it and exits with their status.
// Everything it started is stopped on exit; a watchdog stops it should this process be killed outright.
import { constants } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chalk, spinner } from "zx";
import { findNginx } from "../chain/nginx.js";
import { build, needsBuild } from "./lib/build.js";
import { EXIT, spinnerAllowed, UsageError } from "./lib/cli.js";
import { Guard } from "./lib/guard.js";
import { clientHelp, nginxMissingOutcome, stoppedLine } from "./lib/local-print.js";
import { LOCAL_HELP, parseLocalArgs } from "./lib/local-args.js";
import { startLocalChain } from "./lib/local.js";
import { portProblem } from "./lib/ports.js";
import { Teardown } from "../chain/teardown.js";
import { smokeAndPrint } from "./lib/present.js";
import { Redactor } from "./lib/secrets.js";
import { smokeSettings } from "./lib/smoke-args.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const redactor = new Redactor();
const teardown = new Teardown();
let guard: Guard | undefined;
let toStderr = false;
// A closed terminal (after a hangup) must not turn the stop into a crash.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});
const say = (line: string) => (toStderr ? process.stderr : process.stdout).write(`${redactor.mask(line)}\n`);

let stopping = false;
async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await teardown.run();
  if (guard) {
    guard.close();
    say(stoppedLine(teardown.stopped));
  }
  process.exit(exitCode);
}
// Ctrl-C, kill, a closing terminal: the chain stops in order, and the status names the signal
// (128 + its number, as a shell reports a process it ended).
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stopAll(128 + constants.signals[signal]));
// Its parent (npm, a shell) gone means nobody is left to stop the chain: it stops itself.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid === parent || stopping) return;
  say(`local: its parent process (pid ${parent}) is gone; stopping everything.`);
  void stopAll(EXIT.failed);
}, 500).unref();

try {
  const args = parseLocalArgs(process.argv.slice(2), process.env);
  if (args.help) {
    process.stdout.write(LOCAL_HELP);
    process.exit(EXIT.ok);
  }
  const { options } = args;
  toStderr = options.flags.json === true;
  const settings = await smokeSettings(options.flags);
  const upstreamKeys = options.upstream.kind === "url" ? [options.upstream.key, ...Object.values(options.upstream.others)] : [];
  for (const secret of [options.proxyToken, options.accessCode, ...upstreamKeys]) redactor.add(secret);
  const nginx = options.nginx ?? findNginx();
  const ports = { "--proxy-port": options.proxyPort, ...(nginx ? { "--http-port": options.httpPort } : {}) };
  const taken = await portProblem(ports);
  if (taken) throw new Error(taken);

  if (await needsBuild(root)) {
    say("building the proxy (npm run build) …");
    await (spinnerAllowed(toStderr) ? spinner("npm run build", () => build(root)) : build(root));
  }
  guard = new Guard(ports);
  const proxyLog = options.check ? undefined : (line: string) => say(`proxy │ ${line}`);
  const chain = await startLocalChain(root, options, { say, proxyLog }, { stops: teardown, guard, nginx });
  if (chain.web.kind === "nextchat") redactor.add(chain.web.accessCode);

  if (options.check) {
    const report = await smokeAndPrint(chain.target, settings, {
      alsoMask: Object.values(chain.upstreamKeys),
      ...(chain.nginxMissing ? { preset: nginxMissingOutcome(chain.nginxMissing, process.env) } : {}),
    });
    await stopAll(report.exitCode);
  } else {
    // Printed unmasked: clientHelp shows only a token or code generated for this run, never one given.
    process.stdout.write(`${clientHelp(chain, options)}\n`);
    const why = await chain.died;
    if (!stopping) {
      say(chalk.red(`local: ${why}; stopping everything.`));
      await stopAll(EXIT.failed);
    }
  }
} catch (err) {
  const usage = err instanceof UsageError;
  process.stderr.write(`${chalk.red(redactor.mask(usage ? err.message : `local: ${(err as Error | undefined)?.message ?? String(err)}`))}\n`);
  await stopAll(usage ? EXIT.usage : EXIT.failed);
}
