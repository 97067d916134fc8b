// tls: the site's certificate as the host serves it for the site's name: issuer, names, days left.
// Expired, not yet valid, for another name, or from an issuer this machine (or --ca) does not trust:
// fail, with the reason.
import { isIP } from "node:net";
import tls, { type PeerCertificate, type TLSSocket } from "node:tls";
import { describe, explain } from "../http.js";
import { fail, ok, skip, type Hop } from "./hop.js";

const DAY_MS = 86_400_000;

export const tlsHop: Hop = async (ctx) => {
  const { siteUrl, domain, hostIp } = ctx.target;
  if (!siteUrl) return skip("no siteUrl");
  const url = new URL(siteUrl);
  if (url.protocol !== "https:") return skip("siteUrl is plain http: no certificate to check");
  const name = domain ?? url.hostname;

  const socket = await handshake({
    host: hostIp ?? url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port || 443),
    ...(isIP(name) ? {} : { servername: name }),
    ...(ctx.settings.ca ? { ca: ctx.settings.ca } : {}),
    // We judge the certificate ourselves, to say what is wrong with it rather than only that it is.
    rejectUnauthorized: false,
    signal: ctx.step(),
  });
  const cert = socket.getPeerCertificate();
  const protocol = socket.getProtocol();
  const verifyError = socket.authorizationError as unknown as Error | string | null;
  socket.destroy();

  const facts = describeCertificate(cert);
  const now = Date.now();
  const notAfter = Date.parse(cert.valid_to);
  const notBefore = Date.parse(cert.valid_from);
  if (now > notAfter) return fail(`expired ${Math.ceil((now - notAfter) / DAY_MS)} days ago (${cert.valid_to}); ${facts}`);
  if (now < notBefore) return fail(`not valid until ${cert.valid_from}; ${facts}`);
  const identity = tls.checkServerIdentity(name, cert);
  if (identity) return fail(`the certificate is not for ${name}; ${facts}`);
  if (verifyError) {
    const code = typeof verifyError === "string" ? verifyError : (verifyError as NodeJS.ErrnoException).code ?? verifyError.message;
    return fail(`${explain(code)}; ${facts}`);
  }
  return ok(`${facts}, ${Math.floor((notAfter - now) / DAY_MS)} days left, ${protocol}`);
};

function describeCertificate(cert: PeerCertificate): string {
  const issuer = [cert.issuer?.O, cert.issuer?.CN].filter(Boolean).join(" ") || "unknown issuer";
  const names = (cert.subjectaltname ?? "")
    .split(/,\s*/)
    .map((n) => n.replace(/^(DNS|IP Address):/, ""))
    .filter(Boolean);
  return `issuer ${issuer}, names ${names.join(" ") || cert.subject?.CN || "none"}`;
}

function handshake(options: tls.ConnectionOptions & { signal: AbortSignal }): Promise<TLSSocket> {
  const { signal, ...connect } = options;
  return new Promise((resolve, reject) => {
    const socket = tls.connect(connect);
    const abort = () => socket.destroy(signal.reason as Error);
    signal.addEventListener("abort", abort, { once: true });
    socket.once("secureConnect", () => {
      signal.removeEventListener("abort", abort);
      resolve(socket);
    });
    socket.once("error", (err) => {
      signal.removeEventListener("abort", abort);
      reject(describe(err, signal));
    });
  });
}
