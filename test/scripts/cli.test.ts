// One convention for every CLI (scripts/lib/cli.ts): values taken whatever they start with, -h/--help
// exit 0, bad usage one sentence and exit 2, and no error that echoes what may be a secret. Run as
// the README has them run: `npm run -s <name> -- …`.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseFlags, UsageError } from "../../scripts/lib/cli.js";
import { parseLocalArgs, type LocalOptions } from "../../scripts/lib/local-args.js";
import { ROOT, runScript } from "./run.js";
import { leakedSecrets, SECRETS } from "./stack.js";

const SPEC = { string: ["proxy-token", "resolver"], boolean: ["json"] } as const;

describe("parseFlags", () => {
  it("takes the next argument as a value whatever it starts with, or the part after =", () => {
    expect(parseFlags(["--proxy-token", "-abc", "--json"], SPEC, "x")).toEqual({ "proxy-token": "-abc", json: true });
    expect(parseFlags(["--proxy-token=--json"], SPEC, "x")).toEqual({ "proxy-token": "--json" });
    expect(parseFlags(["--resolver", "1.1.1.1", "--resolver=8.8.8.8"], SPEC, "x")).toEqual({ resolver: ["1.1.1.1", "8.8.8.8"] });
    expect(parseFlags(["-h"], SPEC, "x")).toEqual({ help: true });
  });

  it.each([
    [["--proxy-token"], "--proxy-token: expected a value after it; see x --help"],
    [["--json=1"], "--json: takes no value; see x --help"],
    [["--jsn"], 'x: unknown argument "--jsn"; see x --help'],
    [["--proxy-tokn=-SECRETabc123"], 'x: unknown argument "--proxy-tokn"; see x --help'],
    [["--json", "-SECRETabc123"], "x: unexpected argument number 2 (not shown: it may be a secret); options start with --; see x --help"],
    [["SECRETabc123"], "x: unexpected argument number 1 (not shown: it may be a secret); options start with --; see x --help"],
  ])("%j is bad usage, and says so without the value", (argv, message) => {
    expect(() => parseFlags(argv, SPEC, "x")).toThrow(new UsageError(message));
  });
});

describe("generated secrets", () => {
  it("a generated proxy token never starts with '-' (it would read as an option): 10,000 drawn", () => {
    const tokens = Array.from({ length: 10_000 }, () => (parseLocalArgs([], {}) as { options: LocalOptions }).options.proxyToken);
    expect(tokens.filter((t) => t.startsWith("-"))).toEqual([]);
    expect(tokens.filter((t) => !/^[0-9a-f]{32}$/.test(t))).toEqual([]);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

describe("smoke takes a token that starts with '-'", () => {
  it("as the value of --proxy-token, printed nowhere", async () => {
    const token = `-${SECRETS.proxyToken}`;
    const run = await runScript("smoke", ["--function-url", "http://127.0.0.1:9", "--only", "function", "--proxy-token", token]);
    expect(run.code).toBe(1); // the hop failed (nothing listens there); not bad usage
    expect(run.stderr).toBe("");
    expect(leakedSecrets(run.stdout)).toEqual([]);
  });
});

const npm = (args: string[]) =>
  promisify(execFile)("npm", ["run", "-s", ...args], { cwd: ROOT, env: { ...process.env, CI: "" } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );

describe.each([["local"], ["smoke"], ["nginx:render"], ["bench"]])("npm run -s %s", (name) => {
  it.each([["-h"], ["--help"]])(`%s: the usage on stdout, exit 0`, async (flag) => {
    const run = await npm([name, "--", flag]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(new RegExp(`^Usage: npm run (-s )?${name} -- `));
  });

  it("an unknown option: one sentence naming it on stderr, nothing on stdout, exit 2", async () => {
    const run = await npm([name, "--", "--bogus"]);
    expect(run).toEqual({ code: 2, stdout: "", stderr: `${name}: unknown argument "--bogus"; see ${name} --help\n` });
  });
});
