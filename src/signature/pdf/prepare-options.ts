/**
 * Options of {@link preparePdfSignature}, validated once with zod.
 * @module
 */
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../../errors.js';
import { SignatureAppearanceSchema } from './appearance.js';

/** A certificate as DER bytes or PEM text. */
export const CertificateInputSchema = z.union([z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes'), z.string().min(1)]);

/**
 * The options of {@link preparePdfSignature} (unknown keys are refused).
 * @example
 * ```ts
 * PreparePdfSignatureOptionsSchema.parse({ field: 'Signature1', reason: 'Phê duyệt' });
 * ```
 */
export const PreparePdfSignatureOptionsSchema = z.strictObject({
  /**
   * Name of the signature field. An existing, unsigned signature field of that name is signed;
   * otherwise a new field is added with its widget on page 1. @defaultValue `Signature<n>`
   */
  field: z.string().min(1).max(200).optional(),
  /** `/Reason` (Unicode kept). */
  reason: z.string().max(1000).optional(),
  /** `/Location`. */
  location: z.string().max(1000).optional(),
  /** `/Name`. @defaultValue the certificate's CN when `certificate` is given */
  name: z.string().max(1000).optional(),
  /** `/ContactInfo`. */
  contactInfo: z.string().max(1000).optional(),
  /** The signing time written in `/M` (and signingTime for pkcs7). @defaultValue now */
  signingTime: z.date().optional(),
  /** A visible signature; invisible when absent. */
  appearance: SignatureAppearanceSchema.optional(),
  /** The signer's certificate, to fill `/Name` and the appearance texts. */
  certificate: CertificateInputSchema.optional(),
  /** @defaultValue 'adbe.pkcs7.detached' */
  subFilter: z.enum(['adbe.pkcs7.detached', 'ETSI.CAdES.detached']).default('adbe.pkcs7.detached'),
  /** Digest of the byte ranges. @defaultValue 'SHA-256' */
  digestAlgorithm: z.enum(['SHA-256', 'SHA-384', 'SHA-512']).default('SHA-256'),
  /** Bytes reserved for the CMS (the hex placeholder is twice as long). @defaultValue 16384 */
  placeholderSize: z.number().int().min(1024).max(4 * 1024 * 1024).default(16384),
  /**
   * Make this the certification signature (DocMDP) with these permissions: `true` or `2` form
   * filling and signing, `1` no change, `3` also annotations. Only for the first signature.
   * @defaultValue false
   */
  certify: z.union([z.boolean(), z.literal(1), z.literal(2), z.literal(3)]).default(false),
});

/** What a caller passes to {@link preparePdfSignature}. */
export type PreparePdfSignatureOptions = z.input<typeof PreparePdfSignatureOptionsSchema>;
/** The options as the preparer reads them. */
export type ResolvedPreparePdfSignatureOptions = z.output<typeof PreparePdfSignatureOptionsSchema>;

/**
 * Validates {@link PreparePdfSignatureOptions}.
 * @throws {ConfigError} VDXP_CONFIG_INVALID
 */
export function resolvePreparePdfSignatureOptions(input: unknown, target = 'preparePdfSignature'): ResolvedPreparePdfSignatureOptions {
  const parsed = PreparePdfSignatureOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError(target, issuesFromZod(parsed.error.issues), { cause: parsed.error });
  return parsed.data;
}
