// renderSite() and its validator as pure functions: every problem at once with exact texts, the
// defaults, the rendered text itself (file snapshots), and no way to smuggle config through a value.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  renderSite,
  resolveSiteOptions,
  SITE_DEFAULTS,
  SiteOptionsError,
  standaloneConf,
  validateSiteOptions,
  type SiteOptions,
} from "../../nginx/index.js";

const local: SiteOptions = {
  serverName: "localhost",
  listen: { http: 8080, address: "127.0.0.1" },
  webUpstream: "http://127.0.0.1:3690",
  apiUpstream: "http://127.0.0.1:9000",
  accessLog: "/tmp/gptsite/access.log",
};

const deployed: SiteOptions = {
  serverName: "chat.example.com",
  listen: { http: 80, https: 443 },
  tls: { certificate: "/etc/nginx/tls/fullchain.pem", certificateKey: "/etc/nginx/tls/key.pem" },
  webUpstream: "http://nextchat:3000",
  apiUpstream: "https://1234567890-abc.ap-singapore.tencentscf.com",
  apiTrustedCa: "/etc/ssl/certs/ca-certificates.crt",
  resolver: "127.0.0.11",
};

const PATH_RULE = "an absolute path without spaces, quotes, ';', '{', '}', '#', '$' or '\\'";

describe("validateSiteOptions", () => {
  it("accepts the local and the deployed shapes", () => {
    expect(validateSiteOptions(local)).toEqual([]);
    expect(validateSiteOptions(deployed)).toEqual([]);
  });

  it("reports every problem at once, naming the option, the value and what is allowed", () => {
    const bad = {
      serverName: "chat example",
      listen: { http: 80, https: 80 },
      apiUpstream: "ftp://x",
      webUpstream: "http://nextchat:3000/app",
      readTimeoutSec: 60,
      rateLimit: { perSecond: 1.5, burst: -1 },
      resolver: "127.0.0.11;",
      accessLog: "logs/access.log",
      maxBodyBytes: 0,
      hstsMaxAgeSec: 1.5,
    } as SiteOptions;
    expect(validateSiteOptions(bad)).toEqual([
      `serverName: expected a domain such as chat.example.com, "localhost", an IPv4 address or "_"; got "chat example".`,
      "listen.https: must differ from listen.http; got 80 for both.",
      "tls: listen.https is 80 but tls is not set; give tls { certificate, certificateKey } or drop listen.https to serve plain HTTP.",
      "hstsMaxAgeSec: expected a whole number of seconds (0 turns HSTS off), at least 0; got 1.5.",
      `webUpstream: the web UI is served from its root, so the URL takes no path; got "http://nextchat:3000/app". Example: http://nextchat:3000.`,
      `apiUpstream: expected an http:// or https:// URL, not ftp://; got "ftp://x". Example: https://1234567890-abc.ap-singapore.tencentscf.com.`,
      "readTimeoutSec: 60 is below functionTimeoutSec 900: Nginx would answer 504 while the function is still working. Use at least 900.",
      "maxBodyBytes: expected a whole number of bytes, at least 1; got 0.",
      "rateLimit.perSecond: expected a whole number of requests per second, or below 1 a whole number per minute (e.g. 1/60); got 1.5.",
      "rateLimit.burst: expected a whole number of requests, at least 0; got -1.",
      `resolver: expected DNS server addresses separated by spaces (IPv4, [IPv6] or a name, each with an optional :port), e.g. "127.0.0.11"; got "127.0.0.11;".`,
      `accessLog: expected ${PATH_RULE} or "off"; got "logs/access.log".`,
    ]);
  });

  it("refuses TLS without its files or its port, and credentials or /v1 in the function URL", () => {
    const bad = {
      serverName: "chat.example.com",
      listen: { http: 80 },
      tls: { certificate: "/etc/tls/a b.pem" },
      apiUpstream: "https://1234.ap-singapore.tencentscf.com/release/v1",
    } as SiteOptions;
    expect(validateSiteOptions(bad)).toEqual([
      "listen.https: required when tls is set (the TLS port, e.g. 443); got undefined.",
      `tls.certificate: expected ${PATH_RULE}; got "/etc/tls/a b.pem".`,
      `tls.certificateKey: expected ${PATH_RULE}; got undefined.`,
      `apiUpstream: give the function's base URL without /v1 (Nginx keeps /v1/ from the request); got "https://1234.ap-singapore.tencentscf.com/release/v1".`,
    ]);
    expect(validateSiteOptions({ ...local, apiUpstream: "https://key:secret@api.example.com" })).toEqual([
      `apiUpstream: credentials do not belong in the URL (the proxy token travels in Authorization); got "https://key:secret@api.example.com". Example: https://1234567890-abc.ap-singapore.tencentscf.com.`,
    ]);
  });

  it("refuses the catch-all server name with TLS: the redirect and the certificate need the site's name", () => {
    expect(validateSiteOptions({ ...deployed, serverName: "_" })).toEqual([
      `serverName: "_" (any name) cannot be used with tls: the HTTP → HTTPS redirect goes to the site's own name, and the certificate is for one; got "_". Give the domain, e.g. chat.example.com.`,
    ]);
    expect(validateSiteOptions({ ...local, serverName: "_" })).toEqual([]);
  });

  it("refuses a trusted CA for a plain-HTTP function, and a read timeout below the function's", () => {
    expect(validateSiteOptions({ ...local, apiTrustedCa: "/etc/ssl/certs/ca-certificates.crt", functionTimeoutSec: 600, readTimeoutSec: 300 })).toEqual([
      `apiTrustedCa: only used with an https:// apiUpstream; got apiUpstream "http://127.0.0.1:9000". Drop apiTrustedCa or use the function's https URL.`,
      "readTimeoutSec: 300 is below functionTimeoutSec 600: Nginx would answer 504 while the function is still working. Use at least 600.",
    ]);
  });
});

describe("renderSite", () => {
  it("throws SiteOptionsError listing every problem, numbered", () => {
    const bad = { ...local, listen: { http: 0, https: 443 } };
    expect(() => renderSite(bad)).toThrow(SiteOptionsError);
    expect(() => renderSite(bad)).toThrow(
      [
        "Invalid Nginx site options (2):",
        "  1. listen.http: expected a port number from 1 to 65535; got 0.",
        "  2. tls: listen.https is 443 but tls is not set; give tls { certificate, certificateKey } or drop listen.https to serve plain HTTP.",
      ].join("\n"),
    );
  });

  it("fills the defaults: read timeout = function timeout = 900 s, 20 MiB, 10 r/s burst 40, one-year HSTS", () => {
    const o = resolveSiteOptions(deployed);
    expect(o).toMatchObject({ functionTimeoutSec: 900, readTimeoutSec: 900, maxBodyBytes: 20 * 1024 * 1024, hstsMaxAgeSec: 31_536_000 });
    expect(o.rateLimit).toEqual({ perSecond: 10, burst: 40 });
    expect(o.accessLog).toBe(SITE_DEFAULTS.accessLog);
    expect(resolveSiteOptions({ ...local, functionTimeoutSec: 600 }).readTimeoutSec).toBe(600);
  });

  it("renders the local (plain HTTP) site", async () => {
    await expect(renderSite(local)).toMatchFileSnapshot("./__snapshots__/local.conf");
  });

  it("renders the deployed (TLS, resolver, verified HTTPS function) site", async () => {
    await expect(renderSite(deployed)).toMatchFileSnapshot("./__snapshots__/deployed.conf");
  });

  it("sends /v1/ to an HTTPS function with its own Host and SNI", () => {
    const v1 = renderSite(deployed).split("location /v1/ {")[1]!;
    expect(v1).toMatch(/^ {8}proxy_set_header Host 1234567890-abc\.ap-singapore\.tencentscf\.com;/m);
    expect(v1).toMatch(/^ {8}proxy_ssl_server_name on;/m);
    expect(renderSite(local).split("location /v1/ {")[1]).not.toMatch(/proxy_ssl_server_name/);
  });

  it("relays /anthropic/ and /google/ to the function like /v1/: its Host and SNI, limits, no client address", () => {
    const site = renderSite(deployed);
    const v1 = site.split("location /v1/ {")[1]!.split("\n    }\n")[0]!;
    for (const mount of ["/anthropic/", "/google/"]) {
      const block = site.split(`location ${mount} {`)[1]?.split("\n    }\n")[0];
      expect(block, mount).toBe(v1);
    }
    expect(renderSite(local).split("location /anthropic/ {")[1]).toMatch(/^ {8}proxy_pass http:\/\/127\.0\.0\.1:9000; /m);
  });

  it("serves only /v1/ when apiUpstream is OpenAI itself (no proxy), and refuses a provider it does not know", () => {
    const site = renderSite({ ...deployed, apiUpstream: "https://api.openai.com", apiProviders: ["openai"] });
    expect(site).toContain("location /v1/ {");
    expect(site).not.toMatch(/location \/(anthropic|google)\//);
    expect(validateSiteOptions({ ...local, apiProviders: ["openai", "mistral" as "openai"] })).toEqual([
      `apiProviders: expected some of "openai", "anthropic", "google" (the proxy's routes in contract.ts); got ["openai","mistral"].`,
    ]);
    expect(validateSiteOptions({ ...local, apiProviders: [] })).toEqual([
      `apiProviders: expected some of "openai", "anthropic", "google" (the proxy's routes in contract.ts); got [].`,
    ]);
  });

  it("lets NextChat's routes of every provider through to the web UI, the same way as /api/openai/", () => {
    const site = renderSite(deployed);
    const openai = site.split("location /api/openai/ {")[1]!.split("\n    }\n")[0]!;
    for (const route of ["/api/anthropic/", "/api/google/"]) expect(site.split(`location ${route} {`)[1]?.split("\n    }\n")[0], route).toBe(openai);
  });

  it("redirects HTTP to the HTTPS port browsers reach, which may differ from the one Nginx listens on", () => {
    const redirect = (o: SiteOptions) => renderSite(o).match(/return 308 (\S+);/)?.[1];
    expect(redirect(deployed)).toBe("https://chat.example.com$request_uri");
    expect(redirect({ ...deployed, listen: { http: 8080, https: 8443 } })).toBe("https://chat.example.com:8443$request_uri");
    expect(redirect({ ...deployed, publicHttpsPort: 9443 })).toBe("https://chat.example.com:9443$request_uri");
    expect(validateSiteOptions({ ...local, publicHttpsPort: 0 })).toEqual([
      "publicHttpsPort: expected a port number from 1 to 65535; got 0.",
      "publicHttpsPort: 0 is only used by the HTTP → HTTPS redirect, which needs tls; drop it or set tls.",
    ]);
  });

  it("is pure: the same options give the same text", () => {
    expect(renderSite(deployed)).toBe(renderSite(structuredClone(deployed)));
  });

  it("lets no value add a directive: names and paths are either refused or rendered as one token", () => {
    // Near misses on purpose: plausible names and paths with separators, quotes and variables mixed in.
    const names = fc.oneof(fc.string(), fc.stringMatching(/^[a-z0-9][a-z0-9.\-; {}$#'"]{0,20}$/));
    const paths = fc.oneof(fc.string(), fc.string().map((s) => `/${s}`));
    let rendered = 0;
    let refused = 0;
    fc.assert(
      fc.property(names, paths, (serverName, certificate) => {
        const options: SiteOptions = { ...deployed, serverName, tls: { certificate, certificateKey: "/k.pem" } };
        const problems = validateSiteOptions(options);
        if (problems.length > 0) {
          refused += 1;
          expect(problems.every((p) => p.startsWith("serverName:") || p.startsWith("tls.certificate:"))).toBe(true);
          return;
        }
        rendered += 1;
        expect(serverName).toMatch(/^[^\s;{}'"$#\\]+$/);
        expect(certificate).toMatch(/^\/[^\s;{}'"$#\\]*$/);
        const text = renderSite(options);
        expect(text).toContain(`\n    server_name ${serverName};\n`);
        expect(text).toContain(`\n    ssl_certificate ${certificate}; `);
      }),
      { numRuns: 500 },
    );
    expect(rendered).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

describe("standaloneConf", () => {
  it("keeps every file Nginx writes under the prefix and runs in the foreground", () => {
    const conf = standaloneConf("# site", { prefix: "/tmp/run", httpLevel: "gzip on;" });
    expect(conf).toMatch(/^daemon off;/m);
    expect(conf).toMatch(/^pid \/tmp\/run\/nginx\.pid;/m);
    expect(conf).toMatch(/^error_log \/tmp\/run\/error\.log notice;/m);
    for (const t of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) expect(conf).toContain(`    ${t}_temp_path /tmp/run/${t}_temp;`);
    expect(conf).not.toMatch(/^user /m);
    expect(conf).toContain("    gzip on;\n\n    # site\n}");
    expect(standaloneConf("", { prefix: "/tmp/run", user: "root" })).toMatch(/^user root; +# a root master/m);
  });

  it("refuses a prefix or user that would break the config", () => {
    expect(() => standaloneConf("", { prefix: "tmp/run", user: "x;y" })).toThrow(
      [
        "Invalid Nginx site options (2):",
        `  1. prefix: expected ${PATH_RULE}; got "tmp/run".`,
        `  2. user: expected a user name such as "root" or "www-data"; got "x;y".`,
      ].join("\n"),
    );
  });
});
