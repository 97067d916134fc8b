// Property-based fuzz (fast-check) of request targets and headers, over raw sockets, against the
// built proxy alone and through Nginx. Whatever is sent: an answer comes back, never a 5xx; what
// the proxy or Nginx refuse themselves is OpenAI-shaped JSON; and whatever reaches the upstream is
// under /v1, without dot segments, with the upstream's own Host and no caller-identity or hop-by-hop
// header. Bounded runs; on failure fast-check prints the seed and the shrunk input
// (FUZZ_SEED=<seed> replays a run).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nginxBinary } from "../fixtures/nginx.js";
import type { RecordedRequest } from "../../chain/upstream.js";
import { errorOf, rawExchange, type RawAnswer } from "./raw.js";
import { startStack, type Stack } from "./stack.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;

const SEGMENTS = [
  "v1", "models", "chat", "completions", "api", "openai", "config", "healthz", "release", "", ".", "..",
  "%2e", "%2E%2e", "%2f", "%2F", "%5c", "\\", "%00", "%0d%0a", "%0aHost:%20evil", "%", "%zz", "%25",
  "evil.example", "@evil.example", "http:", "https:", ";", "~", "*", ":443", "a".repeat(300),
  "..;", "%252e%252e", "%252f", "models;key=sk-x", "%3B", "API", "Api",
];
const PREFIXES = ["/", "//", "/v1/", "http://evil.example/", "https://127.0.0.1:1/", "*", "", "/release/"];
const SUFFIXES = ["", "?", "?q=1", "?q=%0d%0aX-Injected:%201", "#frag", "?#", "/"];

const target = fc
  .tuple(fc.constantFrom(...PREFIXES), fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 6 }), fc.constantFrom(...SUFFIXES))
  .map(([prefix, segments, suffix]) => prefix + segments.join("/") + suffix);

/** Names that decide routing, identity or framing are the interesting ones; framing headers are left
 * out here (a declared body never sent would only wait for a timeout): the case table covers them. */
const NAMES = [
  "host", "x-forwarded-for", "x-real-ip", "forwarded", "x-forwarded-host", "cf-connecting-ip", "true-client-ip",
  "connection", "keep-alive", "upgrade", "te", "trailer", "proxy-authorization", "authorization", "cookie",
  "x-base-url", "x-fc-access-key-id", "via", "origin",
  "transfer_encoding", "content_length", "x_forwarded_for", "expect",
];
const VALUE_CHARS = fc.constantFrom("a", "Z", "0", " ", "\t", ",", ":", ";", "=", "\r", "\n", "\0", "\x7f", "\xe9", "\xff", "/", "..", "Bearer ", "close", "keep-alive, authorization");
const headerLine = fc.tuple(
  fc.oneof(fc.constantFrom(...NAMES), fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/), fc.constantFrom("X Bad", "X:Colon", "", "X\rY")),
  fc.array(VALUE_CHARS, { maxLength: 12 }).map((chars) => chars.join("")),
);
const headers = fc.array(headerLine, { minLength: 1, maxLength: 6 });

/** Identity and hop-by-hop headers that must never reach the upstream. */
const NEVER_UPSTREAM = ["x-forwarded-for", "x-real-ip", "forwarded", "x-forwarded-host", "cf-connecting-ip", "true-client-ip", "upgrade", "te", "trailer", "proxy-authorization", "keep-alive", "via", "cookie", "origin", "x-fc-access-key-id"];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ web: true });
  console.log(`[fuzz] seed ${seed} (replay with FUZZ_SEED=${seed})`);
});
afterAll(async () => {
  await stack?.close();
});

/** Holds for any answer to any input, on either front. */
function checkAnswer(answer: RawAnswer, reached: RecordedRequest[], front: "proxy" | "nginx"): void {
  // An HTTP/0.9-looking request (no version) gets a bare body from Nginx; everything else a status.
  if (answer.status === 0) {
    expect(front, answer.raw.slice(0, 200)).toBe("nginx");
    expect(answer.raw.length).toBeGreaterThan(0);
  } else {
    expect(answer.status, answer.raw.slice(0, 300)).toBeLessThan(500);
  }
  expect(reached.length).toBeLessThanOrEqual(1);
  const relayed = reached[0];
  if (!relayed) {
    if (answer.status >= 400) {
      const own = errorOf(answer);
      // Nginx hands page routes to the web UI, which answers in its own way.
      if (front === "proxy" || own) expect(own, answer.raw.slice(0, 300)).toMatchObject({ type: "proxy_error" });
    }
    return;
  }
  const path = relayed.url.split("?")[0]!;
  expect(path === "/v1" || path.startsWith("/v1/"), relayed.url).toBe(true);
  for (const segment of path.split("/")) {
    const decoded = decodeURIComponent(segment);
    expect([".", ".."]).not.toContain(decoded);
    // Path parameters and a second decoding are the other ways to a dot segment.
    expect(decoded).not.toMatch(/[;%]/);
  }
  expect(Object.keys(relayed.headers).filter((name) => name.includes("_"))).toEqual([]);
  expect(relayed.headers.host).toBe(`127.0.0.1:${stack.upstream.port}`);
  for (const name of NEVER_UPSTREAM) expect(relayed.headers, name).not.toHaveProperty(name);
  for (const value of relayed.rawHeaders) expect(value).not.toMatch(/[\r\n\0]/);
}

async function exchange(front: "proxy" | "nginx", request: string): Promise<void> {
  const seen = stack.upstream.requests.length;
  const port = front === "proxy" ? stack.proxyPort : stack.nginx.httpPort;
  const answer = await rawExchange(port, Buffer.from(request, "latin1"));
  checkAnswer(answer, stack.upstream.requests.slice(seen), front);
}

describe.skipIf(!nginxBinary)("fuzz", () => {
  for (const front of ["proxy", "nginx"] as const) {
    it(`request targets against ${front === "proxy" ? "the proxy" : "Nginx"}`, async () => {
      await fc.assert(
        fc.asyncProperty(target, async (t) => exchange(front, `GET ${t} HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n\r\n`)),
        { numRuns: RUNS, seed },
      );
    });

    it(`headers against ${front === "proxy" ? "the proxy" : "Nginx"}`, async () => {
      await fc.assert(
        fc.asyncProperty(headers, async (lines) => {
          const text = lines.map(([name, value]) => `${name}: ${value}\r\n`).join("");
          await exchange(front, `GET /v1/models HTTP/1.1\r\nHost: site.example\r\n${text}Connection: close\r\n\r\n`);
        }),
        { numRuns: RUNS, seed },
      );
    });
  }

  it("left the proxy running, and nothing reached the upstream outside /v1", async () => {
    expect(stack.proxy.child.exitCode).toBeNull();
    expect(stack.proxy.stderr()).toBe("");
    const escaped = stack.upstream.requests.filter((r) => !/^\/v1([/?]|$)/.test(r.url));
    expect(escaped).toEqual([]);
    console.log(`[fuzz] ${4 * RUNS} inputs, ${stack.upstream.requests.length} relayed under /v1, ${escaped.length} escaped`);
  });
});
