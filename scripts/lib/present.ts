// Runs the smoke hops with what the user sees: a spinner while a hop runs (terminals only), each row
// as its hop ends, the totals; or, with --json, the report alone on stdout.
import { spinner } from "zx";
import { spinnerAllowed } from "./cli.js";
import type { HopResult, SmokeReport } from "./report.js";
import { runSmoke, type RunHooks } from "./smoke.js";
import type { SmokeSettings } from "./smoke-args.js";
import { hopRow, tableFooter, tableHeader } from "./table.js";
import type { SmokeTarget } from "./target.js";

export async function smokeAndPrint(
  target: SmokeTarget,
  settings: SmokeSettings,
  extra: Pick<RunHooks, "preset" | "alsoMask"> = {},
): Promise<SmokeReport> {
  const print = (text: string) => process.stdout.write(`${text}\n`);
  const spin = spinnerAllowed(settings.json);
  if (!settings.json) print(tableHeader());
  const report = await runSmoke(target, settings, {
    ...extra,
    ...(spin ? { around: <T>(label: string, run: () => Promise<T>) => spinner(`${label} …`, run) as Promise<T> } : {}),
    ...(settings.json ? {} : { done: (row: HopResult) => print(hopRow(row)) }),
  });
  print(settings.json ? JSON.stringify(report, null, 2) : tableFooter(report));
  return report;
}
