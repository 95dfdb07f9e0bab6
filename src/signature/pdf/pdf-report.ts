/**
 * What {@link verifyPdf} returns: a report per signature field, and the document-level
 * answer the receiving clerk needs (Nghị định 30/2020 Art. 5 and 21): is there a valid
 * signature of the competent person and of the issuing body, is the whole file covered, and
 * what changed after signing.
 * @module
 */
import { z } from 'zod';
import type { DigestName } from '../algorithms.js';
import type { CertificateSummary, Reason, SignatureReport, Verdict } from '../report.js';
import { VerificationPolicySchema } from '../report.js';
import { isTrustStore, type TrustStore } from '../trust-store.js';
import type { PdfChange } from './revision-changes.js';
import type { SignerRole, SignerRoleDecision } from './signer-role.js';

export type { PdfChange, PdfChangeKind } from './revision-changes.js';
export type { SignerRole, SignerRoleDecision } from './signer-role.js';

/** The RFC 3161 timestamp of a signature, as checked. */
export interface PdfTimestampSummary {
  /** ISO 8601: the time the token proves. */
  readonly time: string;
  /** The time-stamping authority. */
  readonly tsa?: CertificateSummary;
  readonly verdict: Verdict;
  readonly imprintAlgorithm: DigestName;
}

/** The outcome of one signature field. Reasons from the timestamp have messages prefixed `Timestamp:` / `Dấu thời gian:`. */
export interface PdfSignatureReport extends SignatureReport {
  /** Fully qualified field name. */
  readonly field: string;
  /** `document-timestamp` for an `ETSI.RFC3161` document timestamp (then `signer` is the TSA). */
  readonly kind: 'signature' | 'document-timestamp';
  readonly subFilter?: string;
  /** `[0, a, b, c]` as read (when well-formed). */
  readonly byteRange?: readonly number[];
  /** Index of the revision the signature covers (0 = the original file); absent when the ranges end elsewhere. */
  readonly revision?: number;
  /** The byte ranges reach the end of the file (only line ends after them). */
  readonly coversWholeFile: boolean;
  /** The message digest matches the signed bytes. */
  readonly digestValid?: boolean;
  /** The CMS signature verifies with the signer's certificate. */
  readonly cmsSignatureValid?: boolean;
  readonly timestamp?: PdfTimestampSummary;
  /** ISO 8601: the signingTime signed attribute (a claim). */
  readonly claimedSigningTime?: string;
  /** ISO 8601: `/M` of the signature dictionary (a claim). */
  readonly signingDate?: string;
  readonly reason?: string;
  readonly location?: string;
  /** `/Name` of the signature dictionary. */
  readonly name?: string;
  readonly contactInfo?: string;
  readonly role?: SignerRole;
  readonly roleBasis?: SignerRoleDecision['basis'];
  /** Present for a certification signature (DocMDP): the permissions it grants. */
  readonly certification?: { readonly permissions: 1 | 2 | 3 };
  /** Changes made by later revisions (empty when the signature covers the whole file). */
  readonly changesAfter: readonly PdfChange[];
  /** The certificates embedded in the signature, as found (not trusted by being there). */
  readonly certificates: readonly CertificateSummary[];
}

/** The outcome of a whole PDF. */
export interface PdfVerificationReport {
  /** Worst verdict over the signatures and the document's own reasons; `indeterminate` when unsigned. */
  readonly verdict: Verdict;
  /** Document-level reasons (broken cross-reference, no signature, Art. 5 completeness as info). */
  readonly reasons: readonly Reason[];
  /** One per signed signature field, in signing order (by the end of their byte ranges). */
  readonly signatures: readonly PdfSignatureReport[];
  /** Signature fields not signed yet. */
  readonly emptySignatureFields: readonly string[];
  /** Revisions of the file (incremental updates + 1). */
  readonly revisions: number;
  readonly hasValidPersonSignature: boolean;
  readonly hasValidOrganizationSignature: boolean;
  /** Both, as Nghị định 30/2020 Art. 5 requires for an original (appendices and copies need the body's alone). */
  readonly legallyComplete: boolean;
  /** A valid-digest signature covers the whole file. */
  readonly wholeFileCovered: boolean;
  /** What changed after the last signature. */
  readonly changesAfterSigning: readonly PdfChange[];
  /** The cross-reference was broken and rebuilt by scanning. */
  readonly xrefReconstructed: boolean;
}

/**
 * The options of {@link verifyPdf} (unknown keys are refused).
 * @example
 * ```ts
 * VerifyPdfOptionsSchema.parse({ trust, roles: { Signature1: 'organization' } });
 * ```
 */
export const VerifyPdfOptionsSchema = z.strictObject({
  /** The trust store that judges signers' and TSAs' certificates. */
  trust: z.custom<TrustStore>(isTrustStore, 'a TrustStore'),
  /** The time validity is judged at when a signature proves none (no timestamp, no claimed time). @defaultValue now */
  at: z.date().optional(),
  /** Algorithm and revocation policy. @defaultValue the trust store's */
  policy: VerificationPolicySchema.optional(),
  /** Role overrides, keyed by a signer certificate's SHA-256 (lowercase hex) or a field name. */
  roles: z.record(z.string(), z.enum(['person', 'organization'])).optional(),
  /** Largest `/Contents` accepted, in bytes (decoded). @defaultValue 1 MiB */
  maxContentsBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  /** Most objects read from the file. @defaultValue 1 000 000 */
  maxObjects: z.number().int().min(100).default(1_000_000),
  signal: z.instanceof(AbortSignal).optional(),
});

/** Options of {@link verifyPdf}. */
export type VerifyPdfOptions = z.input<typeof VerifyPdfOptionsSchema>;
/** The options as the verifier reads them. */
export type ResolvedVerifyPdfOptions = z.output<typeof VerifyPdfOptionsSchema>;
