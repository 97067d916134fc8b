// The one command-line convention of every gptsite CLI (npm run local, smoke, nginx:render, bench):
// `--name value` or `--name=value`, and a value is taken whatever it starts with (a token may begin
// with `-`); `-h`/`--help` prints the usage and exits 0; no positional arguments; bad usage is one
// sentence on stderr and exit 2, a failure exit 1. Errors name the option and never echo what may be
// a secret: an unknown argument is shown only when it is plainly an option name.
import { isIP } from "node:net";

/** Bad usage: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface FlagSpec {
  /** Options that take a value; given more than once, every value is kept. */
  string: readonly string[];
  boolean: readonly string[];
}

export type Flags = Record<string, string | boolean | string[] | undefined>;

/** `argv` by `spec` (plus `-h`/`--help`); anything else is a UsageError naming it, value never shown. */
export function parseFlags(argv: readonly string[], spec: FlagSpec, command: string): Flags {
  const strings = new Set(spec.string);
  const booleans = new Set(spec.boolean);
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "--help") {
      flags.help = true;
      continue;
    }
    const [, name, inline] = /^--([a-z][a-z0-9-]*)(?:=([\s\S]*))?$/.exec(arg) ?? [];
    if (name !== undefined && strings.has(name)) {
      let value = inline;
      if (value === undefined) {
        if (i + 1 === argv.length) throw new UsageError(`--${name}: expected a value after it; see ${command} --help`);
        value = argv[++i]!;
      }
      const before = flags[name];
      flags[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before as string]), value];
    } else if (name !== undefined && booleans.has(name)) {
      if (inline !== undefined) throw new UsageError(`--${name}: takes no value; see ${command} --help`);
      flags[name] = true;
    } else {
      throw new UsageError(`${command}: ${unknownArgument(arg, i + 1)}; see ${command} --help`);
    }
  }
  return flags;
}

/** An option name is shown (`--sight-url`, `-x`); anything else only by position, as it may be a key. */
function unknownArgument(arg: string, position: number): string {
  const option = /^(--[a-z][a-z0-9-]{0,39})(?:=|$)|^(-[a-z])$/i.exec(arg);
  if (option) return `unknown argument ${JSON.stringify(option[1] ?? option[2])}`;
  return `unexpected argument number ${position} (not shown: it may be a secret); options start with --`;
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
