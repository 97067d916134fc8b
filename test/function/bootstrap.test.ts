// The bootstrap the function starts with (scf_bootstrap: SCF runs it by its `#!/bin/bash`, FC and the
// container through /bin/sh): Node's flags for the memory the program hands over in FUNCTION_MEMORY_MB.
// The script itself runs here, under both shells, with a stand-in node that prints what it was given;
// then with the real node, whose flags are read back from /proc.
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOTSTRAP_FILE, SCF_NODE_PATH } from "../../function/build.js";
import { MEMORY_ENV, nodeFlagsFor, SMALL_MEMORY_FLAGS } from "../../function/src/limits.js";
import { unpackBuiltProxy } from "../../chain/bundle.js";
import { spawnProxy } from "../../chain/proxy.js";
import { closeAfterEach } from "./cleanup.js";

const run = promisify(execFile);
const closing = closeAfterEach();

let bundle: Awaited<ReturnType<typeof unpackBuiltProxy>>;
let script: string;
let fakeNode: string;
beforeAll(async () => {
  bundle = await unpackBuiltProxy();
  script = path.join(bundle.dir, BOOTSTRAP_FILE);
  fakeNode = path.join(bundle.dir, "fake-node");
  await writeFile(fakeNode, '#!/bin/sh\nprintf "%s\\n" "$@"\necho "PORT=$PORT HOST=$HOST"\n', { mode: 0o755 });
});
afterAll(() => bundle?.cleanup());

/** What the bootstrap runs node with, under `shell`, for this value of FUNCTION_MEMORY_MB (undefined: unset). */
async function launch(shell: string, memory: string | undefined, env: Record<string, string> = {}): Promise<{ flags: string[]; rest: string[] }> {
  const { stdout } = await run(shell, [script, fakeNode], { env: { PATH: process.env.PATH, ...env, ...(memory === undefined ? {} : { [MEMORY_ENV]: memory }) } });
  const lines = stdout.trimEnd().split("\n");
  return { flags: lines.filter((l) => l.startsWith("--")), rest: lines.filter((l) => !l.startsWith("--")) };
}

describe("scf_bootstrap picks Node's flags for FUNCTION_MEMORY_MB", () => {
  it.each(["bash", "sh"])("under %s: the small-memory flags below 128 MB, V8's defaults from 128 MB", async (shell) => {
    for (const mb of [64, 100, 127]) expect((await launch(shell, String(mb))).flags, `${mb} MB`).toEqual(SMALL_MEMORY_FLAGS);
    for (const mb of [128, 256, 3072, 32768]) expect((await launch(shell, String(mb))).flags, `${mb} MB`).toEqual([]);
    expect(nodeFlagsFor(64)).toEqual(SMALL_MEMORY_FLAGS);
    expect(nodeFlagsFor(128)).toEqual([]);
  });

  it.each(["bash", "sh"])("under %s: the small-memory flags when the value is missing or not a whole number", async (shell) => {
    for (const value of [undefined, "", "abc", "64MB", "-1", "1.5", "0x100", "99999999999999999999"]) {
      expect((await launch(shell, value)).flags, JSON.stringify(value)).toEqual(SMALL_MEMORY_FLAGS);
    }
  });

  it("runs the bundle beside it, on 0.0.0.0:9000 unless PORT and HOST say otherwise", async () => {
    expect((await launch("sh", "128")).rest).toEqual([path.join(bundle.dir, "index.mjs"), "PORT=9000 HOST=0.0.0.0"]);
    expect((await launch("sh", "128", { PORT: "24123", HOST: "127.0.0.1" })).rest.at(-1)).toBe("PORT=24123 HOST=127.0.0.1");
  });

  it("without a node argument, runs SCF's node by its absolute path", async () => {
    const failed = await run("sh", [script], { env: { PATH: process.env.PATH } }).catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({ code: 127 });
    expect((failed as { stderr: string }).stderr).toContain(SCF_NODE_PATH);
  });

  it("is a script both shells parse, with LF line ends", async () => {
    const text = await readFile(script, "utf8");
    expect(text.startsWith("#!/bin/bash\n")).toBe(true);
    expect(text).not.toContain("\r");
    for (const shell of ["bash", "sh"]) await run(shell, ["-n", script]);
  });
});

describe("the proxy started by the bootstrap with this node", () => {
  it.each([
    ["64", SMALL_MEMORY_FLAGS, 64, 27],
    ["128", [], 128, 65],
    ["256", [], 256, 180],
    [undefined, SMALL_MEMORY_FLAGS, 64, 27],
  ] as const)("FUNCTION_MEMORY_MB=%s: runs with the flags chosen, sized for the memory, nothing on stderr", async (memory, flags, memoryMb, maxConnections) => {
    const proxy = closing(await spawnProxy({ dir: bundle.dir, env: memory === undefined ? {} : { [MEMORY_ENV]: memory } }));
    const argv = (await readFile(`/proc/${proxy.child.pid}/cmdline`, "utf8")).split("\0").filter(Boolean);
    expect(argv).toEqual([process.execPath, ...flags, path.join(bundle.dir, "index.mjs")]);
    expect(JSON.parse(proxy.logs[0]!)).toMatchObject({ msg: "listening", memoryMb, maxConnections });
    expect((await fetch(`${proxy.url}/healthz`)).status).toBe(200);
    expect(proxy.stderr()).toBe("");
  });
});
