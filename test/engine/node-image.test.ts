// The Node image the docker function runs: this machine's node on the Debian base, running the built
// proxy with the program's command, flags, environment and health check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROXY_PORT } from "../../contract.js";
import { SECRETS, startProxy, startUpstream } from "./chain.js";
import { docker, engine, engineSkip, Scratch } from "./docker.js";

const scratch = new Scratch();
afterAll(() => scratch.remove());

describe.skipIf(engineSkip)("Node image", () => {
  let proxy: { id: string; url: string };
  beforeAll(async () => {
    const network = await scratch.network();
    const upstream = await startUpstream(scratch, network);
    proxy = await startProxy(scratch, network, upstream.url);
  });

  it("is this machine's node", async () => {
    expect(engine.config.proxyImage).toBe(`gptsite-engine/node:${process.version.slice(1)}`);
    expect(await docker(["run", "--rm", "--network", "none", engine.config.proxyImage, "node", "--version"])).toBe(process.version);
  });

  it("runs the built proxy with the program's flags, and it answers /healthz (the program's health check passed before this)", async () => {
    const port = await scratch.hostPort(proxy.id, PROXY_PORT);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const [pid1] = (await docker(["exec", proxy.id, "cat", "/proc/1/cmdline"])).split("\0");
    expect(pid1).toBe("node");
    expect(await docker(["exec", proxy.id, "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline"])).toContain("--lite-mode");
  });

  it("relays /v1/ for the token's holder only", async () => {
    const port = await scratch.hostPort(proxy.id, PROXY_PORT);
    const models = await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { authorization: `Bearer ${SECRETS.proxyToken}` } });
    expect(models.status).toBe(200);
    const refused = await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { authorization: "Bearer wrong" } });
    expect(refused.status).toBe(401);
  });
});
