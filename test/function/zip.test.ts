// The artifact the cloud runs: a reproducible zip (same bytes from the same source, whatever the
// time zone), an executable SCF bootstrap in it, and a bundle that runs alone from an empty dir.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { buildArtifacts, ZIP_TARGET_BYTES } from "../../function/build.js";
import { spawnProxy, waitForRequestLogs } from "../../chain/proxy.js";
import { DEFAULT_CHUNKS, startUpstream } from "../../chain/upstream.js";
import { readZip, unpackBuiltProxy } from "../../chain/bundle.js";
import { closeAfterEach } from "./cleanup.js";
import { streamChunkByChunk } from "./http.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));

const closing = closeAfterEach();

async function shaInChild(tz: string): Promise<string> {
  const script = 'import("./function/build.ts").then(async (m) => console.log((await m.buildArtifacts()).zipSha256))';
  const { stdout } = await run("node_modules/.bin/tsx", ["-e", script], { cwd: root, env: { ...process.env, TZ: tz } });
  return stdout.trim();
}

describe("function.zip", () => {
  it("has the same bytes every build, in any time zone", async () => {
    const [a, b] = [await buildArtifacts(), await buildArtifacts()];
    expect(a.zip.equals(b.zip)).toBe(true);
    expect(a.zipSha256).toBe(createHash("sha256").update(a.zip).digest("hex"));
    expect(await shaInChild("UTC")).toBe(a.zipSha256);
    expect(await shaInChild("Pacific/Kiritimati")).toBe(a.zipSha256);
  }, 60_000);

  it("holds index.mjs and an executable scf_bootstrap, sorted, with fixed times", async () => {
    const { zip, bundle, bootstrap } = await buildArtifacts();
    const entries = readZip(zip);
    expect(entries.map((e) => [e.name, e.mode.toString(8), e.madeByUnix, e.crcMatches])).toEqual([
      ["index.mjs", "100644", true, true],
      ["scf_bootstrap", "100755", true, true],
    ]);
    // 1980-01-01 00:00 in DOS format, the same in every entry.
    expect(entries.map((e) => [e.dosDate, e.dosTime])).toEqual([
      [0x21, 0],
      [0x21, 0],
    ]);
    expect(entries[0]!.data.toString()).toBe(bundle);
    expect(entries[1]!.data.toString()).toBe(bootstrap);
    expect(zip.length).toBeLessThanOrEqual(ZIP_TARGET_BYTES);
  });

  it("bundles everything: the only imports left are Node built-ins", async () => {
    const { bundle } = await buildArtifacts();
    const specifiers = [...bundle.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\d*\s*\(\s*)["']([^"']+)["']/g)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s!.startsWith("node:"))).toEqual([]);
  });

  // Node 22's ESM wrapper of node:http reads its lazy WebSocket export, which loads undici, whose
  // parser is WebAssembly: under the small-memory flags (no WebAssembly) the proxy crashed right after
  // "listening". require() leaves that getter alone (function/src/nodeHttp.ts).
  it("loads node:http and node:https with require(), never through an ESM import", async () => {
    const { bundle } = await buildArtifacts();
    const imported = [...bundle.matchAll(/\bfrom\s*["'](node:[\w/]+)["']/g)].map((m) => m[1]);
    expect(imported).not.toContain("node:http");
    expect(imported).not.toContain("node:https");
    expect(bundle).toMatch(/\brequire\d*\("node:http"\)/);
  });

  it("unpacked alone, serves /healthz and relays a stream", async () => {
    const { dir, cleanup } = await unpackBuiltProxy();
    closing({ close: cleanup });
    const upstream = closing(await startUpstream({ apiKey: "sk-fn-key", scenario: { manual: true } }));
    const env = { UPSTREAM_URL: upstream.url, PROXY_TOKEN: "pt-zip-token-0123456", OPENAI_API_KEY: "sk-fn-key" };
    const proxy = closing(await spawnProxy({ dir, env }));

    const health = await fetch(`${proxy.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    const { text } = await streamChunkByChunk(`${proxy.url}/v1`, "pt-zip-token-0123456", upstream);
    expect(text).toBe(DEFAULT_CHUNKS.join(""));
    const logs = await waitForRequestLogs(proxy, 2);
    expect(logs.map((l) => [l.method, l.path, l.status])).toEqual([
      ["GET", "/healthz", 200],
      ["POST", "/v1/chat/completions", 200],
    ]);
    // Nothing on stderr: V8 warns there about flags that conflict.
    expect(proxy.stderr()).toBe("");
  });

  it("unpacked alone, refuses to start as an open relay of the key", async () => {
    const { dir, cleanup } = await unpackBuiltProxy();
    closing({ close: cleanup });
    await expect(spawnProxy({ dir, env: { OPENAI_API_KEY: "sk-fn-key" } })).rejects.toThrow(
      /^proxy exited \(code 2, signal null\) before listening: gptsite proxy: OPENAI_API_KEY is set but PROXY_TOKEN is not: the proxy would be an open relay of your key/,
    );
  });

  it("unpacked alone, refuses to start with a blank or short PROXY_TOKEN rather than run without auth", async () => {
    const { dir, cleanup } = await unpackBuiltProxy();
    closing({ close: cleanup });
    for (const [token, got] of [["", "an empty value"], ["x", "1 character"]]) {
      await expect(spawnProxy({ dir, env: { PROXY_TOKEN: token } })).rejects.toThrow(
        `proxy exited (code 2, signal null) before listening: gptsite proxy: PROXY_TOKEN must be at least 16 visible ASCII characters, no spaces (it travels in a header); got ${got} (not shown).`,
      );
    }
  });
});
