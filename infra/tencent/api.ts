/**
 * Tencent Cloud API access for the dynamic providers in this folder.
 *
 * Everything here runs inside the providers' methods, in the Pulumi engine's dynamic-provider host, after the
 * provider object has been serialized into state with its closure:
 * - SDK modules are `require()`d inside functions: a module-level import would be captured and serialized whole.
 * - Nothing here reads Pulumi config or holds an Output; credentials are read from the environment at call time
 *   ({@link tencentEnvironment}), so they never reach resource inputs, outputs or the serialized provider.
 *
 * Field names of requests and responses are the SDKs' own models (`*_models.d.ts`), imported as types only.
 */
import type * as Scf from "tencentcloud-sdk-nodejs-scf/tencentcloud/services/scf/v20180416/scf_models.js";
import type * as Dnspod from "tencentcloud-sdk-nodejs-dnspod/tencentcloud/services/dnspod/v20210323/dnspod_models.js";

/** The SCF actions the function provider uses: request and response model of each. */
export interface ScfActions {
  CreateFunction: [Scf.CreateFunctionRequest, Scf.CreateFunctionResponse];
  GetFunction: [Scf.GetFunctionRequest, Scf.GetFunctionResponse];
  UpdateFunctionCode: [Scf.UpdateFunctionCodeRequest, Scf.UpdateFunctionCodeResponse];
  UpdateFunctionConfiguration: [Scf.UpdateFunctionConfigurationRequest, Scf.UpdateFunctionConfigurationResponse];
  DeleteFunction: [Scf.DeleteFunctionRequest, Scf.DeleteFunctionResponse];
  CreateTrigger: [Scf.CreateTriggerRequest, Scf.CreateTriggerResponse];
  DeleteTrigger: [Scf.DeleteTriggerRequest, Scf.DeleteTriggerResponse];
  PutReservedConcurrencyConfig: [Scf.PutReservedConcurrencyConfigRequest, Scf.PutReservedConcurrencyConfigResponse];
  DeleteReservedConcurrencyConfig: [
    Scf.DeleteReservedConcurrencyConfigRequest,
    Scf.DeleteReservedConcurrencyConfigResponse,
  ];
  GetReservedConcurrencyConfig: [Scf.GetReservedConcurrencyConfigRequest, Scf.GetReservedConcurrencyConfigResponse];
}

/** The DNSPod actions the record provider uses. */
export interface DnspodActions {
  CreateRecord: [Dnspod.CreateRecordRequest, Dnspod.CreateRecordResponse];
  ModifyRecord: [Dnspod.ModifyRecordRequest, Dnspod.ModifyRecordResponse];
  DeleteRecord: [Dnspod.DeleteRecordRequest, Dnspod.DeleteRecordResponse];
  DescribeRecordList: [Dnspod.DescribeRecordListRequest, Dnspod.DescribeRecordListResponse];
}

/** Calls one action of one service; rejects with a {@link TencentApiError}. */
export type TencentCall<Actions extends { [K in keyof Actions]: [unknown, unknown] }> = <A extends keyof Actions & string>(
  action: A,
  request: Actions[A][0],
) => Promise<Actions[A][1]>;

/** A failed Tencent Cloud API call: which action, the platform's error code and the request id to quote to support. */
export class TencentApiError extends Error {
  constructor(
    readonly service: string,
    readonly action: string,
    readonly code: string,
    readonly requestId: string,
    detail: string,
  ) {
    super(`Tencent Cloud ${service} ${action} failed: ${code}: ${detail}${requestId ? ` (RequestId ${requestId})` : ""}`);
    this.name = "TencentApiError";
  }
}

/** True for Tencent's "does not exist" family (`ResourceNotFound`, `ResourceNotFound.Function`, …). */
export function isNotFound(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && (code === "ResourceNotFound" || code.startsWith("ResourceNotFound."));
}

/** The platform's error code of a failed call, or undefined for any other error. */
export function errorCode(err: unknown): string | undefined {
  // Duck-typed: after serialization the provider and the caller may hold different copies of the class.
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * What `call` resolves to, or undefined when it rejects with an error `gone` accepts ({@link isNotFound} unless
 * given): for reads and deletes, where a resource that no longer exists is an answer rather than a failure.
 */
export async function unlessNotFound<T>(call: Promise<T>, gone?: (err: unknown) => boolean): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if ((gone ?? isNotFound)(err)) return undefined;
    throw err;
  }
}

interface TencentEnvironment {
  credential: { secretId: string; secretKey: string; token?: string };
  /** `TENCENTCLOUD_API_BASE`: route every call through this HTTP proxy (a local API double in tests). */
  apiBase?: string;
}

/** What a provider method is about to do, so that a missing key names the resource it blocks. */
export interface TencentPurpose {
  action: "create" | "read" | "update" | "delete";
  /** The resource in words, with where it lives: `SCF function "x" in ap-singapore/default`. */
  resource: string;
  /** The config key whose change away from Tencent deletes this resource: `functionProvider`. */
  providerKey: string;
}

/**
 * Reads credentials and the endpoint override from the environment.
 *
 * This is the one deliberate exception to "process.env only in infra/config.ts": a dynamic provider runs in the
 * engine's plugin process, and anything the program hands it becomes a resource input stored in state. Reading
 * the keys here, at call time, keeps them out of state, as the Terraform provider does with the same variables.
 * The price: deleting a Tencent resource (pulumi destroy, or a provider switched away from Tencent) needs the keys
 * as much as creating it did, which the error says.
 */
export function tencentEnvironment(purpose: TencentPurpose): TencentEnvironment {
  const env = process.env;
  const secretId = env["TENCENTCLOUD_SECRET_ID"];
  const secretKey = env["TENCENTCLOUD_SECRET_KEY"];
  if (!secretId || !secretKey) {
    const missing = [
      ...(secretId ? [] : ["TENCENTCLOUD_SECRET_ID"]),
      ...(secretKey ? [] : ["TENCENTCLOUD_SECRET_KEY"]),
    ];
    const deleting = purpose.action === "delete";
    const alsoDeleting = `, also to delete what the stack made there (pulumi destroy, or ${purpose.providerKey} switched away from Tencent)`;
    throw new Error(
      `Cannot ${purpose.action} ${purpose.resource}: ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} ` +
        `not set. Pulumi reaches Tencent Cloud with TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY from its ` +
        `environment${deleting ? alsoDeleting : ""}: export both in the shell that runs pulumi (the API key pair ` +
        `of a Tencent Cloud sub-account, https://console.cloud.tencent.com/cam/capi, plus ` +
        `TENCENTCLOUD_SESSION_TOKEN for temporary keys), then run pulumi ${deleting ? "up or pulumi destroy" : "up"} again`,
    );
  }
  const token = env["TENCENTCLOUD_SESSION_TOKEN"] || undefined;
  const apiBase = env["TENCENTCLOUD_API_BASE"] || undefined;
  return { credential: { secretId, secretKey, ...(token ? { token } : {}) }, ...(apiBase ? { apiBase } : {}) };
}

/**
 * A caller for SCF in one region (`ap-singapore`).
 *
 * With `TENCENTCLOUD_API_BASE` set, requests keep their real host names (and so their signature scope) and are
 * tunnelled through that proxy: the SDK's `proxy` option wraps every request in an https-proxy-agent
 * (tencentcloud-sdk-nodejs-common, http/fetch.js), i.e. `CONNECT scf.tencentcloudapi.com:80` then plain HTTP.
 */
export function scfApi(region: string, purpose: TencentPurpose): TencentCall<ScfActions> {
  const sdk = require("tencentcloud-sdk-nodejs-scf") as typeof import("tencentcloud-sdk-nodejs-scf");
  return caller<ScfActions>("scf", new sdk.scf.v20180416.Client(clientConfig(region, purpose)));
}

/** A caller for DNSPod (a global service: no region). */
export function dnspodApi(purpose: TencentPurpose): TencentCall<DnspodActions> {
  const sdk = require("tencentcloud-sdk-nodejs-dnspod") as typeof import("tencentcloud-sdk-nodejs-dnspod");
  return caller<DnspodActions>("dnspod", new sdk.dnspod.v20210323.Client(clientConfig(undefined, purpose)));
}

function clientConfig(region: string | undefined, purpose: TencentPurpose) {
  const { credential, apiBase } = tencentEnvironment(purpose);
  return {
    credential,
    ...(region ? { region } : {}),
    profile: apiBase ? { httpProfile: { protocol: "http://", proxy: apiBase } } : {},
  };
}

function caller<Actions extends { [K in keyof Actions]: [unknown, unknown] }>(
  service: string,
  client: { request(action: string, request: unknown): Promise<unknown> },
): TencentCall<Actions> {
  return async (action, request) => {
    try {
      return (await client.request(action, request)) as Actions[typeof action][1];
    } catch (err) {
      const sdkError = err as { code?: string; requestId?: string; message?: string };
      throw new TencentApiError(
        service,
        action,
        sdkError.code || "RequestFailed",
        sdkError.requestId ?? "",
        sdkError.message ?? String(err),
      );
    }
  };
}

/** How long a provider waits for the platform to finish an operation, and how often it asks. */
export interface WaitOptions {
  waitTimeoutMs: number;
  pollIntervalMs: number;
}

/**
 * Calls `attempt` until it returns a value, every `pollIntervalMs`, for at most `waitTimeoutMs`; then rejects
 * with "Gave up after N s waiting for <what()>". `attempt` throws to stop early.
 */
export async function pollUntil<T>(
  wait: WaitOptions,
  what: () => string,
  attempt: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + wait.waitTimeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() + wait.pollIntervalMs > deadline) {
      throw new Error(`Gave up after ${wait.waitTimeoutMs / 1000} s waiting for ${what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, wait.pollIntervalMs));
  }
}

/** During preview, inputs computed from other resources reach the provider as this sentinel (@pulumi/pulumi runtime/rpc). */
export function isUnknownInput(value: unknown): boolean {
  return value === "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
}
