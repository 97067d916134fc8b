// Leaving Tencent: `pulumi destroy`, or functionProvider / dnsProvider switched to another cloud, deletes the SCF
// function and the DNSPod record at the end of the run, with the keys from the environment. Without them every
// provider method stops before any call, naming the resource, both variables and what to do.
import { beforeEach, describe, expect, it } from "vitest";
import {
  dnspodARecordProvider,
  scfWebFunctionProvider,
  type DnspodARecordOutputs,
  type ScfWebFunctionOutputs,
} from "../../infra/tencent/index.js";
import { useScfDouble } from "./helpers.js";

const scf = useScfDouble();
const functionProvider = scfWebFunctionProvider({ waitTimeoutMs: 10_000, pollIntervalMs: 1 });
const recordProvider = dnspodARecordProvider();

const reach = "Pulumi reaches Tencent Cloud with TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY from its environment";
const exportBoth =
  ": export both in the shell that runs pulumi (the API key pair of a Tencent Cloud sub-account, " +
  "https://console.cloud.tencent.com/cam/capi, plus TENCENTCLOUD_SESSION_TOKEN for temporary keys), then run pulumi";
const deleteFix = (providerKey: string) =>
  `${reach}, also to delete what the stack made there (pulumi destroy, or ${providerKey} switched away from Tencent)` +
  `${exportBoth} up or pulumi destroy again`;
const otherFix = `${reach}${exportBoth} up again`;

const failureOf = (work: Promise<unknown>) => work.then(() => undefined, (err: unknown) => (err as Error).message);

describe("the SCF function", () => {
  let deployed: { id: string; inputs: Awaited<ReturnType<typeof scf.inputs>>; outs: ScfWebFunctionOutputs };
  beforeEach(async () => {
    const inputs = await scf.inputs("v1");
    const { id, outs } = await functionProvider.create(inputs);
    deployed = { id, inputs, outs: outs as ScfWebFunctionOutputs };
    scf.api.calls.length = 0;
  });

  it("is not deleted without the keys: the error names it, both variables and the fix", async () => {
    delete process.env["TENCENTCLOUD_SECRET_ID"];
    delete process.env["TENCENTCLOUD_SECRET_KEY"];
    expect(await failureOf(functionProvider.delete!(deployed.id, deployed.outs))).toBe(
      'Cannot delete SCF function "gptsite-dev-proxy" in ap-singapore/default: TENCENTCLOUD_SECRET_ID and ' +
        `TENCENTCLOUD_SECRET_KEY are not set. ${deleteFix("functionProvider")}`,
    );
    expect(scf.api.calls).toEqual([]);
    expect(scf.live()).toMatchObject({ status: "Active" });
  });

  it("is neither read nor updated without the keys, and says which one is missing", async () => {
    delete process.env["TENCENTCLOUD_SECRET_KEY"];
    const missing = 'SCF function "gptsite-dev-proxy" in ap-singapore/default: TENCENTCLOUD_SECRET_KEY is not set.';
    expect(await failureOf(functionProvider.read!(deployed.id, deployed.outs))).toBe(
      `Cannot read ${missing} ${otherFix}`,
    );
    expect(await failureOf(functionProvider.update!(deployed.id, deployed.outs, { ...deployed.inputs, timeoutSec: 60 }))).toBe(
      `Cannot update ${missing} ${otherFix}`,
    );
    expect(await failureOf(functionProvider.create(deployed.inputs))).toBe(
      `Cannot create ${missing} ${otherFix}`,
    );
    expect(scf.api.calls).toEqual([]);
  });
});

describe("the DNSPod record", () => {
  it("is not deleted without the keys: the error names the record, both variables and the fix", async () => {
    scf.api.addDomain("example.com");
    const inputs = { zone: "example.com", subDomain: "chat", value: "203.0.113.10", ttl: 600, recordType: "A" as const, recordLine: "默认" };
    const { id, outs } = await recordProvider.create(inputs);
    delete process.env["TENCENTCLOUD_SECRET_ID"];
    delete process.env["TENCENTCLOUD_SECRET_KEY"];
    scf.api.calls.length = 0;
    expect(await failureOf(recordProvider.delete!(id, outs as DnspodARecordOutputs))).toBe(
      "Cannot delete the A record of chat.example.com (DNSPod zone example.com): TENCENTCLOUD_SECRET_ID and " +
        `TENCENTCLOUD_SECRET_KEY are not set. ${deleteFix("dnsProvider")}`,
    );
    expect(scf.api.calls).toEqual([]);
    expect(scf.api.domains.get("example.com")!.filter((r) => r.Type === "A")).toHaveLength(1);
  });
});
