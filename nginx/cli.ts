// npm run nginx:render -- --server-name chat.example.com --api-upstream https://… [options]
// Prints renderSite()'s text; bad options print every problem and exit 1.
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { renderSite, SITE_DEFAULTS, SiteOptionsError, validateSiteOptions, type SiteOptions } from "./index.js";

export const USAGE = `Usage: npm run nginx:render -- --server-name NAME --api-upstream URL [options]

Prints the site's Nginx config (http context; a stock nginx image reads it as
/etc/nginx/conf.d/default.conf).

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
  --rate N                 requests per second per address on /api/ and /v1/ (default ${SITE_DEFAULTS.rateLimit.perSecond})
  --burst N                requests above the rate before 429 (default ${SITE_DEFAULTS.rateLimit.burst})
  --resolver ADDR          DNS resolver for upstream names, e.g. 127.0.0.11 in Docker
  --access-log PATH|off    access log (default ${SITE_DEFAULTS.accessLog})
  -h, --help               this text

Example:
  npm run nginx:render -- --server-name chat.example.com \\
    --api-upstream https://1234567890-abc.ap-singapore.tencentscf.com \\
    --web-upstream http://nextchat:3000 --resolver 127.0.0.11 \\
    --tls-cert /etc/nginx/tls/fullchain.pem --tls-key /etc/nginx/tls/key.pem > default.conf
`;

const FLAGS = {
  "server-name": { type: "string" },
  "api-upstream": { type: "string" },
  "web-upstream": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "http-port": { type: "string" },
  "https-port": { type: "string" },
  "listen-address": { type: "string" },
  "hsts-max-age": { type: "string" },
  "api-trusted-ca": { type: "string" },
  "function-timeout": { type: "string" },
  "read-timeout": { type: "string" },
  "max-body-bytes": { type: "string" },
  rate: { type: "string" },
  burst: { type: "string" },
  resolver: { type: "string" },
  "access-log": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export interface CliResult {
  code: 0 | 1;
  stdout: string;
  stderr: string;
}

/** The whole CLI as a function of its arguments (main() only prints the result). */
export function runCli(argv: string[]): CliResult {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS; strict: true }>>["values"];
  try {
    ({ values } = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    return { code: 1, stdout: "", stderr: `${(err as Error).message}\n\n${USAGE}` };
  }
  if (values.help) return { code: 0, stdout: USAGE, stderr: "" };

  const problems: string[] = [];
  const number = (flag: keyof typeof FLAGS): number | undefined => {
    const raw = values[flag];
    if (raw === undefined || typeof raw !== "string") return undefined;
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
  if (problems.length > 0) return { code: 1, stdout: "", stderr: `${new SiteOptionsError(problems).message}\n` };
  return { code: 0, stdout: renderSite(options), stderr: "" };
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
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
}
