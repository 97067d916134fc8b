// The API double checks signatures for real: requests signed by the SDK's own signer pass, anything else fails
// with Tencent's AuthFailure codes. Without this, the provider suites would prove nothing about signing.
import http from "node:http";
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dnspodApi, TencentApiError } from "../../infra/tencent/index.js";
import { startTencentApi, type TencentApiDouble } from "../fixtures/tencent-api.js";
import { testCredentials, useTencentEnvironment } from "./helpers.js";

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
      const failure = await dnspodApi()("DescribeRecordList", { Domain: "example.com", ErrorOnEmpty: "no" }).catch(
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
    const failure = await dnspodApi()("DescribeRecordList", request).catch((err: unknown) => err);
    withoutToken();
    expect(failure).toMatchObject({ code: "AuthFailure.TokenFailure" });

    const withToken = useTencentEnvironment(api, credentials);
    try {
      const listed = await dnspodApi()("DescribeRecordList", request);
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
