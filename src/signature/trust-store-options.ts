/**
 * Options of {@link TrustStore.create}, parsed once with zod.
 * @module
 */
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../errors.js';
import { VerificationPolicySchema } from './report.js';
import type { Fetcher } from './fetcher.js';

const Bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected a Uint8Array' });
const CertificateInput = z.union([Bytes, z.string().min(1)]);

/** Zod schema, validated at the boundary (unknown keys refused where it is a strict object). */
export const TrustStoreOptionsSchema = z.strictObject({
  /** Accept the public "Vietnam National Root CA" pin (not for official documents). @defaultValue false */
  nationalRoot: z.boolean().default(false),
  /** Allow fetching CRLs, OCSP answers and CA certificates. Nothing is fetched without it. @defaultValue false */
  allowNetwork: z.boolean().default(false),
  /** How to fetch; defaults to {@link createHttpFetcher} when `allowNetwork` is true. */
  fetcher: z.custom<Fetcher>((v) => typeof v === 'function', { message: 'expected a function' }).optional(),
  /** Anchors supplied as files: each must match a built-in pin (PEM or DER). @defaultValue [] */
  pinnedAnchors: z.array(CertificateInput).default([]),
  /** Anchors trusted explicitly (test PKIs, private CAs). @defaultValue [] */
  customAnchors: z.array(CertificateInput).default([]),
  /** Intermediate CA certificates available to chain building. @defaultValue [] */
  intermediates: z.array(CertificateInput).default([]),
  /** CRLs supplied offline (DER or PEM). @defaultValue [] */
  crls: z.array(CertificateInput).default([]),
  /** Ask OCSP responders (from the certificate's AIA) when no CRL answers. @defaultValue false */
  ocsp: z.boolean().default(false),
  /** Send a nonce in OCSP requests and require it back. @defaultValue false */
  ocspNonce: z.boolean().default(false),
  /** Time allowed per fetch. @defaultValue 10000 */
  fetchTimeoutMs: z.number().int().positive().default(10_000),
  cache: z
    .strictObject({
      /** Entries kept per cache (CRLs, OCSP answers, fetched certificates). @defaultValue 256 */
      maxEntries: z.number().int().positive().default(256),
      /** How long an OCSP answer without nextUpdate is reused. @defaultValue 300000 (5 min) */
      ocspMaxAgeMs: z.number().int().nonnegative().default(300_000),
      /** How long a CRL without nextUpdate is reused. @defaultValue 3600000 (1 h) */
      crlMaxAgeMs: z.number().int().nonnegative().default(3_600_000),
    })
    .prefault({}),
  /** Clock for cache freshness and OCSP currency. @defaultValue () => new Date() */
  now: z.custom<() => Date>((v) => typeof v === 'function', { message: 'expected a function' }).optional(),
  /** Policy used when a verification does not give one. */
  policy: VerificationPolicySchema.prefault({}),
});

/** What callers pass to {@link TrustStore.create}. */
export type TrustStoreOptions = z.input<typeof TrustStoreOptionsSchema>;
/** What the trust store reads. */
export type ResolvedTrustStoreOptions = z.output<typeof TrustStoreOptionsSchema>;

/**
 * Parses trust store options.
 * @throws {ConfigError} VDXP_CONFIG_INVALID
 */
export function resolveTrustStoreOptions(input: unknown): ResolvedTrustStoreOptions {
  const parsed = TrustStoreOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError('TrustStore', issuesFromZod(parsed.error.issues), { cause: parsed.error });
  return parsed.data;
}

/** Zod schema of {@link VerifyCertificateOptions}. */
export const VerifyCertificateOptionsSchema = z.strictObject({
  at: z.date().refine((d) => !Number.isNaN(d.getTime()), 'invalid date'),
  extraCertificates: z.array(Bytes).readonly().default([]),
  policy: VerificationPolicySchema.optional(),
  usage: z.enum(['signing', 'timestamping', 'ca']).default('signing'),
  signal: z.instanceof(AbortSignal).optional(),
});

/** Options of {@link TrustStore.verifyCertificate}. */
export type VerifyCertificateOptions = z.input<typeof VerifyCertificateOptionsSchema>;
/** As resolved, with defaults filled in: the output of {@link VerifyCertificateOptionsSchema}. */
export type ResolvedVerifyCertificateOptions = z.output<typeof VerifyCertificateOptionsSchema>;

/**
 * Parses verification options.
 * @throws {ConfigError} VDXP_CONFIG_INVALID
 */
export function resolveVerifyCertificateOptions(input: unknown): ResolvedVerifyCertificateOptions {
  const parsed = VerifyCertificateOptionsSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError('verifyCertificate', issuesFromZod(parsed.error.issues), { cause: parsed.error });
  return parsed.data;
}
