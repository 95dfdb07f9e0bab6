/**
 * Options of {@link signPdf}, validated once with zod.
 * @module
 */
import type { webcrypto } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../../errors.js';
import type { SigningKey } from '../xmldsig/signer.js';
import { SignatureAppearanceSchema } from './appearance.js';
import { CertificateInputSchema } from './prepare-options.js';

/** What a time-stamping authority is asked: the digest of the signature value. */
export interface TimestampRequestInfo {
  readonly algorithm: 'SHA-256';
  /** The signature value the token must cover. */
  readonly signature: Uint8Array;
}

/** A function that obtains an RFC 3161 token (DER) for a digest of the signature value. */
export type TimestampAuthority = (digest: Uint8Array, info: TimestampRequestInfo) => Promise<Uint8Array>;

const TimestampSchema = z.union([
  z.strictObject({ token: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected the token bytes') }),
  z.strictObject({ tsa: z.custom<TimestampAuthority>((v) => typeof v === 'function', 'expected a function (digest) => Promise<token>') }),
]);

/**
 * The options of {@link signPdf} (unknown keys are refused).
 * @example
 * ```ts
 * SignPdfOptionsSchema.parse({ key: pem, certificate: certPem, subFilter: 'ETSI.CAdES.detached' });
 * ```
 */
export const SignPdfOptionsSchema = z.strictObject({
  /** A Node `KeyObject`, a PEM private key, a WebCrypto `CryptoKey`, or an external signer (`sign(signedAttributesDer)` or `signDigest(digest)`). */
  key: z.custom<SigningKey>((v) => typeof v === 'string' || (typeof v === 'object' && v !== null), 'a KeyObject, a PEM private key, a CryptoKey or an external signer'),
  /** The signer's certificate, DER bytes or PEM. */
  certificate: CertificateInputSchema,
  /** CA certificates to embed after the signer's (DER or PEM each, or one PEM bundle). @defaultValue [] (only the leaf, as in practice) */
  chain: z.union([z.string(), z.array(CertificateInputSchema)]).optional(),
  /** @defaultValue 'adbe.pkcs7.detached' */
  subFilter: z.enum(['adbe.pkcs7.detached', 'ETSI.CAdES.detached']).default('adbe.pkcs7.detached'),
  /** @defaultValue from the key: `rsa-sha256`, `rsa-pss-sha256` for an RSASSA-PSS key, `ecdsa-sha256|384|512` by curve */
  algorithm: z
    .enum(['rsa-sha256', 'rsa-sha384', 'rsa-sha512', 'rsa-pss-sha256', 'rsa-pss-sha384', 'rsa-pss-sha512', 'ecdsa-sha256', 'ecdsa-sha384', 'ecdsa-sha512'])
    .optional(),
  /** An RFC 3161 token as the unsigned attribute: a ready token, or a TSA called with the digest of the signature value. */
  timestamp: TimestampSchema.optional(),
  /** @defaultValue now */
  signingTime: z.date().optional(),
  field: z.string().min(1).max(200).optional(),
  reason: z.string().max(1000).optional(),
  location: z.string().max(1000).optional(),
  /** @defaultValue the certificate's CN */
  name: z.string().max(1000).optional(),
  contactInfo: z.string().max(1000).optional(),
  /** A visible signature; invisible when absent. */
  appearance: SignatureAppearanceSchema.optional(),
  /** Certification signature (DocMDP): `true` = P=2. Only the first signature may certify. @defaultValue false */
  certify: z.union([z.boolean(), z.literal(1), z.literal(2), z.literal(3)]).default(false),
  /** Bytes reserved for the CMS. @defaultValue computed from the certificates and the timestamp */
  placeholderSize: z.number().int().min(1024).max(4 * 1024 * 1024).optional(),
  /** Passphrase of an encrypted PEM key. */
  passphrase: z.string().optional(),
  /** The WebCrypto implementation that owns a `CryptoKey`. @defaultValue Node's */
  subtle: z.custom<webcrypto.SubtleCrypto>((v) => typeof v === 'object' && v !== null && typeof (v as { sign?: unknown }).sign === 'function').optional(),
  signal: z.instanceof(AbortSignal).optional(),
});

/** What a caller passes to {@link signPdf}. */
export type SignPdfOptions = z.input<typeof SignPdfOptionsSchema>;
/** The options as the signer reads them. */
export type ResolvedSignPdfOptions = z.output<typeof SignPdfOptionsSchema>;

/**
 * Validates {@link SignPdfOptions}.
 * @throws {ConfigError} VDXP_CONFIG_INVALID
 */
export function resolveSignPdfOptions(input: unknown): ResolvedSignPdfOptions {
  const parsed = SignPdfOptionsSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError('signPdf', issuesFromZod(parsed.error.issues), { cause: parsed.error });
  return parsed.data;
}
