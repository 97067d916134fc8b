// Pure checks on names and addresses that several config areas share.
import { isIPv4 } from "node:net";

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A DNS host name (lower case) or an IPv4 address. */
export const isHostName = (name: string) => HOST_NAME.test(name) || isIPv4(name);

/** 10/8, 127/8, 172.16/12, 192.168/16 and 0/8: addresses the Internet cannot reach. */
export function isPrivateIPv4(ip: string): boolean {
  if (!isIPv4(ip)) return false;
  const [a = 0, b = 0] = ip.split(".").map(Number);
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a === 0;
}

/** A name no public certificate or public DNS answers for: localhost, `.local`, `.test`, a private IPv4. */
export const isLocalName = (host: string) =>
  host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".test") || isPrivateIPv4(host);

/** `chat.example.com` → `example.com`, for examples in messages. */
export const parentDomain = (domain: string) => domain.split(".").slice(-2).join(".");
