// The images the Docker host runs, as names: the defaults, what counts as pinned, and how a registry
// mirror rewrites them. Docker Hub has been blocked in mainland China since mid-2024, so every name is
// configurable (webImage, nginxImage, proxyImage) and registryMirror reroutes all Docker Hub names at once.

/** The stock Debian image, pinned: it ships ca-certificates, which verifying the function's TLS needs. */
export const NGINX_IMAGE = "nginx:1.28.0-bookworm";

/** Stock Node, pinned; the proxy bundle needs nothing else (no node_modules, no image build). */
export const PROXY_NODE_IMAGE = "node:20.18.0-alpine";

// [registry/]path[:tag][@sha256:digest], lower-case path components as Docker's reference grammar has them.
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REGISTRY_HOST = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "sha256:[a-f0-9]{64}";
const PINNED = new RegExp(`^(?:${REGISTRY_HOST}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG}(?:@${DIGEST})?|@${DIGEST})$`);
const MIRROR = new RegExp(`^${REGISTRY_HOST}(?:/${COMPONENT})*/?$`);

/** A name Docker accepts, pinned to a tag other than `latest` or to a digest. */
export function isPinnedImage(image: string): boolean {
  return PINNED.test(image) && !/:latest(?:@|$)/.test(image);
}

/** A registry to pull Docker Hub's images through: `host[:port][/path]`, no scheme. */
export function isRegistryMirror(mirror: string): boolean {
  return MIRROR.test(mirror);
}

/**
 * Whether the name's first component is a registry (Docker's rule: it has a `.` or `:`, or is
 * `localhost`); otherwise the name is Docker Hub's.
 */
function namesRegistry(image: string): boolean {
  const slash = image.indexOf("/");
  if (slash < 0) return false;
  const first = image.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost";
}

/**
 * The name to pull: Docker Hub names go through `mirror` (official images under `library/`, as
 * mirrors and pull-through caches serve them); names that carry their own registry stay as given.
 */
export function throughMirror(image: string, mirror: string): string {
  if (!mirror || namesRegistry(image)) return image;
  return `${mirror.replace(/\/+$/, "")}/${image.includes("/") ? image : `library/${image}`}`;
}
