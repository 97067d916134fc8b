// What both scripts share about their command line: flags parsed by minimist (zx's parseArgv) with
// unknown flags refused, values checked with messages that name the flag, the value and what is
// allowed, and when a spinner may draw.
import { isIP } from "node:net";
import { parseArgv } from "zx";

/** Bad usage: the script prints the message and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface FlagSpec {
  string: readonly string[];
  boolean: readonly string[];
}

export type Flags = Record<string, string | boolean | string[] | undefined>;

/** minimist over `argv` with `spec`; an unknown flag or a stray argument is a UsageError. */
export function parseFlags(argv: readonly string[], spec: FlagSpec, command: string): Flags {
  const unknown: string[] = [];
  const known = new Set([...spec.string, ...spec.boolean, "h"]);
  const parsed = parseArgv([...argv], {
    string: [...spec.string],
    boolean: [...spec.boolean, "help"],
    alias: { h: "help" },
    unknown: (arg: string) => {
      const name = arg.replace(/^--?(no-)?/, "").split("=")[0]!;
      if (!arg.startsWith("-") || !known.has(name)) unknown.push(arg);
      return false;
    },
  });
  if (unknown.length > 0) {
    throw new UsageError(`${command}: unknown argument ${unknown.map((a) => JSON.stringify(a)).join(", ")}; see ${command} --help`);
  }
  return parsed as Flags;
}

/** The last value of a string flag given once or more; undefined when absent. */
export function stringFlag(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  if (Array.isArray(value)) return value.at(-1);
  return typeof value === "string" ? value : undefined;
}

/** Every value of a repeatable flag, also split at commas. */
export function listFlag(flags: Flags, name: string): string[] {
  const value = flags[name];
  const values = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  return values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
}

export function urlFlag(flags: Flags, name: string): string | undefined {
  const value = stringFlag(flags, name);
  if (value === undefined || value === "") return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(`--${name}: expected an http:// or https:// URL; got ${JSON.stringify(value)}`);
  }
  return value.replace(/\/+$/, "");
}

export function ipFlag(flags: Flags, name: string): string | undefined {
  const value = stringFlag(flags, name);
  if (value === undefined || value === "") return undefined;
  if (!isIP(value)) throw new UsageError(`--${name}: expected an IPv4 or IPv6 address; got ${JSON.stringify(value)}`);
  return value;
}

export function numberFlag(flags: Flags, name: string, fallback: number, range: { min: number; max: number; integer?: boolean }): number {
  const value = stringFlag(flags, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < range.min || n > range.max || (range.integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name}: expected ${range.integer ? "a whole number" : "a number"} from ${range.min} to ${range.max}; got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A spinner draws on a terminal only: not in CI, not under --json, not when stdout is a pipe or file. */
export function spinnerAllowed(json: boolean): boolean {
  return !json && !process.env.CI && process.stdout.isTTY === true;
}
