export { renderSite } from "./site.js";
export { standaloneConf, type StandaloneOptions } from "./standalone.js";
export { resolveSiteOptions, SiteOptionsError, SITE_DEFAULTS, validateSiteOptions } from "./validate.js";
export type { RateLimit, SiteOptions, TlsFiles } from "./options.js";
