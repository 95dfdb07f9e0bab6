/**
 * The schema of `agent.json` (zod, unknown fields refused). Resolution (paths, environment)
 * is in `config.ts`.
 * @module
 */
import { z } from 'zod';
import { AGENCY_ID_PATTERN } from '../edxml/agency-id.js';
import { VerificationPolicySchema } from '../signature/report.js';
import { DeadlinePolicySchema } from '../connector/deadlines.js';
import { OutboxRetrySchema } from '../connector/options.js';

const path = z.string().trim().min(1, 'expected a path');
/** An http(s) URL. */
export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
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
