// function: the proxy itself, by its own URL. /healthz answers without touching the upstream; a
// streamed chat through /v1 proves the token, the upstream and streaming.
import { open, parseJson, readText } from "../http.js";
import { isDockerAlias } from "../net.js";
import { apiAuthorization, chatHop, fail, join, ok, skip, type Hop } from "./hop.js";

export const functionHop: Hop = async (ctx) => {
  const url = ctx.target.functionUrl;
  if (!url) return skip("no functionUrl (a stack with functionProvider none has no proxy)");
  if (isDockerAlias(url)) return skip(`functionUrl ${url} is a name on the host's Docker network; the nginx hop reaches it`);

  const health = await open(join(url, "/healthz"), { signal: ctx.step() });
  const body = await readText(health, ctx.step());
  if (health.statusCode !== 200 || (parseJson(body) as { status?: unknown } | undefined)?.status !== "ok") {
    return fail(`GET /healthz: HTTP ${health.statusCode} ${body.slice(0, 120)}`);
  }
  const authorization = apiAuthorization(ctx.target);
  if (!authorization) return ok("healthz ok; no --proxy-token or --key, so no chat was tried");
  return chatHop("healthz ok · chat", join(url, "/v1/chat/completions"), { headers: { authorization }, signal: ctx.step() }, ctx);
};
