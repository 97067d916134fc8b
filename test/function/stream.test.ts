// The official openai client, pointed at the proxy, streams a chat completion; each chunk reaches the
// client before the upstream writes the next one, so the proxy holds nothing back.
import { afterEach, describe, expect, it } from "vitest";
import { startProxy, type InProcessProxy } from "../../chain/proxy.js";
import { DEFAULT_CHUNKS, startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { streamChunkByChunk } from "./http.js";

let upstream: TestUpstream;
let proxy: InProcessProxy;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
});

describe("streaming through the proxy", () => {
  it("delivers every chunk before the upstream writes the next", async () => {
    upstream = await startUpstream({ apiKey: "sk-caller", scenario: { manual: true } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    // The upstream is blocked until release(): had the proxy buffered, a chunk could not arrive alone.
    const { text, chunks } = await streamChunkByChunk(`${proxy.url}/v1`, "sk-caller", upstream);
    expect(text).toBe(DEFAULT_CHUNKS.join(""));
    expect(chunks).toBe(DEFAULT_CHUNKS.length + 2);
  });

  it("marks event streams unbufferable and lets browsers read them", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-caller" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [], stream: true }),
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.text()).toMatch(/data: \[DONE\]\n\n$/);
  });

  it("does not mark plain JSON answers", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const res = await fetch(`${proxy.url}/v1/models`, { headers: { authorization: "Bearer sk-caller" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-accel-buffering")).toBeNull();
    expect(await res.json()).toMatchObject({ object: "list" });
  });
});
