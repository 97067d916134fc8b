// Builds a local image from a Dockerfile and a few files with the legacy builder, with no network, and
// reuses it while its inputs are unchanged: the image carries a label with the hash of everything that
// went in (Dockerfile, files, parent image), so a warm engine:up only inspects.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { docker } from "../docker.js";
import { step, type Say } from "../log.js";

export const INPUTS_LABEL = "gptsite.engine.inputs";

/** A file of the build context: its text, or a copy of a file on this machine. */
export type ContextFile = string | { copyOf: string; mode?: number };

export interface ImageRecipe {
  /** A local name pinned to a version tag, e.g. gptsite-engine/node:20.20.2. */
  tag: string;
  dockerfile: string;
  /** Build context, path → file. */
  files: Record<string, ContextFile>;
  /** The parent image's id (a new parent means a new image). */
  parentId: string;
}

export interface LocalImage {
  tag: string;
  id: string;
  sizeBytes: number;
  /** This call built it (no image with these inputs was there). */
  madeNow: boolean;
}

export async function inspectImage(host: string, tag: string): Promise<{ id: string; sizeBytes: number; inputs: string } | undefined> {
  const out = await docker(host, ["image", "inspect", "--format", `{{.Id}} {{.Size}} {{with .Config.Labels}}{{index . "${INPUTS_LABEL}"}}{{end}}`, tag]).catch(() => undefined);
  if (!out) return undefined;
  const [id, size, inputs] = out.split(" ");
  return { id: id!, sizeBytes: Number(size), inputs: inputs ?? "" };
}

export async function ensureImage(host: string, recipe: ImageRecipe, say: Say): Promise<LocalImage> {
  const inputs = await inputsHash(recipe);
  const existing = await inspectImage(host, recipe.tag);
  if (existing?.inputs === inputs) {
    say(`image ${recipe.tag}: reusing ${shortId(existing.id)} (${megabytes(existing.sizeBytes)})`);
    return { tag: recipe.tag, id: existing.id, sizeBytes: existing.sizeBytes, madeNow: false };
  }
  const built = await step(say, `image ${recipe.tag}: building`, () => build(host, recipe, inputs), (image) => `${shortId(image.id)} (${megabytes(image.sizeBytes)})`);
  await removeSuperseded(host, recipe.tag, existing?.id);
  return { tag: recipe.tag, ...built, madeNow: true };
}

/**
 * On vfs every image is a full copy of its tree: drop the images a new build replaced (the same
 * repository's other tags, the old image under this tag). One still used by a container stays.
 */
async function removeSuperseded(host: string, tag: string, previousId: string | undefined): Promise<void> {
  const repository = tag.slice(0, tag.lastIndexOf(":"));
  const listed = await docker(host, ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", repository]);
  const others = listed.split("\n").filter((name) => name && name !== tag);
  for (const image of [...others, ...(previousId ? [previousId] : [])]) await docker(host, ["image", "rm", image]).catch(() => undefined);
}

async function build(host: string, recipe: ImageRecipe, inputs: string): Promise<{ id: string; sizeBytes: number }> {
  const context = await mkdtemp(path.join(tmpdir(), "gptsite-image-"));
  try {
    await writeFile(path.join(context, "Dockerfile"), recipe.dockerfile);
    for (const [name, file] of Object.entries(recipe.files)) {
      const target = path.join(context, name);
      await mkdir(path.dirname(target), { recursive: true });
      if (typeof file === "string") {
        await writeFile(target, file);
      } else {
        await copyFile(file.copyOf, target);
        if (file.mode !== undefined) await chmod(target, file.mode);
      }
    }
    await docker(host, ["build", "--quiet", "--network", "none", "--label", `${INPUTS_LABEL}=${inputs}`, "--tag", recipe.tag, context]);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  const image = await inspectImage(host, recipe.tag);
  if (image?.inputs !== inputs) throw new Error(`docker build of ${recipe.tag} finished but the image is not there`);
  return image;
}

async function inputsHash(recipe: ImageRecipe): Promise<string> {
  const hash = createHash("sha256").update(recipe.dockerfile).update(recipe.parentId);
  for (const [name, file] of Object.entries(recipe.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`\0${name}\0`);
    if (typeof file === "string") hash.update(file);
    else {
      hash.update(String(file.mode ?? ""));
      for await (const chunk of createReadStream(file.copyOf)) hash.update(chunk as Buffer);
    }
  }
  return hash.digest("hex").slice(0, 32);
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}
