/**
 * Options of {@link signEdxml}, validated once with zod.
 * @module
 */
import type { webcrypto } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../../errors.js';
import type { SigningKey } from './signer.js';

const certificateInput = z.union([z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes'), z.string().min(1)]);

/**
 * The options of {@link signEdxml}, as a zod schema (unknown keys are refused).
 * @example
 * ```ts
 * const options = SignEdxmlOptionsSchema.parse({ key: pem, certificate: certPem, algorithm: 'rsa-pss-sha256' });
 * ```
 */
export const SignEdxmlOptionsSchema = z.strictObject({
  /** A Node `KeyObject`, a PEM private key, a WebCrypto `CryptoKey`, or an external signer (`sign` or `signDigest`). */
  key: z.custom<SigningKey>(
    (v) => typeof v === 'string' || (typeof v === 'object' && v !== null),
    'a KeyObject, a PEM private key, a CryptoKey or an external signer',
  ),
  /** The signer's certificate, DER bytes or PEM. */
  certificate: certificateInput,
  /** CA certificates to put in KeyInfo after the signer's (DER or PEM each, or one PEM bundle). @defaultValue [] */
  chain: z.union([z.string(), z.array(certificateInput)]).optional(),
  /** @defaultValue from the key: `rsa-sha256`, `rsa-pss-sha256` for an RSASSA-PSS key, `ecdsa-sha256|384|512` by curve */
  algorithm: z
    .enum(['rsa-sha256', 'rsa-sha384', 'rsa-sha512', 'rsa-pss-sha256', 'rsa-pss-sha384', 'rsa-pss-sha512', 'ecdsa-sha256', 'ecdsa-sha384', 'ecdsa-sha512'])
    .optional(),
  /** Canonicalization of the package and of SignedInfo. @defaultValue 'exclusive' */
  c14n: z.enum(['exclusive', 'inclusive']).default('exclusive'),
  /** Replace an existing XML signature (a placeholder or QCVN-namespace one is always replaced). @defaultValue false */
  replace: z.boolean().default(false),
  /** Passphrase of an encrypted PEM key. */
  passphrase: z.string().optional(),
  /** The WebCrypto implementation that owns a `CryptoKey` (a hardware token's provider). @defaultValue Node's */
  subtle: z.custom<webcrypto.SubtleCrypto>((v) => typeof v === 'object' && v !== null && typeof (v as { sign?: unknown }).sign === 'function').optional(),
  signal: z.instanceof(AbortSignal).optional(),
});

/** What a caller passes to {@link signEdxml}. */
export type SignEdxmlOptions = z.input<typeof SignEdxmlOptionsSchema>;
/** The options as the signer reads them. */
export type ResolvedSignEdxmlOptions = z.output<typeof SignEdxmlOptionsSchema>;

/**
 * Validates {@link SignEdxmlOptions}.
 * @throws {ConfigError} VDXP_CONFIG_INVALID
 */
export function resolveSignEdxmlOptions(input: unknown): ResolvedSignEdxmlOptions {
  const parsed = SignEdxmlOptionsSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError('signEdxml', issuesFromZod(parsed.error.issues), { cause: parsed.error });
  return parsed.data;
}
