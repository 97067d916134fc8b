// The Pulumi program the stand-in plugins are driven with by the real engine (plugins.engine.test.ts
// copies this directory to a temp dir). Variant "site": a network, a local image, a random token and
// two containers that reach each other by name: `client` (a published loopback port) asks `server`
// (uploaded code, env, a health check it is waited on) with the token it finds in an uploaded file.
// The other variants are one failure each.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

const config = new pulumi.Config();
const run = config.require("runId");
const image = config.require("image");
const provider = new docker.Provider("host", { host: config.require("dockerHost") });
const probe = (port: number) => ["CMD", "node", "-e", `fetch("http://127.0.0.1:${port}/health").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];

export let url: pulumi.Output<string> | undefined;
export let serverId: pulumi.Output<string> | undefined;
export let clientId: pulumi.Output<string> | undefined;
export let tokenValue: pulumi.Output<string> | undefined;

class RawContainer extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super("docker:index/container:Container", name, props, opts);
  }
}

const variants: Record<string, () => void> = {
  site() {
    const network = new docker.Network("net", { name: `${run}-net`, driver: "bridge" }, { provider });
    const nodeImage = new docker.RemoteImage("node", { name: image, keepLocally: true }, { provider });
    // keepLocally left out: destroy removes this tag (the test made it; the image keeps its own tag).
    new docker.RemoteImage("throwaway", { name: config.require("throwawayImage") }, { provider });
    const token = new random.RandomPassword("token", { length: 24, special: false });
    const serverJs = `require("node:http").createServer((q, s) => {
  if (q.url === "/health") return s.end("ok");
  if (q.headers.authorization !== "Bearer " + process.env.TOKEN) { s.statusCode = 401; return s.end("wrong token"); }
  s.end(process.env.GREETING + " from " + require("node:os").hostname());
}).listen(8080);`;
    const clientJs = `const token = require("node:fs").readFileSync("/app/token", "utf8");
require("node:http").createServer(async (q, s) => {
  try { const r = await fetch("http://server:8080/", { headers: { authorization: "Bearer " + token } }); s.end(r.status + " " + await r.text()); }
  catch (e) { s.statusCode = 502; s.end(String(e)); }
}).listen(8081);`;
    const apiKey = config.requireSecret("apiKey");
    // No deleteBeforeReplace here: the fixed names only work because the provider asks for it.
    const server = new docker.Container("server", {
      name: `${run}-server`,
      image: nodeImage.imageId,
      command: ["node", "/app/server.js"],
      envs: pulumi.all([token.result, apiKey]).apply(([t, key]) => [`GREETING=${config.get("greeting") ?? "hello"}`, `TOKEN=${t}`, `API_KEY=${key}`]),
      uploads: [{ file: "/app/server.js", content: serverJs }],
      networksAdvanced: [{ name: network.name, aliases: ["server"] }],
      memory: config.requireNumber("memory"),
      healthcheck: { tests: probe(8080), interval: "1s", timeout: "2s", retries: 3 },
      wait: true,
      waitTimeout: 30,
      restart: "always",
      logDriver: "json-file",
      logOpts: { "max-size": "1m", "max-file": "2" },
    }, { provider });
    const client = new docker.Container("client", {
      name: `${run}-client`,
      image: nodeImage.imageId,
      command: ["node", "/app/client.js"],
      uploads: [
        { file: "/app/client.js", content: clientJs },
        { file: "/app/token", content: token.result, permissions: "0600" },
      ],
      networksAdvanced: [{ name: network.name }],
      ports: [{ internal: 8081, external: config.requireNumber("port"), ip: "127.0.0.1" }],
    }, { provider, dependsOn: [server] });
    url = pulumi.interpolate`http://127.0.0.1:${config.requireNumber("port")}`;
    serverId = server.id;
    clientId = client.id;
    tokenValue = token.result;
  },
  unknownProperty() {
    // The typed SDK sends only the properties it knows: a raw resource of the same type carries the typo.
    new RawContainer("typo", { image, name: `${run}-typo`, bogus: 1, ports: [{ internal: 80, extrnal: 8080 }] }, { provider });
  },
  badType() {
    new docker.Container("badtype", { image, name: `${run}-badtype`, memory: "lots" as unknown as number }, { provider });
  },
  unhealthy() {
    new docker.Container("sick", {
      image,
      name: `${run}-sick`,
      command: ["node", "-e", "console.log('starting with ' + process.env.SICK_KEY); setInterval(() => {}, 1000)"],
      envs: [pulumi.interpolate`SICK_KEY=${config.requireSecret("apiKey")}`],
      healthcheck: { tests: ["CMD", "node", "-e", "console.log('probe says no'); process.exit(1)"], interval: "1s", retries: 1 },
      wait: true,
      waitTimeout: 4,
    }, { provider });
  },
  startInterval() {
    new docker.Container("quick", {
      image,
      name: `${run}-quick`,
      command: ["node", "-e", "setInterval(() => {}, 1000)"],
      healthcheck: { tests: ["CMD", "true"], interval: "30s", startInterval: "1s" },
    }, { provider });
  },
  missingImage() {
    // A registry on a closed loopback port: the pull fails here, whatever the daemon's network.
    new docker.RemoteImage("missing", { name: "127.0.0.1:9/gptsite/missing:1" }, { provider });
  },
};

const variant = config.get("variant") ?? "site";
const build = variants[variant];
if (!build) throw new Error(`config variant: ${JSON.stringify(variant)} is none of ${Object.keys(variants).join(", ")}`);
build();
