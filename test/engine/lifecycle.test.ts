// npm run engine:up / engine:down as a user runs them: a second engine:up reuses everything and prints
// only eval-able lines on stdout; --config prints the stack's config lines; engine:down leaves no
// process of the private dockerd and no run dir, and the next engine:up brings it back with the images.
// The global setup ran engine:up first: its time is this run's cold figure when it made anything.
import { access } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { $ } from "zx";
import { ourProcesses, ping } from "../../engine/dockerd.js";
import { engineLayout, engineSettings, shQuote } from "../../engine/index.js";
import { seconds } from "../../engine/log.js";
import { docker, engine, engineSkip } from "./docker.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const layout = engineLayout(engineSettings().cacheDir);

async function npmRun(script: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env) {
  const started = Date.now();
  const result = await $({ cwd: root, env, quiet: true, nothrow: true })`npm run --silent ${script} -- ${args}`;
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

/** Evaluates `lines` in sh, then runs `then` there; returns its output. */
async function evalInSh(lines: string, then: string): Promise<string> {
  return (await $({ input: lines, quiet: true })`sh -c ${`eval "$(cat)"; ${then}`}`).stdout.trim();
}

describe("engine CLI without an engine", () => {
  it("answers --help with exit 0, bad usage with exit 2 and a sentence", async () => {
    const help = await npmRun("engine:up", ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: npm run --silent engine:up");
    const bad = await npmRun("engine:up", ["--nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('engine: unknown argument "--nope"; see engine --help');
  });

  it("fails with exit 1 and one sentence naming GPTSITE_ENGINE_CACHE when its path is too long for dockerd's sockets", async () => {
    const long = path.join("/tmp", "x".repeat(80));
    const run = await npmRun("engine:up", [], { ...process.env, GPTSITE_ENGINE_CACHE: long });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim()).toMatch(/^engine: GPTSITE_ENGINE_CACHE: ".*" is too long for dockerd's unix sockets .*; use a shorter path$/);
  });

  it("quotes values so sh reads back exactly what was printed", async () => {
    for (const value of ["plain/path:1", "with space", "it's", "$HOME `id` \"q\"", "new\nline", ""]) {
      expect(await evalInSh(`V=${shQuote(value)}`, 'printf "%s" "$V"')).toBe(value.replace(/\n$/, ""));
    }
  });
});

describe.skipIf(engineSkip)("engine:up and engine:down", () => {
  it("reuses everything on a second engine:up and prints only eval-able lines on stdout", async () => {
    const warm = await npmRun("engine:up");
    const made = engine.madeNow.length > 0 ? `made ${engine.madeNow.join(", ")}` : "everything was already there";
    console.log(`[engine] engine:up in the global setup: ${seconds(engine.elapsedMs)} (${made}); again: ${seconds(warm.ms)} (whole npm run)`);
    expect(warm.code, warm.stderr).toBe(0);
    expect(warm.stderr).toContain(", all reused\n");
    expect(warm.stderr).not.toMatch(/building|debootstrap --|started pid/);
    for (const line of warm.stdout.trim().split("\n")) expect(line).toMatch(/^(export [A-Z_]+=\S.*|# .*)$/);

    const seen = await evalInSh(warm.stdout, 'printf "%s\\n" "$DOCKER_HOST" "$PULUMI_HOME" "$PULUMI_SKIP_UPDATE_CHECK"; pulumi version; pulumi whoami --verbose');
    const [dockerHost, pulumiHome, skipUpdate, version, ...whoami] = seen.split("\n");
    expect(dockerHost).toBe(engine.docker.host);
    expect(pulumiHome).toBe(engine.vars.PULUMI_HOME);
    expect(pulumiHome!.startsWith(`${layout.cacheDir}/`)).toBe(true);
    expect(pulumiHome).not.toBe(path.join(homedir(), ".pulumi"));
    expect(skipUpdate).toBe("true");
    expect(version).toBe(engine.toolchain.version);
    expect(whoami.join("\n")).toContain(`Backend URL: ${engine.vars.PULUMI_BACKEND_URL}`);
    if (engine.toolchain.kind === "built") {
      expect(engine.vars.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).toBe("true");
      const tools = await evalInSh(warm.stdout, "for tool in pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs; do command -v $tool; done");
      expect(tools.split("\n")).toEqual(["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"].map((bin) => path.join(engine.toolchain.binDir, bin)));
    }
  });

  it("prints the pulumi config set lines for the stack with --config", async () => {
    const run = await npmRun("engine:up", ["--config"]);
    expect(run.code, run.stderr).toBe(0);
    // A pulumi that prints its arguments stands in for the CLI: what is checked is what sh hands it.
    const calls = await evalInSh(`pulumi() { printf '%s|' "$@"; echo; }\n${run.stdout}`, "true");
    expect(calls.split("\n")).toEqual(Object.entries(engine.config).map(([key, value]) => `config|set|${key}|${value}|`));
    expect(engine.config).toEqual({
      hostDocker: engine.docker.host,
      webImage: expect.stringMatching(/^gptsite-engine\/nextchat:standin-[0-9a-f]{12}$/),
      nginxImage: expect.stringMatching(/^gptsite-engine\/nginx:\d+\.\d+\.\d+$/),
      proxyImage: `gptsite-engine/node:${process.version.slice(1)}`,
    });
  });

  it.skipIf(!engine?.docker.private)("engine:down leaves no process of the private dockerd and no run dir; engine:up brings it back with its images", async () => {
    expect(await ourProcesses(layout.dockerd)).not.toEqual([]);
    const down = await npmRun("engine:down");
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toBe("");
    expect(await ourProcesses(layout.dockerd)).toEqual([]);
    await expect(access(layout.dockerd.runDir)).rejects.toThrow(/ENOENT/);
    expect(await ping(layout.dockerd.socket)).toBe(false);

    const again = await npmRun("engine:down");
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("no private dockerd was running");

    const up = await npmRun("engine:up");
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/dockerd: started pid \d+/);
    expect(up.stderr).not.toContain("building");
    expect(await docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "gptsite-engine/*"])).toContain(engine.config.webImage);
  });
});
