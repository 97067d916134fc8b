// dns: the site's name asked of several resolvers (AliDNS and DNSPod as seen from mainland China,
// Cloudflare and Google; or --resolver), every answer compared with the host's address. A resolver
// that does not answer at all is noted, not failed, unless none answers.
import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { isPublicName } from "../net.js";
import { fail, ok, skip, type Hop, type HopContext } from "./hop.js";

type Answer = { resolver: string; addresses: string[] } | { resolver: string; error: string };

const NO_RECORD = new Set(["ENOTFOUND", "ENODATA"]);

export const dnsHop: Hop = async (ctx) => {
  const { domain, hostIp } = ctx.target;
  if (!domain) return skip("no domain");
  if (!isPublicName(domain)) return skip(`${domain} is not a name public DNS serves`);
  if (!hostIp) return skip("no hostIp to compare the answers with");

  const family = isIP(hostIp) === 6 ? 6 : 4;
  const answers = await Promise.all(ctx.settings.resolvers.map((resolver) => ask(resolver, domain, family, ctx)));
  const wrong: string[] = [];
  const silent: string[] = [];
  const right: string[] = [];
  for (const a of answers) {
    if ("addresses" in a) {
      if (a.addresses.length > 0 && a.addresses.every((ip) => ip === hostIp)) right.push(a.resolver);
      else wrong.push(`${a.resolver} says ${a.addresses.join(", ") || "nothing"}`);
    } else if (NO_RECORD.has(a.error)) {
      wrong.push(`${a.resolver} has no ${family === 6 ? "AAAA" : "A"} record (${a.error})`);
    } else {
      silent.push(`${a.resolver} ${a.error}`);
    }
  }
  const unanswered = silent.length > 0 ? `; no answer from ${silent.join(", ")}` : "";
  if (wrong.length > 0) return fail(`${domain}: ${wrong.join("; ")}; the host is ${hostIp}${unanswered}`);
  if (right.length === 0) return fail(`${domain}: no resolver answered${unanswered}`);
  return ok(`${domain} → ${hostIp} at ${right.join(", ")}${unanswered}`);
};

async function ask(resolver: string, domain: string, family: 4 | 6, ctx: HopContext): Promise<Answer> {
  const dns = new Resolver({ timeout: Math.min(ctx.settings.timeoutMs, 3_000), tries: 2 });
  dns.setServers([resolver]);
  const signal = ctx.step();
  const cancel = () => dns.cancel();
  signal.addEventListener("abort", cancel, { once: true });
  try {
    const addresses = family === 6 ? await dns.resolve6(domain) : await dns.resolve4(domain);
    return { resolver, addresses };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return { resolver, error: signal.aborted ? "timeout" : code === "ETIMEOUT" ? "timeout" : code };
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}
