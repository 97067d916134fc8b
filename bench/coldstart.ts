// Cold start: spawn() → the first 200 from /healthz, and → the first relayed chunk of a streamed
// completion, of the proxy as a function of one size starts it (its bootstrap, and the flags it picks),
// beside a minimal node:http hello-world started the same way in the same run (bare Node, the floor),
// then with the flags the bootstrap picked, then also loading the builtins the proxy loads. The steps
// between them say where the time goes. Starts alternate, one process at a time.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { startUpstream } from "../chain/upstream.js";
import { nodeFlagsAt, startBuiltProxy, type BuiltProxy } from "./chain.js";
import { CHAT_HEADERS, CHAT_PATH, STREAM_BODY } from "./load.js";
import { healthz, startServer, type Probe } from "./process.js";
import { figure, pairwise, type Figure } from "./stats.js";

export interface ColdStartSettings {
  /** Starts of each kind. */
  starts: number;
}

export interface ColdStartResult {
  helloMs: Figure;
  /** The hello-world with the Node flags the bootstrap picks for the size. */
  helloWithFlagsMs: Figure;
  /** That, also loading every node: module the bundle loads, as it does: all but our own code. */
  helloWithBuiltinsMs: Figure;
  proxyHealthzMs: Figure;
  proxyFirstChunkMs: Figure;
  /** Start by start, proxy ÷ plain hello-world, to the first /healthz 200. */
  ratio: Figure;
  /** Start by start, proxy − hello-world with the same flags and builtins: compiling and running our code. */
  ownCodeMs: Figure;
}

/** A minimal node:http server on HOST:PORT, as one writes it. */
// node:http by require(), as the bundle loads it (function/src/nodeHttp.ts): on Node 22 an ESM import
// of it loads undici's WebAssembly parser, which the small-memory flags' lite mode cannot run.
const HELLO = [
  `import { createRequire } from "node:module";`,
  `createRequire(import.meta.url)("node:http").createServer((req, res) => res.end("ok")).listen(Number(process.env.PORT), process.env.HOST);`,
  "",
].join("\n");

/** The hello-world loading the bundle's builtins first, each as the bundle does (`import`, or `require()` for node:http). */
function helloWithBuiltins(builtins: Builtins): string {
  return [
    ...builtins.imported.map((name) => `import ${JSON.stringify(name)};`),
    `import { createRequire } from "node:module";`,
    `const require = createRequire(import.meta.url);`,
    ...builtins.required.map((name) => `require(${JSON.stringify(name)});`),
    `require("node:http").createServer((req, res) => res.end("ok")).listen(Number(process.env.PORT), process.env.HOST);`,
    "",
  ].join("\n");
}

export interface Builtins {
  imported: string[];
  required: string[];
}

/** The `node:` modules an ESM bundle imports (esbuild keeps import statements) and those it require()s. */
export function builtinsOf(bundle: string): Builtins {
  const found = (re: RegExp) => [...new Set([...bundle.matchAll(re)].map((m) => m[1]!))].sort();
  return { imported: found(/\bimport\b[^;]*?["'](node:[\w/]+)["']/g), required: found(/\brequire\d*\(["'](node:[\w/]+)["']\)/g) };
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

export async function measureColdStart(built: BuiltProxy, memoryMb: number, s: ColdStartSettings): Promise<ColdStartResult> {
  const flags = nodeFlagsAt(built, memoryMb);
  const dir = await mkdtemp(path.join(os.tmpdir(), "gptsite-bench-hello-"));
  const upstream = await startUpstream();
  try {
    const hello = path.join(dir, "hello.mjs");
    const helloBuiltins = path.join(dir, "hello-builtins.mjs");
    await writeFile(hello, HELLO);
    await writeFile(helloBuiltins, helloWithBuiltins(builtinsOf(await readFile(path.join(built.dir, "index.mjs"), "utf8"))));
    const timeOf = async (start: () => ReturnType<typeof startServer>) => {
      const server = await start();
      await server.close();
      return server.readyMs;
    };
    const series = { hello: [] as number[], helloFlags: [] as number[], helloBuiltins: [] as number[], healthz: [] as number[], chunk: [] as number[] };
    for (let i = 0; i < s.starts; i++) {
      series.hello.push(await timeOf(() => startServer({ node: built.node, args: [hello] }, healthz)));
      series.helloFlags.push(await timeOf(() => startServer({ node: built.node, args: [...flags, hello] }, healthz)));
      series.helloBuiltins.push(await timeOf(() => startServer({ node: built.node, args: [...flags, helloBuiltins] }, healthz)));
      series.healthz.push(await timeOf(() => startBuiltProxy(built, memoryMb, upstream.url, healthz)));
      series.chunk.push(await timeOf(() => startBuiltProxy(built, memoryMb, upstream.url, firstChunk)));
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
