// A client that leaves takes the upstream call with it: no tokens generated (and billed) for nobody.
import http from "node:http";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startProxy, waitForRequestLogs, type InProcessProxy } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";

let upstream: TestUpstream;
let proxy: InProcessProxy;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
});

describe("client abort", () => {
  it("mid-stream closes the upstream request", async () => {
    upstream = await startUpstream({ scenario: { manual: true } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const client = new OpenAI({ apiKey: "sk-caller", baseURL: `${proxy.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [], stream: true });

    let seen = 0;
    for await (const _chunk of stream) {
      seen += 1;
      if (seen === 2) break; // leaving the loop aborts the fetch
      upstream.release();
    }
    await upstream.until(() => upstream.requests[0]!.aborted, 5_000, "the upstream to see the abort");
    expect(upstream.requests[0]!.completed).toBe(false);
    expect(upstream.requests[0]!.chunksWritten).toBe(2);
    expect(await waitForRequestLogs(proxy, 1)).toMatchObject([{ status: 200, error: "client_closed" }]);
  });

  it("during the upload closes the upstream request", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const req = http.request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      agent: false,
    });
    req.on("error", () => {});
    req.write('{"model":"gpt-4o-mini","messages":[');
    await upstream.until(() => upstream.requests[0]?.bodyBytes === 35, 5_000, "the first body bytes upstream");
    req.destroy();
    await upstream.until(() => upstream.requests[0]!.aborted, 5_000, "the upstream to see the abort");
    expect(upstream.requests[0]!.completed).toBe(false);
  });

  it("before the upstream answers closes the upstream request", async () => {
    upstream = await startUpstream({ scenario: { silent: true } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const controller = new AbortController();
    const pending = fetch(`${proxy.url}/v1/models`, { signal: controller.signal });
    await upstream.until(() => upstream.requests.length === 1, 5_000, "the request upstream");
    controller.abort();
    await expect(pending).rejects.toThrow(/aborted/);
    await upstream.until(() => upstream.requests[0]!.aborted, 5_000, "the upstream to see the abort");
    expect(await waitForRequestLogs(proxy, 1)).toMatchObject([{ status: 499, error: "client_closed" }]);
  });
});
