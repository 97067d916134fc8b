// The stand-in plugins' logic without an engine: check and diff against the real schemas, Go's
// duration spelling, image references, the password generator, and the Docker client's negotiation.
import { createServer } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerClient } from "../../engine/plugins/docker/client.js";
import { containerSchema } from "../../engine/plugins/docker/containerSchema.js";
import { formatDuration, parseDuration } from "../../engine/plugins/docker/duration.js";
import { checkConfig } from "../../engine/plugins/docker/host.js";
import { repoDigest, splitReference } from "../../engine/plugins/docker/images.js";
import { randomId } from "../../engine/plugins/random/id.js";
import { randomPassword } from "../../engine/plugins/random/password.js";
import { check, checkInputs, diff, planned } from "../../engine/plugins/schema.js";
import { isSecret, secret, UNKNOWN, type JsonObject } from "../../engine/plugins/values.js";

const checkContainer = (news: JsonObject) => check(containerSchema, "web", news);
const reasons = (news: JsonObject) => checkContainer(news).failures.map((f) => f.reason);

describe("check, as the bridge does it", () => {
  it("fills in Terraform's defaults, nested ones too", () => {
    const { inputs, failures } = checkContainer({ image: "sha256:1", ports: [{ internal: 80 }], healthcheck: { tests: ["CMD", "true"] } });
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({ restart: "no", wait: false, waitTimeout: 60, mustRun: true, start: true, networkMode: "bridge", removeVolumes: true });
    expect(inputs.ports).toEqual([{ internal: 80, ip: "0.0.0.0", protocol: "tcp" }]);
    expect(inputs.healthcheck).toEqual({ tests: ["CMD", "true"], interval: "0s", timeout: "0s", startPeriod: "0s", startInterval: "0s", retries: 0 });
  });

  it("refuses an unknown argument at any depth, naming its path", () => {
    expect(reasons({ image: "x", bogus: 1, networksAdvanced: [{ name: "n", alias: ["a"] }] })).toEqual([
      "Invalid or unknown key. Examine values at 'web.bogus'.",
      "Invalid or unknown key. Examine values at 'web.networksAdvanced[0].alias'.",
    ]);
  });

  it("refuses a real input the stand-in does not implement, by name, instead of ignoring it", () => {
    expect(reasons({ image: "x", privileged: true, networksAdvanced: [{ name: "n", ipv4Address: "10.0.0.9" }] })).toEqual([
      "privileged is an input of the real docker:index/container:Container, but this stand-in provider (engine/plugins) does not implement it. Examine values at 'web.privileged'.",
      "networksAdvanced[0].ipv4Address is an input of the real docker:index/container:Container, but this stand-in provider (engine/plugins) does not implement it. Examine values at 'web.networksAdvanced[0].ipv4Address'.",
    ]);
  });

  it("names wrong types and failed validators, and coerces what the bridge coerces", () => {
    expect(reasons({ image: "x", memory: "lots", restart: "sometimes", ports: "80", healthcheck: { interval: "5 s" } })).toEqual([
      `expected integer type, got "lots" of type string. Examine values at 'web.memory'.`,
      "'sometimes' doesn't match the pattern '^(no|on-failure|always|unless-stopped)$'. Examine values at 'web.restart'.",
      `expected array type, got "80" of type string. Examine values at 'web.ports'.`,
      "'5 s' is not a valid duration. Examine values at 'web.healthcheck.interval'.",
    ]);
    expect(reasons({ image: "x", uploads: [{ file: "/a", permissions: "644" }], memory: -1 })).toEqual([
      "'644' doesn't match the pattern '^0[0-7]{3}$'. Examine values at 'web.uploads[0].permissions'.",
      "'-1' cannot be lower than 0. Examine values at 'web.memory'.",
    ]);
    expect(checkContainer({ image: "x", memory: "64", wait: "true" }).inputs).toMatchObject({ memory: 64, wait: true });
    expect(reasons({ name: "web" })).toEqual([`Missing required argument. The argument "image" is required, but no definition was found.. Examine values at 'web.image'.`]);
  });

  it("keeps secrets wrapped and never shows one in a failure", () => {
    const { inputs } = checkContainer({ image: "x", envs: secret(["KEY=v"]) });
    expect(isSecret(inputs.envs)).toBe(true);
    const failures = reasons({ image: "x", restart: secret("hunter2-value") });
    expect(failures).toEqual(["'secret(<redacted>)' doesn't match the pattern '^(no|on-failure|always|unless-stopped)$'. Examine values at 'web.restart'."]);
  });
});

describe("diff: prior state against checked inputs", () => {
  const state = (news: JsonObject) => ({ ...checkContainer(news).inputs, id: "c1" });
  const base = { image: "sha256:1", name: "web", envs: ["A=1", "B=2"], memory: 64, ports: [{ internal: 80, external: 8080, ip: "127.0.0.1" }] };

  it("sees no change in a set's order, an omitted computed value or reordered ports", () => {
    // Read back: sorted by port, with the host port Docker picked where the program named none.
    const readPorts = [
      { internal: 80, external: 8080, ip: "127.0.0.1", protocol: "tcp" },
      { internal: 443, external: 32768, ip: "0.0.0.0", protocol: "tcp" },
    ];
    const olds = { ...state(base), command: ["node", "x"], ports: readPorts };
    const web: JsonObject = { internal: 80, external: 8080, ip: "127.0.0.1" };
    const news: JsonObject = { ...base, envs: ["B=2", "A=1"], ports: [{ internal: 443 }, web] };
    expect(diff(containerSchema, olds, checkContainer(news).inputs).changed).toEqual([]);
    expect(diff(containerSchema, olds, checkContainer({ ...news, ports: [{ internal: 443, external: 8443 }, web] }).inputs).replaces).toEqual(["ports"]);
  });

  it("replaces on a ForceNew input (envs) and updates in place otherwise (memory)", () => {
    expect(diff(containerSchema, state(base), checkContainer({ ...base, envs: ["A=1", "B=3"] }).inputs)).toEqual({ changed: ["envs"], replaces: ["envs"] });
    expect(diff(containerSchema, state(base), checkContainer({ ...base, memory: 48 }).inputs)).toEqual({ changed: ["memory"], replaces: [] });
  });

  it("compares secrets by value and treats an unknown as a change", () => {
    expect(diff(containerSchema, state(base), checkContainer({ ...base, envs: secret(["A=1", "B=2"]) }).inputs).changed).toEqual([]);
    expect(diff(containerSchema, state(base), { ...checkContainer(base).inputs, envs: UNKNOWN }).replaces).toEqual(["envs"]);
  });

  it("shows the change the real provider shows when a duration is not written as Go prints it", () => {
    const healthcheck = { tests: ["CMD", "true"], interval: "30s", startPeriod: "60s" };
    // What Create stores: the container read back, Duration.String() of Docker's nanoseconds.
    const olds = { ...state({ ...base, healthcheck }), healthcheck: { tests: ["CMD", "true"], interval: "30s", timeout: "0s", startPeriod: "1m0s", startInterval: "0s", retries: 0 } };
    expect(diff(containerSchema, olds, checkContainer({ ...base, healthcheck }).inputs)).toEqual({ changed: ["healthcheck"], replaces: [] });
    expect(diff(containerSchema, olds, checkContainer({ ...base, healthcheck: { ...healthcheck, startPeriod: "1m0s" } }).inputs).changed).toEqual([]);
  });

  it("plans an update as Terraform does: new inputs, prior computed values, dropped inputs gone", () => {
    const olds = { ...state(base), command: ["node"], networkDatas: [] };
    const news = checkContainer({ image: "sha256:1", name: "web", envs: ["A=1", "B=2"] }).inputs;
    const outs = planned(containerSchema, olds, news);
    expect(outs).toMatchObject({ command: ["node"], networkDatas: [], id: "c1" });
    expect(outs).not.toHaveProperty("memory");
  });
});

describe("Go durations", () => {
  it("parses what time.ParseDuration parses and prints what Duration.String prints", () => {
    expect(["60s", "90s", "1h", "1.5s", "500ms", "0", "2s"].map((t) => formatDuration(parseDuration(t) as number))).toEqual(["1m0s", "1m30s", "1h0m0s", "1.5s", "500ms", "0s", "2s"]);
    expect(parseDuration("1m30s")).toBe(90e9);
    expect([parseDuration(""), parseDuration("5"), parseDuration("5sec")]).toEqual([
      'time: invalid duration ""',
      'time: missing unit in duration "5"',
      'time: unknown unit "sec" in duration "5sec"',
    ]);
  });
});

describe("images", () => {
  it("splits a reference as the pull request needs it", () => {
    expect(splitReference("nginx:1.28.0-bookworm")).toEqual({ repository: "nginx", tag: "1.28.0-bookworm" });
    expect(splitReference("127.0.0.1:5000/team/app")).toEqual({ repository: "127.0.0.1:5000/team/app", tag: "latest" });
    expect(splitReference("app@sha256:ab")).toEqual({ repository: "app", tag: "sha256:ab" });
  });

  it("picks the repo digest of the registry the name points at (determineRepoDigest)", () => {
    const image = { Id: "sha256:1", RepoTags: [], RepoDigests: ["127.0.0.1:15000/nginx@sha256:a", "nginx@sha256:b"] };
    expect(repoDigest("nginx:1.19", image)).toBe("nginx@sha256:b");
    expect(repoDigest("local/only", { ...image, RepoDigests: null })).toBe("");
  });
});

describe("RandomPassword", () => {
  const ctx = { urn: "urn:pulumi:s::p::random:index/randomPassword:RandomPassword::pw", name: "pw", config: {} };
  const checkPassword = (news: JsonObject) => checkInputs(randomPassword, ctx, {}, news);

  it("generates a secret result of the asked length from the enabled classes, with the minimums", async () => {
    const { inputs } = checkPassword({ length: 40, special: false, minNumeric: 30 });
    const { id, outs } = await randomPassword.create(ctx, inputs);
    expect(id).toBe("none");
    expect(isSecret(outs.result) && isSecret(outs.bcryptHash)).toBe(true);
    const result = (outs.result as { value: string }).value;
    expect(result).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(result.replace(/\D/g, "").length).toBeGreaterThanOrEqual(30);
    expect((outs.bcryptHash as { value: string }).value).toMatch(/^\$2a\$10\$/);
  });

  it("validates as terraform-provider-random does", () => {
    expect(checkPassword({ length: 3, minUpper: 2, minLower: 2 }).failures.map((f) => f.reason)).toEqual([
      "Invalid Attribute Value: Attribute length value must be at least sum of min_upper + min_lower + min_numeric + min_special, got: 3. Examine values at 'pw.length'.",
    ]);
    expect(checkPassword({ length: 8, numeric: false, special: false, upper: false, lower: false }).failures).toHaveLength(1);
    expect(checkPassword({ length: 8, number: false }).inputs).toMatchObject({ number: false, numeric: false });
    expect(checkPassword({ length: 8 }).inputs).toMatchObject({ special: true, upper: true, lower: true, numeric: true, number: true, minSpecial: 0 });
  });
});

describe("RandomId", () => {
  const ctx = { urn: "urn:pulumi:s::p::random:index/randomId:RandomId::owner", name: "owner", config: {} };
  const checkId = (news: JsonObject) => checkInputs(randomId, ctx, {}, news);

  it("encodes the same random bytes as id, b64Url, b64Std, hex and dec, the prefix in front of all but the id", async () => {
    const { inputs, failures } = checkId({ byteLength: 8, prefix: "p-" });
    expect(failures).toEqual([]);
    const { id, outs } = await randomId.create(ctx, inputs);
    const bytes = Buffer.from(id, "base64url");
    expect(bytes).toHaveLength(8);
    expect(outs).toMatchObject({
      id,
      byteLength: 8,
      b64Url: `p-${id}`,
      b64Std: `p-${bytes.toString("base64")}`,
      hex: `p-${bytes.toString("hex")}`,
      dec: `p-${BigInt(`0x${bytes.toString("hex")}`)}`,
    });
    expect((await randomId.create(ctx, inputs)).id).not.toBe(id);
  });

  it("validates and replaces as terraform-provider-random does", () => {
    expect(checkId({ byteLength: 0 }).failures.map((f) => f.reason)).toEqual([
      "Invalid Attribute Value: Attribute byte_length value must be at least 1, got: 0. Examine values at 'owner.byteLength'.",
    ]);
    expect(checkId({}).failures).toHaveLength(1);
    expect(checkId({ byteLength: 8, bogus: 1 }).failures.map((f) => f.property)).toEqual(["bogus"]);
    expect(Object.values(randomId.schema.props).every((prop) => prop.forceNew)).toBe(true);
  });
});

describe("docker provider configuration and client", () => {
  let dir: string;
  let server: ReturnType<typeof createServer>;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "docker-double-"));
    // Answers _ping as a Docker 20.10 daemon does: only the API version matters here.
    server = createServer((_req, res) => res.writeHead(200, { "API-Version": "1.41" }).end("OK"));
    await new Promise<void>((resolve) => server.listen(path.join(dir, "docker.sock"), resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("negotiates the API version down to the daemon's and refuses what it lacks", async () => {
    const client = await DockerClient.connect(`unix://${path.join(dir, "docker.sock")}`);
    expect(client.apiVersion).toBe("1.41");
    expect(() => client.requireVersion("1.44", "specify health-check start interval")).toThrow(
      '"specify health-check start interval" requires API version 1.44, but the Docker daemon API version is 1.41',
    );
  });

  it("says what is wrong with the host", async () => {
    await expect(DockerClient.connect("ssh://deploy@203.0.113.7")).rejects.toThrow(/the ssh:\/\/ scheme is not supported by the stand-in docker provider/);
    await expect(DockerClient.connect(`unix://${path.join(dir, "none.sock")}`)).rejects.toThrow(
      `Error pinging Docker server, please make sure that unix://${path.join(dir, "none.sock")} is reachable and has a  '_ping' endpoint. Error: Cannot connect to the Docker daemon at unix://${path.join(dir, "none.sock")}. Is the docker daemon running?`,
    );
    expect(() => checkConfig({ host: "unix:///x", sshOpts: ["-i", "k"] })).toThrow(/docker:sshOpts is a configuration key of the real docker provider/);
    expect(() => checkConfig({ hots: "unix:///x" })).toThrow("`docker:hots` is not a valid configuration key for the docker provider.");
  });
});
