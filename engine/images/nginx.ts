// The Nginx image, standing in for nginx:1.28.0-bookworm with Debian's nginx: the official image's
// layout where the program relies on it (infra/host/nginx.ts): the http block includes
// /etc/nginx/conf.d/*.conf, where the program uploads the site as default.conf; the CA bundle at
// /etc/ssl/certs/ca-certificates.crt; logs to the container's stdout and stderr; `nginx -g 'daemon off;'`
// as PID 1, stopped by SIGQUIT (graceful) or SIGTERM.
import type { Say } from "../log.js";
import type { Rootfs } from "../rootfs.js";
import { ensureImage, type LocalImage } from "./build.js";

/** The official image's nginx.conf, with Debian's user. */
const NGINX_CONF = `user  www-data;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;

events {
    worker_connections  1024;
}

http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    keepalive_timeout  65;

    include /etc/nginx/conf.d/*.conf;
}
`;

/** The official image's welcome site, replaced by the program's upload. */
const DEFAULT_SITE = `server {
    listen       80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }
}
`;

const DOCKERFILE = (base: string) => `FROM ${base}
COPY etc/ /etc/nginx/
RUN ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log && nginx -t
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
`;

/** Debian's version without its revision: 1.22.1-9+deb12u3 → 1.22.1 (a tag has no `~` or `+`). */
export function nginxImageTag(debianVersion: string): string {
  return `gptsite-engine/nginx:${debianVersion.replace(/^\d+:/, "").replace(/-[^-]*$/, "")}`;
}

export function ensureNginxImage(host: string, base: LocalImage, rootfs: Rootfs, say: Say): Promise<LocalImage> {
  return ensureImage(
    host,
    {
      tag: nginxImageTag(rootfs.versions.nginx),
      parentId: base.id,
      dockerfile: DOCKERFILE(base.tag),
      files: { "etc/nginx.conf": NGINX_CONF, "etc/conf.d/default.conf": DEFAULT_SITE },
    },
    say,
  );
}
