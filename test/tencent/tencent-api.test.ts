// The API double checks signatures for real: requests signed by the SDK's own signer pass, anything else fails
// with Tencent's AuthFailure codes. Without this, the provider suites would prove nothing about signing. And it
// refuses what the cloud refuses: fields, types and values outside the SDK's models and Tencent's documentation
// (test/fixtures/tencent-api-rules.ts has the evidence for each rule), while accepting what the cloud accepts.
import http from "node:http";
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dnspodApi, errorCode, scfApi, scfDescriptionProblem, TencentApiError } from "../../infra/tencent/index.js";
import { startTencentApi, type TencentApiDouble } from "../fixtures/tencent-api.js";
import { proxyZip, testCredentials, useTencentEnvironment } from "./helpers.js";

// The signer the SDK uses, loaded the way tencentcloud-sdk-nodejs-dnspod loads it.
const requireFromSdk = createRequire(createRequire(import.meta.url).resolve("tencentcloud-sdk-nodejs-dnspod"));
const { default: Sign } = requireFromSdk("tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js") as {
  default: { sign3(args: Record<string, unknown>): string };
};

interface Signed {
  service?: string;
  secretId?: string;
  secretKey?: string;
  timestamp?: number;
}

/** POSTs `body` for `action` to the double as dnspod.tencentcloudapi.com, signed over `signedBody` by the SDK. */
async function post(api: TencentApiDouble, action: string, body: string, signedBody = body, sign: Signed = {}) {
  const timestamp = sign.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    Host: "dnspod.tencentcloudapi.com",
    "Content-Type": "application/json",
    "X-TC-Action": action,
    "X-TC-Version": "2021-03-23",
    "X-TC-Timestamp": String(timestamp),
  };
  headers["Authorization"] = Sign.sign3({
    method: "POST",
    url: "https://dnspod.tencentcloudapi.com/",
    payload: Buffer.from(signedBody),
    timestamp,
    service: sign.service ?? "dnspod",
    secretId: sign.secretId ?? testCredentials.secretId,
    secretKey: sign.secretKey ?? testCredentials.secretKey,
    multipart: false,
    headers,
  });
  const { port } = new URL(api.url);
  return new Promise<{ Response: Record<string, unknown> & { Error?: { Code: string; Message: string } } }>(
    (resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/", headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
      });
      req.on("error", reject);
      req.end(body);
    },
  );
}

const purpose = { action: "read", resource: "the zone example.com", providerKey: "dnsProvider" } as const;
const listBody = JSON.stringify({ Domain: "example.com", ErrorOnEmpty: "no" });

let api: TencentApiDouble;
beforeEach(async () => {
  api = await startTencentApi({ credentials: testCredentials });
  api.addDomain("example.com");
});
afterEach(async () => {
  await api.close();
});

describe("TC3-HMAC-SHA256 verification", () => {
  it("accepts a request signed by the SDK's signer", async () => {
    const { Response } = await post(api, "DescribeRecordList", listBody);
    expect(Response.Error).toBeUndefined();
    expect(Response["RecordList"]).toEqual([
      expect.objectContaining({ Name: "@", Type: "NS", Value: "f1g1ns1.dnspod.net.", DefaultNS: true }),
      expect.objectContaining({ Name: "@", Type: "NS", Value: "f1g1ns2.dnspod.net.", DefaultNS: true }),
    ]);
    expect(Response["RequestId"]).toBe(api.calls[0]?.requestId);
  });

  it("rejects a body changed after signing", async () => {
    const tampered = JSON.stringify({ Domain: "example.org", ErrorOnEmpty: "no" });
    const { Response } = await post(api, "DescribeRecordList", tampered, listBody);
    expect(Response.Error).toEqual({
      Code: "AuthFailure.SignatureFailure",
      Message: "The provided credentials could not be validated. Please check your signature is correct.",
    });
  });

  it("rejects a signature scoped to another service", async () => {
    const { Response } = await post(api, "DescribeRecordList", listBody, listBody, { service: "scf" });
    expect(Response.Error?.Code).toBe("AuthFailure.SignatureFailure");
  });

  it("rejects a signature older than five minutes", async () => {
    const stale = Math.floor(Date.now() / 1000) - 600;
    const { Response } = await post(api, "DescribeRecordList", listBody, listBody, { timestamp: stale });
    expect(Response.Error).toEqual({
      Code: "AuthFailure.SignatureExpire",
      Message: "The signature expired: the timestamp is more than 5 minutes off.",
    });
  });

  it("rejects an unknown SecretId", async () => {
    const { Response } = await post(api, "DescribeRecordList", listBody, listBody, { secretId: "AKIDsomeoneElse" });
    expect(Response.Error).toEqual({ Code: "AuthFailure.SecretIdNotFound", Message: "The SecretId does not exist." });
  });

  it("rejects an SDK call made with the wrong secret key, naming action, code and request id", async () => {
    const restore = useTencentEnvironment(api, { ...testCredentials, secretKey: "not-the-key" });
    try {
      const failure = await dnspodApi(purpose)("DescribeRecordList", { Domain: "example.com", ErrorOnEmpty: "no" }).catch(
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(TencentApiError);
      const requestId = api.calls.at(-1)?.requestId;
      expect((failure as TencentApiError).message).toBe(
        "Tencent Cloud dnspod DescribeRecordList failed: AuthFailure.SignatureFailure: The provided credentials " +
          `could not be validated. Please check your signature is correct. (RequestId ${requestId})`,
      );
      expect(failure).toMatchObject({ action: "DescribeRecordList", code: "AuthFailure.SignatureFailure", requestId });
    } finally {
      restore();
    }
  });
});

describe("temporary credentials", () => {
  it("requires the session token the credentials were issued with", async () => {
    await api.close();
    const credentials = { ...testCredentials, token: "session-token-1" };
    api = await startTencentApi({ credentials });
    api.addDomain("example.com");
    const request = { Domain: "example.com", ErrorOnEmpty: "no" };

    const withoutToken = useTencentEnvironment(api, testCredentials);
    const failure = await dnspodApi(purpose)("DescribeRecordList", request).catch((err: unknown) => err);
    withoutToken();
    expect(failure).toMatchObject({ code: "AuthFailure.TokenFailure" });

    const withToken = useTencentEnvironment(api, credentials);
    try {
      const listed = await dnspodApi(purpose)("DescribeRecordList", request);
      expect(listed.RecordList).toHaveLength(2);
    } finally {
      withToken();
    }
  });
});

describe("envelope", () => {
  it("answers an action it does not implement with InvalidAction", async () => {
    const { Response } = await post(api, "DescribeDomainList", "{}");
    expect(Response.Error).toEqual({
      Code: "InvalidAction",
      Message: "action DescribeDomainList does not exist or the double does not implement it",
    });
  });
});

describe("what the double refuses, as the SDK models and Tencent's documentation say", () => {
  let restore: () => void;
  let zipFile: string;
  beforeEach(async () => {
    restore = useTencentEnvironment(api);
    zipFile = (await proxyZip("probe")).zip.toString("base64");
  });
  afterEach(() => restore());

  const reading = { action: "read", resource: "a probe", providerKey: "functionProvider" } as const;
  /** The error code the double answers `action` with (through the real SDK), or "ok". */
  async function answer(service: "scf" | "dnspod", action: string, params: Record<string, unknown>, region = "ap-singapore") {
    const call = (service === "scf" ? scfApi(region, reading) : dnspodApi(reading)) as (a: string, p: unknown) => Promise<unknown>;
    return call(action, params).then(
      () => "ok",
      (err: unknown) => errorCode(err),
    );
  }
  const fn = (extra: Record<string, unknown> = {}) => ({
    FunctionName: "probe",
    Namespace: "default",
    Type: "HTTP",
    Runtime: "Nodejs18.15",
    Code: { ZipFile: zipFile },
    ...extra,
  });
  const record = (extra: Record<string, unknown> = {}) => ({
    Domain: "example.com",
    SubDomain: "chat",
    RecordType: "A",
    RecordLine: "默认",
    Value: "203.0.113.10",
    TTL: 600,
    ...extra,
  });

  it.each([
    ["the description gptsite used to send (parentheses)", "InvalidParameterValue.Description", () => fn({ Description: "gptsite OpenAI proxy (managed by Pulumi)" })],
    ["a field CreateFunction does not define", "UnknownParameter", () => fn({ Memory: 64 })],
    ["no Code", "MissingParameter", () => ({ FunctionName: "probe" })],
    ["MemorySize as a string", "InvalidParameter", () => fn({ MemorySize: "64" })],
    ["MemorySize 100", "InvalidParameterValue.MemorySize", () => fn({ MemorySize: 100 })],
    ["Timeout 901", "LimitExceeded.Timeout", () => fn({ Timeout: 901 })],
    ["Timeout 1.5", "InvalidParameter", () => fn({ Timeout: 1.5 })],
    ["a runtime SCF does not list", "InvalidParameterValue.Runtime", () => fn({ Runtime: "Nodejs20" })],
    ["Type Web", "InvalidParameterValue.Type", () => fn({ Type: "Web" })],
    ["instance concurrency on an event function", "InvalidParameterValue.InstanceConcurrencyConfig", () => fn({ Type: "Event", InstanceConcurrencyConfig: { MaxConcurrency: 2 } })],
    ["MaxConcurrency 101", "InvalidParameterValue.MaxConcurrency", () => fn({ InstanceConcurrencyConfig: { MaxConcurrency: 101 } })],
    ["DynamicEnabled yes", "InvalidParameterValue.DynamicEnabled", () => fn({ InstanceConcurrencyConfig: { DynamicEnabled: "yes", MaxConcurrency: 2 } })],
    ["an empty environment value", "InvalidParameterValue.Environment", () => fn({ Environment: { Variables: [{ Key: "PROXY_TOKEN", Value: "" }] } })],
    ["a reserved tag key", "InvalidParameterValue.ReservedTagKey", () => fn({ Tags: [{ Key: "qcloud:owner", Value: "x" }] })],
    ["a tag value with parentheses", "InvalidParameterValue", () => fn({ Tags: [{ Key: "owner", Value: "a(b)" }] })],
    ["code from COS and a zip at once", "InvalidParameterValue.Code", () => fn({ Code: { ZipFile: zipFile, CosBucketName: "bucket" } })],
    ["a zip that is not base64", "InvalidParameterValue.ZipFileBase64BinasciiError", () => fn({ Code: { ZipFile: "not base64!" } })],
    ["base64 that is not a zip", "InvalidParameterValue.ZipFile", () => fn({ Code: { ZipFile: Buffer.from("hello").toString("base64") } })],
  ] as const)("CreateFunction with %s: %s", async (_what, code, params) => {
    expect(await answer("scf", "CreateFunction", params())).toBe(code);
  });

  it("refuses a region SCF does not serve", async () => {
    expect(await answer("scf", "GetFunction", { FunctionName: "probe" }, "ap-mumbai")).toBe("UnsupportedRegion");
  });

  it("takes newlines and Chinese in a description on create, not newlines on update, as the models say", async () => {
    expect(scfDescriptionProblem("代理, version 1.\nmanaged by Pulumi", "CreateFunction")).toBeUndefined();
    expect(await answer("scf", "CreateFunction", fn({ Description: "代理, version 1.\nmanaged by Pulumi" }))).toBe("ok");
    api.fn("ap-singapore", "default", "probe")!.status = "Active";
    const update = { FunctionName: "probe", Namespace: "default" };
    expect(await answer("scf", "UpdateFunctionConfiguration", { ...update, Description: "line one\nline two" })).toBe(
      "InvalidParameterValue.Description",
    );
    expect(await answer("scf", "UpdateFunctionConfiguration", { ...update, Description: "x".repeat(1001) })).toBe(
      "InvalidParameterValue.Description",
    );
    expect(await answer("scf", "UpdateFunctionConfiguration", { ...update, Description: "代理 version 1" })).toBe("ok");
  });

  it("holds function-URL triggers to their documented TriggerDesc and Enable values", async () => {
    await answer("scf", "CreateFunction", fn());
    api.fn("ap-singapore", "default", "probe")!.status = "Active";
    const trigger = (extra: Record<string, unknown>) => ({
      FunctionName: "probe",
      Namespace: "default",
      TriggerName: "url",
      Type: "http",
      TriggerDesc: JSON.stringify({ AuthType: "NONE", NetConfig: { EnableIntranet: false, EnableExtranet: true } }),
      ...extra,
    });
    expect(await answer("scf", "CreateTrigger", trigger({ Enable: "ON" }))).toBe("InvalidParameterValue.Enable");
    expect(await answer("scf", "CreateTrigger", trigger({ TriggerDesc: '{"AuthType":"NONE","NetConfig":{"EnableExtranet":true}}' }))).toBe(
      "InvalidParameterValue.TriggerDesc",
    );
    expect(await answer("scf", "CreateTrigger", trigger({ Type: "apigw" }))).toBe("InvalidParameterValue.Type");
    expect(await answer("scf", "CreateTrigger", trigger({ Enable: "OPEN" }))).toBe("ok");
  });

  it("caps reserved concurrency at the account's quota less 12800 MB", async () => {
    await answer("scf", "CreateFunction", fn());
    const put = (mem: number) => answer("scf", "PutReservedConcurrencyConfig", { FunctionName: "probe", Namespace: "default", ReservedConcurrencyMem: mem });
    expect(await put(128000 - 12800)).toBe("ok");
    expect(await put(128000 - 12800 + 64)).toBe("LimitExceeded.FunctionReservedConcurrencyMemory");
  });

  it.each([
    ["a lower-case record type", "InvalidParameter.RecordTypeInvalid", () => record({ RecordType: "a" })],
    ["a line the domain does not have", "InvalidParameter.RecordLineInvalid", () => record({ RecordLine: "Default" })],
    ["an address that is not IPv4", "InvalidParameter.RecordValueInvalid", () => record({ Value: "203.0.113.300" })],
    ["a TTL below the free plan's 600", "LimitExceeded.RecordTtlLimit", () => record({ TTL: 60 })],
    ["an MX record without its priority", "InvalidParameter.MxInvalid", () => record({ RecordType: "MX", Value: "mail.example.com." })],
    ["a weight of 101", "InvalidParameter.InvalidWeight", () => record({ Weight: 101 })],
    ["a field CreateRecord does not define", "UnknownParameter", () => record({ Line: "默认" })],
    ["a zone the account does not have", "InvalidParameterValue.DomainNotExists", () => record({ Domain: "example.org" })],
  ] as const)("CreateRecord with %s: %s", async (_what, code, params) => {
    expect(await answer("dnspod", "CreateRecord", params())).toBe(code);
  });

  it("takes a TTL of 60 on a plan that allows it", async () => {
    api.addDomain("example.net", { lines: ["默认"], minTtl: 1 });
    expect(await answer("dnspod", "CreateRecord", record({ Domain: "example.net", TTL: 60 }))).toBe("ok");
  });

  it("holds DescribeRecordList to its paging and enumerations, and pages by 100 by default", async () => {
    const list = (extra: Record<string, unknown>) => answer("dnspod", "DescribeRecordList", { Domain: "example.com", ...extra });
    expect(await list({ Limit: 5000 })).toBe("InvalidParameterValue.LimitInvalid");
    expect(await list({ ErrorOnEmpty: "false" })).toBe("InvalidParameter");
    expect(await list({ Subdomain: "nothing-here" })).toBe("ResourceNotFound.NoDataOfRecord");
    for (let i = 0; i < 120; i++) api.addRecord("example.com", { Name: `host${i}`, Type: "A", Value: "203.0.113.10" });
    const page = await dnspodApi(reading)("DescribeRecordList", { Domain: "example.com" });
    expect(page.RecordList).toHaveLength(100);
    expect(page.RecordCountInfo).toEqual({ SubdomainCount: 121, ListCount: 100, TotalCount: 122 });
  });
});
