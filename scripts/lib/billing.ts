// --billing: the balance endpoints older OpenAI clients (and the seed of this project) call. OpenAI
// turned them off for API keys in 2023: they answer "must be made with a session key (that is, it
// can only be made from the browser)". This says so plainly, or shows the balance when an upstream
// still offers them.
import { open, parseJson, readText } from "./http.js";
import type { BillingReport } from "./report.js";
import { bodyError } from "./dialects.js";
import { apiAuthHeaders, join, type HopContext } from "./hops/hop.js";
import { isDockerAlias } from "./net.js";

export const USAGE_PAGE = "https://platform.openai.com/usage";

export async function checkBilling(ctx: HopContext): Promise<BillingReport> {
  const { functionUrl, siteUrl, hostIp } = ctx.target;
  const viaFunction = functionUrl && !isDockerAlias(functionUrl);
  const base = viaFunction ? functionUrl : siteUrl;
  const authorization = apiAuthHeaders(ctx.target, "openai")?.authorization;
  if (!base || !authorization) return { status: "error", detail: "needs a function or site URL and a proxy token or key", endpoints: [] };
  const reach = { ...(!viaFunction && hostIp ? { address: hostIp } : {}), ...(ctx.settings.ca ? { ca: ctx.settings.ca } : {}) };

  const month = monthSoFar(new Date());
  const paths = [
    "/v1/dashboard/billing/subscription",
    `/v1/dashboard/billing/usage?start_date=${month.start}&end_date=${month.end}`,
    "/dashboard/billing/subscription",
    `/dashboard/billing/usage?start_date=${month.start}&end_date=${month.end}`,
  ];
  const endpoints: BillingReport["endpoints"] = [];
  let limitUsd: number | undefined;
  let usedUsd: number | undefined;
  for (const path of paths) {
    try {
      const res = await open(join(base, path), { ...reach, headers: { authorization }, signal: ctx.step() });
      const text = await readText(res, ctx.step());
      const json = parseJson(text) as { hard_limit_usd?: unknown; total_usage?: unknown } | undefined;
      if (res.statusCode === 200 && typeof json?.hard_limit_usd === "number") limitUsd ??= json.hard_limit_usd;
      if (res.statusCode === 200 && typeof json?.total_usage === "number") usedUsd ??= json.total_usage / 100;
      endpoints.push({ path: path.split("?")[0]!, status: res.statusCode ?? null, note: note(res.statusCode ?? 0, text) });
    } catch (err) {
      endpoints.push({ path: path.split("?")[0]!, status: null, note: (err as Error).message });
    }
  }

  if (limitUsd !== undefined || usedUsd !== undefined) {
    const parts = [limitUsd !== undefined ? `hard limit $${limitUsd.toFixed(2)}` : "", usedUsd !== undefined ? `used $${usedUsd.toFixed(2)} since ${month.start}` : ""];
    return { status: "offered", detail: `balance: ${parts.filter(Boolean).join(", ")}`, endpoints };
  }
  if (endpoints.some((e) => e.note.startsWith(SESSION_ONLY))) {
    return {
      status: "unavailable",
      detail: `OpenAI no longer answers these to API keys: they need a browser session on platform.openai.com. See ${USAGE_PAGE}`,
      endpoints,
    };
  }
  if (endpoints.every((e) => e.status === null)) return { status: "error", detail: `could not ask: ${endpoints[0]?.note}`, endpoints };
  return { status: "unavailable", detail: "the upstream does not offer balance endpoints (see endpoints for what each answered)", endpoints };
}

const SESSION_ONLY = "session key only";

function note(status: number, text: string): string {
  const error = bodyError(text);
  if (status === 200 && !error) return "answered";
  if (error && /session key/i.test(error)) return `${SESSION_ONLY} (browser), not API keys`;
  if (error && /proxy_error/.test(text) && status === 404) return "the proxy relays /v1/ only";
  return `HTTP ${status}${error ? `: ${error}` : ""}`;
}

function monthSoFar(now: Date): { start: string; end: string } {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(now.getTime() + 86_400_000);
  return { start: day(start), end: day(end) };
}
