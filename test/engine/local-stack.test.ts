// The `local` stack (Pulumi.local.yaml: the proxy as a container, no DNS, no TLS) under the real Pulumi
// engine on the engine's dockerd, from the project's root as a user runs it, with a key for each of
// OpenAI, Anthropic and Gemini: pulumi up, smoke of every provider through the real containers, a second
// up that changes nothing, config changes that replace exactly what they should, and destroy leaving
// nothing behind. Steps build on each other, in order.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PulumiStack, ROOT } from "./cli.js";
import { freePort } from "../../chain/ports.js";
import { docker } from "./docker.js";
import { CONTAINERS, changed, dockerObjects, engineStackConfig, inspect, plan, setConfig, sharedUpstream, up, type SharedUpstream } from "./stack.js";

const KEYS = {
  openai: `sk-engine-local-${process.pid}-server-key`,
  anthropic: `sk-ant-engine-local-${process.pid}-one,sk-ant-engine-local-${process.pid}-two`,
  google: `AIza-engine-local-${process.pid}`,
};
/** Every key the upstream takes (a list's items each). */
const ACCEPTED = Object.values(KEYS).flatMap((keys) => keys.split(","));
/** Where each provider's key travels, as the upstream reads it. */
const CHAT = { openai: "/v1/chat/completions", anthropic: "/v1/messages", google: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse" };

interface SmokeReport {
  hops: { hop: string; status: string; detail: string; stream?: { verdict: string; events: number } }[];
}

describe("the local stack under the real engine", () => {
  let stack: PulumiStack;
  let upstream: SharedUpstream;
  let before: Awaited<ReturnType<typeof dockerObjects>>;
  let httpPort: number;

  const smoke = async (): Promise<{ code: number; report: SmokeReport; stderr: string }> => {
    const run = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/smoke.ts", "--stack", stack.name, "--json"], {
      cwd: ROOT,
      env: stack.env,
      timeout: 120_000,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
    );
    return { code: run.code, report: JSON.parse(run.stdout) as SmokeReport, stderr: run.stderr };
  };
  const status = (report: SmokeReport) => Object.fromEntries(report.hops.map((hop) => [hop.hop, hop.status]));

  beforeAll(async () => {
    before = await dockerObjects();
    stack = await new PulumiStack(`local-${process.pid}`).init();
    stack.useStackFile("Pulumi.local.yaml");
    const engine = engineStackConfig();
    httpPort = await freePort();
    upstream = sharedUpstream(`gptsite-engine-upstream-${process.pid}`, engine.proxyImage!, ACCEPTED);
    await setConfig(
      stack,
      { ...engine, hostHttpPort: String(httpPort), upstream: upstream.url, anthropicUpstream: upstream.url, googleUpstream: upstream.url },
      { openaiApiKey: KEYS.openai, anthropicApiKey: KEYS.anthropic, googleApiKey: KEYS.google },
    );
  });

  afterAll(async () => {
    await upstream?.remove();
    // A failed step must not leave the stack's containers on the dockerd for the next suite.
    if (stack) {
      await stack.run(["destroy", "--yes", "--skip-preview"]);
      stack.remove();
    }
  });

  it("pulumi up stands the site up on the dockerd: network, proxy, NextChat and Nginx running", async () => {
    const result = await up(stack);
    console.log(`pulumi up (stack ${stack.name}):\n${result.stdout}`);
    expect(result.stdout).toMatch(/Resources:\n\s+\+ \d+ created/);
    for (const name of Object.values(CONTAINERS)) expect((await inspect(name))?.State.Running, name).toBe(true);
    expect((await inspect(CONTAINERS.web))?.State.Health?.Status).toBe("healthy");
    expect((await inspect(CONTAINERS.proxy))?.State.Health?.Status).toBe("healthy");
    expect((await dockerObjects()).networks).toContain("gptsite");
    // NextChat sends each provider to its mount on the proxy, the proxy token as every key.
    const env = (await inspect(CONTAINERS.web))!.Config.Env;
    expect(env).toEqual(expect.arrayContaining(["BASE_URL=http://gptsite-proxy:9000", "ANTHROPIC_URL=http://gptsite-proxy:9000/anthropic", "GOOGLE_URL=http://gptsite-proxy:9000/google", "HIDE_USER_API_KEY=1"]));
    const token = (name: string) => env.find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1);
    expect(token("ANTHROPIC_API_KEY")).toBe(token("OPENAI_API_KEY"));
    expect(token("GOOGLE_API_KEY")).toBe(token("OPENAI_API_KEY"));
    expect((await inspect(CONTAINERS.proxy))!.Config.Env).toEqual(expect.arrayContaining([`ANTHROPIC_API_KEY=${KEYS.anthropic}`, `GOOGLE_API_KEY=${KEYS.google}`]));
  });

  it("npm run smoke -- --stack passes every hop that applies, for every provider, streaming through the real containers", async () => {
    await upstream.attach();
    const { code, report, stderr } = await smoke();
    const each = (hop: string, result: string) => Object.fromEntries(["", "-anthropic", "-google"].map((p) => [`${hop}${p}`, result]));
    expect(status(report), stderr).toEqual({ ...each("function", "skip"), ...each("web", "ok"), ...each("nginx", "ok"), dns: "skip", tls: "skip", ...each("e2e", "ok") });
    expect(code).toBe(0);
    for (const hop of report.hops.filter((h) => h.stream)) expect(hop.stream?.verdict, hop.hop).toBe("streamed");
    // The keys live in the proxy: NextChat sent the proxy token, the proxy swapped in each provider's key
    // (the first of Anthropic's list), and no client address reached the upstream.
    const seen = await upstream.seen();
    for (const [provider, path] of Object.entries(CHAT) as [keyof typeof KEYS, string][]) {
      const chats = seen.filter((request) => request.provider === provider && request.url === path);
      expect(chats.length, provider).toBeGreaterThanOrEqual(3);
      for (const chat of chats) {
        expect(chat.key, provider).toBe(KEYS[provider].split(",")[0]);
        expect(Object.keys(chat.headers).filter((h) => /forwarded|real-ip|client-ip/.test(h))).toEqual([]);
      }
    }
  });

  it("a second up changes nothing", async () => {
    const preview = await stack.run(["preview", "--expect-no-changes", "--diff"]);
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
  });

  it("access codes given in the config replace NextChat and drop the generated one, nothing else", async () => {
    await setConfig(stack, {}, { accessCodes: "engine-code-one,engine-code-two" });
    expect(changed(await plan(stack))).toEqual([
      "docker:index/container:Container web replace",
      "random:index/randomPassword:RandomPassword credentials-access-code-1 delete",
    ]);
    const web = (await inspect(CONTAINERS.web))!.Id;
    const proxy = (await inspect(CONTAINERS.proxy))!.Id;
    await up(stack);
    expect((await inspect(CONTAINERS.web))!.Id).not.toBe(web);
    expect((await inspect(CONTAINERS.proxy))!.Id).toBe(proxy);
    expect((await inspect(CONTAINERS.web))!.Config.Env).toContain("CODE=engine-code-one,engine-code-two");
    const { report } = await smoke();
    expect(status(report)).toMatchObject({ e2e: "ok", "e2e-anthropic": "ok", "e2e-google": "ok" });
  });

  it("a shorter function timeout replaces the proxy (its env) and Nginx (its read timeout), nothing else", async () => {
    await setConfig(stack, { functionTimeoutSec: "600" });
    expect(changed(await plan(stack))).toEqual([
      "docker:index/container:Container nginx replace",
      "docker:index/container:Container proxy replace",
    ]);
    await up(stack);
    expect((await inspect(CONTAINERS.proxy))!.Config.Env).toContain("UPSTREAM_TIMEOUT_MS=600000");
    const site = await docker(["exec", CONTAINERS.nginx, "cat", "/etc/nginx/conf.d/default.conf"]);
    expect(site).toMatch(/proxy_read_timeout 600s;/);
    await upstream.attach();
    const { code, report } = await smoke();
    expect(status(report)).toMatchObject({ web: "ok", nginx: "ok", e2e: "ok" });
    expect(code).toBe(0);
  });

  it("keeps the keys, the token and the access codes out of the state in plain text", async () => {
    const { stdout } = await stack.ok(["stack", "export"]);
    const outputs = JSON.parse((await stack.ok(["stack", "output", "--json", "--show-secrets"])).stdout) as Record<string, string | string[]>;
    expect(outputs.proxyToken).toMatch(/^\w{16,}$/);
    const token = outputs.proxyToken as string;
    expect(outputs.serverKeys).toEqual(["openai", "anthropic", "google"]);
    for (const secret of [...ACCEPTED, token, "engine-code-one"]) expect(stdout).not.toContain(secret);
  });

  it("pulumi destroy leaves no container, network or volume of the stack", async () => {
    await upstream.remove();
    const result = await stack.ok(["destroy", "--yes", "--skip-preview"]);
    console.log(`pulumi destroy (stack ${stack.name}):\n${result.stdout}`);
    expect(await dockerObjects()).toEqual(before);
  });
});
