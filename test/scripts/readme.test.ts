// The README as a newcomer meets it: the front door first (two commands that work on a fresh
// machine; .ci/run runs them as written in a fresh clone), then every other documented `npm run`
// example, in it or in a folder's README, that can run here, run as written (in a scratch copy of the
// project, so a redirect lands there), with clean output where it is redirected; a layout true to
// the tree; a license.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMOKE_REPORT_SCHEMA } from "../../scripts/lib/report.js";
import { freePort } from "../../chain/ports.js";
import { nginxBinary, nginxTest } from "../fixtures/nginx.js";
import { makeTlsMaterial, type TlsMaterial } from "../fixtures/tls.js";
import { ROOT } from "./run.js";

const README = readFileSync(path.join(ROOT, "README.md"), "utf8");
/** The folders' own READMEs, where the details live. */
const FOLDER_READMES = ["function", "nginx", "scripts", "chain", "bench", "engine", "engine/plugins", "infra", "infra/tencent", "test/reliability"].map(
  (folder) => readFileSync(path.join(ROOT, folder, "README.md"), "utf8"),
);
const ENGINE_README = readFileSync(path.join(ROOT, "engine", "README.md"), "utf8");

function section(name: string): string {
  const match = new RegExp(`<!-- section: ${name} -->([\\s\\S]*?)<!-- /section: ${name} -->`).exec(README);
  if (!match) throw new Error(`README has no section ${name}`);
  return match[1]!;
}

/** The commands of the ```sh blocks in `text`: continuation lines joined, comments dropped. */
function commands(text: string): string[] {
  const blocks = [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, "")
      .split("\n")
      .map((line) => line.replace(/\s+#\s.*$/, "").trim())
      .filter(Boolean),
  );
}

describe("the README's front door", () => {
  it("is its first command block: `npm ci && npm run local`, then `npm test`", () => {
    expect(commands(section("front-door"))).toEqual(["npm ci && npm run local", "npm test"]);
    expect(README.indexOf("```sh")).toBe(README.indexOf("<!-- section: front-door -->") + "<!-- section: front-door -->\n".length);
  });

  it("is what .ci/run runs, read from the README rather than copied, in a fresh clone", () => {
    const ci = readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    expect(ci).toContain("<!-- section: front-door -->");
    expect(ci).toContain('git clone --quiet "$repo"');
    const code = ci.split("\n").map((line) => line.replace(/(^|\s)#\s.*$/, ""));
    expect(code.filter((line) => /\bnpm (ci|test)\b/.test(line))).toEqual([]);
  });

  it("names what the tests need beside Node (nginx, openssl, chromium), and .ci/run installs those", () => {
    const before = README.slice(0, README.indexOf("<!-- section: front-door -->"));
    for (const tool of ["nginx", "openssl", "chromium"]) expect(before).toMatch(new RegExp(`apt-get install -y [^\`]*\\b${tool}\\b`));
    const ci = readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    expect([...ci.matchAll(/missing\+=\(([\w.]+)\)/g)].map((m) => m[1])).toEqual(["nginx", "openssl", "chromium", "curl", "docker.io", "debootstrap"]);
    // The last two are the engine suite's (a private dockerd, the local images' root filesystem).
    expect(ENGINE_README).toMatch(/apt-get install -y docker\.io debootstrap/);
  });

  it("deployment comes after it, prerequisites first", () => {
    const deploy = section("deploy");
    expect(README.indexOf("<!-- section: deploy -->")).toBeGreaterThan(README.indexOf("<!-- /section: front-door -->"));
    expect(deploy.indexOf("**Prerequisites**")).toBeLessThan(deploy.indexOf("```sh"));
  });
});

describe("the layout section and the license", () => {
  const layout = /```\n([\s\S]*?)```/.exec(section("layout"))![1]!;
  const named = layout.split("\n").flatMap((line) => {
    // A name at the start of a line, or indented by two under infra/ (deeper lines continue the one above).
    const entry = /^( {2})?([\w.][\w./-]*)\s/.exec(line);
    if (!entry) return [];
    return [entry[1] ? `infra/${entry[2]}` : entry[2]!];
  });

  it("names only what exists", () => {
    expect(named.filter((entry) => !existsSync(path.join(ROOT, entry.replace(/\/$/, ""))))).toEqual([]);
  });

  it("names every top-level folder and every part of infra/", async () => {
    const ignored = new Set(["node_modules", ".git", ".pulumi", ".scratch", "coverage"]);
    const top = (await readdir(ROOT, { withFileTypes: true })).filter((e) => e.isDirectory() && !ignored.has(e.name)).map((e) => `${e.name}/`);
    const infra = (await readdir(path.join(ROOT, "infra"), { withFileTypes: true })).map((e) => `infra/${e.name}${e.isDirectory() ? "/" : ""}`);
    const listed = new Set(named.map((n) => (n === ".ci/run" ? ".ci/" : n)));
    expect([...top, ...infra].filter((entry) => !listed.has(entry))).toEqual([]);
  });

  it("LICENSE is MIT, held by gptsite contributors, and package.json says so", () => {
    const license = readFileSync(path.join(ROOT, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} gptsite contributors\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
    expect((JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { license?: string }).license).toBe("MIT");
  });
});

/**
 * Every `npm` command the README shows, outside the front door: run here as written, or the reason
 * it is not. A new example fails this until it is put in one list or the other.
 */
const NOT_HERE: Record<string, string> = {
  "npm run local": "stays up on 8080 and 9000 until Ctrl-C: .ci/run runs it (the front door)",
  "OPENAI_API_KEY=sk-… npm run local": "needs an OpenAI key and the Internet",
  "ANTHROPIC_API_KEY=sk-ant-… GOOGLE_API_KEY=AIza… npm run local": "needs Anthropic and Gemini keys and the Internet",
  "npm run local -- --upstream http://127.0.0.1:11434": "needs an OpenAI-compatible server on that port",
  "npm ci": "the deployment steps: .ci/run runs it (the front door)",
  "npm run smoke -- --stack dev": "needs a deployed stack and the Pulumi CLI",
  "pulumi stack output --json --show-secrets > out.json && npm run smoke -- --outputs out.json": "needs a deployed stack and the Pulumi CLI",
  "npm run smoke -- --stack dev --only dns,tls --resolver 223.5.5.5 --resolver 119.29.29.29": "needs a deployed stack and the Internet",
  'npm run smoke -- --site-url https://chat.example.com --host-ip 203.0.113.10 --proxy-token "$TOKEN" --access-code "$CODE"': "needs a deployed site",
  "npm run build": "rewrites function/dist/ while other suites run it; test/setup/build-proxy.ts runs it before them",
  "npm run soak": "two minutes of load: run on its own",
  'eval "$(npm run --silent engine:up)"': "the engine suite: .ci/run runs npm run test:engine, whose global setup runs engine:up",
  "npm run --silent engine:up -- --config": "the engine suite: test/engine/lifecycle.test.ts runs it",
  "npm run test:engine": "needs Go, Docker and root (or sudo): .ci/run runs it after npm test",
  "npm run engine:down": "the engine suite: test/engine/lifecycle.test.ts runs it",
  "npm run bench": "six minutes, and it rewrites bench/results/latest.json",
  "npm run bench -- --quick": "rewrites bench/results/latest.json (test/bench runs every section at toy sizes)",
  'npm run bench -- --only memory,throughput --node-flags="--max-old-space-size=24"': "rewrites bench/results/latest.json",
};

describe.skipIf(!nginxBinary)("the README's other examples, run as written", () => {
  let scratch: string;
  let tls: TlsMaterial;
  const sh = (command: string) =>
    promisify(execFile)("bash", ["-c", command], { cwd: scratch, env: { ...process.env, CI: "", NO_COLOR: "1" } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
    );
  /** A config the README rendered, with its files pointed at test ones (the examples name a server's paths), through `nginx -t`. */
  const nginxAccepts = async (file: string) => {
    const text = (await readFile(path.join(scratch, file), "utf8"))
      .replaceAll("/etc/nginx/tls/fullchain.pem", tls.certFile)
      .replaceAll("/etc/nginx/tls/key.pem", tls.keyFile)
      .replaceAll("/var/log/nginx/access.log", path.join(scratch, "access.log"));
    return nginxTest(text);
  };

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "gptsite-readme-"));
    for (const entry of await readdir(ROOT)) {
      if (entry === ".git") continue;
      if (entry === "node_modules") await symlink(path.join(ROOT, entry), path.join(scratch, entry));
      else await cp(path.join(ROOT, entry), path.join(scratch, entry), { recursive: true, preserveTimestamps: true });
    }
    tls = await makeTlsMaterial({ names: ["chat.example.com"] });
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
    await tls?.cleanup();
  });

  /** With free ports instead of 8080 and 9000, added to `npm run local`'s own arguments. */
  const onFreePorts = async (command: string) => {
    const ports = `--http-port ${await freePort()} --proxy-port ${await freePort()} --web builtin`;
    return command.replace(/^(npm run (?:-s )?local -- [^>]*?)( >|$)/, `$1 ${ports}$2`);
  };

  const RUN_HERE: Record<string, (command: string) => Promise<void>> = {
    "npm run local -- --check": async (command) => {
      const run = await sh(await onFreePorts(command));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("9 ok, 0 failed, 5 skipped\nlocal: stopped nginx (pid ");
    },
    "npm run -s local -- --check --json > report.json": async (command) => {
      const run = await sh(await onFreePorts(command));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe("");
      const report = JSON.parse(await readFile(path.join(scratch, "report.json"), "utf8")) as unknown;
      const validate = new Ajv2020({ strict: true }).compile(SMOKE_REPORT_SCHEMA);
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    },
    "npm run local -- --help": async (command) => expectUsage(await sh(command), "Usage: npm run local"),
    "npm run -s nginx:render -- --server-name chat.example.com --api-upstream https://1234567890-abc.ap-singapore.tencentscf.com --web-upstream http://nextchat:3000 --resolver 127.0.0.11 --tls-cert /etc/nginx/tls/fullchain.pem --tls-key /etc/nginx/tls/key.pem > default.conf":
      async (command) => {
        const run = await sh(command);
        expect(run).toMatchObject({ code: 0, stdout: "", stderr: "" });
        expect(await readFile(path.join(scratch, "default.conf"), "utf8")).toMatch(/^# gptsite: the site's Nginx config/);
        const test = await nginxAccepts("default.conf");
        expect(test.ok, test.output).toBe(true);
      },
    "npm run nginx:render -- --server-name localhost --api-upstream http://127.0.0.1:9000 --out site.conf": async (command) => {
      const run = await sh(command);
      expect(run.code, run.stderr).toBe(0);
      expect(await readFile(path.join(scratch, "site.conf"), "utf8")).toMatch(/^# gptsite: the site's Nginx config/);
      const test = await nginxAccepts("site.conf");
      expect(test.ok, test.output).toBe(true);
    },
    "npm run nginx:render -- --help": async (command) => expectUsage(await sh(command), "Usage: npm run -s nginx:render"),
    "npm run smoke -- --help": async (command) => expectUsage(await sh(command), "Usage: npm run smoke"),
    "npm run bench -- --help": async (command) => expectUsage(await sh(command), "Usage: npm run bench"),
  };

  const documented = [README.replace(section("front-door"), ""), ...FOLDER_READMES].flatMap(commands);
  const examples = [...new Set(documented.filter((c) => /\bnpm (ci|test|run)\b/.test(c)))];

  it("every npm example is either run here or says why not", () => {
    expect(examples.filter((c) => !(c in RUN_HERE) && !(c in NOT_HERE))).toEqual([]);
    expect(Object.keys(RUN_HERE).filter((c) => !examples.includes(c))).toEqual([]);
  });

  it.each(Object.keys(RUN_HERE))("%s", async (command) => {
    await RUN_HERE[command]!(command);
  });
});

function expectUsage(run: { code: number; stdout: string; stderr: string }, start: string): void {
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain(start);
}
