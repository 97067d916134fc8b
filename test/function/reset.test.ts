// An upstream that drops the connection: mid-stream the client sees an incomplete message (never a
// clean end that would pass for a whole answer, never a hang); before any byte, a 502 in OpenAI's shape.
import http from "node:http";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startProxy, waitForRequestLogs, type InProcessProxy } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { proxyError, send } from "./http.js";

let upstream: TestUpstream;
let proxy: InProcessProxy;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
});

const CHAT = JSON.stringify({ model: "gpt-4o-mini", messages: [], stream: true });

describe("upstream reset", () => {
  // Manual pacing: each event leaves the upstream in its own write, and the reset comes after the
  // third, once the client has it (the upstream resets on the release after its last write).
  it("mid-stream ends the client's response as incomplete", async () => {
    upstream = await startUpstream({ scenario: { manual: true, resetAfterChunks: 3 } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });

    const outcome = await new Promise<{ events: number; ended: boolean; error?: string }>((resolve) => {
      const req = http.request(`${proxy.url}/v1/chat/completions`, { method: "POST", agent: false, headers: { "content-type": "application/json" } }, (res) => {
        let data = "";
        const events = () => data.match(/^data: /gm)?.length ?? 0;
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          const before = events();
          data += d;
          upstream.release(events() - before);
        });
        res.on("end", () => resolve({ events: events(), ended: true }));
        res.on("error", (err) => resolve({ events: events(), ended: false, error: (err as NodeJS.ErrnoException).code }));
      });
      req.end(CHAT);
    });
    expect(outcome).toEqual({ events: 3, ended: false, error: "ECONNRESET" });
    expect(await waitForRequestLogs(proxy, 1)).toMatchObject([{ status: 200, error: "upstream_reset" }]);
  });

  it("mid-stream surfaces as an error in the openai client", async () => {
    upstream = await startUpstream({ scenario: { manual: true, resetAfterChunks: 2 } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const client = new OpenAI({ apiKey: "sk-caller", baseURL: `${proxy.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [], stream: true });
    let seen = 0;
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          seen += 1;
          upstream.release();
        }
      })(),
    ).rejects.toThrow(/terminated/);
    expect(seen).toBe(2);
  });

  it("before any response byte answers 502", async () => {
    upstream = await startUpstream({ scenario: { resetAfterChunks: 0 } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const answer = await send(`${proxy.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: CHAT });
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toEqual(
      proxyError("upstream_reset", `The upstream closed the connection before answering: 127.0.0.1:${upstream.port} (ECONNRESET)`),
    );
    // A fresh connection that fails is not the keep-alive race: nothing was retried.
    expect(upstream.requests).toHaveLength(1);
  });
});
