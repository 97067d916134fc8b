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
  // `/` is a page (the web UI's, or a static chat page Nginx serves itself), or on an API-only site
  // Nginx's own 404 (nginx/blocks/web.ts). With a web UI known, only its page will do.
  const expected = webUrl ? [200] : [200, 404];
  if (!expected.includes(page.statusCode ?? 0)) {
    return fail(`GET /: HTTP ${page.statusCode}, expected ${webUrl ? "200 (the web UI's page)" : "200 (a page) or 404 (API-only site)"}: ${body.slice(0, 100)}`);
  }
  const seen = `/ ${page.statusCode}${page.statusCode === 404 ? " (API only)" : ""}`;
  const authorization = apiAuthorization(ctx.target);
  if (!authorization) return ok(`${seen}; no --proxy-token or --key, so /v1/ was not tried`);
  return chatHop(`${seen} · /v1`, join(siteUrl, "/v1/chat/completions"), { ...reach, headers: { authorization }, signal: ctx.step() }, ctx);
};
