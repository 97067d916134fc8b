// infra/index.ts loaded the way Pulumi's Node.js runtime loads it (fixtures/load-program.mjs: its
// own ts-node/esm hooks, in a child process), with config as the CLI hands it over: Pulumi.yaml's
// defaults under the stack file's values (mergedConfig, which the engine suite holds to the real CLI).
// So "passes here" means "loads under `pulumi up`".
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT, fakeCredential, mergedConfig } from "./stacks.js";

interface Report {
  registered: { type: string; name: string }[];
  outputs: Record<string, { value: unknown; secret: boolean }>;
  error: { name: string; message: string } | null;
  loadMs: number;
}

/** The config map the CLI passes for a stack file plus `extra`, and which keys are secret. */
function cliConfig(stackFile: string, extra: Record<string, string> = {}, secrets: Record<string, string> = {}) {
  const secretEntries = Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`gptsite:${k}`, v]));
  return { config: { ...mergedConfig(stackFile, extra), ...secretEntries }, secretKeys: Object.keys(secretEntries) };
}

async function load(
  run: ReturnType<typeof cliConfig>,
  options: { env?: Record<string, string> } = {},
): Promise<Report> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, "test/infra/fixtures/load-program.mjs")], {
    cwd: ROOT,
    // Only what the program may read: no ambient cloud credentials.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      GPTSITE_TEST_CONFIG: JSON.stringify(run.config),
      GPTSITE_TEST_SECRET_KEYS: JSON.stringify(run.secretKeys),
      ...options.env,
    },
    timeout: 150_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Report;
}

const types = (report: Report) => report.registered.map((r) => `${r.type} ${r.name}`);

describe("infra/index.ts under Pulumi's ts-node/esm hooks", () => {
  it("runs Pulumi.local.yaml: all on local Docker", async () => {
    const report = await load(cliConfig("Pulumi.local.yaml"));
    expect(report.error).toBeNull();
    expect(types(report)).toEqual(
      expect.arrayContaining([
        "docker:index/container:Container proxy",
        "docker:index/container:Container web",
        "docker:index/container:Container nginx",
      ]),
    );
    expect(report.outputs).toEqual({
      siteUrl: { value: "http://localhost:8080", secret: false },
      apiBaseUrl: { value: "http://localhost:8080/v1", secret: false },
      anthropicBaseUrl: { value: "http://localhost:8080/anthropic", secret: false },
      googleBaseUrl: { value: "http://localhost:8080/google", secret: false },
      serverKeys: { value: [], secret: false },
      functionUrl: { value: "http://gptsite-proxy:9000", secret: false },
      webUrl: { value: "http://127.0.0.1:3690", secret: false },
      hostIp: { value: "127.0.0.1", secret: false },
      accessCodes: { value: "", secret: true },
      proxyToken: { value: "generatedcredentialsproxytoken", secret: true },
    });
  }, 180_000);

  it("runs Pulumi.dev.yaml with a server key and the Cloudflare token from the environment", async () => {
    const run = cliConfig("Pulumi.dev.yaml", {}, { openaiApiKey: "sk-from-the-stack", googleApiKey: "AIza-from-the-stack" });
    const report = await load(run, {
      env: { CLOUDFLARE_API_TOKEN: fakeCredential("CLOUDFLARE_API_TOKEN") },
    });
    expect(report.error).toBeNull();
    expect(types(report)).toEqual(
      expect.arrayContaining([
        "pulumi-nodejs:dynamic/tencent:ScfWebFunction proxy",
        "cloudflare:index/dnsRecord:DnsRecord site",
        "acme:index/certificate:Certificate tls",
      ]),
    );
    expect(report.outputs.siteUrl).toEqual({ value: "https://chat.example.com", secret: false });
    expect(report.outputs.accessCodes).toEqual({ value: "generatedcredentialsaccesscode1", secret: true });
    expect(report.outputs.serverKeys).toEqual({ value: ["openai", "google"], secret: false });
  }, 180_000);

  it("stops before registering anything when the config is wrong, listing every problem", async () => {
    const run = cliConfig("Pulumi.dev.yaml", { functionRegion: "ap-guangzhou", hostDocker: "ssh://203.0.113.10" });
    const report = await load(run);
    expect(report.registered).toEqual([]);
    expect(report.error?.name).toBe("ConfigError");
    expect(report.error?.message.split("\n").map((line) => line.slice(0, line.indexOf(":")))).toEqual([
      "gptsite",
      "  - functionRegion",
      "  - hostDocker",
      "  - hostIp",
      "  - tlsMode",
    ]);
  }, 180_000);
});

describe("type-checking under the runtime", () => {
  // What infra/README.md says about it, held to the installed @pulumi/pulumi and ts-node.
  const illTyped = async (env: Record<string, string> = {}) => {
    const dir = mkdtempSync(path.join(tmpdir(), "gptsite-typecheck-"));
    try {
      const program = path.join(dir, "ill-typed.ts");
      writeFileSync(program, 'const port: number = "9000";\nexport const value = port;\n');
      // Outside the repository, so a leftover can never break `tsc`; ESM like the project.
      writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
      return await load(cliConfig("Pulumi.local.yaml"), { env: { GPTSITE_TEST_PROGRAM: program, ...env } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("transpiles only, as tsconfig.json's ts-node section says: type errors are tsc's job in npm test", async () => {
    const report = await illTyped();
    expect(report.error).toBeNull();
    expect(report.outputs.value).toBeUndefined(); // a plain export, not an Output: loaded, nothing registered
    expect(report.registered).toEqual([]);
  }, 180_000);
});
