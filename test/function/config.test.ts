// The proxy's environment: defaults, and refusals that name the variable, the value and the fix.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../function/src/config.js";

describe("loadConfig", () => {
  it("has the documented defaults", () => {
    expect(loadConfig({})).toEqual({
      host: "0.0.0.0",
      port: 9000,
      token: undefined,
      routes: {
        openai: { upstream: { protocol: "https:", hostname: "api.openai.com", port: 443, host: "api.openai.com", basePath: "" }, keys: [] },
        anthropic: { upstream: { protocol: "https:", hostname: "api.anthropic.com", port: 443, host: "api.anthropic.com", basePath: "" }, keys: [] },
        google: {
          upstream: { protocol: "https:", hostname: "generativelanguage.googleapis.com", port: 443, host: "generativelanguage.googleapis.com", basePath: "" },
          keys: [],
        },
      },
      replayMaxBytes: 256 * 1024,
      upstreamTimeoutMs: 900_000,
      maxBodyBytes: 20 * 1024 * 1024,
      keepAliveIdleMs: 60_000,
      memoryMb: 64,
      maxConnections: 27,
      collectEveryBytes: 1024 * 1024,
      sendTimeoutMs: 60_000,
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      HOST: "127.0.0.1",
      PORT: "8787",
      UPSTREAM_URL: "http://[::1]:8080/openai/",
      PROXY_TOKEN: "tok-0123456789abc",
      OPENAI_API_KEY: "sk-x",
      UPSTREAM_TIMEOUT_MS: "5000",
      MAX_BODY_BYTES: "1024",
      MAX_CONNECTIONS: "32",
      FUNCTION_MEMORY_MB: "256",
      ANTHROPIC_UPSTREAM_URL: "https://claude.example/relay",
      ANTHROPIC_API_KEY: "sk-ant-1, sk-ant-2",
      GOOGLE_UPSTREAM_URL: "http://localhost:9999",
      GOOGLE_API_KEY: "AIza-1",
      REPLAY_MAX_BYTES: "512",
    });
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8787,
      token: "tok-0123456789abc",
      routes: {
        openai: { upstream: { protocol: "http:", hostname: "::1", port: 8080, host: "[::1]:8080", basePath: "/openai" }, keys: ["sk-x"] },
        anthropic: { upstream: { protocol: "https:", hostname: "claude.example", port: 443, host: "claude.example", basePath: "/relay" }, keys: ["sk-ant-1", "sk-ant-2"] },
        google: { upstream: { protocol: "http:", hostname: "localhost", port: 9999, host: "localhost:9999", basePath: "" }, keys: ["AIza-1"] },
      },
      replayMaxBytes: 512,
      upstreamTimeoutMs: 5000,
      maxBodyBytes: 1024,
      maxConnections: 32,
      memoryMb: 256,
      collectEveryBytes: undefined,
    });
  });

  it("sizes the connection cap and the collection pace for FUNCTION_MEMORY_MB", () => {
    const sized = (mb?: string) => {
      const { memoryMb, maxConnections, collectEveryBytes } = loadConfig(mb === undefined ? {} : { FUNCTION_MEMORY_MB: mb });
      return { memoryMb, maxConnections, collectEveryBytes };
    };
    // Unset: the smallest function.
    expect(sized()).toEqual({ memoryMb: 64, maxConnections: 27, collectEveryBytes: 1024 * 1024 });
    expect(sized("64")).toEqual(sized());
    expect(sized("128")).toEqual({ memoryMb: 128, maxConnections: 65, collectEveryBytes: undefined });
    expect(sized("256")).toEqual({ memoryMb: 256, maxConnections: 180, collectEveryBytes: undefined });
    expect(sized("3072").maxConnections).toBe(2714);
  });

  it("treats empty values as unset, except PROXY_TOKEN", () => {
    expect(loadConfig({ OPENAI_API_KEY: " ", PORT: "" })).toMatchObject({ port: 9000, token: undefined, routes: { openai: { keys: [] } } });
  });

  it("trims PROXY_TOKEN", () => {
    expect(loadConfig({ PROXY_TOKEN: " tok-0123456789abc " }).token).toBe("tok-0123456789abc");
  });

  // Set but blank used to mean no token at all: passthrough, with no auth, while the operator believed otherwise.
  const TOKEN_RULE = "PROXY_TOKEN must be at least 16 visible ASCII characters, no spaces (it travels in a header)";
  const TOKEN_FIX = "Set a long random one (e.g. `openssl rand -hex 24`), or remove PROXY_TOKEN to run without one (callers then bring their own key).";
  it.each([
    ["", "an empty value"],
    ["   ", "an empty value"],
    ["t", "1 character"],
    ["0123456789abcde", "15 characters"],
    ["two words, long enough", "a space or a character that is not visible ASCII"],
    ["tok-0123456789abcé", "a space or a character that is not visible ASCII"],
  ])("refuses PROXY_TOKEN=%j, without echoing it", (token, got) => {
    expect(() => loadConfig({ PROXY_TOKEN: token })).toThrow(`${TOKEN_RULE}; got ${got} (not shown). ${TOKEN_FIX}`);
    expect(() => loadConfig({ PROXY_TOKEN: token, OPENAI_API_KEY: "sk-x" })).toThrow(TOKEN_RULE);
  });

  it.each([
    ["OPENAI_API_KEY", "sk-x"],
    ["ANTHROPIC_API_KEY", "sk-ant-x"],
    ["GOOGLE_API_KEY", "AIza-x,AIza-y"],
  ])("refuses %s without a token: that would be an open relay of the key", (name, keys) => {
    expect(() => loadConfig({ [name]: keys })).toThrow(
      `${name} is set but PROXY_TOKEN is not: the proxy would be an open relay of your key (anyone who finds its URL spends it). ` +
        `Set PROXY_TOKEN, or unset ${name} so callers bring their own key.`,
    );
  });

  it.each([
    ["UPSTREAM_URL", "OPENAI_API_KEY"],
    ["ANTHROPIC_UPSTREAM_URL", "ANTHROPIC_API_KEY"],
    ["GOOGLE_UPSTREAM_URL", "GOOGLE_API_KEY"],
  ])("refuses to send the key over plain http to another machine (%s, %s)", (base, keys) => {
    expect(() => loadConfig({ [base]: "http://llm.example", PROXY_TOKEN: "tok-0123456789abc", [keys]: "k-1" })).toThrow(
      `${base} is plain http:// to llm.example while ${keys} is set: the key would cross the network unencrypted. ` +
        "Use an https:// upstream (http:// is allowed only for localhost).",
    );
    expect(loadConfig({ [base]: "http://127.0.0.1:1234", PROXY_TOKEN: "tok-0123456789abc", [keys]: "k-1" }).token).toBeDefined();
  });

  it.each([
    ["sk-1,,sk-2", "OPENAI_API_KEY has an empty entry (key 2 of 3): give one key, or keys separated by single commas"],
    ["sk-1,", "OPENAI_API_KEY has an empty entry (key 2 of 2): give one key, or keys separated by single commas"],
    ["sk-1,sk 2", "OPENAI_API_KEY must be visible ASCII without spaces (it travels in a header); got a value that is not (key 2 of 2) (not shown)"],
    ["sk-1,sk-2,sk-1", "OPENAI_API_KEY lists the same key twice (keys 1 and 3); list each key once"],
  ])("refuses the key list %j, without echoing a key", (keys, message) => {
    expect(() => loadConfig({ PROXY_TOKEN: "tok-0123456789abc", OPENAI_API_KEY: keys })).toThrow(message);
  });

  it("reads a key list in order, spaces around commas ignored", () => {
    expect(loadConfig({ PROXY_TOKEN: "tok-0123456789abc", OPENAI_API_KEY: " sk-1 , sk-2,sk-3 " }).routes.openai.keys).toEqual(["sk-1", "sk-2", "sk-3"]);
  });

  const allowed = "an http:// or https:// base URL without credentials, query or fragment, e.g. https://api.openai.com";
  it.each([
    ["api.openai.com", `UPSTREAM_URL must be ${allowed}; got "api.openai.com"`],
    ["ftp://api.openai.com", `UPSTREAM_URL must be ${allowed}; got "ftp://api.openai.com"`],
    ["https://api.openai.com/?x=1", `UPSTREAM_URL must be ${allowed}; got "https://api.openai.com/?x=1"`],
    ["https://api.openai.com/#x", `UPSTREAM_URL must be ${allowed}; got "https://api.openai.com/#x"`],
    ["https://user:sk-secret@api.openai.com", `UPSTREAM_URL must be ${allowed}; got a URL with credentials in it (not shown)`],
    [
      "https://api.openai.com/v1",
      'UPSTREAM_URL must not end in /v1 (the proxy appends the /v1/… path it receives); got "https://api.openai.com/v1"; use "https://api.openai.com"',
    ],
  ])("refuses UPSTREAM_URL=%s", (value, message) => {
    expect(() => loadConfig({ UPSTREAM_URL: value })).toThrow(message);
  });

  it.each([
    ["PORT", "70000", 'PORT must be an integer from 0 to 65535; got "70000"'],
    ["PORT", "90a", 'PORT must be an integer from 0 to 65535; got "90a"'],
    ["UPSTREAM_TIMEOUT_MS", "0", 'UPSTREAM_TIMEOUT_MS must be an integer from 1 to 2147483647; got "0"'],
    ["MAX_BODY_BYTES", "1e6", 'MAX_BODY_BYTES must be an integer from 1 to 9007199254740991; got "1e6"'],
    ["MAX_CONNECTIONS", "0", 'MAX_CONNECTIONS must be an integer from 1 to 1000000; got "0"'],
    ["FUNCTION_MEMORY_MB", "0", 'FUNCTION_MEMORY_MB must be an integer from 1 to 1000000; got "0"'],
    ["FUNCTION_MEMORY_MB", "64MB", 'FUNCTION_MEMORY_MB must be an integer from 1 to 1000000; got "64MB"'],
    ["FUNCTION_MEMORY_MB", "-1", 'FUNCTION_MEMORY_MB must be an integer from 1 to 1000000; got "-1"'],
    ["REPLAY_MAX_BYTES", "20971521", 'REPLAY_MAX_BYTES must be an integer from 0 to 20971520; got "20971521"'],
  ])("refuses %s=%s", (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it("refuses a key that cannot travel in a header, without echoing it", () => {
    expect(() => loadConfig({ PROXY_TOKEN: "tok-0123456789abc", OPENAI_API_KEY: "sk-é" })).toThrow(
      "OPENAI_API_KEY must be visible ASCII without spaces (it travels in a header); got a value that is not (not shown)",
    );
  });
});
