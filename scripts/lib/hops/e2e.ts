// e2e: what a browser does. The site's name through this machine's resolver, its certificate checked,
// gzip accepted, Origin set, and one streamed chat with the provider: through NextChat's route with an
// access code, or through the API route with the proxy token when the site has no web UI.
import { PROXY_ROUTES } from "../../../contract.js";
import { accessCodeAuthorization, NEXTCHAT_PROVIDERS } from "../../../web/nextchat.js";
import { OWN_KEY } from "../target.js";
import { apiAuthHeaders, chatHop, chatUrl, join, keyFlag, skip, type ProviderHop } from "./hop.js";

const BROWSER = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) gptsite-smoke",
  "accept-encoding": "gzip",
  "accept-language": "zh-CN,zh;q=0.9,en;q=0.8",
};

export const e2eHop: ProviderHop = async (ctx, provider) => {
  const { siteUrl, webUrl, accessCode } = ctx.target;
  if (!siteUrl) return skip("no siteUrl: nothing to browse");
  const origin = new URL(siteUrl).origin;
  const browse = (auth: Record<string, string>) => ({
    headers: { ...BROWSER, origin, referer: `${origin}/`, ...auth },
    signal: ctx.step(),
    ...(ctx.settings.ca ? { ca: ctx.settings.ca } : {}),
  });

  const mount = PROXY_ROUTES[provider].mount;
  if (!webUrl) {
    const headers = apiAuthHeaders(ctx.target, provider);
    if (!headers) return skip(`no web UI, and no --proxy-token or ${keyFlag(provider)} for ${mount || "/v1"}/`);
    return chatHop(`browser → ${mount || "/v1"} (no web UI)`, chatUrl(join(siteUrl, mount), provider, ctx), browse(headers), ctx, provider);
  }
  const headers = accessCode ? { authorization: accessCodeAuthorization(accessCode) } : ctx.target[OWN_KEY[provider]] ? apiAuthHeaders(ctx.target, provider) : undefined;
  if (!headers) return skip(`no --access-code (or ${keyFlag(provider)}) to chat with`);
  return chatHop("browser → NextChat", chatUrl(join(siteUrl, NEXTCHAT_PROVIDERS[provider].route), provider, ctx), browse(headers), ctx, provider);
};
