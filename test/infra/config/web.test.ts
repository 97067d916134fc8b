import { describe, expect, it } from "vitest";
import type { RawConfig } from "../../../infra/config/keys.js";
import { ConfigReader } from "../../../infra/config/reader.js";
import { validateWeb } from "../../../infra/config/web.js";
import { problemsOf } from "./areas.js";

describe("validateWeb", () => {
  it("pulls Docker Hub names through registryMirror, official images under library/, other registries as given", () => {
    const images = (raw: RawConfig) => validateWeb(new ConfigReader(raw)).images;
    expect(images({ registryMirror: "registry.example.com:5000" })).toEqual({
      web: "registry.example.com:5000/yidadaa/chatgpt-next-web:v2.16.1",
      nginx: "registry.example.com:5000/library/nginx:1.28.0-bookworm",
      proxy: "registry.example.com:5000/library/node:20.18.0-alpine",
    });
    expect(
      images({
        registryMirror: "harbor.example.com/hub-cache/",
        webImage: "ghcr.io/chatgptnextweb/chatgpt-next-web:v2.16.1",
        nginxImage: "localhost:5000/nginx:1.28.0-bookworm",
        proxyImage: "node@sha256:" + "a".repeat(64),
      }),
    ).toEqual({
      web: "ghcr.io/chatgptnextweb/chatgpt-next-web:v2.16.1",
      nginx: "localhost:5000/nginx:1.28.0-bookworm",
      proxy: `harbor.example.com/hub-cache/library/node@sha256:${"a".repeat(64)}`,
    });
  });

  it.each([
    [
      "an unpinned NextChat image",
      { webImage: "yidadaa/chatgpt-next-web:latest" },
      'webImage: "yidadaa/chatgpt-next-web:latest" is not an image name pinned to a version tag or digest, e.g. yidadaa/chatgpt-next-web:v2.16.1.',
    ],
    [
      "an Nginx image with no tag",
      { nginxImage: "nginx" },
      'nginxImage: "nginx" is not an image name pinned to a version tag or digest, e.g. nginx:1.28.0-bookworm.',
    ],
    [
      "a proxy image with an upper-case path",
      { proxyImage: "Node:20" },
      'proxyImage: "Node:20" is not an image name pinned to a version tag or digest, e.g. node:20.18.0-alpine.',
    ],
    [
      "a registry mirror given as a URL",
      { registryMirror: "https://docker.m.daocloud.io" },
      'registryMirror: "https://docker.m.daocloud.io" is not a registry address. Give host[:port][/path] without a scheme, e.g. registry.example.com:5000 or docker.m.daocloud.io.',
    ],
  ])("refuses %s", (_name, raw, message) => {
    expect(problemsOf(raw, validateWeb)).toEqual([message]);
  });
});
