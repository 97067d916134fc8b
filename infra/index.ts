// The Pulumi program (Pulumi.yaml `main`): read and validate the stack config, then stand up the
// site. Each export is a stack output; see infra/site.ts for what they mean.
import { buildArtifacts } from "../function/build.js";
import { readConfig } from "./config.js";
import { deploySite } from "./site.js";

// Validation throws before any resource is registered, listing every problem at once.
const site = await deploySite(readConfig(), buildArtifacts);

export const siteUrl = site.siteUrl;
export const apiBaseUrl = site.apiBaseUrl;
export const anthropicBaseUrl = site.anthropicBaseUrl;
export const googleBaseUrl = site.googleBaseUrl;
export const serverKeys = site.serverKeys;
export const functionUrl = site.functionUrl;
export const webUrl = site.webUrl;
export const hostIp = site.hostIp;
export const accessCodes = site.accessCodes;
export const proxyToken = site.proxyToken;
