// What `npm run local` tells the user: where to point a client, and how a missing Nginx counts.
import type { HopName } from "./report.js";
import type { HopOutcome } from "./hops/hop.js";
import type { LocalOptions } from "./local-args.js";
import type { LocalChain } from "./local.js";

export function clientHelp(chain: LocalChain, options: LocalOptions): string {
  const base = `${chain.target.siteUrl ?? chain.proxy.url}/v1`;
  const token = options.tokenGenerated ? options.proxyToken : "<the --proxy-token you gave>";
  const key = options.upstream.kind === "url" && !options.upstream.key ? `<your key>:${token}` : token;
  return [
    "",
    "Point an OpenAI client at it:",
    `  base URL  ${base}`,
    `  API key   ${key}`,
    `  curl -N ${base}/chat/completions -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\`,
    `    -d '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hello"}]}'`,
    ...(chain.target.siteUrl && options.web ? [`  web UI    ${chain.target.siteUrl}/`] : []),
    "Ctrl-C stops everything.",
  ].join("\n");
}

/** Without Nginx its hops cannot run: skipped, with the install line; a failure in CI. */
export function nginxMissingOutcome(reason: string, env: Readonly<Record<string, string | undefined>>): Partial<Record<HopName, HopOutcome>> {
  const outcome: HopOutcome = env.CI ? { status: "fail", detail: `${reason} (in CI a missing Nginx is a failure)` } : { status: "skip", detail: reason };
  return { nginx: outcome, e2e: outcome };
}
