// The report for people: one row per hop (result, ms, detail), the billing answer, the totals.
import { chalk } from "zx";
import type { HopResult, HopStatus, SmokeReport } from "./report.js";

const MARK: Record<HopStatus, (s: string) => string> = {
  ok: (s) => chalk.green(s),
  fail: (s) => chalk.red(s),
  skip: (s) => chalk.yellow(s),
};

export function hopRow(r: HopResult): string {
  return `${r.hop.padEnd(9)}${MARK[r.status](r.status.padEnd(7))}${`${r.ms} ms`.padStart(9)}  ${r.detail}`;
}

export function tableHeader(): string {
  return chalk.bold(`${"hop".padEnd(9)}${"result".padEnd(7)}${"time".padStart(9)}  detail`);
}

/** Billing, when asked for, and the totals. */
export function tableFooter(report: SmokeReport): string {
  const lines: string[] = [];
  if (report.billing) {
    lines.push("", `billing  ${report.billing.status}: ${report.billing.detail}`);
    for (const e of report.billing.endpoints) lines.push(`         ${e.path} → ${e.status ?? "-"} ${e.note}`);
  }
  const { ok, fail, skip } = report.summary;
  const total = `${ok} ok, ${fail} failed, ${skip} skipped`;
  lines.push("", fail > 0 ? chalk.red(total) : chalk.green(total));
  return lines.join("\n");
}
