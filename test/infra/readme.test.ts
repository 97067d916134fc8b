import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderConfigTable, renderProviderTables, withGenerated } from "../../scripts/lib/docs.js";
import { ROOT } from "./stacks.js";

const section = (readme: string, name: string) => {
  const match = new RegExp(`<!-- section: ${name} -->([\\s\\S]*?)<!-- /section: ${name} -->`).exec(readme);
  if (!match) throw new Error(`README has no section ${name}`);
  return match[1]!;
};

describe("README", () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");

  it("lists every config key as Pulumi.yaml declares it", () => {
    const table = renderConfigTable(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    expect(section(readme, "config")).toContain(table);
  });

  it("has the provider tables the registries make (npm run docs writes them)", () => {
    expect(readme).toBe(withGenerated(readme, "providers", renderProviderTables()));
    for (const name of ["tencent", "cloudflare", "acme"]) expect(renderProviderTables()).toContain(`| \`${name}\` |`);
  });

  it("gives the deployment steps, in order", () => {
    const deploy = /```sh\n([\s\S]*?)```/.exec(section(readme, "deploy"))?.[1] ?? "";
    const steps = ["pulumi login --local", "pulumi stack init dev", "pulumi config set", "pulumi up", "npm run smoke -- --stack dev"];
    const at = steps.map((step) => deploy.indexOf(step));
    expect(at.every((i) => i >= 0), `missing: ${steps.filter((_, i) => at[i]! < 0).join(", ")}`).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});
