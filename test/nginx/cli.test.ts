// npm run nginx:render: the same text as renderSite(), every problem at once (named by flag) and exit 2
// (bad usage, as for every gptsite CLI); --out writes the file.
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCli, USAGE } from "../../nginx/cli.js";
import { renderSite } from "../../nginx/index.js";

const root = path.resolve(import.meta.dirname, "../..");

describe("nginx:render CLI", () => {
  it("prints what renderSite gives for the same options", () => {
    const result = runCli([
      "--server-name", "chat.example.com",
      "--api-upstream", "https://1234567890-abc.ap-singapore.tencentscf.com",
      "--web-upstream", "http://nextchat:3000",
      "--tls-cert", "/etc/nginx/tls/fullchain.pem",
      "--tls-key", "/etc/nginx/tls/key.pem",
      "--read-timeout", "1200",
      "--rate", "5",
      "--resolver", "127.0.0.11",
    ]);
    expect(result).toEqual({
      code: 0,
      stderr: "",
      stdout: renderSite({
        serverName: "chat.example.com",
        listen: { http: 80, https: 443 },
        tls: { certificate: "/etc/nginx/tls/fullchain.pem", certificateKey: "/etc/nginx/tls/key.pem" },
        apiUpstream: "https://1234567890-abc.ap-singapore.tencentscf.com",
        webUpstream: "http://nextchat:3000",
        readTimeoutSec: 1200,
        rateLimit: { perSecond: 5, burst: 40 },
        resolver: "127.0.0.11",
      }),
    });
  });

  it.each([["--help"], ["-h"]])("%s prints the usage", (flag) => {
    expect(runCli([flag])).toEqual({ code: 0, stdout: USAGE, stderr: "" });
  });

  it("reports every bad option by its flag and exits 2", () => {
    expect(runCli(["--server-name", "chat example", "--tls-cert", "/a.pem", "--read-timeout", "60", "--burst", "many"])).toEqual({
      code: 2,
      stdout: "",
      stderr: [
        "Invalid Nginx site options (5):",
        "  1. --tls-cert and --tls-key: give both or neither; got --tls-cert alone.",
        `  2. --burst: expected a number; got "many".`,
        `  3. --server-name (serverName): expected a domain such as chat.example.com, "localhost", an IPv4 address or "_"; got "chat example".`,
        "  4. --api-upstream (apiUpstream): expected an http:// or https:// URL; got undefined. Example: https://1234567890-abc.ap-singapore.tencentscf.com.",
        "  5. --read-timeout (readTimeoutSec): 60 is below functionTimeoutSec 900: Nginx would answer 504 while the function is still working. Use at least 900.",
        "",
      ].join("\n"),
    });
  });

  it("refuses an unknown flag in one sentence, exit 2", () => {
    expect(runCli(["--servername", "x"])).toEqual({ code: 2, stdout: "", stderr: 'nginx:render: unknown argument "--servername"; see nginx:render --help\n' });
  });

  it("takes a value that starts with '-' as the value", () => {
    expect(runCli(["--server-name", "localhost", "--api-upstream", "http://127.0.0.1:9000", "--burst", "-1"])).toMatchObject({
      code: 2,
      stderr: "Invalid Nginx site options (1):\n  1. --burst (rateLimit.burst): expected a whole number of requests, at least 0; got -1.\n",
    });
  });

  it("runs as the npm script does (tsx nginx/cli.ts), with exit status 2 on bad options; --out writes the file", async () => {
    const tsx = path.join(root, "node_modules/.bin/tsx");
    const run = promisify(execFile);
    const ok = await run(tsx, ["nginx/cli.ts", "--server-name", "localhost", "--api-upstream", "http://127.0.0.1:9000"], { cwd: root });
    expect(ok.stdout).toBe(renderSite({ serverName: "localhost", listen: { http: 80 }, apiUpstream: "http://127.0.0.1:9000" }));
    const out = path.join(await mkdtemp(path.join(tmpdir(), "gptsite-render-")), "site.conf");
    const written = await run(tsx, ["nginx/cli.ts", "--server-name", "localhost", "--api-upstream", "http://127.0.0.1:9000", "--out", out], { cwd: root });
    expect(written.stdout).toBe("");
    expect(await readFile(out, "utf8")).toBe(ok.stdout);
    await expect(run(tsx, ["nginx/cli.ts", "--server-name", "localhost", "--api-upstream", "http://127.0.0.1:9000", "--out", "/nonexistent/x.conf"], { cwd: root })).rejects.toMatchObject({
      code: 1,
      stderr: "nginx:render: cannot write --out /nonexistent/x.conf: ENOENT\n",
    });
    await expect(run(tsx, ["nginx/cli.ts", "--server-name", "localhost"], { cwd: root })).rejects.toMatchObject({
      code: 2,
      stdout: "",
      stderr: expect.stringContaining("1. --api-upstream (apiUpstream): expected an http:// or https:// URL; got undefined."),
    });
  });
});
