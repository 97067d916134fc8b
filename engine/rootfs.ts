// The root filesystem every local image starts from: Debian bookworm made by debootstrap from Debian's
// own archive (no image registry), with ca-certificates (the proxy and Nginx verify TLS) and nginx (for
// the Nginx image). Cached as a tarball keyed by its inputs; made as root (through sudo otherwise).
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildAtomically, cached } from "./atomic.js";
import { step, type Say } from "./log.js";
import { isRoot, MissingTool, run, which } from "./run.js";
import { removeTree } from "./tree.js";
import type { EngineSettings } from "./settings.js";

export const ROOTFS_RECIPE = {
  suite: "bookworm",
  variant: "minbase",
  mirror: "http://deb.debian.org/debian",
  include: ["ca-certificates", "nginx"],
  /** Left out of the tarball (a third of the tree): Docker mounts its own /dev; apt's caches, docs, translations. */
  exclude: ["./dev/*", "./var/cache/apt/*", "./var/lib/apt/lists/*", "./usr/share/doc/*", "./usr/share/man/*", "./usr/share/info/*", "./usr/share/locale/*"],
  /** Raise when the steps below change in another way, so cached tarballs are made again. */
  revision: 1,
} as const;

export interface Rootfs {
  tarball: string;
  /** Names the inputs (recipe and architecture): part of the base image's tag. */
  key: string;
  /** Versions of the packages the images' tags name, read from the tree's dpkg status. */
  versions: { nginx: string };
  /** This call made it (it was not in the cache). */
  madeNow: boolean;
}

export async function ensureRootfs(settings: EngineSettings, rootfsDir: string, say: Say): Promise<Rootfs> {
  const arch = await debianArch();
  const key = createHash("sha256").update(JSON.stringify({ ...ROOTFS_RECIPE, arch })).digest("hex").slice(0, 12);
  const dir = path.join(rootfsDir, `${ROOTFS_RECIPE.suite}-${ROOTFS_RECIPE.variant}-${arch}-${key}`);
  const tarball = path.join(dir, "rootfs.tar");
  const manifest = path.join(dir, "versions.json");
  const madeNow = !(await cached(dir));
  if (!madeNow) {
    say(`rootfs: reusing ${tarball}`);
  } else {
    const debootstrap = await which("debootstrap", settings.path);
    if (!debootstrap) throw new MissingTool("debootstrap is not installed: apt-get install -y debootstrap (Debian/Ubuntu)");
    await step(
      say,
      `rootfs: debootstrap --variant=${ROOTFS_RECIPE.variant} ${ROOTFS_RECIPE.suite} (${arch}, with ${ROOTFS_RECIPE.include.join(", ")}) from ${ROOTFS_RECIPE.mirror}`,
      () =>
        buildAtomically(dir, async (tmp) => {
          const tree = path.join(tmp, "tree");
          try {
            await makeTree(debootstrap, tree, arch, settings);
            await writeFile(path.join(tmp, "versions.json"), JSON.stringify({ nginx: packageVersion(await readFile(path.join(tree, "var/lib/dpkg/status"), "utf8"), "nginx") }));
            const excludes = ROOTFS_RECIPE.exclude.map((pattern) => `--exclude=${pattern}`);
            await run("tar", ["--numeric-owner", ...excludes, "-C", tree, "-cf", path.join(tmp, "rootfs.tar"), "."], { asRoot: true });
            if (!isRoot) await run("chown", [`${process.getuid!()}:${process.getgid!()}`, path.join(tmp, "rootfs.tar")], { asRoot: true });
          } finally {
            await removeTree(tree);
          }
        }),
      () => `cached in ${tarball}`,
    );
  }
  const versions = JSON.parse(await readFile(manifest, "utf8")) as Rootfs["versions"];
  return { tarball, key, versions, madeNow };
}

async function makeTree(debootstrap: string, tree: string, arch: string, settings: EngineSettings): Promise<void> {
  const { variant, include, suite, mirror } = ROOTFS_RECIPE;
  await run(debootstrap, [`--variant=${variant}`, `--include=${include.join(",")}`, `--arch=${arch}`, suite, tree, mirror], {
    asRoot: true,
    env: { ...process.env, PATH: settings.path },
  });
}

/** `Version:` of `name` in a dpkg status file. */
export function packageVersion(status: string, name: string): string {
  const stanza = status.split("\n\n").find((s) => s.startsWith(`Package: ${name}\n`));
  const version = stanza && /^Version: (.+)$/m.exec(stanza)?.[1];
  if (!version) throw new Error(`debootstrap did not install ${name}`);
  return version;
}

async function debianArch(): Promise<string> {
  const dpkg = await run("dpkg", ["--print-architecture"]).catch(() => undefined);
  if (dpkg) return dpkg;
  const byNode: Record<string, string> = { x64: "amd64", arm64: "arm64" };
  const arch = byNode[process.arch];
  if (!arch) throw new Error(`no Debian architecture for ${process.arch}`);
  return arch;
}
