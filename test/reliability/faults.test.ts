// Faults through the whole chain (Nginx → the built proxy → the test upstream), each with what the
// client sees: an upstream that resets mid-stream, never answers, refuses, or does not resolve; 500
// clients leaving at once; the proxy process killed mid-stream and started again. After each, the
// chain serves a whole stream again.
import type http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { requestLogs, waitForRequestLogs } from "../../chain/proxy.js";
import { freePort } from "../../chain/ports.js";
import { nginxBinary } from "../fixtures/nginx.js";
import { DEFAULT_CHUNKS } from "../../chain/upstream.js";
import { streamChat, type StreamOutcome } from "./load.js";
import { errorOf, rawExchange } from "./raw.js";
import { pollUntil } from "../../chain/poll.js";
import { openFds, startStack, type Stack, type StackOptions } from "./stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(options: StackOptions = {}): Promise<Stack> {
  stack = await startStack(options);
  return stack;
}

const chatUrl = (s: Stack) => `${s.nginx.httpUrl}/v1/chat/completions`;

/** The proxy's or Nginx's JSON error for one POST through Nginx. */
async function errorThroughNginx(s: Stack): Promise<{ status: number; error: ReturnType<typeof errorOf> }> {
  const body = '{"model":"gpt-4o-mini","messages":[],"stream":true}';
  const answer = await rawExchange(
    s.nginx.httpPort,
    `POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
  return { status: answer.status, error: errorOf(answer) };
}

/** The chain still serves: one whole stream, chunk by chunk, with [DONE]. */
async function expectServing(s: Stack): Promise<void> {
  s.upstream.behave({});
  const outcome = await streamChat(chatUrl(s), DEFAULT_CHUNKS);
  expect(outcome.problem).toBeUndefined();
  expect(outcome.complete).toBe(true);
}

describe.skipIf(!nginxBinary)("faults through Nginx + proxy", () => {
  it("upstream resets mid-stream: the client has the events sent so far, then an unfinished response", async () => {
    const s = await start({ upstream: { scenario: { manual: true, resetAfterChunks: 3 } } });
    // Each event reaching the client lets the upstream write the next; after the third it resets.
    const outcome = await streamChat(chatUrl(s), DEFAULT_CHUNKS, { onEvent: () => s.upstream.release() });
    expect(outcome).toMatchObject({ complete: false, status: 200 });
    expect(outcome.events).toHaveLength(3);
    expect(outcome.events).not.toContain("[DONE]");
    expect(outcome.problem).toMatch(/^(response: (ECONNRESET|aborted)|response closed before its end)$/);
    expect(await waitForRequestLogs(s.proxy, 1)).toMatchObject([{ status: 200, error: "upstream_reset" }]);
    await expectServing(s);
  });

  it("upstream accepts and never answers: 504 in OpenAI's shape once UPSTREAM_TIMEOUT_MS passes, and the call is dropped", async () => {
    const s = await start({ upstream: { scenario: { silent: true } }, env: { UPSTREAM_TIMEOUT_MS: "300" } });
    const { status, error } = await errorThroughNginx(s);
    expect(status).toBe(504);
    expect(error).toEqual({
      message: `The upstream sent nothing in time: no byte from 127.0.0.1:${s.upstream.port} for 300 ms (UPSTREAM_TIMEOUT_MS)`,
      type: "proxy_error",
      code: "upstream_timeout",
    });
    await s.upstream.until(() => s.upstream.requests[0]!.aborted, 5_000, "the upstream to see the call dropped");
    await expectServing(s);
  });

  it("upstream refuses the connection: 502 upstream_unreachable", async () => {
    const port = await freePort();
    const s = await start({ env: { UPSTREAM_URL: `http://127.0.0.1:${port}` } });
    expect(await errorThroughNginx(s)).toEqual({
      status: 502,
      error: { message: `The upstream could not be reached: 127.0.0.1:${port} (ECONNREFUSED)`, type: "proxy_error", code: "upstream_unreachable" },
    });
    expect(s.proxy.child.exitCode).toBeNull();
  });

  it("upstream host does not resolve: 502 upstream_dns_failed", async () => {
    // .invalid is reserved (RFC 6761): no resolver answers it.
    const s = await start({ env: { UPSTREAM_URL: "http://gptsite-fault.invalid" } });
    const { status, error } = await errorThroughNginx(s);
    expect(status).toBe(502);
    expect(error).toMatchObject({ type: "proxy_error", code: "upstream_dns_failed" });
    expect(error!.message).toMatch(/^The upstream host name did not resolve: gptsite-fault\.invalid \((ENOTFOUND|EAI_AGAIN)\)$/);
    expect(s.proxy.child.exitCode).toBeNull();
  });

  it("500 clients abort mid-stream at once: the upstream sees every abort and the proxy keeps serving", async () => {
    const CLIENTS = 500;
    // Room for all of them: this is about aborts, not the connection cap (limits.test.ts has that).
    const s = await start({ upstream: { scenario: { manual: true } }, env: { MAX_CONNECTIONS: String(CLIENTS + 100) } });
    const pid = s.proxy.child.pid!;
    const idleFds = await openFds(pid);
    const open: http.ClientRequest[] = [];
    const outcomes: Promise<StreamOutcome>[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      outcomes.push(streamChat(chatUrl(s), DEFAULT_CHUNKS, { onEvent: (n, req) => n === 1 && open.push(req) }));
    }
    // Every client holds its first event, and every upstream stream waits for release().
    await s.upstream.until(() => s.upstream.requests.filter((r) => r.chunksWritten === 1).length === CLIENTS, 30_000, `${CLIENTS} open streams`);
    await pollUntil(() => open.length === CLIENTS, `${CLIENTS} clients with their first event`);

    for (const req of open) req.destroy();
    await s.upstream.until(() => s.upstream.requests.filter((r) => r.aborted).length === CLIENTS, 30_000, `${CLIENTS} aborts at the upstream`);
    const settled = await Promise.all(outcomes);
    expect(settled.filter((o) => o.complete)).toEqual([]);
    expect(s.upstream.requests.filter((r) => r.completed)).toEqual([]);

    await pollUntil(() => requestLogs(s.proxy).length === CLIENTS, `${CLIENTS} proxy log lines`);
    expect(requestLogs(s.proxy).filter((l) => l.error === "client_closed")).toHaveLength(CLIENTS);
    expect(s.nginx.errorLog()).not.toMatch(/worker_connections are not enough/);
    await expectServing(s);
    // The proxy's own descriptors (its pooled sockets to the upstream aside) are back to idle.
    await pollUntil(async () => (await openFds(pid)) - s.upstream.openConnections <= idleFds, "the proxy's descriptors back to idle");
  });

  it("the proxy is killed mid-stream: streams end unfinished, Nginx answers 502 JSON meanwhile, and all is well once it is back", async () => {
    const STREAMS = 20;
    const s = await start({ upstream: { scenario: { manual: true } } });
    let withEvent = 0;
    const outcomes = Array.from({ length: STREAMS }, () => streamChat(chatUrl(s), DEFAULT_CHUNKS, { onEvent: (n) => n === 1 && (withEvent += 1) }));
    await pollUntil(() => withEvent === STREAMS, `${STREAMS} streams under way`);

    await s.killProxy();
    const cut = await Promise.all(outcomes);
    expect(cut.filter((o) => o.complete || o.events.includes("[DONE]"))).toEqual([]);
    expect(cut.map((o) => o.status)).toEqual(Array(STREAMS).fill(200));
    await s.upstream.until(() => s.upstream.requests.every((r) => r.aborted), 5_000, "the upstream to see every call dropped");

    for (let i = 0; i < 3; i++) {
      expect(await errorThroughNginx(s)).toEqual({
        status: 502,
        error: { message: "Nginx: the function proxy could not be reached.", type: "proxy_error", code: "upstream_unreachable" },
      });
    }

    await s.restartProxy();
    await expectServing(s);
    expect(s.proxy.child.exitCode).toBeNull();
  });
});
