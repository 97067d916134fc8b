// What each function provider accepts, as data. infra/config.ts validates against these tables and
// infra/function/index.ts builds from them; a provider missing from a table fails to compile.

import { FUNCTION_TIMEOUT_SEC } from "../../contract.js";
import { scfMaxConcurrency, scfMemorySizes } from "../tencent/scfLimits.js";

export const FUNCTION_PROVIDERS = ["tencent", "aliyun", "docker", "none"] as const;
export type FunctionProviderName = (typeof FUNCTION_PROVIDERS)[number];

export interface FunctionRules {
  /** What the provider is, for messages. */
  readonly title: string;
  /** True when a proxy runs (so it needs the built bundle and a proxy token). */
  readonly runsProxy: boolean;
  /** Regions with an OpenAI-reachable egress, and the default; empty where region is unused. */
  readonly regions: readonly string[];
  /**
   * Regions OpenAI refuses ("unsupported_country_region_territory"): mainland China, Hong Kong and
   * Macau. Allowed only with a non-OpenAI upstream.
   */
  readonly refusedRegions: readonly string[];
  readonly defaultRegion: string;
  readonly memory: { readonly allowed: (mb: number) => boolean; readonly text: string };
  readonly maxConcurrency: number;
}

const stepped = (min: number, max: number, step: number) => (mb: number) =>
  mb >= min && mb <= max && (mb - min) % step === 0;

const tencentChina = [
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
];

const aliyunChina = [
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
];

export const functionRules = {
  tencent: {
    title: "Tencent Cloud SCF (web function)",
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
    refusedRegions: tencentChina,
    defaultRegion: "ap-singapore",
    memory: {
      allowed: (mb) => scfMemorySizes.includes(mb),
      text: "64, or 128 to 3072 in steps of 128",
    },
    maxConcurrency: scfMaxConcurrency,
  },
  aliyun: {
    title: "Alibaba Cloud Function Compute 3.0",
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
    refusedRegions: aliyunChina,
    defaultRegion: "ap-southeast-1",
    memory: {
      allowed: stepped(128, 32768, 64),
      text: "128 to 32768 in steps of 64 (FC 3.0 has no 64 MB size)",
    },
    maxConcurrency: 200,
  },
  docker: {
    title: "a container on the Docker host",
    runsProxy: true,
    regions: [],
    refusedRegions: [],
    defaultRegion: "",
    memory: { allowed: (mb) => mb >= 64 && mb <= 65536, text: "64 to 65536 (the container's memory limit)" },
    maxConcurrency: Number.MAX_SAFE_INTEGER,
  },
  none: {
    title: "no proxy (NextChat calls the upstream directly)",
    runsProxy: false,
    regions: [],
    refusedRegions: [],
    defaultRegion: "",
    memory: { allowed: () => true, text: "any (unused)" },
    maxConcurrency: Number.MAX_SAFE_INTEGER,
  },
} as const satisfies Record<FunctionProviderName, FunctionRules>;

/** The contract's ceiling (SCF's); Nginx's proxy_read_timeout follows it, so the same bound holds for every provider. */
export const MAX_TIMEOUT_SEC = FUNCTION_TIMEOUT_SEC;
