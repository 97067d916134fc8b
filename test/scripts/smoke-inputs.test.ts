// Where smoke's target comes from (`pulumi stack output`, a saved file, flags) and its exit status
// on bad usage: 2, with one sentence naming the flag, the value and what is allowed.
import { chmod, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SmokeReport } from "../../scripts/lib/report.js";
import { runScript } from "./run.js";
import { leakedSecrets, SECRETS } from "./stack.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "gptsite-smoke-inputs-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Outputs of a stack whose hosts refuse connections (port 9 on loopback), so hops fail fast. */
const OUTPUTS = {
  siteUrl: "https://chat.example.test:9",
  functionUrl: "http://127.0.0.1:9",
  webUrl: "http://127.0.0.1:9",
  hostIp: "127.0.0.1",
  accessCodes: `${SECRETS.accessCode},another`,
  proxyToken: SECRETS.proxyToken,
  serverKeys: ["openai", "google"],
};

/** A `pulumi` on PATH that records its arguments and prints the outputs (or fails like pulumi does). */
async function fakePulumi(behaviour: "outputs" | "no-stack"): Promise<{ env: Record<string, string>; args: () => Promise<string[]> }> {
  const bin = await mkdtemp(path.join(dir, "bin-"));
  await writeFile(path.join(bin, "outputs.json"), JSON.stringify(OUTPUTS));
  const body =
    behaviour === "outputs"
      ? `cat "${bin}/outputs.json"`
      : `echo "error: no stack named 'nope' found" >&2; exit 255`;
  await writeFile(path.join(bin, "pulumi"), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${bin}/args"\n${body}\n`);
  await chmod(path.join(bin, "pulumi"), 0o755);
  return {
    env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` },
    args: async () => (await readFile(path.join(bin, "args"), "utf8")).trimEnd().split("\n"),
  };
}

async function report(args: string[], env?: Record<string, string>): Promise<SmokeReport> {
  const run = await runScript("smoke", [...args, "--json", "--timeout", "5"], { env });
  expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as SmokeReport;
}

describe("smoke inputs", () => {
  it("--stack runs `pulumi stack output --json --show-secrets --stack NAME`, the name passed as one argument", async () => {
    const pulumi = await fakePulumi("outputs");
    const name = "dev; echo pwned";
    const r = await report(["--stack", name, "--only", "function"], pulumi.env);
    expect(await pulumi.args()).toEqual(["stack", "output", "--json", "--show-secrets", "--stack", name]);
    expect(r.target).toEqual({
      functionUrl: OUTPUTS.functionUrl,
      webUrl: OUTPUTS.webUrl,
      siteUrl: OUTPUTS.siteUrl,
      domain: "chat.example.test",
      hostIp: "127.0.0.1",
      serverKeys: OUTPUTS.serverKeys,
      proxyToken: true,
      accessCode: true,
      apiKey: false,
      anthropicKey: false,
      googleKey: false,
    });
    expect(r.hops).toEqual([{ hop: "function", status: "fail", ms: expect.any(Number), detail: "connection refused at 127.0.0.1:9 (ECONNREFUSED)" }]);
  });

  it("--outputs reads the same JSON; flags override single outputs", async () => {
    const file = path.join(dir, "outputs.json");
    await writeFile(file, JSON.stringify(OUTPUTS));
    const r = await report(["--outputs", file, "--domain", "other.example.test", "--host-ip", "10.0.0.1", "--only", "dns", "--resolver", "127.0.0.1:9"]);
    expect(r.target).toMatchObject({ siteUrl: OUTPUTS.siteUrl, domain: "other.example.test", hostIp: "10.0.0.1" });
  });

  it("exit 1 when a hop failed, with the table on stdout", async () => {
    const run = await runScript("smoke", ["--function-url", "http://127.0.0.1:9", "--only", "function"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^function +fail +\d+ ms {2}connection refused at 127\.0\.0\.1:9 \(ECONNREFUSED\)$/m);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("0 ok, 1 failed, 0 skipped");
  });

  it("--help prints the usage with examples and exits 0", async () => {
    const run = await runScript("smoke", ["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run smoke -- \[inputs\] \[options\]/);
    expect(run.stdout).toContain("npm run smoke -- --stack dev");
  });

  it.each([
    [["--only", "dns"], "smoke: nothing to check; give --stack NAME, --outputs FILE, or at least one of --function-url, --web-url, --site-url (see --help)"],
    [["--site-url", "http://x.test", "--only", "dns,web,fnction"], '--only: unknown hop "fnction"; allowed: function, function-anthropic, function-google, web, web-anthropic, web-google, nginx, nginx-anthropic, nginx-google, dns, tls, e2e, e2e-anthropic, e2e-google'],
    [["--site-url", "ftp://x.test"], '--site-url: expected an http:// or https:// URL; got "ftp://x.test"'],
    [["--site-url", "http://x.test", "--host-ip", "chat.example.com"], '--host-ip: expected an IPv4 or IPv6 address; got "chat.example.com"'],
    [["--site-url", "http://x.test", "--timeout", "soon"], '--timeout: expected a number from 0.1 to 3600; got "soon"'],
    [["--site-url", "http://x.test", "--resolver", "dns.google"], '--resolver: expected IP or IP:PORT (IPv6 as [IP]:PORT), e.g. 223.5.5.5 or 127.0.0.1:5353; got "dns.google"'],
    [["--site-url", "http://x.test", "--sight-url", "y"], 'smoke: unknown argument "--sight-url"; see smoke --help'],
    [["--stack", "dev", "--outputs", "o.json"], "smoke: give --stack NAME or --outputs FILE, not both"],
    [["--outputs", "/nonexistent/o.json"], "--outputs: cannot read /nonexistent/o.json: ENOENT"],
    [["--site-url", "http://x.test", "--ca", "/nonexistent/ca.pem"], "--ca: cannot read /nonexistent/ca.pem: ENOENT"],
  ])("bad usage %j: exit 2 and one sentence", async (args, message) => {
    const run = await runScript("smoke", args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim()).toBe(message);
  });

  it("a failing `pulumi stack output` is bad usage, with pulumi's own reason", async () => {
    const pulumi = await fakePulumi("no-stack");
    const run = await runScript("smoke", ["--stack", "nope"], { env: pulumi.env });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe("--stack nope: pulumi stack output failed: error: no stack named 'nope' found");
  });

  it("no Pulumi CLI: bad usage that says to install it or use --outputs", async () => {
    // A PATH with only what the script itself needs (node for tsx, bash for zx), so no pulumi.
    const bin = await mkdtemp(path.join(dir, "nopulumi-"));
    await symlink(process.execPath, path.join(bin, "node"));
    await symlink("/bin/bash", path.join(bin, "bash"));
    const run = await runScript("smoke", ["--stack", "dev"], { env: { PATH: bin } });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      "--stack dev: pulumi stack output failed: the Pulumi CLI is not installed (https://www.pulumi.com/docs/iac/download-install/); or save the outputs elsewhere and pass --outputs FILE",
    );
  });

  it("a serverKeys output that lists no providers is refused, naming it", async () => {
    const file = path.join(dir, "keys.json");
    await writeFile(file, JSON.stringify({ ...OUTPUTS, serverKeys: "openai" }));
    const run = await runScript("smoke", ["--outputs", file]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`--outputs ${file}: output serverKeys should list providers (openai, anthropic, google); got "openai"`);
  });

  it("outputs exported without --show-secrets are refused, naming the output", async () => {
    const file = path.join(dir, "masked.json");
    await writeFile(file, JSON.stringify({ ...OUTPUTS, proxyToken: "[secret]" }));
    const run = await runScript("smoke", ["--outputs", file]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`--outputs ${file}: output proxyToken is masked as "[secret]"; export it with --show-secrets`);
  });

  it("a secret given on the command line is masked even in a usage error", async () => {
    const run = await runScript("smoke", ["--proxy-token", SECRETS.proxyToken, "--function-url", `ftp://${SECRETS.proxyToken}`]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('--function-url: expected an http:// or https:// URL; got "ftp://****"');
  });
});
