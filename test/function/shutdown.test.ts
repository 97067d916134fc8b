// SIGTERM (a platform recycling the instance, `docker stop`): stop accepting, let the streams in
// flight finish, then exit 0.
import net from "node:net";
import http from "node:http";
import { describe, expect, it } from "vitest";
import { spawnFunction, waitForLog } from "../fixtures/proxy.js";
import { startUpstream } from "../fixtures/upstream.js";
import { unpackBuiltProxy } from "./bundle.js";
import { closeAfterEach } from "./cleanup.js";

const closing = closeAfterEach();

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("connect", () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
  });
}

describe("graceful shutdown", () => {
  it("finishes the stream in flight, refuses new connections, exits 0", async () => {
    const { dir, cleanup } = await unpackBuiltProxy();
    closing({ close: cleanup });
    const u = closing(await startUpstream({ scenario: { manual: true } }));
    const p = closing(await spawnFunction(dir, { UPSTREAM_URL: u.url }));

    let data = "";
    const done = new Promise<boolean>((resolve) => {
      const req = http.request(`${p.url}/v1/chat/completions`, { method: "POST", agent: false }, (res) => {
        res.setEncoding("utf8");
        res.on("data", (d: string) => (data += d));
        res.on("end", () => resolve(true));
        res.on("error", () => resolve(false));
      });
      req.end(JSON.stringify({ model: "m", messages: [], stream: true }));
    });
    await u.until(() => u.requests[0]?.chunksWritten === 1, 5_000, "the first event");

    p.child.kill("SIGTERM");
    await waitForLog(p, (lines) => lines.some((l) => l.includes('"msg":"stopping"')), "the stopping line");
    expect(await connects(p.port)).toBe(false);

    u.release(100);
    expect(await done).toBe(true);
    expect(data).toMatch(/data: \[DONE\]\n\n$/);
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(JSON.parse(p.logs.at(-1)!)).toMatchObject({ msg: "stopped", signal: "SIGTERM", graceful: true });
  });
});
