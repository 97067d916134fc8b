// Hostile and broken requests, byte for byte over raw sockets, against the built proxy on its own
// and against Nginx in front of it (with the web UI double behind `/`, as deployed). For each: the
// exact answer, and what reached the upstream, which logs every request: nothing, or one request
// under /v1/ with the upstream's own Host. The proxy runs in passthrough mode (no token), so its
// target checks are the only thing between a request and the upstream.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nginxBinary } from "../fixtures/nginx.js";
import { errorOf, rawExchange, type RawAnswer } from "./raw.js";
import { startStack, type Stack } from "./stack.js";

type Outcome =
  /** An OpenAI-shaped error from the proxy, or from Nginx itself (its messages start "Nginx: "). */
  | { status: number; code: string; by: "proxy" | "nginx" }
  /** Answered by the web UI: a page route, never the API. */
  | { status: number; by: "web" }
  /** Relayed to the upstream with exactly this target; `bare`: an HTTP/0.9 answer, body only. */
  | { relayed: string; bare?: true };

interface Case {
  name: string;
  request: string;
  proxy: Outcome;
  nginx: Outcome;
}

const get = (target: string, headers = "Host: site.example\r\n") => `GET ${target} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`;
const post = (target: string, headers: string, body = "") => `POST ${target} HTTP/1.1\r\nHost: site.example\r\n${headers}Connection: close\r\n\r\n${body}`;
const proxyError = (status: number, code: string): Outcome => ({ status, code, by: "proxy" });
const nginxError = (status: number, code: string): Outcome => ({ status, code, by: "nginx" });
const MALFORMED = proxyError(400, "malformed_request");
const BAD_TARGET = proxyError(400, "invalid_request_target");
const NGINX_MALFORMED = nginxError(400, "malformed_request");
const BIG = "a".repeat(20_000);

const CASES: Case[] = [
  // Request lines
  { name: "garbage instead of a request line", request: "HELLO\r\n\r\n", proxy: MALFORMED, nginx: NGINX_MALFORMED },
  { name: "a method with a forbidden character", request: get("/v1/models").replace("GET", "G@T"), proxy: MALFORMED, nginx: NGINX_MALFORMED },
  { name: "an unknown HTTP version", request: get("/v1/models").replace("HTTP/1.1", "HTTP/9.9"), proxy: MALFORMED, nginx: nginxError(505, "http_version_not_supported") },
  { name: "the HTTP/2 preface over HTTP/1", request: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", proxy: MALFORMED, nginx: NGINX_MALFORMED },
  { name: "an HTTP/0.9 request (no version, no headers)", request: "GET /v1/models\r\n\r\n", proxy: { relayed: "/v1/models" }, nginx: { relayed: "/v1/models", bare: true } },
  { name: "a space inside the target", request: get("/v1/mo dels"), proxy: MALFORMED, nginx: NGINX_MALFORMED },
  { name: "a NUL byte in the target", request: get("/v1/mo\0dels"), proxy: MALFORMED, nginx: NGINX_MALFORMED },
  { name: "TRACE", request: get("/v1/models").replace("GET", "TRACE"), proxy: proxyError(405, "method_not_allowed"), nginx: nginxError(405, "method_not_allowed") },
  // Targets that name another server
  { name: "absolute-form towards another host", request: get("http://evil.example/v1/models", "Host: evil.example\r\n"), proxy: BAD_TARGET, nginx: { relayed: "/v1/models" } },
  { name: "absolute-form towards cloud metadata", request: get("http://169.254.169.254/latest/meta-data/", "Host: 169.254.169.254\r\n"), proxy: BAD_TARGET, nginx: { status: 404, by: "web" } },
  { name: "CONNECT", request: "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n", proxy: proxyError(400, "invalid_request_target"), nginx: NGINX_MALFORMED },
  { name: "authority-form with GET", request: get("evil.example:443"), proxy: MALFORMED, nginx: NGINX_MALFORMED },
  // Paths
  { name: "dot segments above the root", request: get("/v1/../../etc/passwd"), proxy: BAD_TARGET, nginx: NGINX_MALFORMED },
  { name: "dot segments out of /v1/ into /api/", request: get("/v1/../api/other"), proxy: BAD_TARGET, nginx: nginxError(403, "path_not_served") },
  // Nginx normalises this into /v1/ and passes the raw target on: the proxy refuses it again.
  { name: "dot segments from /api/openai/ into /v1/", request: get("/api/openai/../../v1/models"), proxy: BAD_TARGET, nginx: BAD_TARGET },
  { name: "percent-encoded dot segments", request: get("/v1/%2e%2e/%2E%2E/admin"), proxy: BAD_TARGET, nginx: NGINX_MALFORMED },
  { name: "encoded slashes", request: get("/v1/models%2f..%2f..%2fapi%2fother"), proxy: BAD_TARGET, nginx: nginxError(403, "path_not_served") },
  { name: "encoded backslashes", request: get("/v1/..%5c..%5cadmin"), proxy: BAD_TARGET, nginx: NGINX_MALFORMED },
  { name: "doubled slashes", request: get("//v1//models"), proxy: BAD_TARGET, nginx: BAD_TARGET },
  { name: "malformed percent-encoding", request: get("/v1/%zz"), proxy: BAD_TARGET, nginx: NGINX_MALFORMED },
  { name: "encoded CR LF in the path", request: get("/v1/models%0d%0aX-Injected:%201"), proxy: BAD_TARGET, nginx: BAD_TARGET },
  // In the query it stays encoded text: the upstream gets the same bytes and no extra header.
  { name: "encoded CR LF in the query", request: get("/v1/models?q=%0D%0AX-Injected:%201"), proxy: { relayed: "/v1/models?q=%0D%0AX-Injected:%201" }, nginx: { relayed: "/v1/models?q=%0D%0AX-Injected:%201" } },
  // Sizes
  { name: "a 20 KB target", request: get(`/v1/${BIG}`), proxy: proxyError(431, "headers_too_large"), nginx: nginxError(414, "uri_too_long") },
  { name: "a 20 KB header", request: get("/v1/models", `Host: site.example\r\nX-Big: ${BIG}\r\n`), proxy: proxyError(431, "headers_too_large"), nginx: nginxError(431, "headers_too_large") },
  {
    name: "5,000 headers",
    request: get("/v1/models", `Host: site.example\r\n${Array.from({ length: 5000 }, (_, i) => `X-H${i}: ${"v".repeat(20)}\r\n`).join("")}`),
    proxy: proxyError(431, "headers_too_large"),
    nginx: nginxError(431, "headers_too_large"),
  },
  { name: "a 100 MB body announced for the API", request: post("/v1/chat/completions", "Content-Length: 104857600\r\n"), proxy: proxyError(413, "request_too_large"), nginx: nginxError(413, "request_too_large") },
  { name: "a 100 MB body announced for a page", request: post("/upload", "Content-Length: 104857600\r\n"), proxy: proxyError(404, "not_found"), nginx: nginxError(413, "request_too_large") },
  // Body framing
  { name: "an invalid chunk size", request: post("/v1/chat/completions", "Transfer-Encoding: chunked\r\n", "zz\r\nhello\r\n0\r\n\r\n"), proxy: MALFORMED, nginx: NGINX_MALFORMED },
  { name: "Content-Length and Transfer-Encoding together", request: post("/v1/chat/completions", "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), proxy: MALFORMED, nginx: NGINX_MALFORMED },
  { name: "two Content-Length headers", request: post("/v1/chat/completions", "Content-Length: 2\r\nContent-Length: 3\r\n", "abc"), proxy: MALFORMED, nginx: NGINX_MALFORMED },
  { name: "a negative Content-Length", request: post("/v1/chat/completions", "Content-Length: -1\r\n"), proxy: MALFORMED, nginx: NGINX_MALFORMED },
  { name: "a transfer coding other than chunked", request: post("/v1/chat/completions", "Transfer-Encoding: gzip\r\n", "abc"), proxy: MALFORMED, nginx: nginxError(501, "unsupported_transfer_encoding") },
  { name: "gzip before chunked", request: post("/v1/chat/completions", "Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"), proxy: MALFORMED, nginx: nginxError(501, "unsupported_transfer_encoding") },
  // Header injection and Host
  { name: "a bare CR inside a header (injection)", request: get("/v1/models", "Host: site.example\r\nX-A: a\rX-Injected: 1\r\n"), proxy: MALFORMED, nginx: NGINX_MALFORMED },
  { name: "a folded header line", request: get("/v1/models", "Host: site.example\r\nX-A: a\r\n X-Injected: 1\r\n"), proxy: MALFORMED, nginx: NGINX_MALFORMED },
  // Nginx reads a line without a colon as a header with an empty value: no new line is made of it.
  { name: "a header line without a colon", request: get("/v1/models", "Host: site.example\r\nX-No-Colon\r\n"), proxy: MALFORMED, nginx: { relayed: "/v1/models" } },
  { name: "a Host naming cloud metadata", request: get("/v1/models", "Host: 169.254.169.254\r\n"), proxy: { relayed: "/v1/models" }, nginx: { relayed: "/v1/models" } },
  { name: "a Host with a path in it", request: get("/v1/models", "Host: evil.example/../x\r\n"), proxy: { relayed: "/v1/models" }, nginx: NGINX_MALFORMED },
  { name: "no Host header (HTTP/1.1)", request: get("/v1/models", ""), proxy: MALFORMED, nginx: NGINX_MALFORMED },
  { name: "two Host headers", request: get("/v1/models", "Host: site.example\r\nHost: evil.example\r\n"), proxy: MALFORMED, nginx: NGINX_MALFORMED },
  // Round 2 (issue 14)
  { name: "a path parameter hiding a dot segment", request: get("/v1/..;/admin"), proxy: BAD_TARGET, nginx: BAD_TARGET },
  { name: "a key in a path parameter", request: get("/v1/models;key=sk-proj-x"), proxy: BAD_TARGET, nginx: BAD_TARGET },
  { name: "double-encoded dot segments", request: get("/v1/%252e%252e/admin"), proxy: BAD_TARGET, nginx: BAD_TARGET },
  // Nginx drops a header whose name has `_` (underscores_in_headers off), and does not pass Expect on.
  { name: "a header name with an underscore (Transfer_Encoding)", request: get("/v1/models", "Host: site.example\r\nTransfer_Encoding: chunked\r\n"), proxy: MALFORMED, nginx: { relayed: "/v1/models" } },
  { name: "an expectation other than 100-continue", request: get("/v1/models", "Host: site.example\r\nExpect: foo\r\n"), proxy: proxyError(417, "expectation_failed"), nginx: { relayed: "/v1/models" } },
  { name: "/API/ in upper case", request: get("/API/other/v1/chat/completions"), proxy: proxyError(404, "not_found"), nginx: nginxError(403, "path_not_served") },
  { name: "/Api/ in mixed case", request: get("/Api/openai/v1/models"), proxy: proxyError(404, "not_found"), nginx: nginxError(403, "path_not_served") },
  { name: "an Upgrade to h2c", request: get("/v1/models", "Host: site.example\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n").replace("Connection: close", "Connection: Upgrade, HTTP2-Settings"), proxy: { relayed: "/v1/models" }, nginx: { relayed: "/v1/models" } },
];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ web: true });
});
afterAll(async () => {
  await stack?.close();
});

/** Sends `request` to `port` and checks the answer and the upstream against `outcome`. */
async function expectOutcome(port: number, request: string, outcome: Outcome): Promise<RawAnswer> {
  const seen = stack.upstream.requests.length;
  const webSeen = stack.web!.requests.length;
  const answer = await rawExchange(port, Buffer.from(request, "latin1"));
  const reached = stack.upstream.requests.slice(seen);
  if ("relayed" in outcome) {
    if (outcome.bare) expect(answer.status).toBe(0);
    else expect(answer.status).toBe(200);
    expect(answer.body).toContain('"object":"list"');
    expect(reached.map((r) => r.url)).toEqual([outcome.relayed]);
    expect(reached[0]!.headers.host).toBe(`127.0.0.1:${stack.upstream.port}`);
    expect(reached[0]!.headers).not.toHaveProperty("x-injected");
    expect(reached[0]!.headers).not.toHaveProperty("upgrade");
    expect(Object.keys(reached[0]!.headers).filter((name) => name.includes("_"))).toEqual([]);
    return answer;
  }
  expect(reached).toEqual([]);
  expect(answer.status).toBe(outcome.status);
  if (outcome.by === "web") {
    expect(stack.web!.requests.length).toBe(webSeen + 1);
    return answer;
  }
  expect(answer.head).toMatch(/^content-type: application\/json$/im);
  const error = errorOf(answer);
  expect(error, answer.raw.slice(0, 300)).toMatchObject({ type: "proxy_error", code: outcome.code });
  expect(error!.message.startsWith("Nginx: ")).toBe(outcome.by === "nginx");
  return answer;
}

describe.skipIf(!nginxBinary)("bad input", () => {
  describe("against the proxy alone", () => {
    it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      await expectOutcome(stack.proxyPort, c.request, c.proxy);
    });
  });

  describe("against Nginx in front of it", () => {
    it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      await expectOutcome(stack.nginx.httpPort, c.request, c.nginx);
    });
  });

  it("left the proxy running, and let nothing reach the upstream outside /v1/", async () => {
    expect(stack.proxy.child.exitCode).toBeNull();
    expect(stack.proxy.stderr()).toBe("");
    const health = await rawExchange(stack.proxyPort, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(health.status).toBe(200);
    const escaped = stack.upstream.requests.filter((r) => !r.url.startsWith("/v1/"));
    expect(escaped).toEqual([]);
    console.log(`[bad input] ${CASES.length} inputs × 2 fronts, ${stack.upstream.requests.length} relayed under /v1/, ${escaped.length} escaped`);
  });
});
