// An https upstream, as api.openai.com is: certificate checked, SNI and Host its own name, one TLS
// connection reused across requests; a certificate that does not verify is a 502, not a relay.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnFunction, startProxy } from "../fixtures/proxy.js";
import { makeTlsMaterial, type TlsMaterial } from "../fixtures/tls.js";
import { startUpstream } from "../fixtures/upstream.js";
import { unpackBuiltProxy } from "./bundle.js";
import { closeAfterEach } from "./cleanup.js";
import { send } from "./http.js";

let tls: TlsMaterial;
let bundle: Awaited<ReturnType<typeof unpackBuiltProxy>>;
beforeAll(async () => {
  tls = await makeTlsMaterial({ names: ["localhost", "127.0.0.1"] });
  bundle = await unpackBuiltProxy();
});
afterAll(async () => {
  await tls?.cleanup();
  await bundle?.cleanup();
});

const closing = closeAfterEach();

describe("https upstream", () => {
  it("verifies the certificate, sends SNI and Host, and keeps one TLS connection", async () => {
    const upstream = closing(await startUpstream({ tls, apiKey: "sk-tls" }));
    // The test certificate is trusted the way an operator would add a CA: Node's own variable.
    const proxy = closing(await spawnFunction(bundle.dir, {
      UPSTREAM_URL: `https://localhost:${upstream.port}`,
      PROXY_TOKEN: "pt-tls-token-0123456",
      OPENAI_API_KEY: "sk-tls",
      NODE_EXTRA_CA_CERTS: tls.certFile,
    }));
    for (let i = 0; i < 3; i++) {
      expect((await send(`${proxy.url}/v1/models`, { headers: { authorization: "Bearer pt-tls-token-0123456" } })).status).toBe(200);
    }
    expect(upstream.connections).toBe(1);
    expect(upstream.requests.map((r) => [r.servername, r.headers.host, r.socketId])).toEqual(
      Array(3).fill(["localhost", `localhost:${upstream.port}`, 1]),
    );
  });

  it("answers 502 upstream_tls_failed for a certificate it cannot verify", async () => {
    const upstream = closing(await startUpstream({ tls }));
    const proxy = closing(await startProxy({ UPSTREAM_URL: `https://localhost:${upstream.port}` }));
    const answer = await send(`${proxy.url}/v1/models`);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toEqual({
      error: { message: `TLS with the upstream failed: localhost:${upstream.port} (DEPTH_ZERO_SELF_SIGNED_CERT)`, type: "proxy_error", code: "upstream_tls_failed" },
    });
    expect(upstream.requests).toHaveLength(0);
  });
});
