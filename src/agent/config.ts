/**
 * The agent's configuration (`agent.json`), parsed once with zod: relative paths are resolved
 * against the configuration file's folder, the axis connection may come from `VDXP_ENDPOINT`,
 * `VDXP_SYSTEM_ID` and `VDXP_SECRET`, and every refusal names the field.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, IoError, issuesFromZod, type Issue } from '../errors.js';
import { AGENCY_ID_PATTERN } from '../edxml/agency-id.js';
import { VerificationPolicySchema } from '../signature/report.js';
import { DeadlinePolicySchema } from '../connector/deadlines.js';
import { OutboxRetrySchema } from '../connector/options.js';

const path = z.string().trim().min(1, 'expected a path');
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
const agencyId = z.string().trim().regex(AGENCY_ID_PATTERN, 'expected an agency id such as 000.00.00.G09');

/** The axis connection; a missing field is taken from `VDXP_ENDPOINT`, `VDXP_SYSTEM_ID`, `VDXP_SECRET`. */
const AgentAxisSchema = z.strictObject({
  endpoint: httpUrl.optional(),
  systemId: z.string().trim().min(1).optional(),
  /** Never logged, never in an error. */
  secret: z.string().min(1).optional(),
  /** Time allowed per axis call. @defaultValue 30000 */
  timeoutMs: z.number().int().positive().optional(),
});

/** Where the connector keeps its state. */
const AgentStoreSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('file'),
    /** The FileStore's folder. */
    path,
    /** @defaultValue true */
    fsync: z.boolean().default(true),
  }),
  z.strictObject({
    type: z.literal('postgres'),
    /** `postgres://user:password@host/db` (the password is redacted from logs). */
    url: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL'),
    /** @defaultValue 'vdxp' */
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lowercase SQL identifier').optional(),
    maxConnections: z.number().int().min(1).max(1000).optional(),
  }),
]);

/** The folders shared with the document system. */
const AgentFoldersSchema = z.strictObject({
  /** Where the system drops `NAME.json` and its files. */
  outbox: path,
  /** Where sent drops go, each with `NAME.result.json`. */
  sent: path,
  /** Where refused or undeliverable drops go, each with `NAME.error.json`. */
  failed: path,
  /** Where each received document is written as a folder. */
  inbox: path,
  /**
   * `json-last`: a drop is complete once `NAME.json` is there (write it last, ideally by
   * renaming it into place) or a `NAME.ready` marker is; `ready-marker`: only `NAME.ready` counts.
   * @defaultValue 'json-last'
   */
  complete: z.enum(['json-last', 'ready-marker']).default('json-last'),
  /** How often the outbox folder is scanned. @defaultValue 1000 */
  scanIntervalMs: z.number().int().min(20).default(1_000),
  /** A `NAME.json` that does not parse is taken as still being written for this long. @defaultValue 5000 */
  settleMs: z.number().int().min(0).default(5_000),
});

/** The local HTTP API. */
const AgentApiSchema = z.strictObject({
  /** @defaultValue '127.0.0.1' (loopback only) */
  host: z.string().trim().min(1).default('127.0.0.1'),
  /** 0 picks a free port (logged at start). */
  port: z.number().int().min(0).max(65_535),
  /** Bearer token every request but `GET /health` must carry. */
  token: z.string().min(16, 'expected a token of at least 16 characters'),
  /** Largest request body. @defaultValue 64 MiB */
  maxBodyBytes: z.number().int().min(1024).default(64 * 1024 * 1024),
});

/** Events POSTed to the system. */
const AgentWebhookSchema = z.strictObject({
  url: httpUrl,
  /** HMAC-SHA256 key of `X-Vdxp-Signature`. */
  secret: z.string().min(16, 'expected a secret of at least 16 characters'),
  /** Time allowed per delivery attempt. @defaultValue 10000 */
  timeoutMs: z.number().int().positive().default(10_000),
  /** First retry delay; doubles per failure, with jitter. @defaultValue 1000 */
  baseDelayMs: z.number().int().min(1).default(1_000),
  /** Cap of one retry delay. @defaultValue 300000 */
  maxDelayMs: z.number().int().min(1).default(300_000),
  /** At shutdown, time spent delivering what is queued. @defaultValue 5000 */
  flushTimeoutMs: z.number().int().min(0).default(5_000),
});

/** Signing of every package sent (`signEdxml`). */
const AgentSigningSchema = z.strictObject({
  /** Private key, PEM. */
  key: path,
  /** Signer's certificate, PEM or DER. */
  cert: path,
  /** CA certificates to include, PEM bundle. */
  chain: path.optional(),
  /** Environment variable holding the key's passphrase. */
  passphraseEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name').optional(),
  algorithm: z
    .enum(['rsa-sha256', 'rsa-sha384', 'rsa-sha512', 'rsa-pss-sha256', 'rsa-pss-sha384', 'rsa-pss-sha512', 'ecdsa-sha256', 'ecdsa-sha384', 'ecdsa-sha512'])
    .optional(),
  /** @defaultValue 'exclusive' */
  c14n: z.enum(['exclusive', 'inclusive']).optional(),
});

/** Signature checks of received documents (a `TrustStore` built from files). */
const AgentVerificationSchema = z.strictObject({
  /** A folder of CA certificates (`*.pem|crt|cer|der`), each matching a built-in pin. */
  trustDir: path.optional(),
  /** CA certificates trusted explicitly (private CA, test PKI). @defaultValue [] */
  anchors: z.array(path).default([]),
  /** CA certificates available to chain building. @defaultValue [] */
  intermediates: z.array(path).default([]),
  /** CRL files (DER or PEM). @defaultValue [] */
  crls: z.array(path).default([]),
  /** Accept the public Vietnam National Root CA pin. @defaultValue false */
  nationalRoot: z.boolean().default(false),
  /** Fetch CRLs, OCSP answers and CA certificates. @defaultValue false */
  online: z.boolean().default(false),
  policy: VerificationPolicySchema.optional(),
  /** What to do with a document whose signatures are invalid. */
  onInvalid: z.enum(['refuse', 'hold', 'accept']),
  /** @defaultValue 'hold' */
  onIndeterminate: z.enum(['refuse', 'hold', 'accept']).default('hold'),
  /** The package's XML signature: `required` or checked `if-present`. @defaultValue 'if-present' */
  packageSignature: z.enum(['required', 'if-present']).default('if-present'),
  /** The PDF attachments' signatures. @defaultValue 'required' */
  pdfSignatures: z.enum(['required', 'if-present', 'off']).default('required'),
});

/** Schema of `agent.json`. */
export const AgentConfigSchema = z.strictObject({
  axis: AgentAxisSchema.prefault({}),
  /** The agencies this system speaks for (ids, or `{ organId, organName }`); the first is the default sender. */
  agencies: z
    .array(z.union([agencyId, z.strictObject({ organId: agencyId, organName: z.string().trim().min(1) })]))
    .min(1, 'expected at least one agency'),
  store: AgentStoreSchema,
  /** The agent's own state (journal of drops, webhook queue, temporary files). @defaultValue `store.path` for a file store */
  stateDir: path.optional(),
  folders: AgentFoldersSchema,
  /** Pause between two passes of the receive loop. @defaultValue 5000 */
  pollIntervalMs: z.number().int().min(10).default(5_000),
  api: AgentApiSchema.optional(),
  webhook: AgentWebhookSchema.optional(),
  signing: AgentSigningSchema.optional(),
  verification: AgentVerificationSchema.optional(),
  /** Deadlines for overdue events and the compliance report (`DeadlinePolicySchema`). */
  deadlines: DeadlinePolicySchema.optional(),
  /** Retries of the connector's outbox (`OutboxRetrySchema`). */
  retry: OutboxRetrySchema.optional(),
  /** Largest package received or sent. @defaultValue 256 MiB */
  maxPackageBytes: z.number().int().positive().optional(),
  log: z.strictObject({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') }).prefault({}),
  /** Names this agent in the store's leases. @defaultValue `<host>-<pid>-<random>` */
  workerId: z.string().trim().min(1).max(100).optional(),
});

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
