// `npm run smoke` against a miniature stack on real processes: every hop passes on a healthy one,
// and each broken hop is detected and named. The report is checked against its JSON Schema.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SMOKE_REPORT_SCHEMA, type HopResult, type SmokeReport } from "../../scripts/lib/report.js";
import { nginxBinary } from "../fixtures/nginx.js";
import { startProxy } from "../../chain/proxy.js";
import { send } from "../nginx/client.js";
import { runScript, type Finished } from "./run.js";
import { leakedSecrets, SECRETS, startMiniStack, type MiniStack } from "./stack.js";

const validate = new Ajv2020({ strict: true, allErrors: true }).compile(SMOKE_REPORT_SCHEMA);

let dir: string;
let stack: MiniStack | undefined;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "gptsite-smoke-test-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function outputsFile(outputs: Record<string, string>): Promise<string> {
  const file = path.join(dir, `outputs-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(outputs));
  return file;
}

/** Runs smoke --json, checks the report against the schema and that no secret was printed. */
async function smokeJson(args: string[]): Promise<{ run: Finished; report: SmokeReport; hop: (name: string) => HopResult }> {
  const run = await runScript("smoke", [...args, "--json"]);
  expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
  const report = JSON.parse(run.stdout) as SmokeReport;
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  expect(run.code).toBe(report.exitCode);
  return { run, report, hop: (name) => report.hops.find((h) => h.hop === name)! };
}

describe.skipIf(!nginxBinary)("npm run smoke on a healthy stack", () => {
  it("passes function, web, nginx and e2e, skips dns and tls for a local site, and prints the table", async () => {
    stack = await startMiniStack();
    const run = await runScript("smoke", ["--outputs", await outputsFile(stack.outputs)], { viaNpm: true });
    expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^hop\s+result\s+time\s+detail$/);
    expect(lines.slice(1, 7).map((l) => l.split(/\s+/).slice(0, 2).join(" "))).toEqual([
      "function ok", "web ok", "nginx ok", "dns skip", "tls skip", "e2e ok",
    ]);
    expect(lines.at(-1)).toBe("4 ok, 0 failed, 2 skipped");
  });

  it("--json: every hop's result, the stream timings, and the target without its secrets", async () => {
    stack = await startMiniStack();
    const { report, hop } = await smokeJson(["--outputs", await outputsFile(stack.outputs)]);
    expect(report.exitCode).toBe(0);
    expect(report.target).toEqual({
      functionUrl: stack.proxy.url,
      webUrl: stack.web.url,
      siteUrl: stack.nginx.httpUrl,
      domain: "127.0.0.1",
      hostIp: "127.0.0.1",
      proxyToken: true,
      accessCode: true,
      apiKey: false,
    });
    expect(report.hops.map((h) => h.hop)).toEqual(["function", "web", "nginx", "dns", "tls", "e2e"]);
    for (const name of ["function", "web", "nginx", "e2e"]) {
      expect(hop(name).status).toBe("ok");
      expect(hop(name).stream).toMatchObject({ events: 9, verdict: "streamed" });
    }
    expect(hop("function").detail).toMatch(/^healthz ok · chat streamed 9 events over \d+ ms \(first at \d+ ms, largest gap \d+ ms\) "Hello from the test upst…"$/);
    expect(hop("web").detail).toMatch(/^config ok \(needCode true\) · chat streamed 9 events/);
    expect(hop("nginx").detail).toMatch(/^\/ 200 · \/v1 streamed 9 events/);
    expect(hop("e2e").detail).toMatch(/^browser → NextChat streamed 9 events/);
    expect(hop("dns")).toMatchObject({ status: "skip", detail: "127.0.0.1 is not a name public DNS serves" });
    expect(hop("tls")).toMatchObject({ status: "skip", detail: "siteUrl is plain http: no certificate to check" });

    // What crossed the wire: the access code reached NextChat, the token the proxy, the key the upstream.
    const chats = stack.upstream.requests.filter((r) => r.url === "/v1/chat/completions");
    expect(chats).toHaveLength(4);
    expect(chats.every((r) => r.headers.authorization === `Bearer ${SECRETS.apiKey}`)).toBe(true);
    const viaWeb = stack.web.requests.filter((r) => r.url === "/api/openai/v1/chat/completions");
    expect(viaWeb.map((r) => r.headers.authorization)).toEqual([`Bearer nk-${SECRETS.accessCode}`, `Bearer nk-${SECRETS.accessCode}`]);
    expect(viaWeb[1]!.headers).toMatchObject({ origin: stack.nginx.httpUrl, "accept-encoding": "gzip" });
  });

  it("--only runs the named hops alone, in chain order", async () => {
    stack = await startMiniStack();
    const { report } = await smokeJson(["--outputs", await outputsFile(stack.outputs), "--only", "e2e,function"]);
    expect(report.hops.map((h) => [h.hop, h.status])).toEqual([["function", "ok"], ["e2e", "ok"]]);
    expect(report.summary).toEqual({ ok: 2, fail: 0, skip: 0 });
  });
});

describe.skipIf(!nginxBinary)("each broken hop is detected and named", () => {
  it("proxy stopped: function and e2e fail (NextChat's HTTP 200 error body is read), with the reason", async () => {
    stack = await startMiniStack();
    await stack.proxy.close();
    const { report, hop } = await smokeJson(["--outputs", await outputsFile(stack.outputs)]);
    expect(report.exitCode).toBe(1);
    expect(hop("function")).toMatchObject({ status: "fail", detail: `connection refused at ${new URL(stack.outputs.functionUrl!).host} (ECONNREFUSED)` });
    expect(hop("e2e").status).toBe("fail");
    // The NextChat double answers as NextChat does: HTTP 200, the error in the body.
    expect(hop("e2e").detail).toMatch(/^browser → NextChat \/api\/openai\/v1\/chat\/completions: HTTP 200 connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(hop("web").detail).toMatch(/^config ok \(needCode true\) · chat \/api\/openai\/v1\/chat\/completions: HTTP 200 connect ECONNREFUSED/);
    expect(hop("nginx").detail).toMatch(/^\/ 200 · \/v1 \/v1\/chat\/completions: HTTP 502 upstream_unreachable: Nginx: /);
    expect(report.summary).toEqual({ ok: 0, fail: 4, skip: 2 });
  });

  it("Nginx buffering event streams (buffering on, X-Accel-Buffering ignored, gzip on them): nginx and e2e fail as buffered", async () => {
    const gzipOff = /^ {4}gzip off;.*$/m;
    const bufferingOff = /^ {4}proxy_buffering off;.*$/m;
    stack = await startMiniStack({
      edit: (site) => {
        expect(site).toMatch(gzipOff);
        expect(site).toMatch(bufferingOff);
        return site.replace(gzipOff, "").replace(bufferingOff, "    proxy_buffering on;\n    proxy_ignore_headers X-Accel-Buffering;");
      },
      httpLevel: "gzip on;\ngzip_types text/event-stream application/json;\ngzip_proxied any;\ngzip_min_length 1;",
    });

    // Control: this config really holds the answer back. The first byte reaches a gzip-accepting
    // client only after the upstream finished writing the whole (paced) stream.
    const ex = send(`${stack.nginx.httpUrl}/v1/chat/completions`, {
      body: JSON.stringify({ model: "m", stream: true, messages: [] }),
      headers: { "content-type": "application/json", authorization: `Bearer ${SECRETS.proxyToken}`, "accept-encoding": "gzip" },
    });
    await ex.until((x) => x.body.length > 0, "the first body byte");
    expect(stack.upstream.requests.at(-1)!.completed).toBe(true);
    expect(ex.headers["content-encoding"]).toBe("gzip");
    await ex.done();

    const { report, hop } = await smokeJson(["--outputs", await outputsFile(stack.outputs)]);
    expect(report.exitCode).toBe(1);
    for (const name of ["nginx", "e2e"]) {
      expect(hop(name).status).toBe("fail");
      expect(hop(name).stream).toMatchObject({ events: 9, verdict: "buffered" });
      expect(hop(name).detail).toMatch(/buffered: all 9 events came in one burst after \d+ ms \(largest gap \d+ ms < 10\) \(gzip on an event stream\)/);
    }
    // The hops that bypass Nginx still stream.
    expect(hop("function").status).toBe("ok");
    expect(hop("web").status).toBe("ok");
  });

  it("(control) the same request through the unedited site gets its first byte while the upstream is still writing", async () => {
    stack = await startMiniStack({ httpLevel: "gzip on;\ngzip_types text/event-stream;\ngzip_proxied any;\ngzip_min_length 1;" });
    const ex = send(`${stack.nginx.httpUrl}/v1/chat/completions`, {
      body: JSON.stringify({ model: "m", stream: true, messages: [] }),
      headers: { "content-type": "application/json", authorization: `Bearer ${SECRETS.proxyToken}`, "accept-encoding": "gzip" },
    });
    await ex.until((x) => x.body.length > 0, "the first body byte");
    expect(stack.upstream.requests.at(-1)!.completed).toBe(false);
    await ex.done();
  });

  it("a wrong access code: web and e2e fail with NextChat's own message", async () => {
    stack = await startMiniStack();
    const { hop } = await smokeJson(["--outputs", await outputsFile(stack.outputs), "--access-code", "not-the-code", "--only", "web,e2e"]);
    expect(hop("web").detail).toBe("config ok (needCode true) · chat /api/openai/v1/chat/completions: HTTP 401 wrong access code");
    expect(hop("e2e").detail).toBe("browser → NextChat /api/openai/v1/chat/completions: HTTP 401 wrong access code");
  });

  it("a wrong proxy token: function and nginx fail with the proxy's invalid_proxy_token, the token masked", async () => {
    stack = await startMiniStack();
    const wrong = "wrong-token-0123456789";
    const run = await runScript("smoke", ["--outputs", await outputsFile(stack.outputs), "--proxy-token", wrong, "--only", "function,nginx", "--json"]);
    expect(run.stdout).not.toContain(wrong);
    const report = JSON.parse(run.stdout) as SmokeReport;
    expect(report.hops.map((h) => h.status)).toEqual(["fail", "fail"]);
    expect(report.hops[0]!.detail).toBe(
      "healthz ok · chat /v1/chat/completions: HTTP 401 invalid_proxy_token: Missing or wrong proxy token: the credential does not match; send Authorization: Bearer <PROXY_TOKEN>",
    );
  });

  it("a stack without a server key: the upstream's 401 comes with the hint, and --key sends <key>:<token>", async () => {
    stack = await startMiniStack();
    // The proxy as deployed without openaiApiKey: token mode, callers bring their key.
    const tokenOnly = await startProxy({ UPSTREAM_URL: stack.upstream.url, PROXY_TOKEN: SECRETS.proxyToken });
    try {
      const args = ["--function-url", tokenOnly.url, "--proxy-token", SECRETS.proxyToken, "--only", "function"];
      const without = await smokeJson(args);
      expect(without.hop("function").detail).toBe(
        "healthz ok · chat /v1/chat/completions: HTTP 401 invalid_api_key: Incorrect API key provided. (a stack without openaiApiKey takes your own key: --key sk-…)",
      );
      const withKey = await smokeJson([...args, "--key", SECRETS.apiKey]);
      expect(withKey.hop("function").status).toBe("ok");
      expect(withKey.report.target.apiKey).toBe(true);
      expect(stack.upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${SECRETS.apiKey}`);
    } finally {
      await tokenOnly.close();
    }
  });
});
