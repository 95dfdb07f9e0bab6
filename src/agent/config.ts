/**
 * The agent's configuration (`agent.json`), parsed once with zod: relative paths are resolved
 * against the configuration file's folder, the axis connection may come from `VDXP_ENDPOINT`,
 * `VDXP_SYSTEM_ID` and `VDXP_SECRET`, and every refusal names the field.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError, IoError, issuesFromZod, type Issue } from '../errors.js';
import { AgentConfigSchema, httpUrl } from './config-schema.js';

export { AgentConfigSchema } from './config-schema.js';

/** `agent.json` as written. */
export type AgentConfig = z.input<typeof AgentConfigSchema>;

type Parsed = z.output<typeof AgentConfigSchema>;

/** The configuration as the agent reads it: defaults filled in, every path absolute, the axis complete. */
export interface ResolvedAgentConfig extends Omit<Parsed, 'axis' | 'agencies' | 'stateDir'> {
  readonly axis: { readonly endpoint: string; readonly systemId: string; readonly secret: string; readonly timeoutMs?: number };
  readonly agencies: readonly { readonly organId: string; readonly organName: string }[];
  /** Absolute. */
  readonly stateDir: string;
  /** The folder relative paths were resolved against. */
  readonly baseDir: string;
}

/** Where relative paths start and where `VDXP_*` variables come from. */
export interface ResolveAgentConfigOptions {
  /** Folder of the configuration file. @defaultValue `process.cwd()` */
  readonly baseDir?: string;
  /** @defaultValue `process.env` */
  readonly env?: NodeJS.ProcessEnv;
  /** Names the configuration in errors. @defaultValue 'agent.json' */
  readonly target?: string;
}

const ENV_FALLBACK = [
  ['endpoint', 'VDXP_ENDPOINT'],
  ['systemId', 'VDXP_SYSTEM_ID'],
  ['secret', 'VDXP_SECRET'],
] as const;

/**
 * Validates a configuration object and resolves it.
 * @throws {ConfigError} VDXP_CONFIG_INVALID with one issue per bad field (`axis.secret`, `folders.inbox` …); secrets are never echoed
 * @example
 * ```ts
 * const config = resolveAgentConfig(JSON.parse(text), { baseDir: '/etc/vdxp' });
 * ```
 */
export function resolveAgentConfig(input: unknown, options: ResolveAgentConfigOptions = {}): ResolvedAgentConfig {
  const target = options.target ?? 'agent.json';
  const baseDir = resolve(options.baseDir ?? process.cwd());
  const env = options.env ?? process.env;
  const parsed = AgentConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(target, configIssues(parsed.error.issues));
  const c = parsed.data;
  const issues: Issue[] = [];
  const axis: Record<string, string | number | undefined> = { ...c.axis };
  for (const [field, variable] of ENV_FALLBACK) {
    if (axis[field] === undefined && env[variable]) axis[field] = env[variable];
    if (axis[field] === undefined) issues.push({ code: 'required', path: `axis.${field}`, message: `give axis.${field} or set ${variable}` });
  }
  if (axis.endpoint !== undefined && !httpUrl.safeParse(axis.endpoint).success) {
    issues.push({ code: 'invalid_format', path: 'axis.endpoint', message: 'expected an http:// or https:// URL (from VDXP_ENDPOINT)' });
  }
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const stateDir = c.stateDir !== undefined ? abs(c.stateDir) : c.store.type === 'file' ? abs(c.store.path) : undefined;
  if (stateDir === undefined) issues.push({ code: 'required', path: 'stateDir', message: 'give stateDir (a local folder) when the store is postgres' });
  const folders = { ...c.folders, outbox: abs(c.folders.outbox), sent: abs(c.folders.sent), failed: abs(c.folders.failed), inbox: abs(c.folders.inbox) };
  const seen = new Map<string, string>();
  for (const name of ['outbox', 'sent', 'failed', 'inbox'] as const) {
    const other = seen.get(folders[name]);
    if (other) issues.push({ code: 'not_unique', path: `folders.${name}`, message: `is the same folder as folders.${other}` });
    seen.set(folders[name], name);
  }
  const ids = c.agencies.map((a) => (typeof a === 'string' ? a : a.organId));
  if (new Set(ids).size !== ids.length) issues.push({ code: 'not_unique', path: 'agencies', message: 'an agency is listed twice' });
  if (issues.length > 0) throw new ConfigError(target, issues);
  return {
    ...c,
    axis: axis as ResolvedAgentConfig['axis'],
    agencies: c.agencies.map((a) => (typeof a === 'string' ? { organId: a, organName: a } : a)),
    store: c.store.type === 'file' ? { ...c.store, path: abs(c.store.path) } : c.store,
    stateDir: stateDir!,
    folders,
    ...(c.signing ? { signing: { ...c.signing, key: abs(c.signing.key), cert: abs(c.signing.cert), ...(c.signing.chain ? { chain: abs(c.signing.chain) } : {}) } } : {}),
    ...(c.verification
      ? {
          verification: {
            ...c.verification,
            ...(c.verification.trustDir ? { trustDir: abs(c.verification.trustDir) } : {}),
            anchors: c.verification.anchors.map(abs),
            intermediates: c.verification.intermediates.map(abs),
            crls: c.verification.crls.map(abs),
          },
        }
      : {}),
    baseDir,
  };
}

/**
 * Reads `agent.json` and resolves it (relative paths against its folder).
 * @throws {IoError} VDXP_IO when the file cannot be read
 * @throws {ConfigError} VDXP_CONFIG_INVALID when it is not JSON or a field is bad
 */
export async function loadAgentConfig(file: string, options: Omit<ResolveAgentConfigOptions, 'baseDir' | 'target'> = {}): Promise<ResolvedAgentConfig> {
  const full = resolve(file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (cause) {
    throw new IoError(full, `cannot read the configuration ${file}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(file, [{ code: 'not_json', path: '', message: 'the configuration is not valid JSON' }]);
  }
  return resolveAgentConfig(json, { ...options, baseDir: dirname(full), target: file });
}

/** Secrets the agent must never write anywhere: in logs, errors, events. */
export function secretsOf(config: ResolvedAgentConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const out = [config.axis.secret, config.api?.token, config.webhook?.secret];
  if (config.store.type === 'postgres') {
    try {
      const password = decodeURIComponent(new URL(config.store.url).password);
      out.push(password, config.store.url);
    } catch {
      out.push(config.store.url);
    }
  }
  if (config.signing?.passphraseEnv) out.push(env[config.signing.passphraseEnv]);
  return out.filter((s): s is string => typeof s === 'string' && s.length > 0);
}

/** One issue per unknown key (named with its path), values never quoted. */
function configIssues(zodIssues: readonly z.core.$ZodIssue[]): Issue[] {
  return zodIssues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ code: i.code, path: [...i.path.map(String), k].join('.'), message: 'unknown field' }))
      : issuesFromZod([i]).map(withoutValues),
  );
}

/** zod messages can quote the value received; a secret must not travel in an error. */
function withoutValues(issue: Issue): Issue {
  return /secret|token|url/i.test(issue.path) ? { ...issue, message: issue.message.replace(/received .*/s, 'received a bad value') } : issue;
}
