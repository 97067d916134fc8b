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
import { describeTiming } from "../../scripts/lib/stream.js";
import { runScript, type Finished } from "./run.js";
import { CHUNKS, leakedSecrets, SECRETS, startMiniStack, type MiniStack } from "./stack.js";

/** The timing part of a hop's detail, as smoke words it. */
const timing = (h: HopResult) => describeTiming(h.stream!);

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

async function outputsFile(outputs: object): Promise<string> {
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

/** The chat hops, each provider's after OpenAI's, in chain order. */
const ALL_HOPS = [
  "function", "function-anthropic", "function-google", "web", "web-anthropic", "web-google",
  "nginx", "nginx-anthropic", "nginx-google", "dns", "tls", "e2e", "e2e-anthropic", "e2e-google",
];
const CHAT_HOPS = ALL_HOPS.filter((h) => h !== "dns" && h !== "tls");
/** `data:` events per chat: OpenAI adds a role chunk, a stop chunk and [DONE]; Anthropic six events around the deltas; Gemini one per piece. */
const EVENTS = { openai: CHUNKS.length + 3, anthropic: CHUNKS.length + 6, google: CHUNKS.length };
const providerOf = (hop: string) => (hop.split("-")[1] ?? "openai") as keyof typeof EVENTS;

describe.skipIf(!nginxBinary)("npm run smoke on a healthy stack", () => {
  it("passes every chat hop of every provider, skips dns and tls for a local site, and prints the table", async () => {
    stack = await startMiniStack();
    const run = await runScript("smoke", ["--outputs", await outputsFile(stack.outputs)], { viaNpm: true });
    expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^hop\s+result\s+time\s+detail$/);
    expect(lines.slice(1, 15).map((l) => l.split(/\s+/).slice(0, 2).join(" "))).toEqual(
      ALL_HOPS.map((h) => `${h} ${h === "dns" || h === "tls" ? "skip" : "ok"}`),
    );
    expect(lines.at(-1)).toBe("12 ok, 0 failed, 2 skipped");
  });

  it("leaves out the hops of a provider the stack holds no key for, and says why when --only names one", async () => {
    stack = await startMiniStack({ openaiOnly: true });
    const { report } = await smokeJson(["--outputs", await outputsFile(stack.outputs)]);
    expect(report.hops.map((h) => [h.hop, h.status])).toEqual([
      ["function", "ok"], ["web", "ok"], ["nginx", "ok"], ["dns", "skip"], ["tls", "skip"], ["e2e", "ok"],
    ]);
    const named = await smokeJson(["--outputs", await outputsFile(stack.outputs), "--only", "function-anthropic,nginx-google"]);
    expect(named.report.hops).toEqual([
      { hop: "function-anthropic", status: "skip", ms: expect.any(Number), detail: "the stack holds no Anthropic key (anthropicApiKey); --anthropic-key KEY checks its routes with yours" },
      { hop: "nginx-google", status: "skip", ms: expect.any(Number), detail: "the stack holds no Google Gemini key (googleApiKey); --google-key KEY checks its routes with yours" },
    ]);
  });

  it("--anthropic-key checks Claude's routes with the caller's own key, sent as <key>:<token> and swapped by the proxy", async () => {
    stack = await startMiniStack({ openaiOnly: true });
    // A key the upstream takes, that this stack's proxy does not hold.
    const own = SECRETS.anthropicKey;
    const { report, hop } = await smokeJson(["--outputs", await outputsFile(stack.outputs), "--anthropic-key", own, "--only", "function-anthropic"]);
    expect(report.target).toMatchObject({ anthropicKey: true, serverKeys: ["openai"] });
    expect(hop("function-anthropic")).toMatchObject({ status: "ok", stream: { verdict: "streamed" } });
    // The proxy holds no Anthropic key here: the caller's own went upstream, the token stayed behind.
    expect(stack.upstream.requests.filter((r) => r.provider === "anthropic").map((r) => r.key)).toEqual([own]);
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
      serverKeys: ["openai", "anthropic", "google"],
      proxyToken: true,
      accessCode: true,
      apiKey: false,
      anthropicKey: false,
      googleKey: false,
    });
    expect(report.hops.map((h) => h.hop)).toEqual(ALL_HOPS);
    for (const name of CHAT_HOPS) {
      expect(hop(name).status, name).toBe("ok");
      expect(hop(name).stream, name).toMatchObject({ events: EVENTS[providerOf(name)], verdict: "streamed" });
    }
    const words = CHUNKS.join("").slice(0, 24);
    expect(hop("function").detail).toBe(`healthz ok · chat ${timing(hop("function"))} "${words}…"`);
    expect(hop("function-anthropic").detail).toBe(`chat ${timing(hop("function-anthropic"))} "${words}…"`);
    expect(hop("web").detail).toMatch(/^config ok \(needCode true\) · chat streamed 12 events/);
    expect(hop("web-google").detail).toMatch(/^chat streamed 9 events/);
    expect(hop("nginx").detail).toMatch(/^\/ 200 · \/v1 streamed 12 events/);
    expect(hop("nginx-anthropic").detail).toMatch(/^\/anthropic streamed 15 events/);
    expect(hop("nginx-google").detail).toMatch(/^\/google streamed 9 events/);
    for (const name of ["e2e", "e2e-anthropic", "e2e-google"]) expect(hop(name).detail).toMatch(/^browser → NextChat streamed/);
    expect(hop("dns")).toMatchObject({ status: "skip", detail: "127.0.0.1 is not a name public DNS serves" });
    expect(hop("tls")).toMatchObject({ status: "skip", detail: "siteUrl is plain http: no certificate to check" });

    // What crossed the wire: the access code reached NextChat, the token the proxy, each provider's key
    // its API in its own header, on its own path.
    const seen = (provider: string) => stack!.upstream.requests.filter((r) => r.provider === provider);
    expect(seen("openai").map((r) => [r.url, r.headers.authorization])).toEqual(Array(4).fill(["/v1/chat/completions", `Bearer ${SECRETS.apiKey}`]));
    expect(seen("anthropic").map((r) => [r.url, r.headers["x-api-key"]])).toEqual(Array(4).fill(["/v1/messages", SECRETS.anthropicKey]));
    expect(seen("google").map((r) => [r.url, r.headers["x-goog-api-key"]])).toEqual(
      Array(4).fill([`/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, SECRETS.googleKey]),
    );
    for (const route of ["/api/openai/v1/chat/completions", "/api/anthropic/v1/messages", "/api/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"]) {
      const viaWeb = stack.web.requests.filter((r) => r.url === route);
      expect(viaWeb.map((r) => r.headers.authorization), route).toEqual([`Bearer nk-${SECRETS.accessCode}`, `Bearer nk-${SECRETS.accessCode}`]);
      expect(viaWeb[1]!.headers).toMatchObject({ origin: stack.nginx.httpUrl, "accept-encoding": "gzip" });
    }
  });

  it("--only runs the named hops alone, in chain order", async () => {
    stack = await startMiniStack();
    const { report } = await smokeJson(["--outputs", await outputsFile(stack.outputs), "--only", "e2e,function"]);
    expect(report.hops.map((h) => [h.hop, h.status])).toEqual([["function", "ok"], ["e2e", "ok"]]);
    expect(report.summary).toEqual({ ok: 2, fail: 0, skip: 0 });
  });
});

describe.skipIf(!nginxBinary)("each broken hop is detected and named", () => {
  it("proxy stopped: every chat hop of every provider fails (NextChat's HTTP 200 error body is read), with the reason", async () => {
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
    expect(hop("nginx-anthropic").detail).toMatch(/^\/anthropic \/anthropic\/v1\/messages: HTTP 502 upstream_unreachable: Nginx: /);
    expect(hop("web-google").detail).toMatch(/^chat \/api\/google\/v1beta\/models\/gemini-2\.5-flash:streamGenerateContent: HTTP 200 connect ECONNREFUSED/);
    expect(report.summary).toEqual({ ok: 0, fail: 12, skip: 2 });
  });

  it("Nginx buffering event streams (buffering on, X-Accel-Buffering ignored, gzip on them): the nginx and e2e hops of every provider fail as buffered", async () => {
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
    for (const name of CHAT_HOPS.filter((h) => /^(nginx|e2e)/.test(h))) {
      const events = EVENTS[providerOf(name)];
      expect(hop(name).status, name).toBe("fail");
      expect(hop(name).stream, name).toMatchObject({ events, verdict: "buffered" });
      expect(hop(name).detail).toMatch(new RegExp(`buffered: all ${events} events came in one burst after \\d+ ms \\(largest gap \\d+ ms < 10\\) \\(gzip on an event stream\\)`));
    }
    // The hops that bypass Nginx still stream.
    for (const name of CHAT_HOPS.filter((h) => /^(function|web)/.test(h))) expect(hop(name).status, name).toBe("ok");
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
