// The pure pieces beside the components: checksums, sizing, record names, who holds which secret.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authWiring } from "../../infra/auth.js";
import { relativeName } from "../../infra/dns/types.js";
import { crc64 } from "../../infra/function/crc64.js";
import { fcCpu } from "../../infra/function/aliyun.js";
import { cloudFunctionName } from "../../infra/function/naming.js";
import { functionProviders } from "../../infra/function/index.js";

describe("crc64 (what FC 3.0 wants in code.checksum)", () => {
  it("matches the CRC-64/XZ check value and the empty input", () => {
    // The catalogue's check value for "123456789" is 0x995dc9bbdf1939fa.
    expect(crc64(Buffer.from("123456789"))).toBe(BigInt("0x995dc9bbdf1939fa").toString(10));
    expect(crc64(Buffer.alloc(0))).toBe("0");
  });

  it("changes when one byte of the package changes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 256 }), fc.nat(), (bytes, at) => {
        const changed = Uint8Array.from(bytes);
        const i = at % bytes.length;
        changed[i] = changed[i]! ^ 0x01;
        return crc64(bytes) !== crc64(changed);
      }),
    );
  });
});

describe("fcCpu", () => {
  it("keeps every memory size FC 3.0 allows within its 1:1 to 1:4 vCPU:GB ratio, in 0.05 steps", () => {
    const sizes = Array.from({ length: (32768 - 128) / 64 + 1 }, (_, i) => 128 + i * 64);
    expect(sizes.every((mb) => functionProviders.aliyun.memory.allowed(mb))).toBe(true);
    for (const mb of sizes) {
      const cpu = fcCpu(mb);
      const ratio = mb / 1024 / cpu;
      expect(Math.abs(cpu * 20 - Math.round(cpu * 20)), `${mb} MB`).toBeLessThan(1e-9);
      expect(ratio, `${mb} MB → ${cpu} vCPU`).toBeGreaterThanOrEqual(1);
      expect(ratio, `${mb} MB → ${cpu} vCPU`).toBeLessThanOrEqual(4);
    }
    expect(fcCpu(128)).toBe(0.1);
    expect(fcCpu(1024)).toBe(0.5);
  });
});

describe("cloudFunctionName", () => {
  it("makes a name both clouds accept", () => {
    expect(cloudFunctionName("gptsite-dev.eu/proxy")).toBe("gptsite-dev-eu-proxy");
    expect(cloudFunctionName("1st-stack-proxy")).toBe("f-1st-stack-proxy");
    expect(cloudFunctionName(`gptsite-${"x".repeat(80)}`, 64)).toHaveLength(64);
  });
});

describe("relativeName", () => {
  it("gives the record name inside its zone, @ for the apex", () => {
    expect(relativeName("chat.example.com", "example.com")).toBe("chat");
    expect(relativeName("a.b.example.com", "example.com")).toBe("a.b");
    expect(relativeName("example.com", "example.com")).toBe("@");
    expect(relativeName("a.b.example.com.", "Example.com")).toBe("a.b");
    expect(() => relativeName("chat.example.org", "example.com")).toThrow(
      'fqdn "chat.example.org" is not inside dnsZone "example.com": use a name that ends with ".example.com" or the zone itself',
    );
  });
});

describe("authWiring", () => {
  it("keeps every provider's real key in the proxy whenever one runs", () => {
    expect(authWiring({ keyed: ["openai"], runsProxy: true })).toEqual({
      proxyHolds: ["openai"],
      webKeys: { openai: "proxyToken", anthropic: "none", google: "none" },
      needsAccessCodes: true,
    });
    expect(authWiring({ keyed: ["anthropic", "google"], runsProxy: false })).toEqual({
      proxyHolds: [],
      webKeys: { openai: "none", anthropic: "apiKey", google: "apiKey" },
      needsAccessCodes: true,
    });
    expect(authWiring({ keyed: [], runsProxy: true })).toEqual({
      proxyHolds: [],
      webKeys: { openai: "none", anthropic: "none", google: "none" },
      needsAccessCodes: false,
    });
  });

  it("asks for access codes with a key of any provider, not only OpenAI's", () => {
    expect(authWiring({ keyed: ["google"], runsProxy: true })).toMatchObject({ proxyHolds: ["google"], needsAccessCodes: true });
  });
});
