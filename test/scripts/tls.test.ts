// The tls hop against the real Nginx serving certificates from a private CA: a good one passes with
// issuer, names and days left; an expired one, one for another name, or one from an unknown issuer fail.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { HopResult, SmokeReport } from "../../scripts/lib/report.js";
import { makeTestCa, type TestCa } from "../fixtures/ca.js";
import { nginxBinary } from "../fixtures/nginx.js";
import { runScript } from "./run.js";
import { startMiniStack, type MiniStack } from "./stack.js";

const DOMAIN = "chat.test";
const DAY = 86_400_000;
let ca: TestCa;
let stack: MiniStack | undefined;
beforeAll(async () => {
  ca = await makeTestCa();
});
afterAll(() => ca.cleanup());
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function tlsHop(names: string[], validity: { notBefore: Date; notAfter: Date }, trust = true): Promise<HopResult> {
  const tls = await ca.issue(names, validity);
  stack = await startMiniStack({ tls, serverName: DOMAIN });
  const run = await runScript("smoke", [
    "--site-url", stack.outputs.siteUrl!, "--host-ip", "127.0.0.1", "--only", "tls", "--json", ...(trust ? ["--ca", ca.certFile] : []),
  ]);
  const report = JSON.parse(run.stdout) as SmokeReport;
  expect(run.code).toBe(report.exitCode);
  return report.hops[0]!;
}

const now = Date.now();
const current = { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY + DAY / 2) };

describe.skipIf(!nginxBinary)("tls hop", () => {
  it("reports issuer, names and days left for a good certificate", async () => {
    const hop = await tlsHop([DOMAIN, "www.chat.test"], current);
    expect(hop).toMatchObject({ status: "ok", detail: "issuer gptsite test CA, names chat.test www.chat.test, 30 days left, TLSv1.3" });
  });

  it("fails an expired certificate", async () => {
    const hop = await tlsHop([DOMAIN], { notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2020-02-01T00:00:00Z") });
    expect(hop.status).toBe("fail");
    expect(hop.detail).toMatch(/^expired \d+ days ago \(Feb {2}1 00:00:00 2020 GMT\); issuer gptsite test CA, names chat\.test$/);
  });

  it("fails a certificate that is not valid yet", async () => {
    const hop = await tlsHop([DOMAIN], { notBefore: new Date("2099-01-01T00:00:00Z"), notAfter: new Date("2099-02-01T00:00:00Z") });
    expect(hop).toMatchObject({ status: "fail", detail: "not valid until Jan  1 00:00:00 2099 GMT; issuer gptsite test CA, names chat.test" });
  });

  it("fails a certificate for another name", async () => {
    const hop = await tlsHop(["other.test"], current);
    expect(hop).toMatchObject({ status: "fail", detail: "the certificate is not for chat.test; issuer gptsite test CA, names other.test" });
  });

  it("fails a certificate from an issuer this machine does not trust, and says how to trust a private CA", async () => {
    const hop = await tlsHop([DOMAIN], current, false);
    expect(hop).toMatchObject({
      status: "fail",
      detail: "TLS: certificate from an unknown issuer (--ca FILE to trust it) (UNABLE_TO_VERIFY_LEAF_SIGNATURE); issuer gptsite test CA, names chat.test",
    });
  });

  it("the nginx hop reaches the HTTPS site at the host's address, by the site's name, trusting --ca", async () => {
    stack = await startMiniStack({ tls: await ca.issue([DOMAIN], current), serverName: DOMAIN });
    const run = await runScript("smoke", [
      "--site-url", stack.outputs.siteUrl!, "--host-ip", "127.0.0.1", "--web-url", stack.outputs.webUrl!,
      "--proxy-token", stack.outputs.proxyToken!, "--ca", ca.certFile, "--only", "nginx", "--json",
    ]);
    const hop = (JSON.parse(run.stdout) as SmokeReport).hops[0]!;
    expect(hop.status).toBe("ok");
    expect(hop.detail).toMatch(/^\/ 200 · \/v1 streamed 12 events/);
    expect(stack.web.requests[0]!.headers.host).toBe(`${DOMAIN}:${stack.nginx.httpsPort}`);
  });
});
