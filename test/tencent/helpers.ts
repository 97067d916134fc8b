// Shared setup for the Tencent provider suites: test credentials, the environment the providers read (pointed at
// the API double), small zips standing in for the built proxy, and an SCF suite's double and inputs.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach } from "vitest";
import yazl from "yazl";
import { scfRuntime, stageZip, type ScfWebFunctionInputs } from "../../infra/tencent/index.js";
import { startTencentApi, type TencentApiDouble, type TencentCredentials } from "../fixtures/tencent-api.js";

export const testCredentials: TencentCredentials = {
  secretId: "AKIDgptsiteTESTsecretIdDoNotUse0001",
  secretKey: "gptsiteTESTsecretKeyDoNotUse00000001",
};

const variables = [
  "TENCENTCLOUD_SECRET_ID",
  "TENCENTCLOUD_SECRET_KEY",
  "TENCENTCLOUD_SESSION_TOKEN",
  "TENCENTCLOUD_API_BASE",
  // The SDK sends every request through http_proxy when it is set (design §4).
  "http_proxy",
  "HTTP_PROXY",
  "https_proxy",
  "HTTPS_PROXY",
] as const;

/** Points the providers at `api` with `credentials`; returns a function that restores the environment. */
export function useTencentEnvironment(api: TencentApiDouble, credentials: TencentCredentials = testCredentials): () => void {
  const saved = new Map(variables.map((name) => [name, process.env[name]]));
  for (const name of variables) delete process.env[name];
  process.env["TENCENTCLOUD_SECRET_ID"] = credentials.secretId;
  process.env["TENCENTCLOUD_SECRET_KEY"] = credentials.secretKey;
  if (credentials.token) process.env["TENCENTCLOUD_SESSION_TOKEN"] = credentials.token;
  process.env["TENCENTCLOUD_API_BASE"] = api.url;
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** A zip holding index.mjs (with `marker` in it) and an executable scf_bootstrap, as the build makes. */
export async function proxyZip(marker: string): Promise<{ zip: Buffer; sha256: string }> {
  const zipfile = new yazl.ZipFile();
  const mtime = new Date("2024-01-01T00:00:00Z");
  zipfile.addBuffer(Buffer.from(`export const marker = ${JSON.stringify(marker)};\n`), "index.mjs", { mtime });
  zipfile.addBuffer(Buffer.from("#!/bin/bash\nexec /var/lang/node18/bin/node index.mjs\n"), "scf_bootstrap", {
    mtime,
    mode: 0o100755,
  });
  zipfile.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zipfile.outputStream) chunks.push(chunk as Buffer);
  const zip = Buffer.concat(chunks);
  return { zip, sha256: createHash("sha256").update(zip).digest("hex") };
}

/** A temp directory for staged zips, and its cleanup. */
export function zipDirectory(): { dir: string; stage: (zip: { zip: Buffer; sha256: string }) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "gptsite-tencent-"));
  return {
    dir,
    stage: ({ zip, sha256 }) => stageZip(zip, sha256, dir),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The owner id of the stack under test (a RandomId's hex in a real stack). */
export const testOwner = "5ca1ab1e0ddba11a";

/**
 * For an SCF suite: a fresh API double, the providers' environment pointed at it and a zip directory for each
 * test, and the inputs of the function `gptsite-dev-proxy` in ap-singapore/default.
 */
export function useScfDouble() {
  let api: TencentApiDouble | undefined;
  let zips: ReturnType<typeof zipDirectory> | undefined;
  let restore = () => {};
  beforeEach(async () => {
    api = await startTencentApi({ credentials: testCredentials });
    restore = useTencentEnvironment(api);
    zips = zipDirectory();
  });
  afterEach(async () => {
    restore();
    await api?.close();
    zips?.remove();
  });
  const double = () => {
    if (!api) throw new Error("useScfDouble: the double starts in beforeEach");
    return api;
  };
  return {
    get api() {
      return double();
    },
    /** The function as the double holds it. */
    live: () => double().fn("ap-singapore", "default", "gptsite-dev-proxy"),
    /** The provider's inputs for a proxy zip containing `marker`. */
    async inputs(marker: string, overrides: Partial<ScfWebFunctionInputs> = {}): Promise<ScfWebFunctionInputs> {
      const zip = await proxyZip(marker);
      return {
        region: "ap-singapore",
        namespace: "default",
        functionName: "gptsite-dev-proxy",
        type: "HTTP",
        runtime: scfRuntime,
        memoryMb: 64,
        timeoutSec: 900,
        concurrency: 2,
        maxInstances: 3,
        environment: { PROXY_TOKEN: "token-1", OPENAI_API_KEY: "sk-test-1", UPSTREAM_URL: "https://api.openai.com" },
        zipPath: zips!.stage(zip),
        zipSha256: zip.sha256,
        owner: testOwner,
        ...overrides,
      };
    },
  };
}

export const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Registers `pulumi up`'s TypeScript loader in a child process (the runtime suite's fixture). */
const pulumiHooks = pathToFileURL(join(repositoryRoot, "test/infra/fixtures/pulumi-hooks.mjs")).href;

/**
 * Runs `body` (ES module JavaScript) in a child Node process that loads TypeScript as `pulumi up` does in
 * automatic ESM mode (see test/infra/fixtures/pulumi-hooks.mjs). In `body`, `root` is the repository, `pulumi` is
 * @pulumi/pulumi, and `report(value)` prints the result as JSON and ends the process. Resolves with that value.
 */
export async function runLikePulumi<T>(body: string, env: Record<string, string>): Promise<T> {
  const script = `
import ${JSON.stringify(pulumiHooks)};
const root = process.cwd();
const pulumi = await import("@pulumi/pulumi");
const report = (value) => process.stdout.write(JSON.stringify(value), () => process.exit(0));
${body}
`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
    cwd: repositoryRoot,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as T;
}
