// e2e: what a browser does. The site's name through this machine's resolver, its certificate checked,
// gzip accepted, Origin set, and one streamed chat: through NextChat's route with an access code, or
// through /v1/ with the proxy token when the site has no web UI.
import { accessCodeAuthorization, NEXTCHAT_CHAT_ROUTE } from "../../../web/nextchat.js";
import { apiAuthorization, chatHop, join, skip, type Hop } from "./hop.js";

const BROWSER = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) gptsite-smoke",
  "accept-encoding": "gzip",
  "accept-language": "zh-CN,zh;q=0.9,en;q=0.8",
};

export const e2eHop: Hop = async (ctx) => {
  const { siteUrl, webUrl, accessCode, apiKey } = ctx.target;
  if (!siteUrl) return skip("no siteUrl: nothing to browse");
  const origin = new URL(siteUrl).origin;
  const browse = (authorization: string) => ({
    headers: { ...BROWSER, origin, referer: `${origin}/`, authorization },
    signal: ctx.step(),
    ...(ctx.settings.ca ? { ca: ctx.settings.ca } : {}),
  });

  if (!webUrl) {
    const authorization = apiAuthorization(ctx.target);
    if (!authorization) return skip("no web UI, and no --proxy-token or --key for /v1/");
    return chatHop("browser → /v1 (no web UI)", join(siteUrl, "/v1/chat/completions"), browse(authorization), ctx);
  }
  const authorization = accessCode ? accessCodeAuthorization(accessCode) : apiKey ? apiAuthorization(ctx.target) : undefined;
  if (!authorization) return skip("no --access-code (or --key) to chat with");
  return chatHop("browser → NextChat", join(siteUrl, NEXTCHAT_CHAT_ROUTE), browse(authorization), ctx);
};
