// The scripts' output never shows a key, token or access code, even when what they talk to echoes
// them back. test/scripts greps every run against well-behaved servers; here every hop's server
// reflects the request's credentials into its answers (an error message, a streamed answer, a
// header), as a misconfigured gateway or a debugging upstream might, and `npm run smoke` must still
// print none of them, in its table or as JSON; nor `npm run local`, whose proxy holds the key and
// relays the upstream's echo of it.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../chain/ports.js";
import { nginxBinary } from "../fixtures/nginx.js";
import { runScript } from "../scripts/run.js";

// Each holds MARK: no part of one that shows MARK may be printed, not even the start of one cut short.
const MARK = "ECHOCHECK";
const KEY = `sk-proj-${MARK}-KEY-0c9d8e7f`;
const TOKEN = `pt-${MARK}-TOKEN-6a5b4c3d`;
const CODE = `code-${MARK}-2e1f`;

type Echo = "error" | "stream";

/** Answers everything with what it was sent: every header value in the message or the content. */
function echoServer(how: Echo): http.Server {
  return http.createServer((req, res) => {
    // Authorization first: a reader that shows only the start of a message still meets it.
    const credentials = Object.entries(req.headers)
      .filter(([name]) => name !== "host")
      .sort(([a], [b]) => Number(b === "authorization") - Number(a === "authorization"))
      .map(([name, value]) => `${name}=${String(value)}`)
      .join(" ");
    const path = (req.url ?? "").split("?")[0];
    if (path === "/healthz" || path === "/api/config") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", needCode: true, echo: credentials }));
      return;
    }
    if (how === "error") {
      const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${credentials}`, type: "invalid_request_error", code: "invalid_api_key" } });
      res.writeHead(401, { "content-type": "application/json", "x-echo": credentials.replace(/[^\x20-\x7e]/g, "") }).end(body);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "x-echo": credentials.replace(/[^\x20-\x7e]/g, "") });
    const chunk = (content: string) => JSON.stringify({ id: "x", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content }, finish_reason: null }] });
    for (const piece of credentials.split(" ")) res.write(`data: ${chunk(`${piece} `)}\n\n`);
    res.end("data: [DONE]\n\n");
  });
}

const servers: Record<Echo, { server: http.Server; url: string }> = {} as never;
beforeAll(async () => {
  for (const how of ["error", "stream"] as const) {
    const server = echoServer(how).listen(0, "127.0.0.1");
    await once(server, "listening");
    servers[how] = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }
});
afterAll(async () => {
  for (const { server } of Object.values(servers)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("npm run smoke against servers that echo credentials", () => {
  it.each([
    ["an error message", "error", false],
    ["an error message, as JSON", "error", true],
    ["a streamed answer", "stream", false],
    ["a streamed answer, as JSON", "stream", true],
  ] as const)("%s: nothing of the key, token or code is printed", async (_what, how, json) => {
    const url = servers[how].url;
    const run = await runScript("smoke", [
      ...["--function-url", url, "--web-url", url, "--site-url", url],
      ...["--proxy-token", TOKEN, "--access-code", CODE, "--key", KEY, "--only", "function,web,nginx,e2e", "--timeout", "5"],
      ...(json ? ["--json"] : []),
    ]);
    const printed = run.stdout + run.stderr;
    // The echo reached the output (it says so where the credentials were): the check is not vacuous.
    expect(printed).toMatch(/authorization=Bearer /);
    expect(printed.includes(MARK), `printed part of a secret:\n${printed}`).toBe(false);
  });
});

/** `npm run local --check` with the key in OPENAI_API_KEY and `upstream` as the upstream: what it printed. */
async function localCheck(upstream: string): Promise<string> {
  const ports = ["--proxy-port", String(await freePort()), "--http-port", String(await freePort())];
  const run = await runScript("local", ["--check", "--upstream", upstream, "--proxy-token", TOKEN, "--only", "function,nginx,e2e", ...ports], {
    env: { OPENAI_API_KEY: KEY },
  });
  return run.stdout + run.stderr;
}

describe.skipIf(!nginxBinary)("npm run local against an upstream that echoes credentials", () => {
  it("echoed in a streamed answer: nothing of the key or token is printed", async () => {
    const printed = await localCheck(servers.stream.url);
    expect(printed).toMatch(/authorization=Bearer /);
    expect(printed.includes(MARK), `printed part of a secret:\n${printed}`).toBe(false);
  });

  it("echoed in an error message: nothing of the key or token is printed", async () => {
    const printed = await localCheck(servers.error.url);
    expect(printed).toMatch(/authorization=Bearer /);
    expect(printed.includes(MARK), `printed part of a secret:\n${printed}`).toBe(false);
  });
});
