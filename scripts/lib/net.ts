// Small facts about addresses and names the hops need.
import { isIP } from "node:net";

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || (isIP(h) === 4 && h.startsWith("127."));
}

/** A name public DNS can answer for: not an address, not localhost, with a dot. */
export function isPublicName(host: string): boolean {
  return !isIP(host.replace(/^\[|\]$/g, "")) && host !== "localhost" && !host.endsWith(".localhost") && host.includes(".");
}

/** `http://proxy:9000`: a host name without a dot is a Docker network alias, reachable only on that network. */
export function isDockerAlias(url: string): boolean {
  const host = new URL(url).hostname;
  return host !== "localhost" && !host.includes(".") && !host.includes(":");
}
