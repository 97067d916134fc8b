// What `npm run local` tells the user: what to open, where to point a client, how a missing Nginx
// counts, and what was stopped.
import { PROXY_ROUTES } from "../../contract.js";
import { PROVIDER_CONFIG } from "../../infra/config/keys.js";
import { HOPS, type HopName } from "./report.js";
import type { HopOutcome } from "./hops/hop.js";
import { OTHER_PROVIDERS, type LocalOptions } from "./local-args.js";
import type { LocalChain } from "./local.js";

/** The generated token and access code are this run's own and the user needs them; given ones stay unprinted. */
export function clientHelp(chain: LocalChain, options: LocalOptions): string {
  const site = chain.siteUrl ?? chain.proxy.url;
  const base = `${site}/v1`;
  const token = options.tokenGenerated ? options.proxyToken : "<the --proxy-token you gave>";
  // A provider whose key the proxy holds takes the token alone; the others the caller's key before it.
  const keyOf = (provider: keyof LocalChain["upstreamKeys"]) => (chain.upstreamKeys[provider] ? token : `<your key>:${token}`);
  const key = keyOf("openai");
  const others = OTHER_PROVIDERS.map((p) => ({ title: PROVIDER_CONFIG[p].title, base: `${site}${PROXY_ROUTES[p].mount}`, key: keyOf(p) }));
  const [titles, bases] = [Math.max(...others.map((o) => o.title.length)), Math.max(...others.map((o) => o.base.length))];
  return [
    "",
    ...openLines(chain, options, key),
    "Point an OpenAI client at it:",
    `  base URL  ${base}`,
    `  API key   ${key}`,
    `  curl -N ${base}/chat/completions -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\`,
    `    -d '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hello"}]}'`,
    "Or a Claude or Gemini client (Anthropic's and Google's SDKs, desktop apps):",
    ...others.map((o) => `  ${o.title.padEnd(titles)}  base URL ${o.base.padEnd(bases)}  API key ${o.key}`),
    `Ctrl-C stops everything (from elsewhere: kill ${process.pid}).`,
  ].join("\n");
}

function openLines(chain: LocalChain, options: LocalOptions, key: string): string[] {
  const site = chain.siteUrl;
  const web = chain.web;
  switch (web.kind) {
    case "builtin": {
      // The page takes the key from the link's #fragment, which the browser never sends anywhere.
      const link = options.tokenGenerated && !key.startsWith("<") ? `${site}/#key=${key}` : `${site}/  (enter the API key below)`;
      return [`Open the chat:  ${link}`];
    }
    case "nextchat":
      return [`Open NextChat:  ${site}/  access code ${web.codeGenerated ? web.accessCode : "<the --access-code you gave>"}`];
    case "url":
      return site ? [`Open the web UI:  ${site}/  (${web.url} behind Nginx)`] : [];
    case "none":
      return [`No chat page without Nginx (${chain.nginxMissing ?? "not running"}).`];
  }
}

/** Without Nginx its hops cannot run: skipped, with the install line; a failure in CI. */
export function nginxMissingOutcome(reason: string, env: Readonly<Record<string, string | undefined>>): Partial<Record<HopName, HopOutcome>> {
  const outcome: HopOutcome = env.CI ? { status: "fail", detail: `${reason} (in CI a missing Nginx is a failure)` } : { status: "skip", detail: reason };
  return Object.fromEntries(HOPS.filter((hop) => /^(nginx|e2e)/.test(hop)).map((hop) => [hop, outcome]));
}

/** The one line said when everything is stopped. */
export function stoppedLine(stopped: readonly string[]): string {
  return stopped.length > 0 ? `local: stopped ${stopped.join(", ")}.` : "local: nothing was running yet.";
}
