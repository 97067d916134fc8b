// A Tencent stack (functionProvider tencent, dnsProvider dnspod, tlsMode files) under the real Pulumi
// engine: the dynamic providers run in the engine's own dynamic-provider host against the project's
// Tencent API double (TENCENTCLOUD_API_BASE), NextChat and Nginx on the engine's dockerd with a
// self-signed pair. pulumi up creates the function and the record, a change to the proxy's source
// updates the function's code, destroy deletes both, and the state holds no secret in plain text.
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../chain/ports.js";
import { startTencentApi, type TencentApiDouble } from "../fixtures/tencent-api.js";
import { makeTlsMaterial, type TlsMaterial } from "../fixtures/tls.js";
import { testCredentials } from "../tencent/helpers.js";
import { copyProject, engineEnv, PulumiStack } from "./cli.js";
import { CONTAINERS, changed, dockerObjects, engineStackConfig, inspect, plan, setConfig, up } from "./stack.js";

const API_KEY = `sk-engine-tencent-${process.pid}-server-key`;
const DOMAIN = "chat.example.com";
const HOST_IP = "203.0.113.10";
const REGION = "ap-singapore";

/** GET over TLS to the published port, by the site's name, trusting only the stack's own certificate. */
function getTls(port: number, pathname: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: "127.0.0.1", port, path: pathname, servername: DOMAIN, headers: { host: DOMAIN }, ca, timeout: 10_000 }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

describe("a Tencent stack under the real engine, on the Tencent API double", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "gptsite-engine-tencent-"));
  let api: TencentApiDouble;
  let tls: TlsMaterial;
  let stack: PulumiStack;
  let project: string;
  let httpsPort: number;
  let before: Awaited<ReturnType<typeof dockerObjects>>;

  const theFunction = () => [...api.functions.values()];
  const aRecords = () => (api.domains.get("example.com") ?? []).filter((record) => record.Type === "A");

  beforeAll(async () => {
    before = await dockerObjects();
    api = await startTencentApi({ credentials: testCredentials });
    api.addDomain("example.com");
    tls = await makeTlsMaterial({ names: [DOMAIN] });
    project = copyProject(scratch);
    const env = { ...engineEnv() };
    // The SDK routes every request through http_proxy when it is set (design §4).
    for (const name of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"]) delete env[name];
    stack = await new PulumiStack(
      `tencent-${process.pid}`,
      {
        ...env,
        TENCENTCLOUD_SECRET_ID: testCredentials.secretId,
        TENCENTCLOUD_SECRET_KEY: testCredentials.secretKey,
        TENCENTCLOUD_API_BASE: api.url,
      },
      project,
    ).init();
    httpsPort = await freePort();
    await setConfig(
      stack,
      {
        ...engineStackConfig(),
        domain: DOMAIN,
        functionProvider: "tencent",
        functionRegion: REGION,
        functionMemoryMb: "128",
        dnsProvider: "dnspod",
        dnsZone: "example.com",
        hostIp: HOST_IP,
        hostHttpPort: String(await freePort()),
        hostHttpsPort: String(httpsPort),
        tlsMode: "files",
        tlsCertFile: tls.certFile,
        tlsKeyFile: tls.keyFile,
      },
      { openaiApiKey: API_KEY },
    );
  });

  afterAll(async () => {
    if (stack) await stack.run(["destroy", "--yes", "--skip-preview"]);
    await api?.close();
    await tls?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("pulumi up creates the SCF function with its URL, the DNSPod record, and the site on the dockerd over TLS", async () => {
    const result = await up(stack);
    console.log(`pulumi up (stack ${stack.name}):\n${result.stdout}`);
    const [fn, ...others] = theFunction();
    expect(others).toEqual([]);
    expect(fn).toMatchObject({ region: REGION, type: "HTTP", runtime: "Nodejs18.15", memorySize: 128, timeout: 900, status: "Active" });
    const env = Object.fromEntries(fn!.environment.map(({ Key, Value }) => [Key, Value]));
    expect(env.OPENAI_API_KEY).toBe(API_KEY);
    expect(env.PROXY_TOKEN).toMatch(/^\w{16,}$/);
    expect(fn!.tags.map((tag) => tag.Key)).toContain("gptsite-owner");
    expect(aRecords()).toMatchObject([{ Name: "chat", Value: HOST_IP, Line: "默认", TTL: 600 }]);

    const outputs = JSON.parse((await stack.ok(["stack", "output", "--json", "--show-secrets"])).stdout) as Record<string, string>;
    const trigger = JSON.parse(fn!.triggers[0]!.TriggerDesc) as { NetConfig: { ExtranetUrl: string } };
    expect(outputs.functionUrl).toBe(trigger.NetConfig.ExtranetUrl.replace(/\/+$/, ""));
    expect(outputs.siteUrl).toBe(`https://${DOMAIN}:${httpsPort}`);

    // Nginx serves the uploaded certificate and relays to NextChat (the stand-in), which holds the token.
    const config = await getTls(httpsPort, "/api/config", tls.cert);
    expect(config.status).toBe(200);
    expect(JSON.parse(config.body)).toMatchObject({ needCode: true });
    expect((await inspect(CONTAINERS.web))!.Config.Env).toContain(`OPENAI_API_KEY=${outputs.proxyToken}`);
    expect((await inspect(CONTAINERS.web))!.Config.Env).toContain(`BASE_URL=${outputs.functionUrl}`);
  });

  it("a change to the proxy's source updates the function's code in place, and nothing else", async () => {
    const before = theFunction()[0]!;
    const zip = before.zip;
    appendFileSync(path.join(project, "function/src/main.ts"), '\n(globalThis as { gptsiteEngineMark?: string }).gptsiteEngineMark = "code change";\n');
    // The preview cannot know the function's URL before the update runs (@pulumi/pulumi's dynamic-provider
    // host drops a diff's `stables`), so it shows NextChat and Nginx, which are given the URL, as replaced.
    expect(changed(await plan(stack))).toEqual([
      "docker:index/container:Container nginx replace",
      "docker:index/container:Container web replace",
      "pulumi-nodejs:dynamic/tencent:ScfWebFunction proxy update",
    ]);
    const containers = { web: (await inspect(CONTAINERS.web))!.Id, nginx: (await inspect(CONTAINERS.nginx))!.Id };
    const calls = api.calls.length;
    const result = await up(stack);
    // The update itself keeps the URL, so only the function changes.
    expect(result.stdout).toMatch(/~ 1 updated/);
    expect(result.stdout).not.toMatch(/replaced/);
    expect({ web: (await inspect(CONTAINERS.web))!.Id, nginx: (await inspect(CONTAINERS.nginx))!.Id }).toEqual(containers);
    const after = theFunction()[0]!;
    expect(after.functionId).toBe(before.functionId);
    expect(after.zip.equals(zip)).toBe(false);
    expect(after.zip.includes(Buffer.from("code change"))).toBe(true);
    expect(api.calls.slice(calls).map((call) => call.action)).toContain("UpdateFunctionCode");
    expect(api.calls.slice(calls).map((call) => call.action)).not.toContain("CreateFunction");
  });

  it("keeps the key, the token, the access code and the TLS key out of the state in plain text", async () => {
    const { stdout } = await stack.ok(["stack", "export"]);
    const outputs = JSON.parse((await stack.ok(["stack", "output", "--json", "--show-secrets"])).stdout) as Record<string, string>;
    const keyBody = tls.key.split("\n").find((line) => line.length > 40)!;
    for (const secret of [API_KEY, outputs.proxyToken!, outputs.accessCodes!, keyBody]) {
      expect(secret.length).toBeGreaterThan(10);
      expect(stdout).not.toContain(secret);
    }
  });

  it("pulumi destroy deletes the function and the record, and leaves nothing on the dockerd", async () => {
    const result = await stack.ok(["destroy", "--yes", "--skip-preview"]);
    console.log(`pulumi destroy (stack ${stack.name}):\n${result.stdout}`);
    expect(theFunction()).toEqual([]);
    expect(aRecords()).toEqual([]);
    expect(await dockerObjects()).toEqual(before);
  });
});
