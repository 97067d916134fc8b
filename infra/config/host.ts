// The Docker host: how it is reached, its public address, the ports Nginx publishes.
import { isIPv4 } from "node:net";
import type { Settings } from "../config.js";
import { isPrivateIPv4 } from "./names.js";
import type { ConfigReader } from "./reader.js";

export interface HostArea {
  host: Settings["host"];
  /** The address the config names (hostIp, else an IPv4 in the ssh:// address), or "" when it names none. */
  namedIp: string;
  /** Reached over ssh:// at a public name or address: Nginx's ports face the Internet, whatever the domain says. */
  remote: boolean;
}

export function validateHost(config: ConfigReader): HostArea {
  const docker = config.text("hostDocker");
  let sshHost: string | undefined;
  if (docker.startsWith("ssh://")) {
    const url = URL.canParse(docker) ? new URL(docker) : undefined;
    if (!url || !url.hostname) {
      config.problem(`hostDocker: "${docker}" is not an ssh:// address. Use ssh://user@host or ssh://user@host:port.`);
    } else if (!url.username) {
      config.problem(`hostDocker: "${docker}" has no user. Use ssh://user@${url.host} (a user allowed to run docker there).`);
    } else {
      sshHost = url.hostname;
    }
  } else if (!/^unix:\/\/\/.+/.test(docker)) {
    config.problem(
      `hostDocker: "${docker}" is not a Docker address this program supports. ` +
        `Allowed values are: unix:///var/run/docker.sock (this machine), ssh://user@host[:port] (a server).`,
    );
  }
  const givenIp = config.text("hostIp");
  if (givenIp && !isIPv4(givenIp)) config.problem(`hostIp: "${givenIp}" is not an IPv4 address, e.g. 203.0.113.7.`);
  const namedIp = givenIp || (sshHost && isIPv4(sshHost) ? sshHost : "");
  const httpPort = config.integer("hostHttpPort", 1, 65535, "1 to 65535");
  const httpsPort = config.integer("hostHttpsPort", 1, 65535, "1 to 65535");
  if (httpPort === httpsPort) config.problem(`hostHttpsPort: ${httpsPort} is also hostHttpPort. Use two different ports.`);
  return {
    host: { docker, ip: namedIp || "127.0.0.1", httpPort, httpsPort },
    namedIp,
    remote: sshHost !== undefined && sshHost !== "localhost" && !isPrivateIPv4(sshHost),
  };
}
