import { describe, expect, it } from "vitest";
import { validateHost } from "../../../infra/config/host.js";
import { ConfigReader } from "../../../infra/config/reader.js";
import { problemsOf } from "./areas.js";

describe("validateHost", () => {
  it("takes the host's address from an ssh:// address, and says when its ports face the Internet", () => {
    const area = (hostDocker: string) => validateHost(new ConfigReader({ hostDocker }));
    expect(area("ssh://root@203.0.113.9:2222")).toMatchObject({ host: { ip: "203.0.113.9" }, namedIp: "203.0.113.9", remote: true });
    expect(area("ssh://deploy@chat-box.example.net")).toMatchObject({ host: { ip: "127.0.0.1" }, namedIp: "", remote: true });
    expect(area("ssh://deploy@192.168.1.20")).toMatchObject({ namedIp: "192.168.1.20", remote: false });
    expect(area("unix:///var/run/docker.sock")).toMatchObject({ host: { ip: "127.0.0.1" }, namedIp: "", remote: false });
  });

  it.each([
    [
      "an ssh:// host without a user",
      { hostDocker: "ssh://203.0.113.7" },
      'hostDocker: "ssh://203.0.113.7" has no user. Use ssh://user@203.0.113.7 (a user allowed to run docker there).',
    ],
    [
      "a Docker address of another kind",
      { hostDocker: "tcp://203.0.113.7:2375" },
      'hostDocker: "tcp://203.0.113.7:2375" is not a Docker address this program supports. Allowed values are: unix:///var/run/docker.sock (this machine), ssh://user@host[:port] (a server).',
    ],
  ])("refuses %s", (_name, raw, message) => {
    expect(problemsOf(raw, validateHost)).toEqual([message]);
  });
});
