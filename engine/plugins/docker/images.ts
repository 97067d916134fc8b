// Part of the STAND-IN docker provider plugin (the real one cannot be built here: the Go module proxy
// answers 403 for it; see docker/main.ts).
// Finding an image the way the real provider does (resource_docker_image_funcs.go findImage,
// searchLocalImages, fetchLocalImages, pullImage): inspect the name locally and accept it when its id
// is among the listed images; otherwise pull it, list again, and fail in the real provider's words.
import { isNotFound, type DockerClient } from "./client.js";

export interface LocalImage {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
}

/** The local image `name` refers to, or undefined. */
export async function searchLocalImages(docker: DockerClient, name: string): Promise<LocalImage | undefined> {
  const images = await docker.json<LocalImage[]>("GET", "/images/json").catch((error: Error) => {
    throw new Error(`unable to list Docker images: ${error.message}`);
  });
  let inspected: { Id: string };
  try {
    inspected = await docker.json<{ Id: string }>("GET", `/images/${encodeURIComponent(name)}/json`);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new Error(`unable to inspect image ${name}: ${(error as Error).message}`);
  }
  return images.find((image) => image.Id === inspected.Id);
}

export async function findImage(docker: DockerClient, name: string, platform: string): Promise<LocalImage> {
  if (name === "") throw new Error("empty image name is not allowed");
  const local = await lookUp(docker, name, "findImage1");
  if (local) return local;
  try {
    await pull(docker, name, platform);
  } catch (error) {
    throw new Error(`unable to pull image ${name}: error pulling image ${name}: ${(error as Error).message}`);
  }
  const pulled = await lookUp(docker, name, "findImage2");
  if (pulled) return pulled;
  throw new Error(`unable to find or pull image ${name}`);
}

async function lookUp(docker: DockerClient, name: string, where: string): Promise<LocalImage | undefined> {
  try {
    return await searchLocalImages(docker, name);
  } catch (error) {
    throw new Error(`${where}: error looking up local image ${JSON.stringify(name)}: ${(error as Error).message}`);
  }
}

/**
 * ImagePull: POST /images/create with the reference split as the Go client does (fromImage = the name,
 * tag = the tag or digest, "latest" when none). The progress stream is read to its end and, as in the
 * real provider, not searched for errors: a pull that fails mid-stream shows as "unable to find or pull".
 */
async function pull(docker: DockerClient, name: string, platform: string): Promise<void> {
  const { repository, tag } = splitReference(name);
  await docker.call("POST", "/images/create", { query: { fromImage: repository, tag, platform: platform ? platform.toLowerCase() : undefined } });
}

export function splitReference(name: string): { repository: string; tag: string } {
  const at = name.indexOf("@");
  if (at >= 0) return { repository: name.slice(0, at), tag: name.slice(at + 1) };
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  if (colon > slash) return { repository: name.slice(0, colon), tag: name.slice(colon + 1) };
  return { repository: name, tag: "latest" };
}

/** determineRepoDigest */
export function repoDigest(name: string, image: LocalImage): string {
  const digests = image.RepoDigests ?? [];
  if (digests.length <= 1) return digests[0] ?? "";
  const colon = name.indexOf(":");
  const withoutTag = colon >= 0 ? name.slice(0, colon) : name;
  return digests.find((d) => d.startsWith(withoutTag)) ?? digests[0]!;
}
