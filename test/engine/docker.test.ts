// The Docker engine the stacks run on does what the program relies on: containers on a user-defined
// network reach each other by name (Nginx → NextChat → proxy), and `-p 127.0.0.1:P:P` publishes on
// loopback only (the web UI's 3690, Nginx's ports in local stacks).
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../chain/ports.js";
import { docker, engine, engineSkip, Scratch } from "./docker.js";

const SERVER = (port: number, text: string) =>
  `require("node:http").createServer((q, s) => s.end(${JSON.stringify(text)})).listen(${port}, "0.0.0.0")`;

let scratch = new Scratch();
afterEach(async () => {
  await scratch.remove();
  scratch = new Scratch();
});

describe.skipIf(engineSkip)("Docker engine", () => {
  it("lets two containers on a user-defined network reach each other by name", async () => {
    const network = await scratch.network();
    const name = `gptsite-test-${scratch.id}-server`;
    await scratch.run({ image: engine.config.proxyImage, name, network, command: ["node", "-e", SERVER(8080, "hello by name")] });
    const client = await scratch.run({ image: engine.config.proxyImage, network, command: ["sleep", "300"] });
    const fetchByName = ["node", "-e", `fetch("http://${name}:8080/").then(async (r) => console.log(r.status, await r.text()))`];
    await scratch.until(client, fetchByName, `${name}:8080 to answer from the other container`);
    expect((await scratch.exec(client, fetchByName)).output).toBe("200 hello by name");
    // The name resolves to the server's address on that network, not to anything outside it.
    const address = await docker(["inspect", "--format", `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, name]);
    const resolved = await scratch.exec(client, ["node", "-e", `require("node:dns").lookup("${name}", (e, a) => console.log(a))`]);
    expect(resolved.output).toBe(address);
  });

  it("publishes -p 127.0.0.1:P:P on loopback", async () => {
    const port = await freePort();
    const server = await scratch.run({ image: engine.config.proxyImage, publishRaw: [`127.0.0.1:${port}:${port}`], network: await scratch.network(), command: ["node", "-e", SERVER(port, "published")] });
    await scratch.until(server, ["node", "-e", `fetch("http://127.0.0.1:${port}/").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`], "the server inside");
    const answer = await fetch(`http://127.0.0.1:${port}/`);
    expect(await answer.text()).toBe("published");
    expect(await docker(["port", server, `${port}/tcp`])).toBe(`127.0.0.1:${port}`);
  });
});
