// A complete nginx.conf around a rendered site, for running the system nginx by hand in a scratch
// directory (tests, `npm run local`): `nginx -p PREFIX -c PREFIX/nginx.conf -e PREFIX/error.log`.
// Every path Nginx writes is under the prefix, so it runs without root and leaves nothing behind.
import { block, d, render, type Line } from "./conf.js";
import { checkPath, SiteOptionsError } from "./validate.js";

export interface StandaloneOptions {
  /** Absolute directory for the pid file, error.log and temp directories (it must exist). */
  prefix: string;
  /** Extra http-level text placed before the site (e.g. `gzip on;` lines). */
  httpLevel?: string;
  /**
   * Worker user. Needed when the master runs as root, which otherwise switches workers to `nobody`
   * (e.g. pass "root" for a throwaway test run); leave unset as non-root, where Nginx ignores it.
   */
  user?: string;
  /**
   * `worker_connections` (default 4096). One worker serves everything here, and a stream holds two
   * connections (client, upstream); Nginx starts closing idle ones when fewer than 1/16 are free,
   * so the usual 1024 stops near 480 streams, and the next clients wait unanswered.
   */
  workerConnections?: number;
}

/** Point the site's `accessLog` option under the prefix too (it defaults to /var/log/nginx/). */
export function standaloneConf(site: string, options: StandaloneOptions): string {
  const { prefix, user, workerConnections = 4096 } = options;
  const problems: string[] = [];
  checkPath(problems, "prefix", prefix);
  if (user !== undefined && !/^[a-z_][a-z0-9_-]*\$?$/i.test(user)) problems.push(`user: expected a user name such as "root" or "www-data"; got ${JSON.stringify(user)}.`);
  if (!Number.isInteger(workerConnections) || workerConnections < 1) problems.push(`workerConnections: expected a whole number, at least 1; got ${JSON.stringify(workerConnections)}.`);
  if (problems.length > 0) throw new SiteOptionsError(problems);

  const dir = prefix.replace(/\/+$/, "");
  const main: Line[] = [
    d("daemon off", "stays in the foreground: the caller owns the process"),
    ...(user ? [d(`user ${user}`, "a root master would hand workers to nobody, who cannot enter the prefix")] : []),
    d("worker_processes 1"),
    d(`pid ${dir}/nginx.pid`),
    d(`error_log ${dir}/error.log notice`, "notice: shows timeouts and bodies spooled to disk"),
    block("events", [d(`worker_connections ${workerConnections}`)]),
  ];
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t, i) =>
    d(`${t}_temp_path ${dir}/${t}_temp`, i === 0 ? "the built-in /var/lib/nginx/ needs root" : undefined),
  );
  const http = render([d("default_type application/octet-stream"), d(`access_log ${dir}/access.log`), ...temp], 1);
  const extra = indent(options.httpLevel?.trim() ?? "");
  return `${render(main)}\n\nhttp {\n${http}\n${extra ? `\n${extra}\n` : ""}\n${indent(site.trim())}\n}\n`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => (l === "" ? l : `    ${l}`))
    .join("\n");
}
