// With `resolver` (Docker's 127.0.0.11 in production) Nginx looks the upstream names up per request
// instead of once at start, so a container that comes back with a new address is found again.
// A DNS double stands in for Docker's resolver; without one, the same names stop Nginx from starting.
import { afterEach, describe, expect, it } from "vitest";
import { nginxBinary, nginxTest } from "../fixtures/nginx.js";
import { startChain, type Chain } from "./chain.js";
import { send } from "./client.js";
import { startDnsDouble, type DnsDouble } from "../fixtures/dns.js";

let chain: Chain | undefined;
let dns: DnsDouble | undefined;
afterEach(async () => {
  await chain?.close();
  await dns?.close();
  chain = dns = undefined;
});

describe.skipIf(!nginxBinary)("upstream names through a resolver", () => {
  it("resolves the web UI's and the function's names per request and passes the request URI as sent", async () => {
    dns = await startDnsDouble({ "function.test": "127.0.0.1", "nextchat.test": "127.0.0.1" });
    chain = await startChain({
      web: {},
      direct: true,
      site: ({ api, web }) => ({
        resolver: `127.0.0.1:${dns!.port}`,
        apiUpstream: `http://function.test:${new URL(api).port}/release`,
        webUpstream: `http://nextchat.test:${new URL(web!).port}`,
      }),
    });
    expect(dns.questions).toEqual([]);

    const api = await send(`${chain.nginx.httpUrl}/v1/models?limit=2`).done();
    // The test upstream has no /release stage (the proxy strips it): its 404 shows what it was asked.
    expect(api.status).toBe(404);
    expect(chain.upstream.requests[0]!.url).toBe("/release/v1/models?limit=2");

    const page = await send(`${chain.nginx.httpUrl}/?tab=chat`, { headers: { host: "chat.example.com:8443" } }).done();
    expect(page.status).toBe(200);
    expect(chain.web!.requests[0]).toMatchObject({ url: "/?tab=chat", headers: { host: "chat.example.com:8443" } });
    expect(dns.questions).toEqual(expect.arrayContaining(["function.test 1", "nextchat.test 1"]));
  });

  it("(control) without a resolver, a name that does not resolve at start stops Nginx", async () => {
    const { ok, output } = await nginxTest({ options: { serverName: "localhost", apiUpstream: "http://function.test:9000" } });
    expect(ok).toBe(false);
    expect(output).toMatch(/host not found in upstream "function\.test"/);
  });
});
