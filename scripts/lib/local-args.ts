// `npm run local` command line.
import { randomBytes } from "node:crypto";
import { PROVIDERS, PROXY_PORT, PROXY_ROUTES, PROXY_TOKEN_RULE, proxyTokenProblem, type Provider } from "../../contract.js";
import { NEXTCHAT_HOST_PORT, NEXTCHAT_IMAGE } from "../../web/nextchat.js";
import { isExecutable } from "../../chain/nginx.js";
import { numberFlag, parseFlags, stringFlag, urlFlag, UsageError, type Flags } from "./cli.js";

export const OPENAI_URL = PROXY_ROUTES.openai.defaultBase;

/** The providers beside OpenAI, whose keys `npm run local` takes from their variables (ANTHROPIC_API_KEY, GOOGLE_API_KEY). */
export type OtherProvider = Exclude<Provider, "openai">;
export const OTHER_PROVIDERS: readonly OtherProvider[] = PROVIDERS.filter((provider): provider is OtherProvider => provider !== "openai");

export type UpstreamChoice =
  /** The built-in offline upstream: canned answers in each provider's format, nothing leaves this machine. */
  | { kind: "offline" }
  /**
   * Real ones: `url` for /v1 (OpenAI unless --upstream), Anthropic's and Gemini's own APIs for theirs;
   * with a key the proxy holds it, without one callers bring theirs.
   */
  | { kind: "url"; url: string; key?: string; keyFrom?: "--key" | "OPENAI_API_KEY"; others: Partial<Record<OtherProvider, string>> };

export type WebChoice =
  /** NextChat in Docker when an engine and the image are there, else the built-in chat page. */
  | { kind: "auto" }
  /** web/chat.html, served by Nginx. */
  | { kind: "builtin" }
  /** NextChat in Docker, or a failure saying why not. */
  | { kind: "nextchat" }
  /** A web UI already running. */
  | { kind: "url"; url: string };

export interface LocalOptions {
  upstream: UpstreamChoice;
  /** What Nginx serves at `/`. */
  web: WebChoice;
  /** NextChat's image (pinned), for the Docker path. */
  webImage: string;
  /** NextChat's port on 127.0.0.1, for the Docker path. */
  webPort: number;
  proxyPort: number;
  httpPort: number;
  proxyToken: string;
  /** The token was made up for this run (so it may be shown to the user who started it). */
  tokenGenerated: boolean;
  accessCode?: string;
  /** --nginx: this binary instead of the one on PATH (checked to be executable). */
  nginx?: string;
  check: boolean;
  /** The flags handed on to the smoke settings (--json, --timeout, --model, --only). */
  flags: Flags;
}

export const LOCAL_HELP = `Usage: npm run local -- [options]

Runs the whole chain on this machine, no cloud account needed:
  upstream → function proxy (function/dist, built if needed) → Nginx (the rendered site config)
with a chat page at / and the OpenAI API at /v1, and prints what to open and what to point an
OpenAI client at. Ctrl-C stops everything it started.

Upstream:
  (default)               offline: canned streamed answers in OpenAI's, Anthropic's and Gemini's
                          formats (/v1, /anthropic, /google), nothing leaves this machine
  OPENAI_API_KEY=sk-…     the real APIs: https://api.openai.com with this key, which stays in the proxy
  ANTHROPIC_API_KEY=…     the same for https://api.anthropic.com (Claude, at /anthropic)
  GOOGLE_API_KEY=…        the same for Gemini's API (at /google); a provider without its key takes
                          the caller's own as <key>:<token>
  --key KEY               OpenAI's key from the command line (visible in ps: prefer the variable)
  --upstream URL          any OpenAI-compatible base URL for /v1, without /v1 (with --key or OPENAI_API_KEY if it needs one)

Web UI at / (--web):
  (default)               NextChat in Docker when an engine answers and --web-image is pulled,
                          else the built-in chat page (web/chat.html)
  --web builtin           the built-in chat page
  --web nextchat          NextChat in Docker, or fail saying why not
  --web URL               a web UI already running (e.g. NextChat on http://127.0.0.1:3000)
  --web-image IMAGE       NextChat's image (default ${NEXTCHAT_IMAGE})
  --web-port PORT         NextChat's port on 127.0.0.1 (default ${NEXTCHAT_HOST_PORT})
  --access-code CODE      NextChat's access code (default: a new random one per run)

Options:
  --proxy-token TOKEN     the token clients send (default: a new random one per run)
  --proxy-port PORT       the proxy's port on 127.0.0.1 (default ${PROXY_PORT})
  --http-port PORT        Nginx's port on 127.0.0.1 (default 8080)
  --nginx PATH            the nginx binary (default: nginx on PATH, /usr/sbin, /usr/local/sbin)
  --check                 run the smoke hops against the chain, then stop; exit with their status
  --json                  with --check: the smoke report as JSON on stdout (these lines go to stderr)
  --only HOPS, --timeout SECONDS, --model NAME, --anthropic-model NAME, --google-model NAME
                          as for npm run smoke
  -h, --help              this text

Without Nginx (apt-get install -y nginx, brew install nginx) the proxy runs alone and the
Nginx hops are skipped; in CI (CI set) that is a failure.

Exit status: 0 every check passed, 1 a check failed or something could not start or died,
2 bad usage, 128 + the signal's number when a signal stopped it (130 Ctrl-C, 143 kill, 129 hangup).

Examples:
  npm run local
  OPENAI_API_KEY=sk-… npm run local
  npm run local -- --upstream http://127.0.0.1:11434 --http-port 8081
  npm run -s local -- --check --json > report.json
`;

export const LOCAL_FLAGS = {
  string: [
    "upstream", "key", "web", "web-image", "web-port", "access-code", "proxy-token", "proxy-port", "http-port", "nginx",
    "only", "timeout", "model", "anthropic-model", "google-model",
  ],
  boolean: ["check", "json"],
} as const;

export type LocalArgs = { help: true } | { help: false; options: LocalOptions };

/** `env` is the process environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, GOOGLE_API_KEY). */
export function parseLocalArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): LocalArgs {
  const flags = parseFlags(argv, LOCAL_FLAGS, "local");
  if (flags.help) return { help: true };
  const port = (name: string, fallback: number) => numberFlag(flags, name, fallback, { min: 1, max: 65_535, integer: true });
  const ports = { "--proxy-port": port("proxy-port", PROXY_PORT), "--http-port": port("http-port", 8080), "--web-port": port("web-port", NEXTCHAT_HOST_PORT) };
  const web = webChoice(stringFlag(flags, "web"), flags);
  const clash = Object.entries(ports).filter(([name]) => name !== "--web-port" || web.kind === "auto" || web.kind === "nextchat");
  for (const [i, [a, pa]] of clash.entries()) {
    for (const [b, pb] of clash.slice(i + 1)) {
      if (pa === pb) throw new UsageError(`${a} and ${b}: both are ${pa}; give different ports`);
    }
  }
  const nginx = stringFlag(flags, "nginx");
  if (nginx !== undefined && !isExecutable(nginx)) {
    throw new UsageError(`--nginx: ${JSON.stringify(nginx)} is not an executable file; give the path of an nginx binary, or leave --nginx out to use the one on PATH`);
  }
  const token = stringFlag(flags, "proxy-token");
  const tokenProblem = token === undefined ? undefined : proxyTokenProblem(token);
  if (tokenProblem !== undefined) throw new UsageError(`--proxy-token: expected ${PROXY_TOKEN_RULE}; got ${tokenProblem} (not shown)`);
  const image = stringFlag(flags, "web-image");
  if (image === "") throw new UsageError("--web-image: expected an image name such as yidadaa/chatgpt-next-web:v2.16.1; got an empty string");
  if (flags.json === true && flags.check !== true) throw new UsageError("--json: only with --check (without it the chain stays up and prints no report)");
  return {
    help: false,
    options: {
      upstream: upstreamChoice(urlFlag(flags, "upstream"), stringFlag(flags, "key"), env),
      web,
      webImage: image ?? NEXTCHAT_IMAGE,
      webPort: ports["--web-port"],
      proxyPort: ports["--proxy-port"],
      httpPort: ports["--http-port"],
      proxyToken: token ?? generateSecret(),
      tokenGenerated: token === undefined,
      accessCode: stringFlag(flags, "access-code") || undefined,
      nginx,
      check: flags.check === true,
      flags,
    },
  };
}

/**
 * A random secret for this run: 32 hex digits (128 bits). Letters and digits only, so it never starts
 * with `-` (which a command line would read as an option) and needs no quoting anywhere.
 */
export function generateSecret(): string {
  return randomBytes(16).toString("hex");
}

function webChoice(value: string | undefined, flags: Flags): WebChoice {
  if (value === undefined) return { kind: "auto" };
  if (value === "builtin" || value === "nextchat") return { kind: value };
  let url: string | undefined;
  try {
    url = urlFlag(flags, "web");
  } catch {
    // said below, with the other two choices
  }
  if (url === undefined) throw new UsageError(`--web: expected builtin, nextchat, or an http:// or https:// URL; got ${JSON.stringify(value)}`);
  return { kind: "url", url };
}

function upstreamChoice(url: string | undefined, flagKey: string | undefined, env: Readonly<Record<string, string | undefined>>): UpstreamChoice {
  const envKey = env.OPENAI_API_KEY;
  const key = flagKey || envKey || undefined;
  const keyFrom = flagKey ? "--key" : envKey ? "OPENAI_API_KEY" : undefined;
  const others = Object.fromEntries(OTHER_PROVIDERS.flatMap((p) => (env[PROXY_ROUTES[p].keyEnv] ? [[p, env[PROXY_ROUTES[p].keyEnv]!]] : [])));
  if (!url && !key && Object.keys(others).length === 0) return { kind: "offline" };
  return { kind: "url", url: url ?? OPENAI_URL, ...(key ? { key, keyFrom } : {}), others };
}
