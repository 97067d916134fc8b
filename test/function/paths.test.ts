// Only /v1/* reaches the upstream. Every other target (other versions, the root, dot segments in any
// spelling, encoded separators, absolute-form, CONNECT) is answered by the proxy itself.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startProxy, type InProcessProxy } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { parseRaw, proxyError, send, sendRaw } from "./http.js";

let upstream: TestUpstream;
let proxy: InProcessProxy;
beforeEach(async () => {
  upstream = await startUpstream();
  proxy = await startProxy({ UPSTREAM_URL: upstream.url });
});
afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

const NOT_FOUND = "Not found: this proxy relays /v1/*, /anthropic/v1/*, /google/v1beta/* and /google/v1/* (optionally after one stage prefix, e.g. /release/v1/models)";
const malformed = (why: string) => proxyError("invalid_request_target", `Malformed request target: ${why}`);
const ORIGIN_FORM = "only origin-form targets (/v1/…) are accepted, not absolute-form or authority-form";
const DOTS = "dot segments (. and ..) are not allowed";
const SLASHES = "encoded slashes are not allowed";
const PARAMS = "path parameters (;) are not allowed";
const DOUBLE = "an encoded percent sign (%25) is not allowed in the path: decoded once more, it could turn into a dot or a slash";

describe("request targets", () => {
  it("strips one stage prefix: /release/v1/models reaches /v1/models", async () => {
    const answer = await send(`${proxy.url}/release/v1/models?limit=1`);
    expect(answer.status).toBe(200);
    expect(upstream.requests.map((r) => r.url)).toEqual(["/v1/models?limit=1"]);
  });

  it.each([
    ["GET /v2/x", 404, proxyError("not_found", NOT_FOUND)],
    ["GET /", 404, proxyError("not_found", NOT_FOUND)],
    ["GET /v1x/models", 404, proxyError("not_found", NOT_FOUND)],
    ["GET /admin", 404, proxyError("not_found", NOT_FOUND)],
    ["GET /a/b/v1/models", 404, proxyError("not_found", NOT_FOUND)],
    ["GET /v1/../admin", 400, malformed(DOTS)],
    ["GET /v1/./models", 400, malformed(DOTS)],
    ["GET /%2e%2e/", 400, malformed(DOTS)],
    ["GET /v1/%2E%2e/admin", 400, malformed(DOTS)],
    ["GET /release/../v1/models", 400, malformed(DOTS)],
    ["GET /v1/models%2f..%2fadmin", 400, malformed(SLASHES)],
    ["GET /v1%2Fmodels", 400, malformed(SLASHES)],
    ["GET /v1/models%5c..", 400, malformed(SLASHES)],
    ["GET /v1\\..\\admin", 400, malformed("backslashes are not allowed in the path")],
    ["GET //v1/models", 400, malformed("empty path segments (//) are not allowed")],
    ["GET /v1/models%zz", 400, malformed("the path has malformed percent-encoding")],
    ["GET /v1/models%00", 400, malformed("control characters are not allowed in the path")],
    ["GET /v1/..;/admin", 400, malformed(PARAMS)],
    ["GET /v1/models;key=sk-x", 400, malformed(PARAMS)],
    ["GET /v1/models%3Bkey=sk-x", 400, malformed(PARAMS)],
    ["GET /v1/%252e%252e/admin", 400, malformed(DOUBLE)],
    ["GET /v1/models%252fx", 400, malformed(DOUBLE)],
    ["GET http://evil.example/ ", 400, malformed(ORIGIN_FORM)],
    ["GET http://evil.example/v1/models", 400, malformed(ORIGIN_FORM)],
    ["GET * ", 400, malformed(ORIGIN_FORM)],
    ["CONNECT evil.example:443", 400, malformed("CONNECT is not relayed")],
    ["TRACE /v1/models", 405, proxyError("method_not_allowed", "Method not allowed: TRACE; allowed: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS")],
  ])("%s → %i, never upstream", async (line, status, body) => {
    const response = await sendRaw(proxy.port, `${line.trimEnd()} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`);
    const parsed = parseRaw(response);
    expect(parsed.status).toBe(status);
    expect(parsed.json).toEqual(body);
    expect(upstream.requests).toHaveLength(0);
    expect(upstream.connections).toBe(0);
  });

  it("keeps dots that are not whole segments and queries as they are", async () => {
    const answer = await send(`${proxy.url}/v1/files/file-a..b.jsonl/content?after=../x`);
    expect(answer.status).toBe(404); // the test upstream's own 404: the request went through
    expect(upstream.requests.map((r) => r.url)).toEqual(["/v1/files/file-a..b.jsonl/content?after=../x"]);
  });

  it("answers /healthz itself, with or without a stage prefix", async () => {
    for (const path of ["/healthz", "/release/healthz"]) {
      const answer = await send(`${proxy.url}${path}`);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ status: "ok" });
    }
    expect(upstream.connections).toBe(0);
  });
});
