// The DNSPod A-record provider against the Tencent API double, through the real SDK.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  dnspodARecordProvider,
  type DnspodARecordInputs,
  type DnspodARecordOutputs,
} from "../../infra/tencent/index.js";
import { startTencentApi, type TencentApiDouble } from "../fixtures/tencent-api.js";
import { testCredentials, useTencentEnvironment } from "./helpers.js";

const provider = dnspodARecordProvider();

let api: TencentApiDouble;
let restoreEnvironment: () => void;

beforeEach(async () => {
  api = await startTencentApi({ credentials: testCredentials });
  api.addDomain("example.com");
  restoreEnvironment = useTencentEnvironment(api);
});
afterEach(async () => {
  restoreEnvironment();
  await api.close();
});

const inputs = (overrides: Partial<DnspodARecordInputs> = {}): DnspodARecordInputs => ({
  zone: "example.com",
  subDomain: "chat",
  value: "203.0.113.10",
  ttl: 600,
  recordType: "A",
  recordLine: "默认",
  ...overrides,
});

const aRecords = () => api.domains.get("example.com")!.filter((r) => r.Type === "A");

async function created(overrides: Partial<DnspodARecordInputs> = {}) {
  const result = await provider.create(inputs(overrides));
  api.calls.length = 0;
  return { id: result.id, outs: result.outs as DnspodARecordOutputs };
}

describe("create", () => {
  it("creates an A record on the default line when none exists", async () => {
    const { id, outs } = await provider.create(inputs());
    expect(aRecords()).toEqual([
      expect.objectContaining({ Name: "chat", Type: "A", Line: "默认", Value: "203.0.113.10", TTL: 600 }),
    ]);
    const recordId = aRecords()[0]!.RecordId;
    expect(id).toBe(String(recordId));
    expect(outs).toEqual({ ...inputs(), recordId });
    expect(api.actions()).toEqual(["DescribeRecordList", "CreateRecord"]);
    expect(api.calls[0]?.params).toEqual({ Domain: "example.com", Subdomain: "chat", RecordType: "A", ErrorOnEmpty: "no" });
  });

  it("adopts the record when the name already has one A record, instead of failing", async () => {
    const existing = api.addRecord("example.com", { Name: "chat", Type: "A", Value: "198.51.100.7", TTL: 3600 });
    const { id, outs } = await provider.create(inputs());
    expect(api.actions()).toEqual(["DescribeRecordList", "ModifyRecord"]);
    expect(id).toBe(String(existing));
    expect(outs?.recordId).toBe(existing);
    expect(aRecords()).toEqual([expect.objectContaining({ Name: "chat", Value: "203.0.113.10", TTL: 600 })]);
  });

  it("refuses to pick one of several A records for the name", async () => {
    const ids = [
      api.addRecord("example.com", { Name: "chat", Type: "A", Value: "198.51.100.7" }),
      api.addRecord("example.com", { Name: "chat", Type: "A", Value: "198.51.100.8" }),
    ];
    const failure = await provider.create(inputs()).catch((err: unknown) => err);
    expect((failure as Error).message).toBe(
      `chat.example.com (DNSPod zone example.com) already has 2 A records on line 默认 (RecordId ${ids.join(", ")}): ` +
        "delete all but one in the DNSPod console, then run pulumi up again",
    );
  });

  it("manages the zone apex as @ without touching the default NS records", async () => {
    const { outs } = await provider.create(inputs({ subDomain: "@" }));
    expect(outs?.subDomain).toBe("@");
    expect(api.domains.get("example.com")!.map((r) => `${r.Name} ${r.Type}`)).toEqual(["@ NS", "@ NS", "@ A"]);
  });

  it("carries DNSPod's error for a zone the account does not have", async () => {
    const failure = await provider.create(inputs({ zone: "example.net" })).catch((err: unknown) => err);
    expect((failure as Error).message).toBe(
      "Tencent Cloud dnspod DescribeRecordList failed: InvalidParameterValue.DomainNotExists: " +
        `The domain example.net is not in this account. (RequestId ${api.calls[0]?.requestId})`,
    );
  });
});

describe("update, read, delete", () => {
  it("modifies the record in place", async () => {
    const before = await created();
    const news = inputs({ value: "203.0.113.99", ttl: 1200 });
    const { outs } = await provider.update!(before.id, before.outs, news);
    expect(api.actions()).toEqual(["ModifyRecord"]);
    expect(outs).toEqual({ ...news, recordId: before.outs.recordId });
    expect(aRecords()).toEqual([expect.objectContaining({ RecordId: before.outs.recordId, Value: "203.0.113.99", TTL: 1200 })]);
  });

  it("reads the live value and reports a deleted record as gone", async () => {
    const before = await created();
    aRecords()[0]!.Value = "192.0.2.1";
    expect(await provider.read!(before.id, before.outs)).toEqual({
      id: before.id,
      props: { ...before.outs, value: "192.0.2.1" },
    });
    api.domains.set("example.com", api.domains.get("example.com")!.filter((r) => r.Type !== "A"));
    expect(await provider.read!(before.id, before.outs)).toEqual({});
  });

  it("deletes the record, and succeeds when it is already gone", async () => {
    const before = await created();
    await provider.delete!(before.id, before.outs);
    expect(aRecords()).toEqual([]);
    await provider.delete!(before.id, before.outs);
    expect(api.calls.map((c) => `${c.action} ${c.errorCode ?? "ok"}`)).toEqual([
      "DeleteRecord ok",
      "DeleteRecord InvalidParameter.RecordIdInvalid",
    ]);
  });

  it("says how to recover when the record to modify was deleted outside Pulumi", async () => {
    const before = await created();
    await provider.delete!(before.id, before.outs);
    const failure = await provider.update!(before.id, before.outs, inputs({ value: "203.0.113.99" })).catch(
      (err: unknown) => err,
    );
    expect((failure as Error).message).toBe(
      "Tencent Cloud dnspod ModifyRecord failed: InvalidParameter.RecordIdInvalid: The record ID is invalid. " +
        `(RequestId ${api.calls.at(-1)?.requestId}). Record ${before.outs.recordId} of chat.example.com ` +
        "(DNSPod zone example.com) no longer exists: run pulumi refresh, then pulumi up",
    );
  });
});

describe("diff and check", () => {
  const olds: DnspodARecordOutputs = { ...inputs(), recordId: 1001 };

  it("replaces on a zone change and updates in place otherwise", async () => {
    expect(await provider.diff!("1001", olds, inputs({ zone: "example.org" }))).toEqual({
      changes: true,
      replaces: ["zone"],
      deleteBeforeReplace: false,
    });
    expect(await provider.diff!("1001", olds, inputs({ value: "203.0.113.99" }))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await provider.diff!("1001", olds, inputs())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("refuses a value that is not IPv4 and a TTL out of range", async () => {
    const news = inputs({ value: "2001:db8::1", ttl: 0 });
    expect((await provider.check!(news, news)).failures).toEqual([
      { property: "value", reason: 'value "2001:db8::1" is not an IPv4 address (an A record needs one, e.g. 203.0.113.10)' },
      { property: "ttl", reason: "ttl 0 is out of range: allowed values are whole seconds from 1 to 604800" },
    ]);
  });
});
