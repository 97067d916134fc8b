// What engine:up hands on: the environment pulumi and docker need, and the stack config that points a
// stack at this engine's Docker host and local images, as a value and as eval-able sh lines.

export interface EngineEnv {
  /** Prepended to PATH: the built toolchain's bin directory (absent with the user's own pulumi). */
  pathPrepend?: string;
  /** DOCKER_HOST, PULUMI_HOME, PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE and the offline switches. */
  vars: Record<string, string>;
  /** `pulumi config set KEY VALUE` for a stack on this engine. */
  config: StackConfig;
}

export interface StackConfig {
  hostDocker: string;
  webImage: string;
  nginxImage: string;
  proxyImage: string;
}

/** `base` with the engine's variables and PATH: for child processes and tests. */
export function engineProcessEnv(engine: EngineEnv, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const path = engine.pathPrepend ? [engine.pathPrepend, base.PATH].filter(Boolean).join(":") : base.PATH;
  return { ...base, ...engine.vars, ...(path !== undefined ? { PATH: path } : {}) };
}

/** A word sh reads back as `value`, whatever it holds. */
export function shQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function exportLines(engine: EngineEnv): string[] {
  const lines = engine.pathPrepend ? [`export PATH=${shQuote(engine.pathPrepend)}:"$PATH"`] : [];
  for (const [name, value] of Object.entries(engine.vars)) lines.push(`export ${name}=${shQuote(value)}`);
  return lines;
}

export function configLines(config: StackConfig): string[] {
  return Object.entries(config).map(([key, value]) => `pulumi config set ${key} ${shQuote(value)}`);
}
