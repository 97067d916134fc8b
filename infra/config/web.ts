// The web UI and the images the Docker host pulls (every name configurable, and a registry mirror for
// hosts that cannot reach Docker Hub).
import { isIPv4 } from "node:net";
import type { Settings } from "../config.js";
import { isPinnedImage, isRegistryMirror, throughMirror } from "../host/images.js";
import { CONFIG_KEYS } from "./keys.js";
import type { ConfigReader } from "./reader.js";

export function validateWeb(config: ConfigReader): Pick<Settings, "web" | "images"> {
  const pinned = (key: "webImage" | "nginxImage" | "proxyImage"): string => {
    const image = config.text(key);
    if (!isPinnedImage(image)) {
      config.problem(`${key}: "${image}" is not an image name pinned to a version tag or digest, e.g. ${CONFIG_KEYS[key].default}.`);
    }
    return image;
  };
  const webImage = pinned("webImage");
  const nginxImage = pinned("nginxImage");
  const proxyImage = pinned("proxyImage");
  const mirror = config.text("registryMirror");
  if (mirror && !isRegistryMirror(mirror)) {
    config.problem(
      `registryMirror: "${mirror}" is not a registry address. Give host[:port][/path] without a scheme, ` +
        `e.g. registry.example.com:5000 or docker.m.daocloud.io.`,
    );
  }
  const bindAddress = config.text("webBindAddress");
  if (!isIPv4(bindAddress)) {
    config.problem(
      `webBindAddress: "${bindAddress}" is not an IPv4 address. Allowed values are: 127.0.0.1 (only this host), 0.0.0.0 (everyone).`,
    );
  }
  const timezone = config.text("webTimezone");
  if (!timezone) config.problem(`webTimezone: empty. Use an IANA name, e.g. Asia/Shanghai.`);
  const accessCodeCount = config.integer("webAccessCodeCount", 0, 20, "0 to 20");
  return {
    web: { bindAddress, timezone, accessCodeCount },
    images: {
      web: throughMirror(webImage, mirror),
      nginx: throughMirror(nginxImage, mirror),
      proxy: throughMirror(proxyImage, mirror),
    },
  };
}
