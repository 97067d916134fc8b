// Stack config as the real Pulumi CLI merges and checks it: Pulumi.yaml's defaults under each stack
// file, the README's `pulumi config set` lines as written, and the CLI's own type checks. The fast
// suite's model of the merge (mergedConfig) is held to the CLI here.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validateConfig } from "../../infra/config.js";
import { TEST_INPUTS, mergedConfig, stackFiles } from "../infra/stacks.js";
import { PulumiStack, ROOT } from "./cli.js";

const stacks: PulumiStack[] = [];
const newStack = async (name: string) => {
  const stack = await new PulumiStack(`${name}-${process.pid}`).init();
  stacks.push(stack);
  return stack;
};
afterEach(() => {
  for (const stack of stacks.splice(0)) stack.remove();
});

const values = (config: Record<string, { value?: string }>) =>
  Object.fromEntries(Object.entries(config).map(([key, entry]) => [key, entry.value ?? ""]));

/** The `pulumi config set` lines of the README's deploy steps, as written. */
function readmeConfigLines(): string[][] {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const deploy = /<!-- section: deploy -->[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  return deploy
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line.startsWith("pulumi config set "))
    .map((line) => line.split(/\s+/).slice(1));
}

describe("the real CLI's config merge", () => {
  it.each(stackFiles())("%s: the CLI hands the program what mergedConfig says, and it validates", async (file) => {
    const stack = await newStack("merge");
    stack.useStackFile(file);
    const config = values(await stack.config());
    expect(config).toEqual(mergedConfig(file));
    const raw = Object.fromEntries(Object.entries(config).map(([key, value]) => [key.replace(/^gptsite:/, ""), value]));
    expect(() => validateConfig(raw, TEST_INPUTS)).not.toThrow();
  }, 60_000);

  it("takes the README's `pulumi config set` lines as written, secrets encrypted", async () => {
    const lines = readmeConfigLines();
    expect(lines.length).toBeGreaterThan(5);
    const stack = await newStack("readme");
    for (const args of lines) {
      // The README elides keys (`sk-…`, `sk-ant-…,sk-ant-…`, `AIza…`): any value will do, the CLI only stores it.
      await stack.ok(args.map((arg) => arg.replaceAll("…", "-readme-example-key")));
    }
    const file = readFileSync(stack.configFile, "utf8");
    expect(file).not.toContain("readme-example-key");
    const config = await stack.config();
    for (const key of ["openaiApiKey", "anthropicApiKey", "googleApiKey"]) {
      expect(file).toMatch(new RegExp(`gptsite:${key}:\\s+secure: `));
      expect(config[`gptsite:${key}`]).toMatchObject({ secret: true });
    }
    expect(config["gptsite:openaiApiKey"]).toEqual({ value: "sk--readme-example-key", secret: true });
    expect(config["gptsite:anthropicApiKey"]).toEqual({ value: "sk-ant--readme-example-key,sk-ant--readme-example-key", secret: true });
    const raw = Object.fromEntries(Object.entries(values(config)).map(([key, value]) => [key.replace(/^gptsite:/, ""), value]));
    expect(validateConfig(raw, TEST_INPUTS).function.provider).toBe("tencent");
  }, 60_000);

  it("applies Pulumi.yaml's types before the program runs: a word for an integer key is refused", async () => {
    const stack = await newStack("types");
    await stack.ok(["config", "set", "functionMemoryMb", "lots"]);
    const preview = await stack.run(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain(
      `Stack '${stack.name}' with configuration key 'functionMemoryMb' must be of type 'integer'`,
    );
  }, 60_000);

  it("refuses a default on a key declared secret, which is why Pulumi.yaml declares none", async () => {
    // Checked against the CLI rather than assumed: with `secret: true` the empty default is plain text.
    const project = readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    expect(project).not.toMatch(/^\s+secret: true/m);
    const stack = await newStack("secretdefault");
    const projectDir = path.join(stack.dir, "project");
    await import("node:fs/promises").then(async (fs) => {
      await fs.mkdir(projectDir);
      await fs.writeFile(
        path.join(projectDir, "Pulumi.yaml"),
        "name: gptsite\nruntime: nodejs\nconfig:\n  openaiApiKey:\n    type: string\n    secret: true\n    default: \"\"\n",
      );
      await fs.writeFile(path.join(projectDir, "index.js"), "");
    });
    const preview = await stack.run(["preview", "--cwd", projectDir]);
    expect(preview.stdout + preview.stderr).toContain("configuration key 'openaiApiKey' must be encrypted as it's secret");
  }, 60_000);
});
