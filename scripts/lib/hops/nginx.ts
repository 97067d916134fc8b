// nginx: the site as Nginx serves it, reached at the host's address (like `curl --resolve`), so a DNS
// problem shows in the dns hop only. `/` answers, and the provider's API route (`/v1/`, `/anthropic/`,
// `/google/`) streams a chat to the function.
import { PROXY_ROUTES } from "../../../contract.js";
import { open, readText } from "../http.js";
import { apiAuthHeaders, chatHop, chatUrl, fail, join, keyFlag, ok, skip, type ProviderHop } from "./hop.js";

export const nginxHop: ProviderHop = async (ctx, provider) => {
  const { siteUrl, webUrl, hostIp } = ctx.target;
  if (!siteUrl) return skip("no siteUrl: no Nginx to check");
  const reach = { ...(hostIp ? { address: hostIp } : {}), ...(ctx.settings.ca ? { ca: ctx.settings.ca } : {}) };
  const mount = PROXY_ROUTES[provider].mount || "/v1";

  let seen = "";
  if (provider === "openai") {
    const page = await open(join(siteUrl, "/"), { ...reach, headers: { accept: "text/html" }, signal: ctx.step() });
    const body = await readText(page, ctx.step());
    // `/` is a page (the web UI's, or a static chat page Nginx serves itself), or on an API-only site
    // Nginx's own 404 (nginx/blocks/web.ts). With a web UI known, only its page will do.
    const expected = webUrl ? [200] : [200, 404];
    if (!expected.includes(page.statusCode ?? 0)) {
      return fail(`GET /: HTTP ${page.statusCode}, expected ${webUrl ? "200 (the web UI's page)" : "200 (a page) or 404 (API-only site)"}: ${body.slice(0, 100)}`);
    }
    seen = `/ ${page.statusCode}${page.statusCode === 404 ? " (API only)" : ""}`;
  }
  const headers = apiAuthHeaders(ctx.target, provider);
  if (!headers) return ok(`${seen ? `${seen}; ` : ""}no --proxy-token or ${keyFlag(provider)}, so ${mount}/ was not tried`);
  const base = join(siteUrl, PROXY_ROUTES[provider].mount);
  return chatHop(seen ? `${seen} · ${mount}` : mount, chatUrl(base, provider, ctx), { ...reach, headers, signal: ctx.step() }, ctx, provider);
};
