#!/usr/bin/env -S npx --no-install tsx
// npm run docs: rewrites the README's generated blocks (the config table from Pulumi.yaml, the
// provider tables from the registries). Run it after changing either; the tests fail until you do.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderConfigTable, renderProviderTables, withGenerated } from "./lib/docs.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const readmePath = path.join(root, "README.md");
const before = readFileSync(readmePath, "utf8");
const pulumiYaml = readFileSync(path.join(root, "Pulumi.yaml"), "utf8");
const after = withGenerated(withGenerated(before, "config", renderConfigTable(pulumiYaml)), "providers", renderProviderTables());
if (after !== before) writeFileSync(readmePath, after);
process.stdout.write(after === before ? "README.md: generated blocks already up to date\n" : "README.md: generated blocks rewritten\n");
