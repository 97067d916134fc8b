// The composition: validated settings in, the whole chain out. Providers are picked from the tables
// in function/, dns/ and tls/ by the configured names; nothing here branches on a provider's name.
import * as pulumi from "@pulumi/pulumi";
import { MAX_BODY_BYTES, PROXY_ROUTES, type Provider } from "../contract.js";
import type { FunctionArtifacts } from "../function/build.js";
import { NEXTCHAT_HOST_PORT, proxyApiBases } from "../web/nextchat.js";
import { Credentials } from "./auth.js";
import { serverKeys, type Settings } from "./config.js";
import { dnsProviders } from "./dns/index.js";
import { functionProviders } from "./function/index.js";
import { proxyEnvironment } from "./function/proxy.js";
import { DockerHost } from "./host/host.js";
import { NGINX_TRUSTED_CA, NginxSite } from "./host/nginx.js";
import { WebUi } from "./host/web.js";
import type { ProviderContext } from "./providers.js";
import { tlsProviders } from "./tls/index.js";

/** The stack outputs (design §3); scripts/smoke.ts reads them. */
export interface SiteOutputs {
  /** Where people open the chat. */
  siteUrl: pulumi.Output<string>;
  /** The OpenAI-compatible base for desktop and mobile clients (`${siteUrl}/v1`). */
  apiBaseUrl: pulumi.Output<string>;
  /** Base URLs for Claude and Gemini clients (`${siteUrl}/anthropic`, `${siteUrl}/google`); absent without a proxy. */
  anthropicBaseUrl?: pulumi.Output<string>;
  googleBaseUrl?: pulumi.Output<string>;
  /** The providers the site holds a server key for (`openai`, `anthropic`, `google`): smoke checks their routes. */
  serverKeys: pulumi.Output<Provider[]>;
  /** The function proxy's base URL (for `docker`, its name on the host's private network). */
  functionUrl: pulumi.Output<string>;
  /** NextChat's published port, bypassing Nginx (on 127.0.0.1 unless webBindAddress says otherwise). */
  webUrl: pulumi.Output<string>;
  hostIp: pulumi.Output<string>;
  /** Comma-separated; empty when the site has no server key. Secret. */
  accessCodes: pulumi.Output<string>;
  /** What clients put after their key (`sk-…:<token>`) or alone with a server key; absent without a proxy. Secret. */
  proxyToken?: pulumi.Output<string>;
}

const origin = (scheme: "http" | "https", host: string, port: number) =>
  `${scheme}://${host}${port === (scheme === "https" ? 443 : 80) ? "" : `:${port}`}`;

/** Stands up the site described by `settings`; `build` produces the proxy bundle when one is deployed. */
export async function deploySite(
  settings: Settings<pulumi.Output<string>>,
  build: () => Promise<FunctionArtifacts>,
): Promise<SiteOutputs> {
  const fnSettings = settings.function;
  const functionProvider = functionProviders[fnSettings.provider];
  const tlsProvider = tlsProviders[settings.tls.mode];
  const credentials = new Credentials("credentials", {
    runsProxy: functionProvider.runsProxy,
    apiKeys: serverKeys(settings.secrets),
    accessCodeCount: settings.web.accessCodeCount,
    ...(settings.secrets.accessCodes ? { accessCodes: settings.secrets.accessCodes } : {}),
    ...(settings.secrets.proxyToken ? { proxyToken: settings.secrets.proxyToken } : {}),
  });
  const host = new DockerHost("host", { docker: settings.host.docker });
  const onHost: pulumi.ComponentResourceOptions = { providers: [host.provider] };

  // Credentials makes a proxy token exactly when the function provider runs a proxy.
  const proxyToken = credentials.proxyToken;
  const proxy = proxyToken
    ? {
        region: fnSettings.region,
        memoryMb: fnSettings.memoryMb,
        timeoutSec: fnSettings.timeoutSec,
        concurrency: fnSettings.concurrency,
        maxInstances: fnSettings.maxInstances,
        artifacts: await build(),
        environment: proxyEnvironment({
          upstreams: settings.upstreams,
          timeoutSec: fnSettings.timeoutSec,
          memoryMb: fnSettings.memoryMb,
          proxyToken,
          apiKeys: credentials.proxyApiKeys,
        }),
      }
    : undefined;
  const context: ProviderContext = { settings, host, ...(proxy ? { proxy } : {}) };
  const fn = functionProvider.create("proxy", context);

  const web = new WebUi(
    "web",
    {
      image: settings.images.web,
      // Behind the proxy, its mount per provider; without one (function none), each provider's API.
      apiBases: proxy ? fn.url.apply(proxyApiBases) : settings.upstreams,
      serverApiKeys: credentials.webApiKeys,
      ...(credentials.accessCodes ? { accessCodes: credentials.accessCodes } : {}),
      timezone: settings.web.timezone,
      bindAddress: settings.web.bindAddress,
      network: host.networkName,
    },
    onHost,
  );

  dnsProviders[settings.dns.provider].create("site", context);
  const certificate = tlsProvider.create("tls", context);

  new NginxSite(
    "nginx",
    {
      image: settings.images.nginx,
      site: fn.url.apply((apiUpstream) => ({
        serverName: settings.domain,
        webUpstream: web.internalUrl,
        apiUpstream,
        // Without a proxy /v1/ goes to OpenAI itself; the other providers' routes exist only on the proxy.
        ...(proxy ? {} : { apiProviders: ["openai" as const] }),
        // Verify the function's certificate: the hop from a host in China crosses the open Internet.
        ...(apiUpstream.startsWith("https://") ? { apiTrustedCa: NGINX_TRUSTED_CA } : {}),
        functionTimeoutSec: fnSettings.timeoutSec,
        maxBodyBytes: MAX_BODY_BYTES,
        // Docker's embedded DNS on the private network: finds the containers and the function's host.
        resolver: "127.0.0.11",
      })),
      ...(certificate ? { tls: certificate } : {}),
      hostPorts: { http: settings.host.httpPort, https: settings.host.httpsPort },
      network: host.networkName,
    },
    // Nginx resolves its upstreams when it starts: the containers must be on the network first.
    { ...onHost, dependsOn: [web, ...(fn instanceof pulumi.Resource ? [fn] : [])] },
  );

  const siteUrl = tlsProvider.encrypts
    ? origin("https", settings.domain, settings.host.httpsPort)
    : origin("http", settings.domain, settings.host.httpPort);
  const webHost = settings.web.bindAddress === "0.0.0.0" ? settings.host.ip : settings.web.bindAddress;
  return {
    siteUrl: pulumi.output(siteUrl),
    apiBaseUrl: pulumi.output(`${siteUrl}/v1`),
    ...(proxy
      ? {
          anthropicBaseUrl: pulumi.output(`${siteUrl}${PROXY_ROUTES.anthropic.mount}`),
          googleBaseUrl: pulumi.output(`${siteUrl}${PROXY_ROUTES.google.mount}`),
        }
      : {}),
    serverKeys: pulumi.output(credentials.keyed),
    functionUrl: fn.url,
    webUrl: pulumi.output(origin("http", webHost, NEXTCHAT_HOST_PORT)),
    hostIp: pulumi.output(settings.host.ip),
    accessCodes: credentials.accessCodes ?? pulumi.secret(""),
    ...(credentials.proxyToken ? { proxyToken: credentials.proxyToken } : {}),
  };
}
