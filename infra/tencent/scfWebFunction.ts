/**
 * An SCF web function with a public function URL, as a Pulumi dynamic provider (there is no @pulumi/tencentcloud
 * on npm). Each method and the Tencent Cloud API actions (SCF 2018-04-16) it calls:
 *
 *   check   none: validates name, namespace and sizing (scfLimits.ts)
 *   diff    none: replace on functionName, namespace, region, type or runtime; update in place otherwise, also when
 *           the function URL is gone (read found no usable trigger); the code is compared by its SHA-256
 *   create  CreateFunction (tagged gptsite-owner = owner), GetFunction until Active, PutReservedConcurrencyConfig
 *           (with maxInstances), CreateTrigger (type http, AuthType NONE, extranet), GetFunction until the URL
 *           shows in the trigger; when the name is taken (ResourceInUse.Function or .FunctionName), adopt the
 *           leftover if its owner tag is ours, refuse otherwise (createOrAdopt); on failure, DeleteFunction
 *   read    GetFunction, GetReservedConcurrencyConfig: what is live, the URL only while its trigger is usable
 *   update  UpdateFunctionCode and/or UpdateFunctionConfiguration, each followed by GetFunction until Active;
 *           Put/DeleteReservedConcurrencyConfig when the instance cap or the memory changes; without a URL,
 *           DeleteTrigger (if a disabled or private one is left) and CreateTrigger as in create
 *   delete  DeleteFunction, then GetFunction until ResourceNotFound.Function (not found at any point means done)
 *
 * The zip is read from `zipPath` at create/update time and checked against `zipSha256`, so state holds the path
 * and the hash rather than the bytes. The environment holds secrets: it is an additional secret output. `owner` is
 * set as a tag at creation only (SCF has no action that changes a function's tags), so diff ignores it.
 */
import * as pulumi from "@pulumi/pulumi";
import type {
  GetFunctionResponse,
  Variable,
} from "tencentcloud-sdk-nodejs-scf/tencentcloud/services/scf/v20180416/scf_models.js";
import {
  errorCode,
  isNotFound,
  isUnknownInput,
  pollUntil,
  scfApi,
  unlessNotFound,
  type ScfActions,
  type TencentCall,
  type TencentPurpose,
  type WaitOptions,
} from "./api.js";
import { reservedConcurrencyMem, scfArgProblems, type ScfSizing } from "./scfLimits.js";

/** SCF's Node.js 18 runtime: the proxy bundle targets Node 18 and its bootstrap runs /var/lang/node18/bin/node. */
export const scfRuntime = "Nodejs18.15";
/** Name of the function-URL trigger this provider creates. */
export const scfUrlTriggerName = "gptsite-url";
/** The tag that marks a function as this stack's: only a function carrying the stack's owner id is adopted. */
export const scfOwnerTagKey = "gptsite-owner";
/** Within SCF's description rule (scfDescriptionProblem): letters, digits, spaces, commas and periods only. */
export const scfDescription = "gptsite OpenAI proxy, managed by Pulumi";
/** A web function usually becomes Active within a minute or two; ten is the give-up point. */
export const scfWaitDefaults: WaitOptions = { waitTimeoutMs: 10 * 60_000, pollIntervalMs: 3_000 };

/** What the program passes. */
export interface ScfWebFunctionArgs {
  /** SCF region, e.g. `ap-singapore`. */
  region: pulumi.Input<string>;
  /** SCF namespace; `default` exists in every account. */
  namespace: pulumi.Input<string>;
  functionName: pulumi.Input<string>;
  /** 64, or 128 to 3072 in steps of 128. */
  memoryMb: pulumi.Input<number>;
  /** 1 to 900. */
  timeoutSec: pulumi.Input<number>;
  /** Requests one instance serves at once (1 to 100); each SSE stream holds a whole instance regardless. */
  concurrency: pulumi.Input<number>;
  /** Cap on instances, set as reserved concurrency of maxInstances × memoryMb MB; unset means no cap. */
  maxInstances?: pulumi.Input<number>;
  /** The function's environment; secret values stay secret (additional secret output). */
  environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Path of the code zip (index.mjs + scf_bootstrap) on the machine running pulumi. */
  zipPath: pulumi.Input<string>;
  /** Hex SHA-256 of that zip: what diff compares. */
  zipSha256: pulumi.Input<string>;
  /**
   * This stack's id (a RandomId kept in state), tagged on the function at creation: a function of the same name
   * left by an interrupted run carries it and is adopted; one without it belongs to someone else and is refused.
   */
  owner: pulumi.Input<string>;
}

/** The inputs as the provider receives them. */
export interface ScfWebFunctionInputs {
  region: string;
  namespace: string;
  functionName: string;
  type: "HTTP";
  runtime: string;
  memoryMb: number;
  timeoutSec: number;
  concurrency: number;
  maxInstances?: number;
  environment: Record<string, string>;
  zipPath: string;
  zipSha256: string;
  owner: string;
}

/** The state the provider returns: the inputs plus what SCF assigned. */
export interface ScfWebFunctionOutputs extends ScfWebFunctionInputs {
  functionId: string;
  triggerName: string;
  /**
   * Public function URL, `https://<appid>-<id>.<region>.tencentscf.com`, without a trailing slash; empty after a
   * refresh found the trigger deleted or unusable, which makes diff ask for an update that recreates it.
   */
  url: string;
}

/** Inputs whose change needs a new function; the rest are updated in place. */
const replaceKeys = ["functionName", "namespace", "region", "type", "runtime"] as const;
const configKeys = ["memoryMb", "timeoutSec", "concurrency", "environment"] as const;
const sizingKeys = ["functionName", "namespace", "memoryMb", "timeoutSec", "concurrency", "maxInstances"] as const;

/** The provider, with its wait bounds (tests shorten them). */
export function scfWebFunctionProvider(
  wait: WaitOptions = scfWaitDefaults,
): pulumi.dynamic.ResourceProvider<ScfWebFunctionInputs, ScfWebFunctionOutputs> {
  return {
    async check(_olds, news) {
      const sizing: ScfSizing = news;
      const problems = sizingKeys.some((key) => isUnknownInput(sizing[key])) ? [] : scfArgProblems(sizing);
      return { inputs: news, failures: problems.map(({ property, reason }) => ({ property, reason })) };
    },

    async diff(_id, olds, news) {
      const replaces = replaceKeys.filter((key) => !sameValue(olds[key], news[key]));
      const updates = [...configKeys, "zipSha256" as const, "maxInstances" as const].filter(
        (key) => !sameValue(olds[key], news[key]),
      );
      // A refresh that found no usable URL left olds.url empty: update puts the trigger back.
      const urlGone = !olds.url;
      return {
        changes: replaces.length + updates.length > 0 || urlGone,
        replaces,
        // Create-before-delete keeps the old URL serving until the new one exists. That needs the new function in
        // another slot (region, namespace or name differs); only a type/runtime change in place must delete first.
        deleteBeforeReplace: replaces.length > 0 && replaces.every((key) => key === "type" || key === "runtime"),
      };
    },

    async create(inputs) {
      const fn = functionRef(inputs);
      const api = scfApi(inputs.region, fn.purpose("create"));
      const zipFile = readZip(inputs.zipPath, inputs.zipSha256).toString("base64");
      const created = await createOrAdopt(api, fn, inputs, zipFile, wait);
      try {
        const live = await waitForActive(api, fn, wait, created ? "CreateFunction" : "adopting it");
        await applyReservedConcurrency(api, fn, undefined, inputs.maxInstances, inputs.memoryMb);
        const url = await ensureUrlTrigger(api, fn, wait, live);
        return {
          id: fn.id,
          outs: { ...inputs, functionId: live.FunctionId ?? "", triggerName: scfUrlTriggerName, url },
        };
      } catch (err) {
        // create must be transactional: a function Pulumi does not record would block every later create.
        throw created ? await withCleanup(api, fn, err) : err;
      }
    },

    async read(id, props) {
      if (!props) return {};
      const fn = functionRef(props);
      const api = scfApi(props.region, fn.purpose("read"));
      const live = await unlessNotFound(api("GetFunction", fn.key));
      if (!live) return {};
      const reserved = await api("GetReservedConcurrencyConfig", fn.key);
      const memoryMb = live.MemorySize ?? props.memoryMb;
      const { maxInstances: _previousCap, ...rest } = props;
      const maxInstances = reserved.ReservedMem ? Math.floor(reserved.ReservedMem / memoryMb) : undefined;
      return {
        id,
        props: {
          ...rest,
          ...(maxInstances !== undefined ? { maxInstances } : {}),
          memoryMb,
          timeoutSec: live.Timeout ?? props.timeoutSec,
          concurrency: live.InstanceConcurrencyConfig?.MaxConcurrency ?? props.concurrency,
          environment: fromVariables(live.Environment?.Variables),
          functionId: live.FunctionId ?? props.functionId,
          url: usableUrl(live, props.triggerName) ?? "",
        },
      };
    },

    async update(_id, olds, news) {
      const fn = functionRef(news);
      const api = scfApi(news.region, fn.purpose("update"));
      const codeChanged = olds.zipSha256 !== news.zipSha256;
      const configChanged = configKeys.some((key) => !sameValue(olds[key], news[key]));
      const urlGone = !olds.url;
      // Each apply* ends by waiting for Active, so one wait up front covers all calls.
      const live =
        codeChanged || configChanged || urlGone ? await waitForActive(api, fn, wait, "the last change") : undefined;
      if (codeChanged) await applyCode(api, fn, readZip(news.zipPath, news.zipSha256).toString("base64"), wait);
      if (configChanged) await applyConfiguration(api, fn, news, wait);
      if (olds.maxInstances !== news.maxInstances || olds.memoryMb !== news.memoryMb) {
        await applyReservedConcurrency(api, fn, olds.maxInstances, news.maxInstances, news.memoryMb);
      }
      // Code and configuration updates leave triggers as they were: `live` still shows them.
      const url = live && urlGone ? await ensureUrlTrigger(api, fn, wait, live) : olds.url;
      return { outs: { ...news, functionId: olds.functionId, triggerName: scfUrlTriggerName, url } };
    },

    async delete(_id, props) {
      const fn = functionRef(props);
      const api = scfApi(props.region, fn.purpose("delete"));
      try {
        await waitUntilSettled(api, fn, wait);
        await api("DeleteFunction", fn.key);
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      await waitUntilGone(api, fn, wait);
    },
  };
}

/**
 * A dynamic resource managing one SCF web function and its public URL. Outputs mirror the inputs plus
 * `functionId`, `triggerName` and `url`.
 */
export class ScfWebFunction extends pulumi.dynamic.Resource {
  declare readonly region: pulumi.Output<string>;
  declare readonly namespace: pulumi.Output<string>;
  declare readonly functionName: pulumi.Output<string>;
  declare readonly memoryMb: pulumi.Output<number>;
  declare readonly timeoutSec: pulumi.Output<number>;
  declare readonly concurrency: pulumi.Output<number>;
  declare readonly maxInstances: pulumi.Output<number | undefined>;
  declare readonly environment: pulumi.Output<Record<string, string>>;
  declare readonly zipSha256: pulumi.Output<string>;
  declare readonly owner: pulumi.Output<string>;
  declare readonly functionId: pulumi.Output<string>;
  declare readonly triggerName: pulumi.Output<string>;
  declare readonly url: pulumi.Output<string>;

  constructor(
    name: string,
    args: ScfWebFunctionArgs,
    opts?: pulumi.CustomResourceOptions,
    provider: pulumi.dynamic.ResourceProvider = defaultProvider,
  ) {
    const props = {
      maxInstances: undefined,
      ...args,
      type: "HTTP",
      runtime: scfRuntime,
      functionId: undefined,
      triggerName: undefined,
      url: undefined,
    } satisfies Record<keyof ScfWebFunctionOutputs, unknown>;
    super(
      provider,
      name,
      props,
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["environment"] }),
      "tencent",
      "ScfWebFunction",
    );
  }
}

const defaultProvider = scfWebFunctionProvider();

interface FunctionRef {
  /** `region/namespace/name`: the resource id. */
  id: string;
  /** For messages: `SCF function "name" in region/namespace`. */
  label: string;
  key: { FunctionName: string; Namespace: string };
  purpose(action: TencentPurpose["action"]): TencentPurpose;
}

function functionRef(inputs: Pick<ScfWebFunctionInputs, "region" | "namespace" | "functionName">): FunctionRef {
  const label = `SCF function "${inputs.functionName}" in ${inputs.region}/${inputs.namespace}`;
  return {
    id: `${inputs.region}/${inputs.namespace}/${inputs.functionName}`,
    label,
    key: { FunctionName: inputs.functionName, Namespace: inputs.namespace },
    purpose: (action) => ({ action, resource: label, providerKey: "functionProvider" }),
  };
}

/**
 * CreateFunction; when a function of that name already exists outside state (a run stopped between
 * CreateFunction and recording it), adopt it if it carries this stack's owner tag: bring it to the wanted code and
 * configuration, or, if it ended in a failed state, delete it and create it again. A function without the tag is
 * someone else's (another stack of the same name, or one made by hand) and is refused, untouched. Returns whether
 * this call created the function.
 */
async function createOrAdopt(
  api: TencentCall<ScfActions>,
  fn: FunctionRef,
  inputs: ScfWebFunctionInputs,
  zipFile: string,
  wait: WaitOptions,
): Promise<boolean> {
  const create = () =>
    api("CreateFunction", {
      ...fn.key,
      Type: inputs.type,
      Runtime: inputs.runtime,
      Code: { ZipFile: zipFile },
      MemorySize: inputs.memoryMb,
      Timeout: inputs.timeoutSec,
      Environment: { Variables: toVariables(inputs.environment) },
      InstanceConcurrencyConfig: { DynamicEnabled: "FALSE", MaxConcurrency: inputs.concurrency },
      Description: scfDescription,
      Tags: [{ Key: scfOwnerTagKey, Value: inputs.owner }],
    });
  try {
    await create();
    return true;
  } catch (err) {
    if (!nameTakenCodes.includes(errorCode(err) ?? "")) throw err;
  }
  const leftover = await unlessNotFound(
    waitUntilSettled(api, fn, wait, (live) => refuseUnlessOwned(live, fn, inputs.owner)),
  );
  if (leftover && !leftover.Status?.endsWith("Failed")) {
    await applyCode(api, fn, zipFile, wait);
    await applyConfiguration(api, fn, inputs, wait);
    return false;
  }
  if (leftover) await api("DeleteFunction", fn.key);
  await waitUntilGone(api, fn, wait);
  await create();
  return true;
}

/** CreateFunction's answers for a name in use: the SDK's error list has both; users quote "指定的 FunctionName 已存在". */
const nameTakenCodes = ["ResourceInUse.Function", "ResourceInUse.FunctionName"];

function refuseUnlessOwned(live: GetFunctionResponse, fn: FunctionRef, owner: string) {
  const tag = live.Tags?.find((t) => t.Key === scfOwnerTagKey)?.Value;
  if (tag === owner) return;
  throw new Error(
    `${fn.label} already exists and is not this stack's: ` +
      (tag === undefined ? `it has no ${scfOwnerTagKey} tag` : `its ${scfOwnerTagKey} tag is "${tag}"`) +
      `, this stack's is "${owner}". Another stack with the same name, or someone by hand, made it, and pulumi ` +
      `will not take it over. Deploy under another stack name (functions are named <project>-<stack>-proxy) or ` +
      `in another functionRegion; or, if nothing uses that function, delete it in the SCF console ` +
      `(https://console.cloud.tencent.com/scf/list); or, to adopt it on purpose, tag it ${scfOwnerTagKey} = ` +
      `${owner}; then run pulumi up again`,
  );
}

/** The zip at `path`, refused unless its SHA-256 is the one the program computed (a stale file would deploy old code). */
function readZip(path: string, sha256: string): Buffer {
  const fs = require("node:fs") as typeof import("node:fs");
  const crypto = require("node:crypto") as typeof import("node:crypto");
  let zip: Buffer;
  try {
    zip = fs.readFileSync(path);
  } catch (err) {
    throw new Error(`Cannot read the function zip ${path} (zipPath): ${(err as Error).message}`);
  }
  const actual = crypto.createHash("sha256").update(zip).digest("hex");
  if (actual !== sha256) {
    throw new Error(`The function zip ${path} has SHA-256 ${actual}, not the ${sha256} it was built with (zipSha256)`);
  }
  return zip;
}

async function applyCode(api: TencentCall<ScfActions>, fn: FunctionRef, zipFile: string, wait: WaitOptions) {
  await api("UpdateFunctionCode", { ...fn.key, ZipFile: zipFile });
  await waitForActive(api, fn, wait, "UpdateFunctionCode");
}

async function applyConfiguration(
  api: TencentCall<ScfActions>,
  fn: FunctionRef,
  inputs: ScfWebFunctionInputs,
  wait: WaitOptions,
) {
  await api("UpdateFunctionConfiguration", {
    ...fn.key,
    MemorySize: inputs.memoryMb,
    Timeout: inputs.timeoutSec,
    Environment: { Variables: toVariables(inputs.environment) },
    InstanceConcurrencyConfig: { DynamicEnabled: "FALSE", MaxConcurrency: inputs.concurrency },
    Description: scfDescription,
  });
  await waitForActive(api, fn, wait, "UpdateFunctionConfiguration");
}

/** Sets, moves or removes the instance cap (reserved concurrency is counted in MB, so memory changes move it). */
async function applyReservedConcurrency(
  api: TencentCall<ScfActions>,
  fn: FunctionRef,
  previous: number | undefined,
  maxInstances: number | undefined,
  memoryMb: number,
) {
  if (maxInstances === undefined) {
    if (previous !== undefined) await api("DeleteReservedConcurrencyConfig", fn.key);
  } else {
    await api("PutReservedConcurrencyConfig", {
      ...fn.key,
      ReservedConcurrencyMem: reservedConcurrencyMem(maxInstances, memoryMb),
    });
  }
}

/**
 * Returns the function URL, creating the anonymous, extranet function-URL trigger when `live` shows none that
 * serves: a trigger of that name still there but disabled, private or behind CAM (changed outside Pulumi, or left
 * by an interrupted run) is deleted first, since CreateTrigger refuses a name in use. Waits until the URL is
 * published.
 */
async function ensureUrlTrigger(
  api: TencentCall<ScfActions>,
  fn: FunctionRef,
  wait: WaitOptions,
  live: GetFunctionResponse,
): Promise<string> {
  const url = usableUrl(live, scfUrlTriggerName);
  if (url) return url;
  if (live.Triggers?.some((t) => t.TriggerName === scfUrlTriggerName)) {
    await api("DeleteTrigger", { ...fn.key, TriggerName: scfUrlTriggerName, Type: "http" });
  }
  await api("CreateTrigger", {
    ...fn.key,
    TriggerName: scfUrlTriggerName,
    Type: "http",
    TriggerDesc: JSON.stringify({ AuthType: "NONE", NetConfig: { EnableIntranet: false, EnableExtranet: true } }),
    Enable: "OPEN",
  });
  return watchFunction(api, fn, wait, `the function URL of ${fn.label} (trigger "${scfUrlTriggerName}")`, (next) => {
    throwIfFailed(next, fn, "CreateTrigger");
    return next.Status === "Active" ? usableUrl(next, scfUrlTriggerName) : undefined;
  });
}

/**
 * The public URL of the function's http trigger `triggerName` (TriggerDesc is a JSON string with
 * NetConfig.ExtranetUrl), or undefined when that trigger is gone or would not serve the site: disabled, without
 * extranet access, or behind CAM authentication.
 */
function usableUrl(live: GetFunctionResponse, triggerName: string): string | undefined {
  const trigger = live.Triggers?.find((t) => t.Type === "http" && t.TriggerName === triggerName);
  if (!trigger || trigger.Enable === 0) return undefined;
  let desc: { AuthType?: string; NetConfig?: { EnableExtranet?: boolean; ExtranetUrl?: string } };
  try {
    desc = JSON.parse(trigger.TriggerDesc ?? "{}") as typeof desc;
  } catch {
    return undefined; // Not JSON: not a function-URL trigger description.
  }
  if ((desc.AuthType ?? "NONE") !== "NONE" || desc.NetConfig?.EnableExtranet === false) return undefined;
  return desc.NetConfig?.ExtranetUrl?.replace(/\/+$/, "") || undefined;
}

/**
 * Polls GetFunction until `done` returns a value (or throws), within the wait bound; on giving up, says what it
 * waited for and the status it last saw.
 */
function watchFunction<T>(
  api: TencentCall<ScfActions>,
  fn: FunctionRef,
  wait: WaitOptions,
  waitingFor: string,
  done: (live: GetFunctionResponse) => T | undefined,
): Promise<T> {
  let status = "nothing yet";
  return pollUntil(
    wait,
    () => `${waitingFor} (last seen: ${status})`,
    async () => {
      const live = await api("GetFunction", fn.key);
      status = describeStatus(live);
      return done(live);
    },
  );
}

function waitForActive(api: TencentCall<ScfActions>, fn: FunctionRef, wait: WaitOptions, after: string) {
  return watchFunction(api, fn, wait, `${fn.label} to become Active after ${after}`, (live) => {
    throwIfFailed(live, fn, after);
    return live.Status === "Active" ? live : undefined;
  });
}

/**
 * Waits until no operation is in progress (Active or a *Failed state), so DeleteFunction is accepted; `vet` sees
 * every state polled and throws to stop.
 */
function waitUntilSettled(
  api: TencentCall<ScfActions>,
  fn: FunctionRef,
  wait: WaitOptions,
  vet: (live: GetFunctionResponse) => void = () => {},
) {
  return watchFunction(api, fn, wait, `${fn.label} to finish its current operation`, (live) => {
    vet(live);
    return live.Status === "Active" || live.Status?.endsWith("Failed") ? live : undefined;
  });
}

function waitUntilGone(api: TencentCall<ScfActions>, fn: FunctionRef, wait: WaitOptions) {
  let status = "nothing yet";
  return pollUntil(
    wait,
    () => `${fn.label} to be deleted (last seen: ${status})`,
    async () => {
      const live = await unlessNotFound(api("GetFunction", fn.key));
      if (!live) return true;
      status = describeStatus(live);
      return undefined;
    },
  );
}

/** Throws the platform's own reasons when an operation ended in CreateFailed, UpdateFailed, … */
function throwIfFailed(live: GetFunctionResponse, fn: FunctionRef, after: string) {
  if (!live.Status?.endsWith("Failed")) return;
  const reasons = (live.StatusReasons ?? []).map((r) => `${r.ErrorCode}: ${r.ErrorMessage}`);
  const detail = reasons.length > 0 ? reasons.join("; ") : live.StatusDesc || "no reason given";
  throw new Error(`${fn.label} is ${live.Status} after ${after}: ${detail}`);
}

function describeStatus(live: GetFunctionResponse): string {
  return `${live.Status ?? "in an unknown state"}${live.StatusDesc ? ` (${live.StatusDesc})` : ""}`;
}

/** Deletes a function this create made before rethrowing, and says whether that worked. */
async function withCleanup(api: TencentCall<ScfActions>, fn: FunctionRef, err: unknown): Promise<Error> {
  const cause = err instanceof Error ? err : new Error(String(err));
  try {
    await api("DeleteFunction", fn.key);
    cause.message += `. The function was deleted again, so the next deployment starts clean`;
  } catch (cleanup) {
    if (!isNotFound(cleanup)) {
      cause.message +=
        `. Deleting it failed too (${(cleanup as Error).message}); ` +
        `the next deployment adopts it, or delete it in the SCF console`;
    }
  }
  return cause;
}

function toVariables(environment: Record<string, string>): Variable[] {
  return Object.entries(environment)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([Key, Value]) => ({ Key, Value }));
}

function fromVariables(variables: Variable[] | undefined): Record<string, string> {
  return Object.fromEntries((variables ?? []).map((v) => [v.Key ?? "", v.Value ?? ""]));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
