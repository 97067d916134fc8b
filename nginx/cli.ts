// npm run -s nginx:render -- --server-name chat.example.com --api-upstream https://… [--out FILE]
// Prints (or writes) renderSite()'s text. The command line follows every gptsite CLI's convention
// (scripts/lib/cli.ts): bad options are bad usage, every problem listed at once, exit 2.
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { EXIT, parseFlags, stringFlag, UsageError } from "../scripts/lib/cli.js";
import { renderSite, SITE_DEFAULTS, SiteOptionsError, validateSiteOptions, type SiteOptions } from "./index.js";

export const USAGE = `Usage: npm run -s nginx:render -- --server-name NAME --api-upstream URL [options]

Prints the site's Nginx config (http context; a stock nginx image reads it as
/etc/nginx/conf.d/default.conf), or writes it to --out FILE. (-s keeps npm's own lines out of it.)

  --server-name NAME       the site's domain, "localhost" or "_"                   (required)
  --api-upstream URL       the function proxy's base URL, without /v1                (required)
  --web-upstream URL       the web UI, e.g. http://nextchat:3000 (omit: API only)
  --tls-cert PATH          certificate chain (PEM) as Nginx sees it; with --tls-key turns TLS on
  --tls-key PATH           private key (PEM)
  --http-port N            plain HTTP port (default 80; with TLS it only redirects)
  --https-port N           TLS port (default 443 when TLS is on)
  --listen-address ADDR    bind to one address, e.g. 127.0.0.1
  --hsts-max-age SEC       HSTS max-age (default ${SITE_DEFAULTS.hstsMaxAgeSec}; 0 turns it off)
  --api-trusted-ca PATH    verify the function's certificate against this PEM bundle
  --function-timeout SEC   the function's timeout (default ${SITE_DEFAULTS.functionTimeoutSec})
  --read-timeout SEC       proxy_read_timeout, at least the function's (default: equal to it)
  --max-body-bytes N       client_max_body_size (default ${SITE_DEFAULTS.maxBodyBytes}, the proxy's limit)
  --rate N                 requests per second per address on /api/ and the API routes (default ${SITE_DEFAULTS.rateLimit.perSecond})
  --burst N                requests above the rate before 429 (default ${SITE_DEFAULTS.rateLimit.burst})
  --resolver ADDR          DNS resolver for upstream names, e.g. 127.0.0.11 in Docker
  --access-log PATH|off    access log (default ${SITE_DEFAULTS.accessLog})
  --out FILE               write the config to FILE instead of printing it
  -h, --help               this text

Exit status: 0 rendered, 1 FILE could not be written, 2 bad usage (every problem is listed).

Examples:
  npm run -s nginx:render -- --server-name chat.example.com \\
    --api-upstream https://1234567890-abc.ap-singapore.tencentscf.com \\
    --web-upstream http://nextchat:3000 --resolver 127.0.0.11 \\
    --tls-cert /etc/nginx/tls/fullchain.pem --tls-key /etc/nginx/tls/key.pem > default.conf
  npm run nginx:render -- --server-name localhost --api-upstream http://127.0.0.1:9000 --out site.conf
`;

const FLAGS = {
  string: [
    "server-name", "api-upstream", "web-upstream", "tls-cert", "tls-key", "http-port", "https-port", "listen-address",
    "hsts-max-age", "api-trusted-ca", "function-timeout", "read-timeout", "max-body-bytes", "rate", "burst", "resolver",
    "access-log", "out",
  ],
  boolean: [],
} as const;

type Flag = (typeof FLAGS.string)[number];

export interface CliResult {
  code: (typeof EXIT)[keyof typeof EXIT];
  stdout: string;
  stderr: string;
  /** --out: where stdout goes instead of the terminal. */
  out?: string;
}

/** The whole CLI as a function of its arguments (main() only prints or writes the result). */
export function runCli(argv: string[]): CliResult {
  let flags;
  try {
    flags = parseFlags(argv, FLAGS, "nginx:render");
  } catch (err) {
    if (err instanceof UsageError) return { code: EXIT.usage, stdout: "", stderr: `${err.message}\n` };
    throw err;
  }
  if (flags.help) return { code: EXIT.ok, stdout: USAGE, stderr: "" };
  const values = Object.fromEntries(FLAGS.string.map((f) => [f, stringFlag(flags, f)])) as Record<Flag, string | undefined>;

  const problems: string[] = [];
  const number = (flag: Flag): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const parsed = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(parsed)) {
      problems.push(`--${flag}: expected a number; got ${JSON.stringify(raw)}.`);
      return undefined;
    }
    return parsed;
  };
  if ((values["tls-cert"] === undefined) !== (values["tls-key"] === undefined)) {
    problems.push(`--tls-cert and --tls-key: give both or neither; got ${values["tls-cert"] === undefined ? "--tls-key" : "--tls-cert"} alone.`);
  }
  const tls = values["tls-cert"] !== undefined && values["tls-key"] !== undefined ? { certificate: values["tls-cert"], certificateKey: values["tls-key"] } : undefined;
  const rate = number("rate");
  const burst = number("burst");
  // Missing required values stay undefined so the validator reports them with the rest.
  const options = {
    serverName: values["server-name"],
    listen: {
      http: number("http-port") ?? 80,
      https: number("https-port") ?? (tls ? 443 : undefined),
      address: values["listen-address"],
    },
    tls,
    hstsMaxAgeSec: number("hsts-max-age"),
    webUpstream: values["web-upstream"],
    apiUpstream: values["api-upstream"],
    apiTrustedCa: values["api-trusted-ca"],
    functionTimeoutSec: number("function-timeout"),
    readTimeoutSec: number("read-timeout"),
    maxBodyBytes: number("max-body-bytes"),
    rateLimit:
      rate === undefined && burst === undefined
        ? undefined
        : { perSecond: rate ?? SITE_DEFAULTS.rateLimit.perSecond, burst: burst ?? SITE_DEFAULTS.rateLimit.burst },
    resolver: values.resolver,
    accessLog: values["access-log"],
  } as SiteOptions;
  problems.push(...validateSiteOptions(options).map(withFlag));
  if (problems.length > 0) return { code: EXIT.usage, stdout: "", stderr: `${new SiteOptionsError(problems).message}\n` };
  return { code: EXIT.ok, stdout: renderSite(options), stderr: "", ...(values.out ? { out: values.out } : {}) };
}

/** The option a validator message starts with, as the flag that sets it. */
const FLAG_OF: Record<string, string> = {
  serverName: "--server-name",
  "listen.http": "--http-port",
  "listen.https": "--https-port",
  "listen.address": "--listen-address",
  tls: "--tls-cert/--tls-key",
  "tls.certificate": "--tls-cert",
  "tls.certificateKey": "--tls-key",
  hstsMaxAgeSec: "--hsts-max-age",
  webUpstream: "--web-upstream",
  apiUpstream: "--api-upstream",
  apiTrustedCa: "--api-trusted-ca",
  functionTimeoutSec: "--function-timeout",
  readTimeoutSec: "--read-timeout",
  maxBodyBytes: "--max-body-bytes",
  "rateLimit.perSecond": "--rate",
  "rateLimit.burst": "--burst",
  resolver: "--resolver",
  accessLog: "--access-log",
};

function withFlag(problem: string): string {
  const option = /^([\w.]+):/.exec(problem)?.[1];
  const flag = option && FLAG_OF[option];
  return flag ? `${flag} (${problem.slice(0, option.length)})${problem.slice(option.length)}` : problem;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = runCli(process.argv.slice(2));
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
  if (result.out === undefined) {
    process.stdout.write(result.stdout);
  } else {
    try {
      writeFileSync(result.out, result.stdout);
    } catch (err) {
      process.stderr.write(`nginx:render: cannot write --out ${result.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      process.exitCode = EXIT.failed;
    }
  }
}
