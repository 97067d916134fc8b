// `nginx -t` on the real binary accepts what renderSite() writes, in every TLS mode and with every
// optional part, inside the standalone nginx.conf the other suites run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nginxBinary, nginxTest } from "../fixtures/nginx.js";
import { type FreeSiteOptions } from "../../chain/nginx.js";
import { makeTlsMaterial, type TlsMaterial } from "../fixtures/tls.js";

let tls: TlsMaterial;
beforeAll(async () => {
  tls = await makeTlsMaterial({ names: ["chat.example.com"] });
});
afterAll(() => tls?.cleanup());

const base: FreeSiteOptions = {
  serverName: "chat.example.com",
  webUpstream: "http://127.0.0.1:3690",
  apiUpstream: "http://127.0.0.1:9000",
};

const variants: Array<[string, () => FreeSiteOptions]> = [
  ["TLS mode none (plain HTTP, local use)", () => base],
  ["TLS mode files", () => ({ ...base, tls: { certificate: tls.certFile, certificateKey: tls.keyFile } })],
  ["TLS files, HSTS off, on port 443 with one address", () => ({
    ...base,
    tls: { certificate: tls.certFile, certificateKey: tls.keyFile },
    hstsMaxAgeSec: 0,
    listen: { http: 80, https: 443, address: "127.0.0.1" },
  })],
  ["API only (no web UI)", () => ({ serverName: "_", apiUpstream: "http://127.0.0.1:9000" })],
  ["no proxy: /v1/ straight to an OpenAI-compatible API, no /anthropic/ or /google/", () => ({ ...base, apiUpstream: "https://127.0.0.1:9443", apiProviders: ["openai"] })],
  ["HTTPS function with base path and a verified certificate", () => ({
    ...base,
    apiUpstream: "https://127.0.0.1:9443/release",
    apiTrustedCa: tls.certFile,
  })],
  ["a resolver for names looked up per request", () => ({
    ...base,
    webUpstream: "http://nextchat:3000",
    apiUpstream: "https://1234567890-abc.ap-singapore.tencentscf.com",
    resolver: "127.0.0.11",
  })],
  ["access log off, custom limits and timeouts", () => ({
    ...base,
    accessLog: "off",
    maxBodyBytes: 1024,
    rateLimit: { perSecond: 1 / 60, burst: 0 },
    functionTimeoutSec: 60,
    readTimeoutSec: 120,
  })],
];

describe.skipIf(!nginxBinary)("nginx -t", () => {
  it.each(variants)("accepts the site for %s", async (_, options) => {
    const { ok, output } = await nginxTest({ options: options() });
    expect(output).toMatch(/syntax is ok/);
    expect(output).toMatch(/test is successful/);
    expect(ok).toBe(true);
  });

  it("accepts the site with a user's http-level gzip settings next to it", async () => {
    const { ok, output } = await nginxTest({ options: base, httpLevel: "gzip on;\ngzip_types text/event-stream application/json;" });
    expect(output).toMatch(/test is successful/);
    expect(ok).toBe(true);
  });

  it("(control) reports a broken site with Nginx's own message", async () => {
    const { ok, output } = await nginxTest("server { listen 8080; proxy_buffering maybe; }");
    expect(ok).toBe(false);
    expect(output).toMatch(/invalid value "maybe" in "proxy_buffering" directive, it must be "on" or "off"/);
  });
});
