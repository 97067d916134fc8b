// The README's config table, rendered from Pulumi.yaml so the two cannot drift (readme.test.ts).
import YAML from "yaml";

interface KeySpec {
  type: string;
  default: unknown;
  description: string;
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

export function renderConfigTable(pulumiYaml: string): string {
  const project = YAML.parse(pulumiYaml) as { config: Record<string, KeySpec> };
  const rows = Object.entries(project.config).map(([key, spec]) => {
    const fallback = spec.default === "" ? "(unset)" : `\`${String(spec.default)}\``;
    return `| \`${key}\` | ${spec.type} | ${fallback} | ${cell(spec.description)} |`;
  });
  return ["| Key | Type | Default | What it does |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
