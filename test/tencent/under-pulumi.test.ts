// The Tencent components as `pulumi up` runs them: a child Node process loads the TypeScript through the hooks
// @pulumi/pulumi's own runner registers in automatic ESM mode (cmd/run/hooks.js), with mocks set before the
// import. It records what each resource registered (inputs, the serialized `__provider`, options), and the test
// then loads each serialized provider the way the engine's dynamic-provider host does (require-from-string) and
// drives it against the Tencent API double: what is stored in state must work on its own. Last, Pulumi's own
// dynamic-provider host runs those providers over the engine's gRPC calls: refresh then up after the function URL
// was deleted outside Pulumi, and destroy without the Tencent keys.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResourceProvider } from "@pulumi/pulumi/dynamic/index.js";
import { startTencentApi, type TencentApiDouble } from "../fixtures/tencent-api.js";
import { functionProviders } from "../../infra/function/index.js";
import { isSecretValue, mockValue, plainStrings, reveal, type Registered } from "../infra/mocks.js";
import { proxyZip, runLikePulumi, testCredentials, useTencentEnvironment, zipDirectory } from "./helpers.js";
import { startProviderHost, type ProviderHost } from "./providerHost.js";

const secrets = { PROXY_TOKEN: "proxy-token-under-pulumi-7f3a", OPENAI_API_KEY: "sk-under-pulumi-9c1e" };

// Runs in the child (see runLikePulumi): mocks first, since the components register as they are constructed.
const child = `
const { RecordingMocks } = await import(root + "/test/infra/mocks.ts");
const mocks = new RecordingMocks();
await pulumi.runtime.setMocks(mocks, "gptsite", "dev", false);
const options = {};
const seeOptions = (args) => { options[args.type] = { additionalSecretOutputs: args.opts.additionalSecretOutputs ?? [] }; return undefined; };
const { TencentFunction } = await import(root + "/infra/function/tencent.ts");
const { DnsPodRecord } = await import(root + "/infra/dns/dnspod.ts");
const { proxyZip } = await import(root + "/test/tencent/helpers.ts");
const zip = await proxyZip("under-pulumi");
const secrets = JSON.parse(process.env.TEST_SECRETS);
const fn = new TencentFunction("proxy", {
  region: "ap-singapore",
  memoryMb: 64,
  timeoutSec: 900,
  concurrency: 2,
  maxInstances: 4,
  artifacts: { bundle: "", bootstrap: "", zip: zip.zip, zipSha256: zip.sha256 },
  environment: {
    PROXY_TOKEN: pulumi.secret(secrets.PROXY_TOKEN),
    OPENAI_API_KEY: pulumi.secret(secrets.OPENAI_API_KEY),
    UPSTREAM_URL: "https://api.openai.com",
  },
}, { transformations: [seeOptions] });
// 0 means no cap, as config's functionMaxInstances documents.
new TencentFunction("uncapped", {
  region: "ap-singapore", memoryMb: 128, timeoutSec: 60, concurrency: 1, maxInstances: 0,
  artifacts: { bundle: "", bootstrap: "", zip: zip.zip, zipSha256: zip.sha256 }, environment: {},
});
const record = new DnsPodRecord("site", { zone: "example.com", fqdn: "chat.example.com", ip: "203.0.113.10", ttl: 600 }, { transformations: [seeOptions] });
const settled = (output) => new Promise((resolve) => output.apply(resolve));
const outputs = { url: await settled(fn.url), fqdn: await settled(record.fqdn) };
// Resolves once every registration started has been answered.
await pulumi.runtime.disconnect();
report({ registered: mocks.registered, options, outputs });
`;

interface ChildReport {
  registered: Registered[];
  options: Record<string, { additionalSecretOutputs: string[] }>;
  outputs: { url: string; fqdn: string };
}

const requireFromString = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi"))(
  "require-from-string",
) as (code: string) => { handler: () => ResourceProvider };

let report: ChildReport;
let scf: Registered;
let dnspod: Registered;
// The component stages the zip under os.tmpdir(): the child's is this directory.
const staging = zipDirectory();
afterAll(() => staging.remove());

beforeAll(async () => {
  report = await runLikePulumi<ChildReport>(child, {
    TMPDIR: staging.dir,
    // Present in the process that serializes: a captured environment would carry them into state.
    TENCENTCLOUD_SECRET_ID: testCredentials.secretId,
    TENCENTCLOUD_SECRET_KEY: testCredentials.secretKey,
    TEST_SECRETS: JSON.stringify(secrets),
  });
  scf = report.registered.find((r) => r.type === "pulumi-nodejs:dynamic/tencent:ScfWebFunction" && r.name === "proxy")!;
  dnspod = report.registered.find((r) => r.type === "pulumi-nodejs:dynamic/tencent:DnspodARecord")!;
}, 120_000);

describe("functionProvider tencent", () => {
  it("registers the two components and their dynamic resources", () => {
    expect(report.registered.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "gptsite:dns:DnsPodRecord site",
      "gptsite:function:TencentFunction proxy",
      "gptsite:function:TencentFunction uncapped",
      "pulumi-nodejs:dynamic/tencent:DnspodARecord site",
      "pulumi-nodejs:dynamic/tencent:ScfWebFunction proxy",
      "pulumi-nodejs:dynamic/tencent:ScfWebFunction uncapped",
      "random:index/randomId:RandomId proxy-owner",
      "random:index/randomId:RandomId uncapped-owner",
    ]);
    expect(report.outputs).toEqual({ url: functionProviders.tencent.mocks.functionUrl, fqdn: "chat.example.com" });
  });

  it("sends 64 MB, 900 s, concurrency 2, the cap, and the zip by path and hash", async () => {
    const zip = await proxyZip("under-pulumi");
    const { __provider: _provider, environment: _environment, ...inputs } = scf.inputs;
    expect(inputs).toEqual({
      region: "ap-singapore",
      namespace: "default",
      functionName: "gptsite-dev-proxy",
      type: "HTTP",
      runtime: "Nodejs18.15",
      memoryMb: 64,
      timeoutSec: 900,
      concurrency: 2,
      maxInstances: 4,
      zipPath: `${staging.dir}/gptsite/function-${zip.sha256}.zip`,
      zipSha256: zip.sha256,
      owner: mockValue(functionProviders.tencent.mocks, "ownerHex"),
    });
    expect(existsSync(inputs["zipPath"] as string)).toBe(true);
    expect(readFileSync(inputs["zipPath"] as string).equals(zip.zip)).toBe(true);
    expect(JSON.stringify(scf.inputs)).not.toContain(zip.zip.toString("base64").slice(0, 64));
  });

  it("tags the function with an owner id the stack keeps in state, a RandomId made before the function", () => {
    const owner = report.registered.find((r) => r.type === "random:index/randomId:RandomId" && r.name === "proxy-owner");
    expect(owner?.inputs).toEqual({ byteLength: 8 });
  });

  it("sets no instance cap for maxInstances 0", () => {
    const uncapped = report.registered.find((r) => r.type.endsWith(":ScfWebFunction") && r.name === "uncapped")!;
    expect(uncapped.inputs).not.toHaveProperty("maxInstances");
    expect(uncapped.inputs).toMatchObject({ functionName: "gptsite-dev-uncapped", memoryMb: 128 });
  });

  it("keeps PROXY_TOKEN and OPENAI_API_KEY secret in the inputs and the environment output", () => {
    const environment = scf.inputs["environment"];
    expect(isSecretValue(environment)).toBe(true);
    expect(reveal(environment)).toEqual({ ...secrets, UPSTREAM_URL: "https://api.openai.com" });
    const plain = report.registered.flatMap((r) => plainStrings(r.inputs).map(({ text }) => text));
    for (const value of Object.values(secrets)) expect(plain.filter((text) => text.includes(value))).toEqual([]);
    expect(report.options["pulumi-nodejs:dynamic/tencent:ScfWebFunction"]).toEqual({
      additionalSecretOutputs: ["environment"],
    });
  });
});

describe("dnsProvider dnspod", () => {
  it("registers an A record for the site name on the default line", () => {
    const { __provider: _provider, ...inputs } = dnspod.inputs;
    expect(inputs).toEqual({
      zone: "example.com",
      subDomain: "chat",
      value: "203.0.113.10",
      ttl: 600,
      recordType: "A",
      recordLine: "默认",
    });
  });
});

describe("the serialized providers", () => {
  it("stay small, load no SDK into state, and capture no credentials", () => {
    for (const { inputs } of [scf, dnspod]) {
      const text = inputs["__provider"] as string;
      expect(text.length).toBeLessThan(48 * 1024);
      expect(text).not.toContain("AbstractClient");
      expect(text).not.toContain("HttpConnection");
      expect(text).not.toContain(testCredentials.secretId);
      expect(text).not.toContain(testCredentials.secretKey);
    }
    expect(scf.inputs["__provider"]).toContain('require("tencentcloud-sdk-nodejs-scf")');
    expect(dnspod.inputs["__provider"]).toContain('require("tencentcloud-sdk-nodejs-dnspod")');
  });

  describe("loaded as the engine loads them", () => {
    let api: TencentApiDouble;
    let restore: () => void;

    beforeAll(async () => {
      // Settle on the first poll: the deserialized providers keep their production wait (3 s between polls).
      api = await startTencentApi({ credentials: testCredentials, pollsToSettle: 0 });
      api.addDomain("example.com");
      restore = useTencentEnvironment(api);
    });
    afterAll(async () => {
      restore();
      await api.close();
    });

    it("run the SCF function's create, read and delete against the API", async () => {
      const provider = requireFromString(scf.inputs["__provider"] as string).handler();
      const inputs = reveal(scf.inputs) as Record<string, unknown>;
      const { id, outs } = await provider.create(inputs);
      expect(api.fn("ap-singapore", "default", "gptsite-dev-proxy")).toMatchObject({ status: "Active", memorySize: 64 });
      expect((await provider.read!(id, outs)).props).toMatchObject({ memoryMb: 64, maxInstances: 4 });
      await provider.delete!(id, outs);
      expect(api.fn("ap-singapore", "default", "gptsite-dev-proxy")).toBeUndefined();
    });

    it("run the DNSPod record's create and delete against the API", async () => {
      const provider = requireFromString(dnspod.inputs["__provider"] as string).handler();
      const { id, outs } = await provider.create(reveal(dnspod.inputs));
      expect(api.domains.get("example.com")!.filter((r) => r.Type === "A")).toEqual([
        expect.objectContaining({ Name: "chat", Value: "203.0.113.10" }),
      ]);
      await provider.delete!(id, outs);
      expect(api.domains.get("example.com")!.filter((r) => r.Type === "A")).toEqual([]);
    });
  });
});

describe("under Pulumi's dynamic-provider host, driven as the engine drives it", () => {
  const functionUrl = /^https:\/\/1300000000-[0-9a-z]{10}\.ap-singapore\.tencentscf\.com$/;
  const scfUrn = "urn:pulumi:dev::gptsite::gptsite:function:TencentFunction$pulumi-nodejs:dynamic/tencent:ScfWebFunction::proxy";
  const recordUrn = "urn:pulumi:dev::gptsite::gptsite:dns:DnsPodRecord$pulumi-nodejs:dynamic/tencent:DnspodARecord::site";
  let api: TencentApiDouble;
  let host: ProviderHost;
  const withKeys = () => ({
    TENCENTCLOUD_SECRET_ID: testCredentials.secretId,
    TENCENTCLOUD_SECRET_KEY: testCredentials.secretKey,
    TENCENTCLOUD_API_BASE: api.url,
  });

  beforeAll(async () => {
    api = await startTencentApi({ credentials: testCredentials, pollsToSettle: 0 });
    api.addDomain("example.com");
    host = await startProviderHost(withKeys());
  }, 60_000);
  afterAll(async () => {
    await host.close();
    await api.close();
  });

  it("refresh after the function URL was deleted outside Pulumi, then up, puts the trigger back", async () => {
    // The engine strips secrets for a provider that does not accept them: the host sees plain inputs.
    const inputs = reveal(scf.inputs) as Record<string, unknown>;
    const checked = await host.check(scfUrn, {}, inputs);
    expect(checked.failures).toEqual([]);
    const created = await host.create(scfUrn, checked.inputs);
    expect(created.properties["url"]).toMatch(functionUrl);
    api.fn("ap-singapore", "default", "gptsite-dev-proxy")!.triggers.length = 0;

    // pulumi refresh: Read with the stored outputs and inputs; what it returns becomes the stored outputs.
    const refreshed = await host.read(created.id, scfUrn, created.properties, checked.inputs);
    expect(refreshed.properties["url"]).toBe("");
    // pulumi up: Check, then Diff and Update against the refreshed outputs.
    const next = await host.check(scfUrn, checked.inputs, inputs);
    expect(await host.diff(created.id, scfUrn, refreshed.properties, next.inputs, checked.inputs)).toEqual({
      changes: "some",
      replaces: [],
    });
    const updated = await host.update(created.id, scfUrn, refreshed.properties, next.inputs, checked.inputs);
    expect(updated["url"]).toMatch(functionUrl);
    expect(api.fn("ap-singapore", "default", "gptsite-dev-proxy")!.triggers).toHaveLength(1);
    expect((await host.read(created.id, scfUrn, updated, next.inputs)).properties["url"]).toBe(updated["url"]);
    await host.delete(created.id, scfUrn, updated);
  }, 60_000);

  it("destroy without the Tencent keys stops at the SCF function and the DNSPod record, naming both variables", async () => {
    const fn = await host.create(scfUrn, reveal(scf.inputs) as Record<string, unknown>);
    const record = await host.create(recordUrn, reveal(dnspod.inputs) as Record<string, unknown>);
    const keyless = await startProviderHost({ TENCENTCLOUD_API_BASE: api.url });
    try {
      const failures = await Promise.all([
        keyless.delete(fn.id, scfUrn, fn.properties).catch((err: Error) => err.message),
        keyless.delete(record.id, recordUrn, record.properties).catch((err: Error) => err.message),
      ]);
      const keys = "TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set. Pulumi reaches Tencent Cloud";
      expect(failures[0]).toContain(`Cannot delete SCF function "gptsite-dev-proxy" in ap-singapore/default: ${keys}`);
      expect(failures[0]).toContain("(pulumi destroy, or functionProvider switched away from Tencent)");
      expect(failures[1]).toContain(`Cannot delete the A record of chat.example.com (DNSPod zone example.com): ${keys}`);
      expect(failures[1]).toContain("(pulumi destroy, or dnsProvider switched away from Tencent)");
    } finally {
      await keyless.close();
    }
    expect(api.fn("ap-singapore", "default", "gptsite-dev-proxy")).toMatchObject({ status: "Active" });
    await host.delete(fn.id, scfUrn, fn.properties);
    await host.delete(record.id, recordUrn, record.properties);
    expect(api.fn("ap-singapore", "default", "gptsite-dev-proxy")).toBeUndefined();
  }, 60_000);
});
