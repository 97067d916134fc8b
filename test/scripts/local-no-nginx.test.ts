// `npm run local` on a machine without Nginx, in-process: a child process would always find this
// machine's /usr/sbin/nginx, so the chain is started here with none. The proxy runs alone, the line
// says so with the install command, no chat page is promised, and the Nginx hops are skipped, or
// failed in CI.
import { afterEach, describe, expect, it } from "vitest";
import { Guard } from "../../scripts/lib/guard.js";
import { parseLocalArgs, type LocalOptions } from "../../scripts/lib/local-args.js";
import { clientHelp, nginxMissingOutcome } from "../../scripts/lib/local-print.js";
import { startLocalChain } from "../../scripts/lib/local.js";
import { smokeSettings } from "../../scripts/lib/smoke-args.js";
import { runSmoke } from "../../scripts/lib/smoke.js";
import { Teardown } from "../../chain/teardown.js";
import { freePort } from "../../chain/ports.js";
import { ROOT } from "./run.js";
import { SECRETS } from "./stack.js";

const MISSING = "nginx not found on PATH or in /usr/sbin; install it: apt-get install -y nginx (Debian/Ubuntu), brew install nginx (macOS)";

let stops: Teardown | undefined;
let guard: Guard | undefined;
afterEach(async () => {
  await stops?.run();
  guard?.close();
});

async function chainWithoutNginx() {
  const port = await freePort();
  const args = parseLocalArgs(["--check", "--proxy-port", String(port), "--proxy-token", SECRETS.proxyToken], {});
  const options = (args as { options: LocalOptions }).options;
  stops = new Teardown();
  guard = new Guard({ "--proxy-port": port });
  const said: string[] = [];
  const chain = await startLocalChain(ROOT, options, { say: (line) => said.push(line) }, { stops, guard, nginx: undefined });
  return { chain, options, said, settings: await smokeSettings(options.flags) };
}

describe("npm run local without Nginx", () => {
  it("says so with the install line, runs the proxy hop, skips the Nginx hops, and promises no chat page", async () => {
    const { chain, options, said, settings } = await chainWithoutNginx();
    expect(said).toContain(`nginx     MISSING: ${MISSING}`);
    expect(chain.web).toEqual({ kind: "none" });
    expect(clientHelp(chain, options)).toContain(`No chat page without Nginx (${MISSING}).`);
    const report = await runSmoke(chain.target, settings, { preset: nginxMissingOutcome(chain.nginxMissing!, {}) });
    expect(report.hops.filter((h) => h.status === "ok").map((h) => h.hop)).toEqual(["function", "function-anthropic", "function-google"]);
    expect(report.hops).toHaveLength(14);
    for (const hop of ["nginx", "nginx-google", "e2e", "e2e-anthropic"]) expect(report.hops.find((h) => h.hop === hop)!.detail).toBe(MISSING);
    expect(report.exitCode).toBe(0);
  });

  it("in CI (CI set) a missing Nginx is a failure", async () => {
    const { chain, settings } = await chainWithoutNginx();
    const report = await runSmoke(chain.target, settings, { preset: nginxMissingOutcome(chain.nginxMissing!, { CI: "true" }) });
    expect(report.hops.find((h) => h.hop === "nginx")).toMatchObject({ status: "fail", detail: `${MISSING} (in CI a missing Nginx is a failure)` });
    expect(report.summary).toEqual({ ok: 3, fail: 6, skip: 5 });
    expect(report.exitCode).toBe(1);
  });
});
