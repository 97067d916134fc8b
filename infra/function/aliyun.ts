import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { bootstrapCommand } from "../../function/build.js";
import { crc64 } from "./crc64.js";
import { cloudFunctionName } from "./naming.js";
import { PROXY_HEALTH_PATH, PROXY_PORT, TRIGGER_METHODS } from "../../contract.js";
import { proxyOf, type FunctionProvider, type FunctionProxy, type FunctionProxyArgs } from "./types.js";

/** Node.js that FC 3.0's custom.debian10 runtime ships; the bundle targets Node 18, so 20 runs it. */
export const FC_NODE_PATH = "/var/fc/lang/nodejs20/bin/node";

/** FC 3.0 unpacks the code package here. */
const FC_CODE_DIR = "/code";

/**
 * vCPU for a memory size: half a vCPU per GB, rounded up to FC's 0.05 step. FC 3.0 wants memory (GB)
 * between 1× and 4× the vCPU count; this lands near 2×, which leaves CPU for TLS to the upstream.
 */
export function fcCpu(memoryMb: number): number {
  return Math.ceil((memoryMb * 20) / 2048) / 20;
}

/**
 * The proxy on Alibaba Cloud Function Compute 3.0: a custom-runtime function running the bundle
 * with FC's own Node, and an anonymous HTTP trigger whose public URL is the proxy's base URL.
 */
export class AliyunFunction extends pulumi.ComponentResource implements FunctionProxy {
  readonly url: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;

  constructor(name: string, args: FunctionProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gptsite:function:AliyunFunction", name, {}, opts);
    // FC is regional: its own provider pins the region from config whatever alicloud:region says.
    const provider = new alicloud.Provider(name, { region: args.region }, { parent: this });
    const zip = args.artifacts.zip;
    const fn = new alicloud.fc.V3Function(
      name,
      {
        functionName: cloudFunctionName(`${pulumi.getProject()}-${pulumi.getStack()}-${name}`, 64),
        description: "gptsite: streaming proxy to the OpenAI API",
        runtime: "custom.debian10",
        // Required by the API, unused by custom runtimes.
        handler: "index.handler",
        memorySize: args.memoryMb,
        cpu: fcCpu(args.memoryMb),
        diskSize: 512,
        timeout: args.timeoutSec,
        instanceConcurrency: args.concurrency,
        internetAccess: true,
        environmentVariables: args.environment,
        // Without the checksum a code-only change is not deployed: the provider diffs it, not the zip.
        code: { zipFile: zip.toString("base64"), checksum: crc64(zip) },
        customRuntimeConfig: {
          commands: bootstrapCommand(FC_CODE_DIR, FC_NODE_PATH),
          port: PROXY_PORT,
          healthCheckConfig: {
            httpGetUrl: PROXY_HEALTH_PATH,
            initialDelaySeconds: 1,
            periodSeconds: 5,
            timeoutSeconds: 3,
            failureThreshold: 3,
            successThreshold: 1,
          },
        },
      },
      { parent: this, provider, additionalSecretOutputs: ["environmentVariables"] },
    );
    const trigger = new alicloud.fc.V3Trigger(
      name,
      {
        functionName: fn.functionName,
        triggerName: "http",
        triggerType: "http",
        qualifier: "LATEST",
        triggerConfig: JSON.stringify({ authType: "anonymous", methods: TRIGGER_METHODS, disableURLInternet: false }),
      },
      { parent: this, provider },
    );
    if (args.maxInstances) {
      // FC counts reserved concurrency in requests: instances × requests per instance.
      new alicloud.fc.V3ConcurrencyConfig(
        name,
        { functionName: fn.functionName, reservedConcurrency: args.maxInstances * args.concurrency },
        { parent: this, provider },
      );
    }
    this.functionName = fn.functionName;
    this.url = trigger.httpTrigger.apply((http) => http.urlInternet.replace(/\/+$/, ""));
    this.registerOutputs({ url: this.url, functionName: this.functionName });
  }
}

const stepped = (min: number, max: number, step: number) => (mb: number) => mb >= min && mb <= max && (mb - min) % step === 0;

const MOCK_URL = "https://proxy-abcdef.ap-southeast-1.fcapp.run";

export const provider: FunctionProvider = {
  title: "Alibaba Cloud Function Compute 3.0",
  credentials: ["ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY"],
  runsProxy: true,
  regions: [
    "ap-southeast-1",
    "ap-southeast-3",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "eu-central-1",
    "eu-west-1",
    "us-east-1",
    "us-west-1",
  ],
  refusedRegions: [
    "cn-beijing",
    "cn-chengdu",
    "cn-guangzhou",
    "cn-hangzhou",
    "cn-heyuan",
    "cn-huhehaote",
    "cn-qingdao",
    "cn-shanghai",
    "cn-shenzhen",
    "cn-wulanchabu",
    "cn-zhangjiakou",
    "cn-hongkong",
  ],
  defaultRegion: "ap-southeast-1",
  memory: { allowed: stepped(128, 32768, 64), text: "128 to 32768 in steps of 64 (FC 3.0 has no 64 MB size)" },
  maxConcurrency: 200,
  create: (name, context) => new AliyunFunction(name, proxyOf(context)),
  mocks: {
    functionUrl: MOCK_URL,
    resources: {
      // FC hands the URL back with a trailing slash; the component drops it.
      "alicloud:fc/v3Trigger:V3Trigger": () => ({ httpTrigger: { urlInternet: `${MOCK_URL}/`, urlIntranet: "https://internal" } }),
    },
  },
};
