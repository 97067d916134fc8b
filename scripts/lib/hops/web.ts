// web: NextChat on its own port, bypassing Nginx. /api/config answers without the upstream; one chat
// through the provider's route (/api/openai/, /api/anthropic/, /api/google/) with an access code, read to
// the end: NextChat answers upstream failures with HTTP 200 and an error body.
import { isLoopback } from "../net.js";
import { accessCodeAuthorization, NEXTCHAT_HEALTH_PATH, NEXTCHAT_PROVIDERS } from "../../../web/nextchat.js";
import { open, parseJson, readText } from "../http.js";
import { apiAuthHeaders, chatHop, chatUrl, fail, join, ok, skip, type HopContext, type HopOutcome, type ProviderHop } from "./hop.js";
import type { Provider } from "../../../contract.js";

export const webHop: ProviderHop = async (ctx, provider) => {
  const { webUrl, hostIp } = ctx.target;
  if (!webUrl) return skip("no webUrl: no web UI to check");
  try {
    return await (provider === "openai" ? configAndChat(ctx, webUrl) : providerChat(ctx, webUrl, provider));
  } catch (err) {
    // webUrl is published on the host's 127.0.0.1: from elsewhere only an ssh tunnel reaches it.
    if (isLoopback(new URL(webUrl).hostname) && hostIp && !isLoopback(hostIp) && /ECONNREFUSED/.test((err as Error).message)) {
      const port = new URL(webUrl).port;
      return skip(`${webUrl} is on the host's loopback; run smoke on the host, or tunnel: ssh -L ${port}:127.0.0.1:${port} <user>@${hostIp}`);
    }
    throw err;
  }
};

/** /api/config, then OpenAI's route: with the access code, or (no code needed) the caller's own credential or none. */
async function configAndChat(ctx: HopContext, webUrl: string): Promise<HopOutcome> {
  const config = await open(join(webUrl, NEXTCHAT_HEALTH_PATH), { signal: ctx.step() });
  const body = await readText(config, ctx.step());
  const settings = parseJson(body) as { needCode?: unknown } | undefined;
  if (config.statusCode !== 200 || typeof settings?.needCode !== "boolean") {
    return fail(`GET ${NEXTCHAT_HEALTH_PATH}: HTTP ${config.statusCode}, expected NextChat's JSON with needCode: ${body.slice(0, 120)}`);
  }
  const seen = `config ok (needCode ${settings.needCode})`;
  const { accessCode } = ctx.target;
  if (settings.needCode && !accessCode) return ok(`${seen}; no --access-code, so no chat was tried`);
  const headers = accessCode ? { authorization: accessCodeAuthorization(accessCode) } : (apiAuthHeaders(ctx.target, "openai") ?? {});
  return chatHop(`${seen} · chat`, routeUrl(ctx, webUrl, "openai"), { headers, signal: ctx.step() }, ctx);
}

/** Another provider's route, the way the browser calls it: the access code, or the caller's own credential in the provider's header. */
async function providerChat(ctx: HopContext, webUrl: string, provider: Provider): Promise<HopOutcome> {
  const { accessCode } = ctx.target;
  const headers = accessCode ? { authorization: accessCodeAuthorization(accessCode) } : apiAuthHeaders(ctx.target, provider);
  if (!headers) return ok("no --access-code or key, so no chat was tried");
  return chatHop("chat", routeUrl(ctx, webUrl, provider), { headers, signal: ctx.step() }, ctx, provider);
}

const routeUrl = (ctx: HopContext, webUrl: string, provider: Provider) => chatUrl(join(webUrl, NEXTCHAT_PROVIDERS[provider].route), provider, ctx);
