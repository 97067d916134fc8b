// function: the proxy itself, by its own URL. /healthz answers without touching the upstream; a
// streamed chat through the provider's route (/v1, /anthropic/v1, /google/v1beta) proves the token, the
// upstream and streaming.
import { PROXY_HEALTH_PATH, PROXY_ROUTES } from "../../../contract.js";
import { open, parseJson, readText } from "../http.js";
import { isDockerAlias } from "../net.js";
import { apiAuthHeaders, chatHop, chatUrl, fail, join, keyFlag, ok, skip, type ProviderHop } from "./hop.js";

export const functionHop: ProviderHop = async (ctx, provider) => {
  const url = ctx.target.functionUrl;
  if (!url) return skip("no functionUrl (a stack with functionProvider none has no proxy)");
  if (isDockerAlias(url)) return skip(`functionUrl ${url} is a name on the host's Docker network; the nginx hop reaches it`);

  // Once per run is enough: OpenAI's hop asks, the others go straight to their chat.
  let seen = "chat";
  if (provider === "openai") {
    const health = await open(join(url, PROXY_HEALTH_PATH), { signal: ctx.step() });
    const body = await readText(health, ctx.step());
    if (health.statusCode !== 200 || (parseJson(body) as { status?: unknown } | undefined)?.status !== "ok") {
      return fail(`GET ${PROXY_HEALTH_PATH}: HTTP ${health.statusCode} ${body.slice(0, 120)}`);
    }
    seen = "healthz ok · chat";
  }
  const headers = apiAuthHeaders(ctx.target, provider);
  if (!headers) return ok(`${provider === "openai" ? "healthz ok; " : ""}no --proxy-token or ${keyFlag(provider)}, so no chat was tried`);
  return chatHop(seen, chatUrl(join(url, PROXY_ROUTES[provider].mount), provider, ctx), { headers, signal: ctx.step() }, ctx, provider);
};
