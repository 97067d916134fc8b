// `npm run local` for real: the built proxy and the system Nginx as child processes, on free ports.
// --check passes on a healthy chain; a chain that stays up serves a client and a chat page until a
// signal; everything it started is gone afterwards, also when the script is killed outright or its
// parent goes; a port that is taken, or held by an earlier chain, gets one line naming it.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, describe, expect, it } from "vitest";
import { stateDir, type ChainState } from "../../scripts/lib/guard.js";
import { OFFLINE_ANSWER } from "../../scripts/lib/offline.js";
import { signalGroup } from "../../scripts/lib/processes.js";
import { SMOKE_REPORT_SCHEMA, type SmokeReport } from "../../scripts/lib/report.js";
import { freePort } from "../../chain/ports.js";
import { nginxBinary } from "../fixtures/nginx.js";
import { pollUntil } from "../../chain/poll.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { startWebDoubleBehind, type WebDouble } from "../fixtures/web.js";
import { chatBody, JSON_HEADERS, send } from "../nginx/client.js";
import { alive, ROOT, runScript, start, type Finished, type Running } from "./run.js";
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

const stateFile = (scriptPid: number) => path.join(stateDir(), `${scriptPid}.json`);
const readState = (scriptPid: number) => JSON.parse(readFileSync(stateFile(scriptPid), "utf8")) as ChainState;

/** Nothing it started is left: the proxy, Nginx's whole process group, their ports, the temp prefix, the state file. */
async function expectAllStopped(run: Finished, p: { proxy: number; http: number }, scriptPid?: number): Promise<void> {
  const { proxy, nginx, prefix } = announced(run.stdout + run.stderr);
  expect(alive(proxy)).toBe(false);
  if (nginx) expect(alive(-nginx)).toBe(false);
  if (prefix) expect(existsSync(prefix)).toBe(false);
  if (scriptPid) expect(existsSync(stateFile(scriptPid))).toBe(false);
  expect(await refuses(p.proxy)).toBe(true);
  expect(await refuses(p.http)).toBe(true);
}

/** The one line said on stop, naming what was stopped. */
function stopLine(out: string): string {
  const { proxy, nginx, prefix } = announced(out);
  return `local: stopped nginx (pid ${nginx}) and its temp dir ${prefix}, the proxy (pid ${proxy}), the offline upstream.`;
}

/** `npm run local` staying up (not --check), resolved once it printed its ready line. */
async function stayUp(args: string[], options: { detached?: boolean; env?: Record<string, string> } = {}): Promise<Running> {
  const local = start("local", ["--web", "builtin", ...args], options);
  running.push(local);
  await local.waitFor(/^Ctrl-C stops everything \(from elsewhere: kill \d+\)\.$/m, "the ready line");
  return local;
}

const validate = new Ajv2020({ strict: true }).compile(SMOKE_REPORT_SCHEMA);

describe.skipIf(!nginxBinary)("npm run local", () => {
  it("`npm run local -- --check` passes: function, nginx and e2e ok for every provider on the offline upstream, then says what it stopped", async () => {
    const p = await ports();
    const run = await runScript("local", ["--check", "--web", "builtin", ...p.args, "--proxy-token", TOKEN], { viaNpm: true });
    expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^upstream +http:\/\/127\.0\.0\.1:\d+ {2}OFFLINE: canned answers for \/v1, \/anthropic and \/google, no real API/m);
    const rows = run.stdout.split("\n").filter((l) => /^(function|web|nginx|dns|tls|e2e)(-\w+)? +(ok|fail|skip) /.test(l));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 2).join(" "))).toEqual([
      "function ok", "function-anthropic ok", "function-google ok", "web skip", "web-anthropic skip", "web-google skip",
      "nginx ok", "nginx-anthropic ok", "nginx-google ok", "dns skip", "tls skip", "e2e ok", "e2e-anthropic ok", "e2e-google ok",
    ]);
    // 19 pieces: OpenAI adds a role chunk, a stop chunk and [DONE]; Anthropic six events around them; Gemini one per piece.
    expect(run.stdout).toMatch(/^nginx +ok +\d+ ms {2}\/ 200 · \/v1 streamed 22 events/m);
    expect(run.stdout).toMatch(/^nginx-anthropic +ok +\d+ ms {2}\/anthropic streamed 25 events/m);
    expect(run.stdout).toMatch(/^nginx-google +ok +\d+ ms {2}\/google streamed 19 events/m);
    expect(run.stdout).toMatch(/^e2e +ok +\d+ ms {2}browser → \/v1 \(no web UI\) streamed 22 events/m);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.at(-2)).toBe("9 ok, 0 failed, 5 skipped");
    expect(lines.at(-1)).toBe(stopLine(run.stdout));
    await expectAllStopped(run, p);
  });

  it("--check --json: the report alone on stdout, valid against the schema; the chain's lines on stderr", async () => {
    const p = await ports();
    const run = await runScript("local", ["--check", "--json", "--web", "builtin", ...p.args, "--proxy-token", TOKEN]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as SmokeReport;
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.target).toMatchObject({
      functionUrl: `http://127.0.0.1:${p.proxy}`,
      siteUrl: `http://127.0.0.1:${p.http}`,
      proxyToken: true,
      serverKeys: ["openai", "anthropic", "google"],
    });
    const chats = report.hops.filter((h) => /^(function|nginx|e2e)/.test(h.hop));
    expect(chats.map((h) => [h.hop, h.status, h.stream?.verdict])).toEqual(
      ["function", "nginx", "e2e"].flatMap((hop) => ["", "-anthropic", "-google"].map((p) => [`${hop}${p}`, "ok", "streamed"])),
    );
    expect(report.hops.filter((h) => h.status === "skip").map((h) => h.hop)).toEqual(["web", "web-anthropic", "web-google", "dns", "tls"]);
    expect(run.stderr).toMatch(/^nginx +http:\/\/127\.0\.0\.1:\d+ {2}pid \d+/m);
    expect(run.stderr.trimEnd().split("\n").at(-1)).toBe(stopLine(run.stderr));
    await expectAllStopped(run, p);
  });

  it("without a Docker engine, / is the built-in chat page, and it says why not NextChat", async () => {
    const p = await ports();
    const local = start("local", p.args, { env: { DOCKER_HOST: "unix:///nonexistent/docker.sock" } });
    running.push(local);
    const link = (await local.waitFor(/^Open the chat: {2}(http:\/\/\S+)$/m, "the chat link"))[1]!;
    const key = (await local.waitFor(/^ {2}API key {3}(\S+)$/m, "the key"))[1]!;
    expect(local.stdout()).toMatch(
      /^web UI {4}the built-in chat page \(web\/chat\.html\) at \/; NextChat would run in Docker, but no Docker engine answers at unix:\/\/\/nonexistent\/docker\.sock$/m,
    );
    expect(link).toBe(`http://127.0.0.1:${p.http}/#key=${key}`);
    const page = await fetch(`http://127.0.0.1:${p.http}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toBe(readFileSync(path.join(ROOT, "web", "chat.html"), "utf8"));
    expect((await fetch(`http://127.0.0.1:${p.http}/chat.html`)).status).toBe(404);
  });

  it("--web nextchat without a Docker engine fails saying why, and stops the proxy it had started", async () => {
    const p = await ports();
    const run = await runScript("local", ["--web", "nextchat", ...p.args], { env: { DOCKER_HOST: "unix:///nonexistent/docker.sock" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("local: --web nextchat: no Docker engine answers at unix:///nonexistent/docker.sock\n");
    const { proxy } = announced(run.stdout);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(`local: stopped the proxy (pid ${proxy}), the offline upstream.`);
    expect(alive(proxy)).toBe(false);
  });

  // A terminal's Ctrl-C signals the whole foreground group; this runs the script as npm does, minus npm.
  it("stays up and serves an OpenAI client with what it printed; Ctrl-C (SIGINT to the group) stops everything, exit 130", async () => {
    const p = await ports();
    const local = await stayUp(p.args, { detached: true });
    const base = (await local.waitFor(/^ {2}base URL {2}(\S+)$/m, "the base URL"))[1]!;
    const key = (await local.waitFor(/^ {2}API key {3}(\S+)$/m, "the key"))[1]!;
    expect(base).toBe(`http://127.0.0.1:${p.http}/v1`);

    const chat = await send(`${base}/chat/completions`, { body: chatBody({ stream: true }), headers: { ...JSON_HEADERS, authorization: `Bearer ${key}` } }).done();
    expect(chat.status).toBe(200);
    expect(chat.events.at(-1)).toBe("[DONE]");
    await local.waitFor(/^proxy │ \{.*"path":"\/v1\/chat\/completions","status":200/m, "the proxy's log line for the chat");

    // Claude's and Gemini's official clients at the base URLs it printed, with the same key.
    const anthropic = (await local.waitFor(/^ {2}Anthropic +base URL (\S+) +API key (\S+)$/m, "Anthropic's base URL")).slice(1);
    const google = (await local.waitFor(/^ {2}Google Gemini +base URL (\S+) +API key (\S+)$/m, "Gemini's base URL")).slice(1);
    expect(anthropic).toEqual([`http://127.0.0.1:${p.http}/anthropic`, key]);
    expect(google).toEqual([`http://127.0.0.1:${p.http}/google`, key]);
    const claude = await new Anthropic({ apiKey: key, baseURL: anthropic[0], maxRetries: 0 }).messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      messages: [{ role: "user", content: "Hello" }],
      stream: true,
    });
    let claudeText = "";
    for await (const event of claude) if (event.type === "content_block_delta" && event.delta.type === "text_delta") claudeText += event.delta.text;
    expect(claudeText).toBe(OFFLINE_ANSWER.join(""));
    const gemini = await new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: google[0] } }).models.generateContentStream({ model: "gemini-2.5-flash", contents: "Hello" });
    let geminiText = "";
    for await (const piece of gemini) geminiText += piece.text ?? "";
    expect(geminiText).toBe(OFFLINE_ANSWER.join(""));

    process.kill(-local.child.pid!, "SIGINT");
    const run = await local.finished;
    expect(run.code).toBe(130);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(stopLine(run.stdout));
    await expectAllStopped(run, p, local.child.pid);
  });

  it.skipIf(!existsSync("/usr/bin/script"))("Ctrl-C in a real terminal through `npm run local`: everything stops, and the shell sees 130", async () => {
    const p = await ports();
    // util-linux `script` gives npm a terminal; a ^C written to it is the terminal's interrupt key.
    const command = ["npm", "run", "local", "--", "--web", "builtin", ...p.args].join(" ");
    const terminal = spawn("script", ["--quiet", "--return", "--command", command, "/dev/null"], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    terminal.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (/Ctrl-C stops everything/.test(out) && !terminal.stdin.writableEnded) terminal.stdin.end("\x03");
    });
    const code = await new Promise<number | null>((resolve) => terminal.once("close", (status) => resolve(status)));
    const text = out.replace(/\r/g, "");
    expect(code, text).toBe(130);
    expect(text).toContain(stopLine(text));
    await expectAllStopped({ code, signal: null, stdout: text, stderr: "" }, p);
  });

  it.each([
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)("%s to the script stops everything it started, exit %i; a token given with --proxy-token is never printed", async (signal, code) => {
    const p = await ports();
    const local = await stayUp([...p.args, "--proxy-token", TOKEN]);
    expect(local.stdout()).toMatch(/^ {2}API key {3}<the --proxy-token you gave>$/m);
    expect(local.stdout()).toMatch(/^Open the chat: {2}http:\/\/127\.0\.0\.1:\d+\/ {2}\(enter the API key below\)$/m);
    local.child.kill(signal);
    const run = await local.finished;
    expect(run.code).toBe(code);
    expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(stopLine(run.stdout));
    await expectAllStopped(run, p, local.child.pid);
  });

  it("SIGKILL to the script: its watchdog stops Nginx and the proxy, removes the temp dir and the state file, and says so", async () => {
    const p = await ports();
    const local = await stayUp(p.args);
    const scriptPid = local.child.pid!;
    const { proxy, nginx, prefix } = announced(local.stdout());
    expect(readState(scriptPid)).toMatchObject({ pid: scriptPid, ports: { "--proxy-port": p.proxy, "--http-port": p.http } });
    local.child.kill("SIGKILL");
    // The watchdog writes to the script's stderr, so the pipe closes only once it is done.
    const run = await local.finished;
    expect(run.signal).toBe("SIGKILL");
    expect(run.stderr).toContain(
      `local: the script (pid ${scriptPid}) ended without stopping its chain; the watchdog stopped nginx (pid ${nginx}) and its temp dir ${prefix}, the proxy (pid ${proxy}).`,
    );
    await expectAllStopped(run, p, scriptPid);
  });

  it("when its parent dies (npm killed outright, say), it stops everything itself", async () => {
    const p = await ports();
    // A shell that waits for the script (`; true` keeps it from exec-ing it), killed as npm might be.
    const command = [process.execPath, "--import", "tsx", "scripts/local.ts", "--web", "builtin", ...p.args].join(" ");
    const parent = spawn("sh", ["-c", `${command}; true`], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    for (const stream of [parent.stdout, parent.stderr]) stream.on("data", (d: Buffer) => (out += d.toString()));
    const closed = new Promise((resolve) => parent.stdout.once("close", resolve));
    await pollUntil(() => /Ctrl-C stops everything/.test(out), "the ready line", 20_000);
    parent.kill("SIGKILL");
    await closed;
    expect(out).toMatch(/^local: its parent process \(pid \d+\) is gone; stopping everything\.$/m);
    expect(out.trimEnd().split("\n").at(-1)).toBe(stopLine(out));
    await expectAllStopped({ code: null, signal: null, stdout: out, stderr: "" }, p);
  });

  it("when the proxy dies on its own, says so, stops Nginx too and exits 1", async () => {
    const p = await ports();
    const local = await stayUp([...p.args, "--proxy-token", TOKEN]);
    process.kill(announced(local.stdout()).proxy, "SIGKILL");
    const run = await local.finished;
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("local: the proxy stopped on its own (signal SIGKILL); stopping everything.");
    await expectAllStopped(run, p, local.child.pid);
  });

  it.each([
    ["--http-port", "http"],
    ["--proxy-port", "proxy"],
  ] as const)("a port in use (%s): one line naming it and the option that changes it; nothing started", async (option, which) => {
    const p = await ports();
    const squatter = net.createServer().listen(p[which], "127.0.0.1");
    try {
      const run = await runScript("local", ["--check", ...p.args, "--proxy-token", TOKEN]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(`local: 127.0.0.1:${p[which]} (${option}) is already in use by another program: stop it, or choose another port with ${option} PORT\n`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it("an earlier chain still running on the ports is named: its pid and how to stop it", async () => {
    const p = await ports();
    const first = await stayUp(p.args);
    const run = await runScript("local", ["--check", ...p.args]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      new RegExp(
        `^local: 127\\.0\\.0\\.1:${p.proxy} \\(--proxy-port\\) is already in use by an earlier npm run local \\(pid ${first.child.pid}, started \\d\\d:\\d\\d:\\d\\d UTC\\), ` +
          `still running: stop it with Ctrl-C in its terminal or kill ${first.child.pid}, or choose another port with --proxy-port PORT\\n$`,
      ),
    );
  });

  it("what an earlier chain left running when its script and watchdog were both killed is named, with the kill line", async () => {
    const p = await ports();
    const first = await stayUp(p.args);
    const scriptPid = first.child.pid!;
    const { proxy, nginx, prefix } = announced(first.stdout());
    process.kill(readState(scriptPid).watchdog!, "SIGKILL");
    first.child.kill("SIGKILL");
    await first.finished;
    try {
      const run = await runScript("local", ["--check", ...p.args]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(
          `^local: 127\\.0\\.0\\.1:${p.proxy} \\(--proxy-port\\) is already in use by what an earlier npm run local \\(pid ${scriptPid}, started \\d\\d:\\d\\d:\\d\\d UTC, now gone\\) left running: ` +
            `the proxy \\(pid ${proxy}\\), nginx \\(pid ${nginx}\\) and its temp dir ${prefix}; stop them with kill ${proxy} ${nginx}, or choose another port with --proxy-port PORT\\n$`,
        ),
      );
    } finally {
      signalGroup(proxy, "SIGKILL");
      signalGroup(nginx!, "SIGKILL");
      rmSync(prefix!, { recursive: true, force: true });
      rmSync(stateFile(scriptPid), { force: true });
    }
  });

  it("--web puts a web UI behind /: the web hop and e2e go through NextChat with the access code", async () => {
    const p = await ports();
    // NextChat as deployed: each provider's URL the proxy's, its key the proxy token, an access code required.
    web = await startWebDoubleBehind(`http://127.0.0.1:${p.proxy}`, {
      codes: [SECRETS.accessCode],
      apiKey: TOKEN,
      anthropicApiKey: TOKEN,
      googleApiKey: TOKEN,
      hideUserApiKey: true,
    });
    const run = await runScript("local", ["--check", "--json", ...p.args, "--proxy-token", TOKEN, "--web", web.url, "--access-code", SECRETS.accessCode]);
    expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as SmokeReport;
    expect(report.hops.filter((h) => h.status !== "ok").map((h) => [h.hop, h.status])).toEqual([["dns", "skip"], ["tls", "skip"]]);
    expect(report.hops).toHaveLength(14);
    expect(report.hops.find((h) => h.hop === "e2e")!.detail).toMatch(/^browser → NextChat streamed 22 events/);
    expect(report.hops.find((h) => h.hop === "e2e-anthropic")!.detail).toMatch(/^browser → NextChat streamed 25 events/);
    expect(report.hops.find((h) => h.hop === "nginx")!.detail).toMatch(/^\/ 200 · \/v1 streamed/);
    const viaNginx = web.requests.filter((r) => r.url === "/api/openai/v1/chat/completions").at(-1)!;
    expect(viaNginx.headers.host).toBe(`127.0.0.1:${p.http}`);
    await expectAllStopped(run, p);
  });

  it("a --proxy-token that starts with '-' is taken as the value, and printed nowhere", async () => {
    const p = await ports();
    const token = `-${SECRETS.proxyToken}`;
    const run = await runScript("local", ["--check", "--web", "builtin", ...p.args, "--proxy-token", token]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(SECRETS.proxyToken);
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
    const run = await runScript("local", ["--check", "--json", "--web", "builtin", ...p.args, "--proxy-token", TOKEN, "--upstream", upstream.url, ...args], { env });
    expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`upstream  ${upstream.url}  key from ${from}, held by the proxy`);
    const chats = upstream.requests.filter((r) => r.url === "/v1/chat/completions");
    expect(chats).toHaveLength(3);
    expect(chats.every((r) => r.headers.authorization === `Bearer ${SECRETS.apiKey}`)).toBe(true);
  });
});

describe.skipIf(!nginxBinary)("npm run local with the real APIs", () => {
  it("ANTHROPIC_API_KEY: Claude's route goes to Anthropic's API with the key held by the proxy; Gemini's without a key takes the caller's", async () => {
    const upstream = await startUpstream({ apiKey: SECRETS.apiKey });
    try {
      const p = await ports();
      const env = { OPENAI_API_KEY: SECRETS.apiKey, ANTHROPIC_API_KEY: SECRETS.anthropicKey };
      // --only function: nothing is asked of the real APIs from here.
      const args = ["--check", "--json", "--web", "builtin", ...p.args, "--proxy-token", TOKEN, "--upstream", upstream.url, "--only", "function"];
      const run = await runScript("local", args, { env });
      expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain("upstream  https://api.anthropic.com  (/anthropic) key from ANTHROPIC_API_KEY, held by the proxy");
      expect(run.stderr).toContain("upstream  https://generativelanguage.googleapis.com  (/google) no key: clients send <their key>:<proxy token>");
      expect((JSON.parse(run.stdout) as SmokeReport).target.serverKeys).toEqual(["openai", "anthropic"]);
    } finally {
      await upstream.close();
    }
  });
});

describe("npm run local usage", () => {
  it.each([
    [["--proxy-port", "70000"], '--proxy-port: expected a whole number from 1 to 65535; got "70000"'],
    [["--proxy-port", "8080"], "--proxy-port and --http-port: both are 8080; give different ports"],
    [["--web-port", "9000"], "--proxy-port and --web-port: both are 9000; give different ports"],
    [["--json"], "--json: only with --check (without it the chain stays up and prints no report)"],
    [["--proxy-token", "short"], "--proxy-token: expected at least 16 visible ASCII characters, no spaces (it travels in a header); got 5 characters (not shown)"],
    // The proxy's own rule (contract.ts): a token it would refuse at start is refused here first.
    [["--proxy-token", "a token with spaces in it"], "--proxy-token: expected at least 16 visible ASCII characters, no spaces (it travels in a header); got a space or a character that is not visible ASCII (not shown)"],
    [["--proxy-token"], "--proxy-token: expected a value after it; see local --help"],
    [["--upstream", "api.openai.com"], '--upstream: expected an http:// or https:// URL; got "api.openai.com"'],
    [["--web", "next"], '--web: expected builtin, nextchat, or an http:// or https:// URL; got "next"'],
    [["--check", "--only", "nginx,bogus"], '--only: unknown hop "bogus"; allowed: function, function-anthropic, function-google, web, web-anthropic, web-google, nginx, nginx-anthropic, nginx-google, dns, tls, e2e, e2e-anthropic, e2e-google'],
    [["--nginx", "/nonexistent/nginx"], '--nginx: "/nonexistent/nginx" is not an executable file; give the path of an nginx binary, or leave --nginx out to use the one on PATH'],
    [["--check=yes"], "--check: takes no value; see local --help"],
    [["--proxy-tokn", "-abc0123456789abcdef"], 'local: unknown argument "--proxy-tokn"; see local --help'],
    [["--check", "sk-0123456789abcdef"], "local: unexpected argument number 2 (not shown: it may be a secret); options start with --; see local --help"],
  ])("%j: exit 2 and one sentence, nothing started", async (args, message) => {
    const run = await runScript("local", args);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(message);
    expect(run.stdout).toBe("");
  });

  it.each([["-h"], ["--help"]])("%s: the usage on stdout, exit 0", async (flag) => {
    const run = await runScript("local", [flag]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run local -- \[options\]\n/);
  });
});
