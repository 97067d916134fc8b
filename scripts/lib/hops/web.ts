// web: NextChat on its own port, bypassing Nginx. /api/config answers without the upstream; one chat
// through /api/openai/ with an access code, read to the end: NextChat answers upstream failures with
// HTTP 200 and an error body.
import { isLoopback } from "../net.js";
import { accessCodeAuthorization, NEXTCHAT_CHAT_ROUTE, NEXTCHAT_HEALTH_PATH } from "../../../web/nextchat.js";
import { open, parseJson, readText } from "../http.js";
import { apiAuthorization, chatHop, fail, join, ok, skip, type Hop } from "./hop.js";

export const webHop: Hop = async (ctx) => {
  const { webUrl, accessCode, hostIp } = ctx.target;
  if (!webUrl) return skip("no webUrl: no web UI to check");

  let config;
  try {
    config = await open(join(webUrl, NEXTCHAT_HEALTH_PATH), { signal: ctx.step() });
  } catch (err) {
    // webUrl is published on the host's 127.0.0.1: from elsewhere only an ssh tunnel reaches it.
    if (isLoopback(new URL(webUrl).hostname) && hostIp && !isLoopback(hostIp) && /ECONNREFUSED/.test((err as Error).message)) {
      const port = new URL(webUrl).port;
      return skip(`${webUrl} is on the host's loopback; run smoke on the host, or tunnel: ssh -L ${port}:127.0.0.1:${port} <user>@${hostIp}`);
    }
    throw err;
  }
  const body = await readText(config, ctx.step());
  const settings = parseJson(body) as { needCode?: unknown } | undefined;
  if (config.statusCode !== 200 || typeof settings?.needCode !== "boolean") {
    return fail(`GET ${NEXTCHAT_HEALTH_PATH}: HTTP ${config.statusCode}, expected NextChat's JSON with needCode: ${body.slice(0, 120)}`);
  }
  const seen = `config ok (needCode ${settings.needCode})`;
  const authorization = accessCode ? accessCodeAuthorization(accessCode) : settings.needCode ? undefined : apiAuthorization(ctx.target);
  if (settings.needCode && !accessCode) return ok(`${seen}; no --access-code, so no chat was tried`);
  return chatHop(`${seen} · chat`, join(webUrl, NEXTCHAT_CHAT_ROUTE), { headers: authorization ? { authorization } : {}, signal: ctx.step() }, ctx);
};
