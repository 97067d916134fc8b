// --billing: OpenAI's old balance endpoints. Said plainly when the upstream no longer offers them to
// API keys (OpenAI's "session key" answer), or shown when an upstream still does.
import http from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { SmokeReport } from "../../scripts/lib/report.js";
import { startProxy, type InProcessProxy } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { runScript } from "./run.js";
import { leakedSecrets, SECRETS } from "./stack.js";

// OpenAI's answer to an API key since 2023 (quoted in client issues, e.g. Grt1228/chatgpt-java#196).
const SESSION_ONLY =
  "Your request to GET /v1/dashboard/billing/subscription must be made with a session key (that is, it can only be made from the browser). You made it with the following key type: secret.";

let upstream: TestUpstream | undefined;
let proxy: InProcessProxy | undefined;
let server: http.Server | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  if (server) await new Promise((resolve) => server!.close(resolve));
  proxy = upstream = server = undefined;
});

async function billing(functionUrl: string, extra: string[] = []): Promise<SmokeReport["billing"]> {
  const run = await runScript("smoke", ["--function-url", functionUrl, "--proxy-token", SECRETS.proxyToken, "--only", "function", "--billing", "--json", ...extra]);
  expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
  const report = JSON.parse(run.stdout) as SmokeReport;
  // Billing informs; it never fails the run.
  expect(run.code).toBe(report.exitCode);
  return report.billing;
}

describe("--billing", () => {
  it("says plainly that OpenAI no longer gives the balance to API keys", async () => {
    upstream = await startUpstream({ apiKey: SECRETS.apiKey, scenario: { error: { status: 403, message: SESSION_ONLY, type: "server_error" } } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: SECRETS.proxyToken, OPENAI_API_KEY: SECRETS.apiKey });
    const report = await billing(proxy.url);
    expect(report).toEqual({
      status: "unavailable",
      detail: "OpenAI no longer answers these to API keys: they need a browser session on platform.openai.com. See https://platform.openai.com/usage",
      endpoints: [
        { path: "/v1/dashboard/billing/subscription", status: 403, note: "session key only (browser), not API keys" },
        { path: "/v1/dashboard/billing/usage", status: 403, note: "session key only (browser), not API keys" },
        { path: "/dashboard/billing/subscription", status: 404, note: "the proxy relays /v1/ only" },
        { path: "/dashboard/billing/usage", status: 404, note: "the proxy relays /v1/ only" },
      ],
    });
    const asked = upstream.requests.map((r) => r.url.split("?")[0]);
    expect(asked).toContain("/v1/dashboard/billing/usage");
    expect(upstream.requests.find((r) => r.url.startsWith("/v1/dashboard/billing/usage"))!.url).toMatch(/\?start_date=\d{4}-\d{2}-01&end_date=\d{4}-\d{2}-\d{2}$/);
  });

  it("an upstream without them at all: unavailable, with what each answered", async () => {
    upstream = await startUpstream({ apiKey: SECRETS.apiKey });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: SECRETS.proxyToken, OPENAI_API_KEY: SECRETS.apiKey });
    const report = await billing(proxy.url);
    expect(report!.status).toBe("unavailable");
    expect(report!.detail).toBe("the upstream does not offer balance endpoints (see endpoints for what each answered)");
    expect(report!.endpoints[0]).toEqual({
      path: "/v1/dashboard/billing/subscription",
      status: 404,
      note: "HTTP 404: invalid_request_error: Invalid URL (GET /v1/dashboard/billing/subscription)",
    });
  });

  it("an upstream that still offers them: the hard limit and this month's usage", async () => {
    server = http.createServer((req, res) => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      const body = path.endsWith("/subscription") ? { hard_limit_usd: 120 } : path.endsWith("/usage") ? { total_usage: 342 } : { status: "ok" };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const report = await billing(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    expect(report!.status).toBe("offered");
    expect(report!.detail).toMatch(/^balance: hard limit \$120\.00, used \$3\.42 since \d{4}-\d{2}-01$/);
  });
});
