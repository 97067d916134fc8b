#!/usr/bin/env -S npx --no-install tsx
// npm run smoke -- --help
// Checks every hop of a deployed gptsite and prints ok / fail / skip for each; the work is in
// scripts/lib/ (TypeScript, run through tsx, as the npm script does).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chalk } from "zx";
import { EXIT, stringFlag, UsageError } from "./lib/cli.js";
import { smokeAndPrint } from "./lib/present.js";
import { targetSecrets } from "./lib/smoke.js";
import { Redactor } from "./lib/secrets.js";
import { parseSmokeArgs, SMOKE_HELP, smokeSettings, smokeTarget } from "./lib/smoke-args.js";

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const redactor = new Redactor();

try {
  const args = parseSmokeArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(SMOKE_HELP);
  } else {
    for (const secret of ["proxy-token", "access-code", "key", "anthropic-key", "google-key"]) redactor.add(stringFlag(args.flags, secret));
    const settings = await smokeSettings(args.flags);
    const target = await smokeTarget(args.flags, projectDir);
    for (const secret of targetSecrets(target)) redactor.add(secret);
    const report = await smokeAndPrint(target, settings);
    process.exitCode = report.exitCode;
  }
} catch (err) {
  const usage = err instanceof UsageError;
  process.stderr.write(`${chalk.red(redactor.mask(usage ? err.message : `smoke: ${(err as Error | undefined)?.message ?? String(err)}`))}\n`);
  process.exitCode = usage ? EXIT.usage : EXIT.failed;
}
