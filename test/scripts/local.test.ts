// `npm run local` for real: the built proxy and the system Nginx as child processes, on free ports.
// --check passes on a healthy chain; a chain that stays up serves a client until Ctrl-C or SIGTERM;
// everything it started is gone afterwards, also when something fails; a missing Nginx is a skip,
// or a failure in CI.
import { existsSync } from "node:fs";
import net from "node:net";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, describe, expect, it } from "vitest";
import { SMOKE_REPORT_SCHEMA, type SmokeReport } from "../../scripts/lib/report.js";
import { freePort, nginxBinary } from "../fixtures/nginx.js";
import { startUpstream, type TestUpstream } from "../fixtures/upstream.js";
import { startWebDouble, type WebDouble } from "../fixtures/web.js";
import { chatBody, JSON_HEADERS, send } from "../nginx/client.js";
import { alive, runScript, start, type Finished, type Running } from "./run.js";
import { leakedSecrets, SECRETS } from "./stack.js";

const TOKEN = SECRETS.proxyToken;
const running: Running[] = [];
let web: WebDouble | undefined;
afterEach(async () => {
  // A test that failed half-way must not leave a chain running.
  for (const r of running.splice(0)) {
    if (r.child.exitCode === null && r.child.signalCode === null) {
      r.child.kill("SIGTERM");
      await r.finished;
    }
  }
  await web?.close();
  web = undefined;
}, 20_000);

async function ports(): Promise<{ proxy: number; http: number; args: string[] }> {
  const proxy = await freePort();
  const http = await freePort();
  return { proxy, http, args: ["--proxy-port", String(proxy), "--http-port", String(http)] };
}

/** The pids and temp prefix `npm run local` announced. */
function announced(out: string): { proxy: number; nginx?: number; prefix?: string } {
  const proxy = /^proxy +http:\/\/127\.0\.0\.1:\d+ {2}pid (\d+)$/m.exec(out);
  const nginx = /^nginx +http:\/\/127\.0\.0\.1:\d+ {2}pid (\d+), \S+, config (\S+)\/nginx\.conf$/m.exec(out);
  if (!proxy) throw new Error(`no proxy line in:\n${out}`);
  return { proxy: Number(proxy[1]), ...(nginx ? { nginx: Number(nginx[1]), prefix: nginx[2] } : {}) };
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

/** Nothing it started is left: the proxy, Nginx's whole process group, their ports, the temp prefix. */
async function expectAllStopped(run: Finished, p: { proxy: number; http: number }): Promise<void> {
  const { proxy, nginx, prefix } = announced(run.stdout + run.stderr);
  expect(alive(proxy)).toBe(false);
  if (nginx) expect(alive(-nginx)).toBe(false);
  if (prefix) expect(existsSync(prefix)).toBe(false);
  expect(await refuses(p.proxy)).toBe(true);
  expect(await refuses(p.http)).toBe(true);
}

/** `npm run local` staying up (not --check), resolved once it printed its ready line. */
async function stayUp(args: string[], options: { detached?: boolean } = {}): Promise<Running> {
  const local = start("local", args, options);
  running.push(local);
  await local.waitFor(/Ctrl-C stops everything\./, "the ready line");
  return local;
}

const validate = new Ajv2020({ strict: true }).compile(SMOKE_REPORT_SCHEMA);

describe.skipIf(!nginxBinary)("npm run local", () => {
  it("`npm run local -- --check` passes: function, nginx and e2e ok on the offline upstream, then everything stops", async () => {
    const p = await ports();
    const run = await runScript("local", ["--check", ...p.args, "--proxy-token", TOKEN], { viaNpm: true });
    expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^upstream +http:\/\/127\.0\.0\.1:\d+ {2}OFFLINE: canned answers, no OpenAI/m);
    const rows = run.stdout.split("\n").filter((l) => /^(function|web|nginx|dns|tls|e2e) +(ok|fail|skip) /.test(l));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 2).join(" "))).toEqual(["function ok", "web skip", "nginx ok", "dns skip", "tls skip", "e2e ok"]);
    expect(run.stdout).toMatch(/^e2e +ok +\d+ ms {2}browser → \/v1 \(no web UI\) streamed 22 events/m);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("3 ok, 0 failed, 3 skipped");
    await expectAllStopped(run, p);
  });

  it("--check --json: the report alone on stdout, valid against the schema; the chain's lines on stderr", async () => {
    const p = await ports();
    const run = await runScript("local", ["--check", "--json", ...p.args, "--proxy-token", TOKEN]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as SmokeReport;
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.target).toMatchObject({ functionUrl: `http://127.0.0.1:${p.proxy}`, siteUrl: `http://127.0.0.1:${p.http}`, proxyToken: true });
    expect(report.hops.map((h) => [h.hop, h.status, h.stream?.verdict])).toEqual([
      ["function", "ok", "streamed"], ["web", "skip", undefined], ["nginx", "ok", "streamed"],
      ["dns", "skip", undefined], ["tls", "skip", undefined], ["e2e", "ok", "streamed"],
    ]);
    expect(run.stderr).toMatch(/^nginx +http:\/\/127\.0\.0\.1:\d+ {2}pid \d+/m);
    await expectAllStopped(run, p);
  });

  // A terminal's Ctrl-C signals the whole foreground group. (Through `npm run`, npm then ends by the
  // signal itself whatever the script's status, so this runs the script as npm would, minus npm.)
  it("stays up and serves an OpenAI client with what it printed; Ctrl-C (SIGINT to the group) stops everything, exit 0", async () => {
    const p = await ports();
    const local = await stayUp(p.args, { detached: true });
    const base = (await local.waitFor(/^ {2}base URL {2}(\S+)$/m, "the base URL"))[1]!;
    const key = (await local.waitFor(/^ {2}API key {3}(\S+)$/m, "the key"))[1]!;
    expect(base).toBe(`http://127.0.0.1:${p.http}/v1`);

    const chat = await send(`${base}/chat/completions`, { body: chatBody({ stream: true }), headers: { ...JSON_HEADERS, authorization: `Bearer ${key}` } }).done();
    expect(chat.status).toBe(200);
    expect(chat.events.at(-1)).toBe("[DONE]");
    await local.waitFor(/^proxy │ \{.*"path":"\/v1\/chat\/completions","status":200/m, "the proxy's log line for the chat");

    process.kill(-local.child.pid!, "SIGINT");
    const run = await local.finished;
    expect(run.code).toBe(0);
    await expectAllStopped(run, p);
  });

  it("SIGTERM to the script stops everything it started, exit 0; a token given with --proxy-token is never printed", async () => {
    const p = await ports();
    const local = await stayUp([...p.args, "--proxy-token", TOKEN]);
    expect(local.stdout()).toMatch(/^ {2}API key {3}<the --proxy-token you gave>$/m);
    local.child.kill("SIGTERM");
    const run = await local.finished;
    expect(run.code).toBe(0);
    expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
    await expectAllStopped(run, p);
  });

  it("when the proxy dies on its own, says so, stops Nginx too and exits 1", async () => {
    const p = await ports();
    const local = await stayUp([...p.args, "--proxy-token", TOKEN]);
    process.kill(announced(local.stdout()).proxy, "SIGKILL");
    const run = await local.finished;
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("local: the proxy stopped on its own (signal SIGKILL); stopping everything.");
    await expectAllStopped(run, p);
  });

  it("when Nginx cannot start (its port is taken), says why, stops the proxy and exits 1", async () => {
    const p = await ports();
    const squatter = net.createServer().listen(p.http, "127.0.0.1");
    try {
      const run = await runScript("local", ["--check", ...p.args, "--proxy-token", TOKEN]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^local: nginx exited \(code 1, signal null\) before accepting:/);
      expect(run.stderr).toMatch(/bind\(\) to 127\.0\.0\.1:\d+ failed \(98: Address already in use\)/);
      expect(alive(announced(run.stdout).proxy)).toBe(false);
      expect(await refuses(p.proxy)).toBe(true);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it("--web puts a web UI behind /: the web hop and e2e go through NextChat with the access code", async () => {
    const p = await ports();
    // NextChat as deployed: BASE_URL is the proxy, its key the proxy token, an access code required.
    web = await startWebDouble({ baseUrl: `http://127.0.0.1:${p.proxy}`, codes: [SECRETS.accessCode], apiKey: TOKEN, hideUserApiKey: true });
    const run = await runScript("local", ["--check", "--json", ...p.args, "--proxy-token", TOKEN, "--web", web.url, "--access-code", SECRETS.accessCode]);
    expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as SmokeReport;
    expect(report.hops.map((h) => [h.hop, h.status])).toEqual([
      ["function", "ok"], ["web", "ok"], ["nginx", "ok"], ["dns", "skip"], ["tls", "skip"], ["e2e", "ok"],
    ]);
    expect(report.hops.find((h) => h.hop === "e2e")!.detail).toMatch(/^browser → NextChat streamed 22 events/);
    expect(report.hops.find((h) => h.hop === "nginx")!.detail).toMatch(/^\/ 200 · \/v1 streamed/);
    const viaNginx = web.requests.filter((r) => r.url === "/api/openai/v1/chat/completions").at(-1)!;
    expect(viaNginx.headers.host).toBe(`127.0.0.1:${p.http}`);
    await expectAllStopped(run, p);
  });
});

describe.skipIf(!nginxBinary)("npm run local with another upstream", () => {
  let upstream: TestUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  it.each([
    ["--key", (key: string) => ({ args: ["--key", key], env: {} })],
    ["OPENAI_API_KEY", (key: string) => ({ args: [], env: { OPENAI_API_KEY: key } })],
  ])("--upstream URL with the key from %s: the proxy holds the key, clients send the token", async (from, give) => {
    upstream = await startUpstream({ apiKey: SECRETS.apiKey, scenario: { chunkIntervalMs: 20 } });
    const p = await ports();
    const { args, env } = give(SECRETS.apiKey);
    const run = await runScript("local", ["--check", "--json", ...p.args, "--proxy-token", TOKEN, "--upstream", upstream.url, ...args], { env });
    expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`upstream  ${upstream.url}  key from ${from}, held by the proxy`);
    const chats = upstream.requests.filter((r) => r.url === "/v1/chat/completions");
    expect(chats).toHaveLength(3);
    expect(chats.every((r) => r.headers.authorization === `Bearer ${SECRETS.apiKey}`)).toBe(true);
  });
});

describe("npm run local without Nginx", () => {
  it("says so with the install line, still runs the proxy hop, and skips the Nginx hops", async () => {
    const p = await ports();
    const run = await runScript("local", ["--check", ...p.args, "--proxy-token", TOKEN, "--nginx", "/nonexistent/nginx"]);
    expect(run.code).toBe(0);
    const missing = "nginx not found at /nonexistent/nginx; install it: apt-get install -y nginx (Debian/Ubuntu), brew install nginx (macOS)";
    expect(run.stdout).toContain(`nginx     MISSING: ${missing}`);
    expect(run.stdout).toMatch(/^function +ok +\d+ ms {2}healthz ok · chat streamed/m);
    expect(run.stdout).toMatch(new RegExp(`^nginx +skip +\\d+ ms {2}${escape(missing)}$`, "m"));
    expect(run.stdout).toMatch(new RegExp(`^e2e +skip +\\d+ ms {2}${escape(missing)}$`, "m"));
    await expectAllStopped(run, p);
  });

  it("in CI (CI set) a missing Nginx is a failure: exit 1", async () => {
    const p = await ports();
    const run = await runScript("local", ["--check", ...p.args, "--proxy-token", TOKEN, "--nginx", "/nonexistent/nginx"], { env: { CI: "true" } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^nginx +fail +\d+ ms {2}nginx not found at \/nonexistent\/nginx; .* \(in CI a missing Nginx is a failure\)$/m);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("1 ok, 2 failed, 3 skipped");
    await expectAllStopped(run, p);
  });
});

describe("npm run local usage", () => {
  it.each([
    [["--proxy-port", "70000"], '--proxy-port: expected a whole number from 1 to 65535; got "70000"'],
    [["--proxy-port", "8080"], "--proxy-port and --http-port: both are 8080; give two different ports"],
    [["--json"], "--json: only with --check (without it the chain stays up and prints no report)"],
    [["--proxy-token", "short"], "--proxy-token: expected 16 or more characters without ':' (the proxy splits <key>:<token> at the last ':')"],
    [["--upstream", "api.openai.com"], '--upstream: expected an http:// or https:// URL; got "api.openai.com"'],
    [["--check", "--only", "nginx,bogus"], '--only: unknown hop "bogus"; allowed: function, web, nginx, dns, tls, e2e'],
  ])("%j: exit 2 and one sentence, nothing started", async (args, message) => {
    const run = await runScript("local", args);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(message);
    expect(run.stdout).toBe("");
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
