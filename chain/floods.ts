// The loads that decide what a 64 MB function must hold, for the reliability suite (which asserts what
// the proxy does under them) and the bench (which measures its memory under them at each size): idle
// connections, clients that read nothing of a large answer, and concurrent uploads at the body limit.
import http from "node:http";
import net from "node:net";
import { pollUntil } from "./poll.js";
import type { TestUpstream } from "./upstream.js";

const CHAT = "/v1/chat/completions";

/** Opens `count` connections that send nothing; resolves once all but `keep` were closed by the peer. */
export async function idleConnections(port: number, count: number, keep: number): Promise<{ closedByPeer: () => number; release: () => void }> {
  const sockets: net.Socket[] = [];
  let closedByPeer = 0;
  for (let i = 0; i < count; i++) {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.on("close", () => (closedByPeer += 1));
    sockets.push(socket);
    if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  const release = () => sockets.forEach((socket) => socket.destroy());
  await pollUntil(() => closedByPeer >= count - keep, `all but ${keep} of ${count} idle connections closed by the proxy`, 30_000).catch((err: unknown) => {
    release();
    throw err;
  });
  return { closedByPeer: () => closedByPeer, release };
}

/** What the upstream answers the slow readers with: `mib` MiB in 16 KiB pieces (events, or one JSON body). */
export function largeAnswer(mib: number): string[] {
  return Array.from({ length: mib * 64 }, () => "x".repeat(16 * 1024));
}

/**
 * `count` clients each ask for a streamed (`stream`) or JSON answer and read none of it. Resolves once
 * `held` upstream answers have started and, for streams, are held up by backpressure (a JSON answer is
 * one write: the upstream cannot tell), plus a second for what is in flight to land.
 */
export async function slowReaders(port: number, upstream: TestUpstream, o: { count: number; held: number; stream: boolean }): Promise<{ release: () => void }> {
  const body = JSON.stringify({ model: "m", messages: [], stream: o.stream });
  const sockets: net.Socket[] = [];
  const release = () => sockets.forEach((socket) => socket.destroy());
  for (let i = 0; i < o.count; i++) {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.pause();
    socket.write(`POST ${CHAT} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    sockets.push(socket);
  }
  try {
    const held = () => upstream.requests.length >= o.held && upstream.requests.every((r) => r.blocked || !o.stream);
    await upstream.until(held, 30_000, `${o.held} upstream answers held back`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } catch (err) {
    release();
    throw err;
  }
  return { release };
}

/** `count` uploads of `bytes` each at once (one chat completion body), resolving with their statuses. */
export function concurrentUploads(port: number, count: number, bytes: number, headers: http.OutgoingHttpHeaders = {}): Promise<number[]> {
  const body = Buffer.alloc(bytes, "x");
  const upload = () =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ port, host: "127.0.0.1", method: "POST", path: CHAT, agent: false, headers: { ...headers, "content-length": bytes } });
      req.on("response", (res) => res.resume().on("end", () => resolve(res.statusCode!)));
      req.on("error", reject);
      req.end(body);
    });
  return Promise.all(Array.from({ length: count }, upload));
}
