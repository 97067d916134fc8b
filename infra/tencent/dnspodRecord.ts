/**
 * An A record in a DNSPod zone, as a Pulumi dynamic provider. Each method and the DNSPod API actions
 * (2021-03-23) it calls:
 *
 *   check   none: the value must be an IPv4 address and the TTL within 1–604800
 *   diff    none: replace on zone; update in place otherwise (subDomain, value, ttl)
 *   create  DescribeRecordList (ErrorOnEmpty "no") for an A record of that name on line 默认: ModifyRecord the one
 *           found (adopt it, so a record made by hand or by a lost run is not an error), else CreateRecord
 *   read    DescribeRecordList, matched by RecordId
 *   update  ModifyRecord
 *   delete  DeleteRecord (ResourceNotFound.* or InvalidParameter.RecordIdInvalid: already gone)
 */
import * as pulumi from "@pulumi/pulumi";
import type { RecordListItem } from "tencentcloud-sdk-nodejs-dnspod/tencentcloud/services/dnspod/v20210323/dnspod_models.js";
import {
  errorCode,
  isNotFound,
  dnspodApi,
  isUnknownInput,
  unlessNotFound,
  type DnspodActions,
  type TencentCall,
  type TencentPurpose,
} from "./api.js";

/** DNSPod's default line ("默认"): the answer for resolvers no other line matches. */
export const dnspodDefaultLine = "默认";
/** The lowest TTL DNSPod's free plan accepts. */
export const dnspodMinTtl = 600;

/** What the program passes. */
export interface DnspodARecordArgs {
  /** The zone (domain) in DNSPod, e.g. `example.com`. */
  zone: pulumi.Input<string>;
  /** Host part within the zone: `chat`, or `@` for the zone apex (see relativeName in infra/dns/types.ts). */
  subDomain: pulumi.Input<string>;
  /** IPv4 address. */
  value: pulumi.Input<string>;
  ttl: pulumi.Input<number>;
}

/** The inputs as the provider receives them. */
export interface DnspodARecordInputs {
  zone: string;
  subDomain: string;
  value: string;
  ttl: number;
  recordType: "A";
  recordLine: string;
}

/** The state the provider returns. */
export interface DnspodARecordOutputs extends DnspodARecordInputs {
  recordId: number;
}

export function dnspodARecordProvider(): pulumi.dynamic.ResourceProvider<DnspodARecordInputs, DnspodARecordOutputs> {
  return {
    async check(_olds, news) {
      const { isIPv4 } = require("node:net") as typeof import("node:net");
      const failures: pulumi.dynamic.CheckFailure[] = [];
      if (typeof news.value === "string" && !isUnknownInput(news.value) && !isIPv4(news.value)) {
        failures.push({
          property: "value",
          reason: `value "${news.value}" is not an IPv4 address (an A record needs one, e.g. 203.0.113.10)`,
        });
      }
      if (!Number.isInteger(news.ttl) || news.ttl < 1 || news.ttl > 604800) {
        failures.push({
          property: "ttl",
          reason: `ttl ${news.ttl} is out of range: allowed values are whole seconds from 1 to 604800`,
        });
      }
      return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
      const replaces = olds.zone === news.zone ? [] : ["zone"];
      const changes =
        replaces.length > 0 ||
        (["subDomain", "value", "ttl", "recordType", "recordLine"] as const).some((key) => olds[key] !== news[key]);
      // A different zone is a different record: create the new one before deleting the old.
      return { changes, replaces, deleteBeforeReplace: false };
    },

    async create(inputs) {
      const api = dnspodApi(purpose("create", inputs));
      const existing = await findARecords(api, inputs);
      if (existing.length > 1) {
        throw new Error(
          `${describe(inputs)} already has ${existing.length} A records on line ${inputs.recordLine} ` +
            `(RecordId ${existing.map((r) => r.RecordId).join(", ")}): delete all but one in the DNSPod console, ` +
            `then run pulumi up again`,
        );
      }
      const found = existing[0]?.RecordId;
      let recordId: number;
      if (found !== undefined) {
        await modify(api, inputs, found);
        recordId = found;
      } else {
        const created = await api("CreateRecord", {
          Domain: inputs.zone,
          SubDomain: inputs.subDomain,
          RecordType: inputs.recordType,
          RecordLine: inputs.recordLine,
          Value: inputs.value,
          TTL: inputs.ttl,
        });
        if (created.RecordId === undefined) {
          throw new Error(`DNSPod CreateRecord for ${describe(inputs)} returned no RecordId`);
        }
        recordId = created.RecordId;
      }
      return { id: String(recordId), outs: { ...inputs, recordId } };
    },

    async read(id, props) {
      if (!props) return {};
      const record = (await findARecords(dnspodApi(purpose("read", props)), props)).find(
        (r) => r.RecordId === props.recordId,
      );
      if (!record) return {};
      return {
        id,
        props: {
          ...props,
          value: record.Value ?? props.value,
          ttl: record.TTL ?? props.ttl,
          recordLine: record.Line ?? props.recordLine,
        },
      };
    },

    async update(_id, olds, news) {
      await modify(dnspodApi(purpose("update", news)), news, olds.recordId);
      return { outs: { ...news, recordId: olds.recordId } };
    },

    async delete(_id, props) {
      const api = dnspodApi(purpose("delete", props));
      await unlessNotFound(api("DeleteRecord", { Domain: props.zone, RecordId: props.recordId }), isGone);
    },
  };
}

/** A dynamic resource managing one DNSPod A record on the default line. */
export class DnspodARecord extends pulumi.dynamic.Resource {
  declare readonly zone: pulumi.Output<string>;
  declare readonly subDomain: pulumi.Output<string>;
  declare readonly value: pulumi.Output<string>;
  declare readonly ttl: pulumi.Output<number>;
  declare readonly recordId: pulumi.Output<number>;

  constructor(
    name: string,
    args: DnspodARecordArgs,
    opts?: pulumi.CustomResourceOptions,
    provider: pulumi.dynamic.ResourceProvider = defaultProvider,
  ) {
    const props = {
      ...args,
      recordType: "A",
      recordLine: dnspodDefaultLine,
      recordId: undefined,
    } satisfies Record<keyof DnspodARecordOutputs, unknown>;
    super(provider, name, props, opts, "tencent", "DnspodARecord");
  }
}

const defaultProvider = dnspodARecordProvider();

type Locator = Pick<DnspodARecordInputs, "zone" | "subDomain" | "recordType" | "recordLine">;

/** The zone's A records with exactly this host name on this line. */
async function findARecords(api: TencentCall<DnspodActions>, where: Locator): Promise<RecordListItem[]> {
  const response = await unlessNotFound(
    api("DescribeRecordList", {
      Domain: where.zone,
      Subdomain: where.subDomain,
      RecordType: where.recordType,
      ErrorOnEmpty: "no",
    }),
    // Older API behaviour when nothing matches, despite ErrorOnEmpty "no".
    (err) => errorCode(err) === "ResourceNotFound.NoDataOfRecord",
  );
  return (response?.RecordList ?? []).filter(
    (r) => r.Name === where.subDomain && r.Type === where.recordType && r.Line === where.recordLine,
  );
}

async function modify(api: TencentCall<DnspodActions>, inputs: DnspodARecordInputs, recordId: number) {
  try {
    await api("ModifyRecord", {
      Domain: inputs.zone,
      RecordId: recordId,
      SubDomain: inputs.subDomain,
      RecordType: inputs.recordType,
      RecordLine: inputs.recordLine,
      Value: inputs.value,
      TTL: inputs.ttl,
    });
  } catch (err) {
    if (isGone(err)) {
      (err as Error).message +=
        `. Record ${recordId} of ${describe(inputs)} no longer exists: run pulumi refresh, then pulumi up`;
    }
    throw err;
  }
}

function isGone(err: unknown): boolean {
  return isNotFound(err) || errorCode(err) === "InvalidParameter.RecordIdInvalid";
}

function purpose(action: TencentPurpose["action"], where: Pick<DnspodARecordInputs, "zone" | "subDomain">): TencentPurpose {
  return { action, resource: `the A record of ${describe(where)}`, providerKey: "dnsProvider" };
}

function describe(where: Pick<DnspodARecordInputs, "zone" | "subDomain">): string {
  const name = where.subDomain === "@" ? where.zone : `${where.subDomain}.${where.zone}`;
  return `${name} (DNSPod zone ${where.zone})`;
}
