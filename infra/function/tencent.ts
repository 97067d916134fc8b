import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ScfWebFunction, scfArgProblems, scfMaxConcurrency, scfMemorySizes, stageZip } from "../tencent/index.js";
import { cloudFunctionName } from "./naming.js";
import { proxyOf, type FunctionProvider, type FunctionProxy, type FunctionProxyArgs } from "./types.js";

/**
 * The function proxy as a Tencent Cloud SCF web function with a public function URL (design §4 "Tencent"),
 * named `<project>-<stack>-<name>` (made a valid SCF name) in the `default` namespace, which every account has.
 * `maxInstances` becomes SCF reserved concurrency of maxInstances × memoryMb MB: each open SSE stream holds one
 * instance, so the cap bounds both parallel chats and the bill. A random owner id, created first and kept in this
 * stack's state, tags the function, so that a later run adopts only a function this stack made.
 */
export class TencentFunction extends pulumi.ComponentResource implements FunctionProxy {
  readonly url: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;

  constructor(name: string, args: FunctionProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gptsite:function:TencentFunction", name, {}, opts);
    const functionName = cloudFunctionName(`${pulumi.getProject()}-${pulumi.getStack()}-${name}`);
    const namespace = "default";
    // 0 means no cap, as for the other providers.
    const maxInstances = args.maxInstances || undefined;
    const problems = scfArgProblems({ ...args, functionName, namespace, maxInstances });
    if (problems.length > 0) {
      throw new pulumi.ResourceError(`Tencent SCF: ${problems.map((p) => p.reason).join("; ")}`, this);
    }

    const owner = new random.RandomId(`${name}-owner`, { byteLength: 8 }, { parent: this });
    const fn = new ScfWebFunction(
      name,
      {
        region: args.region,
        namespace,
        functionName,
        memoryMb: args.memoryMb,
        timeoutSec: args.timeoutSec,
        concurrency: args.concurrency,
        ...(maxInstances !== undefined ? { maxInstances } : {}),
        environment: args.environment,
        zipPath: stageZip(args.artifacts.zip, args.artifacts.zipSha256),
        zipSha256: args.artifacts.zipSha256,
        owner: owner.hex,
      },
      { parent: this },
    );
    this.url = fn.url;
    this.functionName = fn.functionName;
    this.registerOutputs({ url: this.url, functionName: this.functionName });
  }
}

const MOCK_URL = "https://1250000000-abcdefgh-ap-singapore.tencentscf.com";
const MOCK_OWNER_HEX = "0123456789abcdef";

export const provider: FunctionProvider = {
  title: "Tencent Cloud SCF (web function)",
  credentials: ["TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"],
  runsProxy: true,
  regions: [
    "ap-singapore",
    "ap-tokyo",
    "ap-seoul",
    "ap-bangkok",
    "ap-jakarta",
    "ap-mumbai",
    "na-siliconvalley",
    "na-ashburn",
    "na-toronto",
    "eu-frankfurt",
    "sa-saopaulo",
  ],
  refusedRegions: [
    "ap-beijing",
    "ap-chengdu",
    "ap-chongqing",
    "ap-guangzhou",
    "ap-nanjing",
    "ap-shanghai",
    "ap-shanghai-fsi",
    "ap-shenzhen-fsi",
    "ap-beijing-fsi",
    "ap-hongkong",
  ],
  defaultRegion: "ap-singapore",
  memory: { allowed: (mb) => scfMemorySizes.includes(mb), text: "64, or 128 to 3072 in steps of 128" },
  maxConcurrency: scfMaxConcurrency,
  create: (name, context) => new TencentFunction(name, proxyOf(context)),
  mocks: {
    functionUrl: MOCK_URL,
    /** The owner tag's value: every RandomId's hex. */
    ownerHex: MOCK_OWNER_HEX,
    resources: {
      "pulumi-nodejs:dynamic/tencent:ScfWebFunction": () => ({ url: MOCK_URL, functionId: "fn-id", triggerName: "gptsite-url" }),
      "random:index/randomId:RandomId": () => ({ hex: MOCK_OWNER_HEX }),
    },
  },
};
