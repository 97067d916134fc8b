// nginx: the site as Nginx serves it, reached at the host's address (like `curl --resolve`), so a DNS
// problem shows in the dns hop only. `/` answers, and `/v1/` streams a chat to the function.
import { open, readText } from "../http.js";
import { apiAuthorization, chatHop, fail, join, ok, skip, type Hop } from "./hop.js";

export const nginxHop: Hop = async (ctx) => {
  const { siteUrl, webUrl, hostIp } = ctx.target;
  if (!siteUrl) return skip("no siteUrl: no Nginx to check");
  const reach = { ...(hostIp ? { address: hostIp } : {}), ...(ctx.settings.ca ? { ca: ctx.settings.ca } : {}) };

  const page = await open(join(siteUrl, "/"), { ...reach, headers: { accept: "text/html" }, signal: ctx.step() });
  const body = await readText(page, ctx.step());
  // Without a web UI the site serves the API only, and `/` is Nginx's own 404 (nginx/blocks/web.ts).
  const expected = webUrl ? 200 : 404;
  if (page.statusCode !== expected) {
    return fail(`GET /: HTTP ${page.statusCode}, expected ${expected}${webUrl ? " (the web UI's page)" : " (API-only site)"}: ${body.slice(0, 100)}`);
  }
  const seen = `/ ${page.statusCode}${webUrl ? "" : " (API only)"}`;
  const authorization = apiAuthorization(ctx.target);
  if (!authorization) return ok(`${seen}; no --proxy-token or --key, so /v1/ was not tried`);
  return chatHop(`${seen} · /v1`, join(siteUrl, "/v1/chat/completions"), { ...reach, headers: { authorization }, signal: ctx.step() }, ctx);
};
