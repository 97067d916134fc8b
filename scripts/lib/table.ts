// The report for people: one row per hop (result, ms, detail), the billing answer, the totals.
import { chalk } from "zx";
import { HOPS, type HopResult, type HopStatus, type SmokeReport } from "./report.js";

const MARK: Record<HopStatus, (s: string) => string> = {
  ok: (s) => chalk.green(s),
  fail: (s) => chalk.red(s),
  skip: (s) => chalk.yellow(s),
};

/** Wide enough for the longest hop name (`function-anthropic`) and a space. */
const HOP_WIDTH = Math.max(...HOPS.map((hop) => hop.length)) + 1;

export function hopRow(r: HopResult): string {
  return `${r.hop.padEnd(HOP_WIDTH)}${MARK[r.status](r.status.padEnd(7))}${`${r.ms} ms`.padStart(9)}  ${r.detail}`;
}

export function tableHeader(): string {
  return chalk.bold(`${"hop".padEnd(HOP_WIDTH)}${"result".padEnd(7)}${"time".padStart(9)}  detail`);
}

/** Billing, when asked for, and the totals. */
export function tableFooter(report: SmokeReport): string {
  const lines: string[] = [];
  if (report.billing) {
    lines.push("", `billing  ${report.billing.status}: ${report.billing.detail}`);
    for (const e of report.billing.endpoints) lines.push(`${" ".repeat(9)}${e.path} → ${e.status ?? "-"} ${e.note}`);
  }
  const { ok, fail, skip } = report.summary;
  const total = `${ok} ok, ${fail} failed, ${skip} skipped`;
  lines.push("", fail > 0 ? chalk.red(total) : chalk.green(total));
  return lines.join("\n");
}
