// The built proxy as a 128 MB function, where the bootstrap leaves V8's default heap: garbage is
// collected late there, so whatever keeps a finished request's objects reachable for a while (they are
// then promoted, and wait for a full collection) shows as RSS. A getter on the per-request body relay
// once did exactly that: 10,000 requests took the proxy from 60 to 101 MB, 8 MiB uploads to 126 MB.
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { MEMORY_ENV } from "../../function/src/limits.js";
import { concurrentUploads } from "../../chain/floods.js";
import { nginxBinary } from "../fixtures/nginx.js";
import { chatBody } from "../nginx/client.js";
import { peakRssBytes, rssBytes, startStack, type Stack } from "./stack.js";

const MEMORY_MB = 128;
const MiB = 1024 * 1024;
const REQUESTS = 10_000;
const AT_ONCE = 10;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** `count` chat completions, `AT_ONCE` at a time on kept-alive connections, every other one streamed; their statuses. */
async function requests(port: number, count: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: AT_ONCE });
  const bodies = [chatBody(), chatBody({ stream: true })];
  const statuses: number[] = [];
  let next = 0;
  const one = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ port, host: "127.0.0.1", method: "POST", path: "/v1/chat/completions", agent, headers: { "content-type": "application/json" } });
      req.on("response", (res) => res.resume().on("end", () => resolve(res.statusCode!)));
      req.on("error", reject);
      req.end(body);
    });
  const worker = async () => {
    while (next < count) {
      const n = next++;
      statuses.push(await one(bodies[n % 2]!));
    }
  };
  try {
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
  } finally {
    agent.destroy();
  }
  return statuses;
}

describe.skipIf(!nginxBinary)(`the built proxy as a ${MEMORY_MB} MB function (V8's default heap)`, () => {
  it(`${REQUESTS.toLocaleString("en")} requests, half streamed, then 12 uploads of 8 MiB one at a time: peak RSS within 90% of ${MEMORY_MB} MB`, async () => {
    stack = await startStack({ env: { [MEMORY_ENV]: String(MEMORY_MB) }, upstream: { keepBodyBytes: 0 } });
    const pid = stack.proxy.child.pid!;
    const idle = await rssBytes(pid);
    const statuses = await requests(stack.proxyPort, REQUESTS);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(statuses).toHaveLength(REQUESTS);
    const afterRequests = await peakRssBytes(pid);
    for (let i = 0; i < 12; i++) expect(await concurrentUploads(stack.proxyPort, 1, 8 * MiB)).toEqual([200]);
    const peak = await peakRssBytes(pid);
    console.log(`[${MEMORY_MB} MB] proxy RSS idle ${mib(idle)}, peak after ${REQUESTS} requests ${mib(afterRequests)}, after the uploads ${mib(peak)}`);
    expect(peak).toBeLessThanOrEqual(MEMORY_MB * MiB * 0.9);
  }, 60_000);
});

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MB`;
}
