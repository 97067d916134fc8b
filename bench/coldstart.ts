// Cold start: spawn() → the first 200 from /healthz, and → the first relayed chunk of a streamed
// completion, beside a minimal node:http hello-world started the same way in the same run (Node's own
// start-up, the floor), without and with the proxy's flags, and with the builtins the proxy imports.
// The steps between them say where the time goes. Starts alternate, one process at a time.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { startUpstream } from "../chain/upstream.js";
import { startBuiltProxy, type BuiltProxy } from "./chain.js";
import { CHAT_HEADERS, CHAT_PATH, STREAM_BODY } from "./load.js";
import { healthz, startServer, type Probe } from "./process.js";
import { figure, pairwise, type Figure } from "./stats.js";

export interface ColdStartSettings {
  /** Starts of each kind. */
  starts: number;
}

export interface ColdStartResult {
  helloMs: Figure;
  /** The hello-world with the proxy's Node flags. */
  helloWithFlagsMs: Figure;
  /** That, also importing every node: module the bundle imports: all but our own code. */
  helloWithBuiltinsMs: Figure;
  proxyHealthzMs: Figure;
  proxyFirstChunkMs: Figure;
  /** Start by start, proxy ÷ plain hello-world, to the first /healthz 200. */
  ratio: Figure;
  /** Start by start, proxy − hello-world with the same flags and builtins: compiling and running our code. */
  ownCodeMs: Figure;
}

/** A minimal node:http server on HOST:PORT, importing `builtins` first. */
function helloWorld(builtins: readonly string[] = []): string {
  return [
    ...builtins.map((name) => `import ${JSON.stringify(name)};`),
    `import http from "node:http";`,
    `http.createServer((req, res) => res.end("ok")).listen(Number(process.env.PORT), process.env.HOST);`,
    "",
  ].join("\n");
}

/** The `node:` modules an ESM bundle imports (esbuild keeps them as import statements). */
export function builtinsOf(bundle: string): string[] {
  return [...new Set([...bundle.matchAll(/^import\b[^;]*?["'](node:[\w/]+)["'];?$/gm)].map((m) => m[1]!))].sort();
}

/** A streamed completion answered 200 and its first body byte arrived. */
const firstChunk: Probe = (baseUrl) =>
  new Promise((resolve) => {
    const req = http.request(`${baseUrl}${CHAT_PATH}`, { method: "POST", agent: false, headers: CHAT_HEADERS });
    req.on("response", (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return resolve(false);
      }
      res.once("data", () => {
        resolve(true);
        req.destroy();
      });
    });
    req.on("error", () => resolve(false));
    req.end(STREAM_BODY);
  });

export async function measureColdStart(built: BuiltProxy, s: ColdStartSettings): Promise<ColdStartResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "gptsite-bench-hello-"));
  const upstream = await startUpstream();
  try {
    const hello = path.join(dir, "hello.mjs");
    const helloBuiltins = path.join(dir, "hello-builtins.mjs");
    await writeFile(hello, helloWorld());
    await writeFile(helloBuiltins, helloWorld(builtinsOf(await readFile(path.join(built.dir, "index.mjs"), "utf8"))));
    const timeOf = async (start: () => ReturnType<typeof startServer>) => {
      const server = await start();
      await server.close();
      return server.readyMs;
    };
    const series = { hello: [] as number[], helloFlags: [] as number[], helloBuiltins: [] as number[], healthz: [] as number[], chunk: [] as number[] };
    for (let i = 0; i < s.starts; i++) {
      series.hello.push(await timeOf(() => startServer({ node: built.node, args: [hello] }, healthz)));
      series.helloFlags.push(await timeOf(() => startServer({ node: built.node, args: [...built.nodeFlags, hello] }, healthz)));
      series.helloBuiltins.push(await timeOf(() => startServer({ node: built.node, args: [...built.nodeFlags, helloBuiltins] }, healthz)));
      series.healthz.push(await timeOf(() => startBuiltProxy(built, upstream.url, healthz)));
      series.chunk.push(await timeOf(() => startBuiltProxy(built, upstream.url, firstChunk)));
      upstream.requests.splice(0);
    }
    const helloMs = figure(series.hello);
    const helloWithBuiltinsMs = figure(series.helloBuiltins);
    const proxyHealthzMs = figure(series.healthz);
    return {
      helloMs,
      helloWithFlagsMs: figure(series.helloFlags),
      helloWithBuiltinsMs,
      proxyHealthzMs,
      proxyFirstChunkMs: figure(series.chunk),
      ratio: pairwise(proxyHealthzMs, helloMs, (p, h) => p / h),
      ownCodeMs: pairwise(proxyHealthzMs, helloWithBuiltinsMs, (p, h) => p - h),
    };
  } finally {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  }
}
