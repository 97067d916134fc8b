// The stand-in docker and random plugins (engine/plugins) driven by the real Pulumi engine against a
// real Docker daemon: up, no-change preview, in-place update, replacement, refresh after an
// out-of-band removal, secrets in the state, destroy; and the failures the real providers report.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../chain/ports.js";
import { DockerClient, isNotFound, versionLess } from "../../engine/plugins/docker/client.js";
import { engine, engineSkip } from "./docker.js";
import { PulumiProject } from "./project.js";

const API_KEY = `sk-plugins-${randomBytes(6).toString("hex")}`;

interface InspectedContainer {
  Id: string;
  Config: { Env: string[] };
  State: { Health?: { Status: string } };
  HostConfig: { Memory: number; RestartPolicy: { Name: string }; LogConfig: { Type: string; Config: Record<string, string> }; PortBindings: Record<string, { HostIp: string; HostPort: string }[]> };
}

describe.skipIf(engineSkip)(`stand-in plugins under the real engine${engineSkip ? ` (${engineSkip})` : ""}`, () => {
  // Set in beforeAll: the body of a skipped describe still runs, without an engine.
  let docker: DockerClient;
  const run = `plg${randomBytes(3).toString("hex")}`;
  let project: PulumiProject;
  let image: string;
  let port: number;

  const inspect = (name: string) => docker.json<InspectedContainer>("GET", `/containers/${run}-${name}/json`);
  const stackOutputs = async (stack: string) => JSON.parse((await project.ok(["stack", "output", "--stack", stack, "--json", "--show-secrets"])).stdout) as Record<string, string>;
  const get = async (url: string) => (await fetch(url)).text();

  beforeAll(async () => {
    docker = await DockerClient.connect(engine.vars.DOCKER_HOST!);
    image = engine.images.node.tag;
    project = await PulumiProject.create(engine);
    port = await freePort();
    const common = { runId: run, dockerHost: engine.vars.DOCKER_HOST!, image };
    const [repo, tag] = image.split(/:(?=[^:]*$)/) as [string, string];
    await docker.call("POST", `/images/${encodeURIComponent(image)}/tag`, { query: { repo: `${repo}-${run}`, tag } });
    await project.initStack("site", { ...common, throwawayImage: `${repo}-${run}:${tag}`, port: String(port), memory: "64" }, { apiKey: API_KEY });
    await project.initStack("bad", { ...common }, { apiKey: API_KEY });
  }, 300_000);

  afterAll(async () => {
    if (!project) return;
    for (const stack of ["site", "bad"]) await project.pulumi(["destroy", "--yes", "--skip-preview", "--stack", stack]);
    await project.remove();
  }, 300_000);

  it("pulumi up creates the network, image, password and two containers that talk by name", async () => {
    const up = await project.ok(["up", "--yes", "--skip-preview", "--stack", "site"]);
    expect(up.stdout).toMatch(/\+ 8 created/);
    const outputs = await stackOutputs("site");
    // client → server by its alias on the network, with the token from an upload; server answers with its env.
    expect(await get(outputs.url!)).toMatch(/^200 hello from [0-9a-f]{12}$/);

    const server = await inspect("server");
    expect(server.State.Health?.Status).toBe("healthy"); // wait: true returned only once it was
    expect(server.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(server.HostConfig.RestartPolicy.Name).toBe("always");
    expect(server.HostConfig.LogConfig).toEqual({ Type: "json-file", Config: { "max-size": "1m", "max-file": "2" } });
    expect(server.Config.Env).toContain(`API_KEY=${API_KEY}`);
    const client = await inspect("client");
    expect(client.HostConfig.PortBindings).toEqual({ "8081/tcp": [{ HostIp: "127.0.0.1", HostPort: String(port) }] });
    // The upload's permissions, as the tar header carried them in.
    const archive = await docker.call("GET", `/containers/${client.Id}/archive`, { query: { path: "/app/token" } });
    // The tar Docker hands back: the mode field of its ustar header, octal, with the file type bits.
    expect(parseInt(archive.body.subarray(100, 107).toString(), 8) & 0o7777).toBe(0o600);
  });

  it("a second preview has nothing to do", async () => {
    const preview = await project.pulumi(["preview", "--expect-no-changes", "--stack", "site"]);
    expect(preview.output).toMatch(/8 unchanged/);
    expect(preview.code).toBe(0);
  });

  it("memory changes in place: the same container, a new limit", async () => {
    const before = (await inspect("server")).Id;
    await project.ok(["config", "set", "--stack", "site", "memory", "48"]);
    const up = await project.ok(["up", "--yes", "--skip-preview", "--stack", "site"]);
    expect(up.stdout).toMatch(/~ 1 updated/);
    const after = await inspect("server");
    expect(after.Id).toBe(before);
    expect(after.HostConfig.Memory).toBe(48 * 1024 * 1024);
  });

  it("an env change replaces the container, the old one deleted first (the provider's deleteBeforeReplace)", async () => {
    const before = (await inspect("server")).Id;
    await project.ok(["config", "set", "--stack", "site", "greeting", "bonjour"]);
    const up = await project.ok(["up", "--yes", "--skip-preview", "--stack", "site"]);
    const deleted = up.stdout.indexOf("Container server deleted original");
    const created = up.stdout.indexOf("Container server created replacement");
    expect(deleted).toBeGreaterThan(-1);
    expect(created).toBeGreaterThan(deleted);
    expect((await inspect("server")).Id).not.toBe(before);
    expect(await get((await stackOutputs("site")).url!)).toMatch(/^200 bonjour from /);
  });

  it("refresh drops a container removed behind Pulumi's back, and up brings it back", async () => {
    await docker.call("DELETE", `/containers/${run}-client`, { query: { force: "true" } });
    const refresh = await project.ok(["refresh", "--yes", "--skip-preview", "--stack", "site"]);
    expect(refresh.stdout).toMatch(/- 1 deleted/);
    const state = (await project.ok(["stack", "export", "--stack", "site"])).stdout;
    expect(state).not.toContain("Container::client");
    const up = await project.ok(["up", "--yes", "--skip-preview", "--stack", "site"]);
    expect(up.stdout).toMatch(/\+ 1 created/);
    expect(await get((await stackOutputs("site")).url!)).toMatch(/^200 bonjour from /);
  });

  it("the state holds the env secret and the generated password only encrypted", async () => {
    const { tokenValue } = await stackOutputs("site");
    expect(tokenValue).toMatch(/^[A-Za-z0-9]{24}$/);
    const state = (await project.ok(["stack", "export", "--stack", "site"])).stdout;
    expect(state).toContain("docker:index/container:Container");
    expect(state).not.toContain(API_KEY);
    expect(state).not.toContain(tokenValue);
  });

  it("a property the schema does not know fails check, named with its path", async () => {
    await project.ok(["config", "set", "--stack", "bad", "variant", "unknownProperty"]);
    const preview = await project.pulumi(["preview", "--stack", "bad"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("Invalid or unknown key. Examine values at 'typo.bogus'.");
    expect(preview.output).toContain("Invalid or unknown key. Examine values at 'typo.ports[0].extrnal'.");
  });

  it("a value of the wrong type fails check, named with its path", async () => {
    await project.ok(["config", "set", "--stack", "bad", "variant", "badType"]);
    const preview = await project.pulumi(["preview", "--stack", "bad"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain(`expected integer type, got "lots" of type string. Examine values at 'badtype.memory'.`);
  });

  it("a container that never gets healthy fails `wait` with its health output and logs, secrets scrubbed", async () => {
    await project.ok(["config", "set", "--stack", "bad", "variant", "unhealthy"]);
    const up = await project.pulumi(["up", "--yes", "--skip-preview", "--stack", "bad"]);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain("container failed to be in healthy state: after 4s the container is running");
    expect(up.output).toContain("probe exited 1: probe says no");
    expect(up.output).toContain("starting with [secret]");
    expect(up.output).not.toContain(API_KEY);
    // Kept in the state as created-but-failed, so destroy removes it.
    await project.ok(["destroy", "--yes", "--skip-preview", "--stack", "bad"]);
    await expect(docker.call("GET", `/containers/${run}-sick/json`)).rejects.toSatisfy(isNotFound);
  });

  it("a health check startInterval needs Docker API 1.44, as the Go client says", async () => {
    await project.ok(["config", "set", "--stack", "bad", "variant", "startInterval"]);
    const up = await project.pulumi(["up", "--yes", "--skip-preview", "--stack", "bad"]);
    if (versionLess(docker.apiVersion, "1.44")) {
      expect(up.code).not.toBe(0);
      expect(up.output).toContain(`Unable to create container: "specify health-check start interval" requires API version 1.44, but the Docker daemon API version is ${docker.apiVersion}`);
    } else {
      expect(up.code, up.output).toBe(0);
    }
    await project.ok(["destroy", "--yes", "--skip-preview", "--stack", "bad"]);
  });

  it("an image that is not local and cannot be pulled fails as the real pull does", async () => {
    await project.ok(["config", "set", "--stack", "bad", "variant", "missingImage"]);
    const up = await project.pulumi(["up", "--yes", "--skip-preview", "--stack", "bad"]);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain("Unable to read Docker image into resource: unable to pull image 127.0.0.1:9/gptsite/missing:1: error pulling image 127.0.0.1:9/gptsite/missing:1: Error response from daemon:");
  });

  it("pulumi destroy leaves no container or network behind, removes an image unless keepLocally", async () => {
    const destroy = await project.ok(["destroy", "--yes", "--skip-preview", "--stack", "site"]);
    expect(destroy.stdout).toMatch(/- 8 deleted/);
    const containers = await docker.json<{ Names: string[] }[]>("GET", "/containers/json", { query: { all: "true" } });
    expect(containers.flatMap((c) => c.Names).filter((n) => n.includes(run))).toEqual([]);
    const networks = await docker.json<{ Name: string }[]>("GET", "/networks");
    expect(networks.map((n) => n.Name)).not.toContain(`${run}-net`);
    expect((await docker.json<{ Id: string }>("GET", `/images/${encodeURIComponent(image)}/json`)).Id).toMatch(/^sha256:/);
    const [repo, tag] = image.split(/:(?=[^:]*$)/) as [string, string];
    await expect(docker.call("GET", `/images/${encodeURIComponent(`${repo}-${run}:${tag}`)}/json`)).rejects.toSatisfy(isNotFound);
  });
});
