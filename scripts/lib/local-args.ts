// `npm run local` command line.
import { randomBytes } from "node:crypto";
import { isExecutable } from "../../nginx/run.js";
import { numberFlag, parseFlags, stringFlag, urlFlag, UsageError, type Flags } from "./cli.js";

export const OPENAI_URL = "https://api.openai.com";

export type UpstreamChoice =
  /** The built-in offline upstream: canned answers, nothing leaves this machine. */
  | { kind: "offline" }
  /** A real one; with a key the proxy holds it, without one callers bring theirs. */
  | { kind: "url"; url: string; key?: string; keyFrom?: "--key" | "OPENAI_API_KEY" };

export interface LocalOptions {
  upstream: UpstreamChoice;
  /** A web UI behind Nginx's `/`. */
  web?: string;
  proxyPort: number;
  httpPort: number;
  proxyToken: string;
  /** The token was made up for this run (so it may be shown to the user who started it). */
  tokenGenerated: boolean;
  accessCode?: string;
  /** --nginx: this binary instead of the one on PATH. */
  nginx?: string;
  check: boolean;
  /** The flags handed on to the smoke settings (--json, --timeout, --model, --only). */
  flags: Flags;
}

export const LOCAL_HELP = `Usage: npm run local -- [options]

Runs the whole chain on this machine, no cloud account needed:
  upstream → function proxy (function/dist, built if needed) → Nginx (the rendered site config)
and prints the URLs to point an OpenAI client at. Ctrl-C stops everything it started.

Upstream:
  (default)               offline: canned streamed answers, nothing leaves this machine
  OPENAI_API_KEY=sk-…     the real https://api.openai.com; the key stays in the proxy
  --key KEY               the same, from the command line (visible in ps: prefer the variable)
  --upstream URL          any OpenAI-compatible base URL, without /v1 (with --key or OPENAI_API_KEY if it needs one)

Options:
  --web URL               a web UI (e.g. NextChat on http://127.0.0.1:3000) behind Nginx's /
  --access-code CODE      its access code, for --check
  --proxy-token TOKEN     the token clients send (default: a new random one per run)
  --proxy-port PORT       the proxy's port on 127.0.0.1 (default 9000)
  --http-port PORT        Nginx's port on 127.0.0.1 (default 8080)
  --nginx PATH            the nginx binary (default: nginx on PATH, /usr/sbin, /usr/local/sbin)
  --check                 run the smoke hops against the chain, then stop; exit with their status
  --json                  with --check: the smoke report as JSON on stdout (these lines go to stderr)
  --only HOPS, --timeout SECONDS, --model NAME   as for npm run smoke
  -h, --help              this text

Without Nginx (apt-get install -y nginx, brew install nginx) the proxy runs alone and the
Nginx hops are skipped; in CI (CI set) that is a failure.

Exit status: 0 stopped cleanly or every check passed, 1 a check failed or something could not start, 2 bad usage.

Examples:
  npm run local
  OPENAI_API_KEY=sk-… npm run local
  npm run local -- --upstream http://127.0.0.1:11434 --http-port 8081
  npm run local -- --check --json
`;

export const LOCAL_FLAGS = {
  string: ["upstream", "key", "web", "access-code", "proxy-token", "proxy-port", "http-port", "nginx", "only", "timeout", "model"],
  boolean: ["check", "json"],
} as const;

export type LocalArgs = { help: true } | { help: false; options: LocalOptions };

/** `env` is the process environment (OPENAI_API_KEY). */
export function parseLocalArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): LocalArgs {
  const flags = parseFlags(argv, LOCAL_FLAGS, "local");
  if (flags.help) return { help: true };
  const port = (name: string, fallback: number) => numberFlag(flags, name, fallback, { min: 1, max: 65_535, integer: true });
  const proxyPort = port("proxy-port", 9000);
  const httpPort = port("http-port", 8080);
  if (proxyPort === httpPort) throw new UsageError(`--proxy-port and --http-port: both are ${proxyPort}; give two different ports`);
  const nginx = stringFlag(flags, "nginx");
  if (nginx === "") throw new UsageError("--nginx: expected the path of an nginx binary; got an empty string");
  const token = stringFlag(flags, "proxy-token");
  if (token !== undefined && (token.length < 16 || token.includes(":"))) {
    throw new UsageError("--proxy-token: expected 16 or more characters without ':' (the proxy splits <key>:<token> at the last ':')");
  }
  if (flags.json === true && flags.check !== true) throw new UsageError("--json: only with --check (without it the chain stays up and prints no report)");
  return {
    help: false,
    options: {
      upstream: upstreamChoice(urlFlag(flags, "upstream"), stringFlag(flags, "key"), env.OPENAI_API_KEY),
      web: urlFlag(flags, "web"),
      proxyPort,
      httpPort,
      proxyToken: token ?? randomBytes(24).toString("base64url"),
      tokenGenerated: token === undefined,
      accessCode: stringFlag(flags, "access-code") || undefined,
      nginx,
      check: flags.check === true,
      flags,
    },
  };
}

function upstreamChoice(url: string | undefined, flagKey: string | undefined, envKey: string | undefined): UpstreamChoice {
  const key = flagKey || envKey || undefined;
  const keyFrom = flagKey ? "--key" : envKey ? "OPENAI_API_KEY" : undefined;
  if (!url && !key) return { kind: "offline" };
  return { kind: "url", url: url ?? OPENAI_URL, ...(key ? { key, keyFrom } : {}) };
}

/** The nginx binary to use: --nginx when executable, else the one found; undefined when there is none. */
export function nginxFrom(requested: string | undefined, found: string | undefined): string | undefined {
  if (requested !== undefined) return isExecutable(requested) ? requested : undefined;
  return found;
}
