/**
 * Options of {@link Connector}, parsed once with zod at the door.
 * @module
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../errors.js';
import { OrganizationSchema, type Organization } from '../edxml/model.js';
import { SignEdxmlOptionsSchema } from '../signature/xmldsig/sign-options.js';
import { VerificationPolicySchema } from '../signature/report.js';
import { isTrustStore, type TrustStore } from '../signature/trust-store.js';
import { AxisClient } from '../transport/axis-client.js';
import { AxisClientOptionsSchema } from '../transport/options.js';
import type { Store } from '../store/store.js';
import { DeadlinePolicySchema, type DeadlinePolicy } from './deadlines.js';
import type { SignatureCheck } from './verification.js';

const isFunction = (v: unknown): boolean => typeof v === 'function';
const isStore = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && ['putBlob', 'addOutbox', 'claimOutbox', 'addInbox', 'addStatus', 'close'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function');
const agencyOrganization = OrganizationSchema.extend({ organName: z.string().min(1) });

/**
 * Retries of the outbox (a `sendEdoc` is never retried by the client itself), and the pause
 * before a received entry whose hand-over failed is tried again (`baseDelayMs` doubling up to
 * `maxDelayMs`; hand-overs have no `maxAttempts`: they are tried for as long as it takes).
 */
export const OutboxRetrySchema = z.strictObject({
  /** Attempts before an entry is `failed`. @defaultValue 12 */
  maxAttempts: z.number().int().min(1).max(1000).default(12),
  /** Delay after the first failure; doubles each time, with jitter. @defaultValue 1000 */
  baseDelayMs: z.number().int().min(0).default(1_000),
  /** Cap of one delay. @defaultValue 300000 (5 minutes) */
  maxDelayMs: z.number().int().min(0).default(300_000),
});

/** Signature checks of received documents. */
export const VerificationOptionsSchema = z.strictObject({
  /** Judges the signers' certificates. */
  trust: z.custom<TrustStore>(isTrustStore, 'expected a TrustStore'),
  /** Algorithm and revocation policy. @defaultValue the trust store's */
  policy: VerificationPolicySchema.optional(),
  /**
   * A document whose signatures are invalid is `refuse`d (01, then 02 with the reason),
   * `hold` (handed over marked `held`, a person decides) or `accept`ed (marked, processed).
   */
  onInvalid: z.enum(['refuse', 'hold', 'accept']),
  /** The same for an indeterminate verdict (no signature, no revocation answer). @defaultValue 'hold' */
  onIndeterminate: z.enum(['refuse', 'hold', 'accept']).default('hold'),
  /**
   * The package's XML signature: `required`, or checked `if-present` (it is optional on the
   * axis; the legal signature is in the PDF). @defaultValue 'if-present'
   */
  packageSignature: z.enum(['required', 'if-present']).default('if-present'),
  /**
   * The PDF attachments' signatures (Nghị định 30/2020 Art. 5: the person's and the body's on
   * the document, the body's on appendices): `required` (a document without a signed PDF is
   * held or refused by `onIndeterminate`), `if-present`, or `off`. @defaultValue 'required'
   */
  pdfSignatures: z.enum(['required', 'if-present', 'off']).default('required'),
  /** More checks after the built-in ones. @defaultValue [] */
  checks: z.array(z.custom<SignatureCheck>((v) => typeof (v as { check?: unknown } | null)?.check === 'function', 'expected a SignatureCheck')).default([]),
});

/** Schema of {@link ConnectorOptions}. */
export const ConnectorOptionsSchema = z
  .strictObject({
    /** An `AxisClient`, or the options to make one. */
    axis: z.union([z.instanceof(AxisClient), AxisClientOptionsSchema]),
    /** Where everything is kept (`FileStore`, `PostgresStore`). */
    store: z.custom<Store>(isStore, 'expected a Store'),
    /** The agency this connector speaks for (its OrganName is required). */
    agency: agencyOrganization.optional(),
    /** Several agencies behind one axis connection (a provincial hub); the first is the default sender. */
    agencies: z.array(agencyOrganization).min(1).optional(),
    /** Sign every package sent (edoc and status) with `signEdxml`. */
    signing: SignEdxmlOptionsSchema.omit({ signal: true, replace: true }).optional(),
    verification: VerificationOptionsSchema.optional(),
    /** Deadlines for overdue events and reports (`DeadlinePolicySchema`). @defaultValue none: no overdue events */
    deadlines: z
      .custom<DeadlinePolicy>((v) => DeadlinePolicySchema.safeParse(v).success, 'expected a deadline policy (see DeadlinePolicySchema)')
      .optional(),
    /** Pause between two passes of the receive loop. @defaultValue 5000 */
    pollIntervalMs: z.number().int().min(1).default(5_000),
    /** The outbox's and the hand-over's back-off (`OutboxRetrySchema`). @defaultValue `{ maxAttempts: 12, baseDelayMs: 1000, maxDelayMs: 300000 }` */
    retry: OutboxRetrySchema.prefault({}),
    /** Lease of claimed work; another worker may take it over after this. @defaultValue 60000 */
    leaseMs: z.number().int().min(100).default(60_000),
    /**
     * Packages sent, fetched and processed at once. Packages about the same document keep
     * their order, and a request (revoke, update, replacement, take-back) waits for what was
     * queued or listed before it. 1: one at a time.
     * @defaultValue 8
     */
    concurrency: z.number().int().min(1).max(64).default(8),
    /** Items taken per claim or listing. @defaultValue 20 */
    batchSize: z.number().int().min(1).max(1000).default(20),
    /** Largest package received or sent. @defaultValue 256 MiB */
    maxPackageBytes: z.number().int().positive().default(256 * 1024 * 1024),
    /** Fetch received packages with `downloadEdoc` (streamed) or `getEdoc` (base64 JSON). @defaultValue 'downloadEdoc' */
    fetch: z.enum(['downloadEdoc', 'getEdoc']).default('downloadEdoc'),
    /** Require strict agency ids (`LLL.KK.JJ.Xnn`) in what is sent. @defaultValue true */
    strictAgencyIds: z.boolean().default(true),
    /** @defaultValue `() => new Date()` */
    now: z.custom<() => Date>(isFunction, 'expected a function returning a Date').optional(),
    /** Source of jitter in [0, 1). @defaultValue Math.random */
    random: z.custom<() => number>(isFunction, 'expected a function returning a number').optional(),
    /** Names this worker in leases. @defaultValue `<host>-<pid>-<random>` */
    workerId: z.string().trim().min(1).max(100).optional(),
    /** Aborting it stops the connector. */
    signal: z.instanceof(AbortSignal).optional(),
  })
  .refine((o) => (o.agency === undefined) !== (o.agencies === undefined), { message: 'give either agency or agencies', path: ['agency'] })
  .refine((o) => new Set((o.agencies ?? []).map((a) => a.organId)).size === (o.agencies ?? []).length, { message: 'an agency is listed twice', path: ['agencies'] });

/** What callers give `new Connector(...)`. */
export type ConnectorOptions = z.input<typeof ConnectorOptionsSchema>;

/** The options as the connector reads them. */
export interface ResolvedConnectorOptions extends Omit<z.output<typeof ConnectorOptionsSchema>, 'axis' | 'agency' | 'agencies' | 'now' | 'random' | 'workerId'> {
  readonly axis: AxisClient;
  /** Every agency, the default sender first. */
  readonly agencies: readonly (Organization & { organName: string })[];
  /** The clock. */
  readonly now: () => Date;
  /** Random numbers in [0, 1) for back-off jitter. */
  readonly random: () => number;
  readonly workerId: string;
}

/**
 * Parses connector options.
 * @throws {ConfigError} VDXP_CONFIG_INVALID naming each bad field (secrets never echoed)
 */
export function resolveConnectorOptions(input: unknown): ResolvedConnectorOptions {
  const parsed = ConnectorOptionsSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError('Connector', issuesFromZod(parsed.error.issues));
  const o = parsed.data;
  const axis = o.axis instanceof AxisClient ? o.axis : new AxisClient(o.axis);
  return {
    ...o,
    axis,
    agencies: o.agencies ?? [o.agency!],
    now: o.now ?? (() => new Date()),
    random: o.random ?? Math.random,
    workerId: o.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
  };
}
