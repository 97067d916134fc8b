// The whole program (infra/index.ts) with the example Tencent stack, functionProvider tencent and dnsProvider
// dnspod, under the program suite's mocks (test/infra/mocks.ts), loaded the way `pulumi up` loads it: what
// reaches the two Tencent dynamic resources.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { functionProviders } from "../../infra/function/index.js";
import { GENERATED_PREFIX, isSecretValue, plainStrings, reveal, type Registered } from "../infra/mocks.js";
import { FAKE_CREDENTIALS, readStackConfig } from "../infra/stacks.js";
import { runLikePulumi, zipDirectory } from "./helpers.js";

// Config and mocks before the program is imported: it reads and validates everything at load.
const child = `
const config = JSON.parse(process.env.TEST_CONFIG);
pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => ["gptsite:" + k, v])));
const { RecordingMocks } = await import(root + "/test/infra/mocks.ts");
const mocks = new RecordingMocks();
await pulumi.runtime.setMocks(mocks, "gptsite", "tencent-dnspod", false);
const program = await import(root + "/infra/index.ts");
const functionUrl = await new Promise((resolve) => program.functionUrl.apply(resolve));
// Resolves once every registration the program started has been answered.
await pulumi.runtime.disconnect();
report({ registered: mocks.registered, functionUrl });
`;

let registered: Registered[];
let functionUrl: string;
const ofType = (suffix: string) => registered.filter((r) => r.type === `pulumi-nodejs:dynamic/tencent:${suffix}`);

// The program stages the function zip under os.tmpdir(): the child's is this directory.
const staging = zipDirectory();
afterAll(() => staging.remove());

beforeAll(async () => {
  const config = readStackConfig("examples/Pulumi.tencent-dnspod.yaml");
  ({ registered, functionUrl } = await runLikePulumi<{ registered: Registered[]; functionUrl: string }>(child, {
    ...FAKE_CREDENTIALS,
    TMPDIR: staging.dir,
    TEST_CONFIG: JSON.stringify(config),
  }));
}, 120_000);

describe("examples/Pulumi.tencent-dnspod.yaml", () => {
  it("deploys the proxy as one SCF web function at 64 MB, 900 s, concurrency 2 in the configured region", () => {
    expect(ofType("ScfWebFunction")).toHaveLength(1);
    expect(ofType("ScfWebFunction")[0]!.inputs).toMatchObject({
      region: "ap-tokyo",
      namespace: "default",
      functionName: "gptsite-tencent-dnspod-proxy",
      type: "HTTP",
      runtime: "Nodejs18.15",
      memoryMb: 64,
      timeoutSec: 900,
      concurrency: 2,
      maxInstances: 10,
      zipSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      zipPath: expect.stringMatching(new RegExp(`^${staging.dir}/gptsite/function-[0-9a-f]{64}\\.zip$`)),
    });
    expect(functionUrl).toBe(functionProviders.tencent.mocks.functionUrl);
  });

  it("hands the function its environment as a secret, and no secret in plain inputs anywhere", () => {
    const environment = ofType("ScfWebFunction")[0]!.inputs["environment"];
    expect(isSecretValue(environment)).toBe(true);
    const proxyToken = (reveal(environment) as Record<string, string>)["PROXY_TOKEN"]!;
    expect(proxyToken).toMatch(new RegExp(`^${GENERATED_PREFIX}`));
    const plain = registered.flatMap((r) => plainStrings(r.inputs).map(({ text }) => text));
    expect(plain.filter((text) => text.includes(proxyToken))).toEqual([]);
  });

  it("points the zone apex at the host with a DNSPod A record on the default line", () => {
    const records = ofType("DnspodARecord");
    expect(records).toHaveLength(1);
    const { __provider: _provider, ...inputs } = records[0]!.inputs;
    expect(inputs).toEqual({
      zone: "example.cn",
      subDomain: "@",
      value: "203.0.113.30",
      ttl: 600,
      recordType: "A",
      recordLine: "默认",
    });
  });
});
