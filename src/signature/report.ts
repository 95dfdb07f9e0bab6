/**
 * The results every signature check returns (trust.md section 3): a verdict the application
 * can act on, machine-readable reasons with Vietnamese and English text for the clerk's
 * screen, who signed, which CA issued, which time counted and what revocation said.
 *
 * A bad signature is a report, not a throw.
 * @module
 */
import { z } from 'zod';
import { ownString } from '../own-strings.js';

/** `valid`: act on it; `invalid`: refuse it; `indeterminate`: a person must decide (e.g. no revocation answer). */
export type Verdict = 'valid' | 'invalid' | 'indeterminate';

/** One finding, with a stable code and a message in English and Vietnamese. */
export interface Reason {
  /** Stable code, e.g. `DIGEST_MISMATCH`, `CERT_EXPIRED`, `ALGORITHM_LEGACY_SHA1`. */
  readonly code: string;
  /** `error` makes the verdict invalid, `indeterminate` makes it indeterminate at best, `warning` and `info` do not change it. */
  readonly severity: 'error' | 'indeterminate' | 'warning' | 'info';
  readonly message: string;
  readonly messageVi: string;
}

/** A certificate as a person reads it. */
export interface CertificateSummary {
  /** RFC 4514-style distinguished name. */
  readonly subject: string;
  readonly issuer: string;
  readonly commonName?: string;
  readonly organization?: string;
  readonly serialNumber: string;
  /** ISO 8601. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** Lowercase hex SHA-256 of the DER certificate. */
  readonly sha256: string;
}

/** `hard-fail`: no answer makes the verdict indeterminate; `soft-fail`: no answer is a warning; `off`: not checked. */
export type RevocationPolicy = 'hard-fail' | 'soft-fail' | 'off';

/** What revocation checking found for one certificate. */
export interface RevocationOutcome {
  /** The certificate checked (its SHA-256). */
  readonly certificate: string;
  readonly status: 'good' | 'revoked' | 'unknown' | 'not-checked';
  /** How the answer was had. */
  readonly method: 'crl' | 'ocsp' | 'none';
  readonly policy: RevocationPolicy;
  /** ISO 8601, when revoked. */
  readonly revokedAt?: string;
  /** Where the answer came from (a URL, `offline`, `cache`). */
  readonly source?: string;
}

/** Zod schema, validated at the boundary (unknown keys refused where it is a strict object). */
export const VerificationPolicySchema = z.strictObject({
  /** @defaultValue 'soft-fail' */
  revocation: z.enum(['hard-fail', 'soft-fail', 'off']).default('soft-fail'),
  /** Accept SHA-1 on old material (flagged with a warning). @defaultValue true */
  allowLegacySha1: z.boolean().default(true),
  /** Smallest RSA modulus accepted, in bits. @defaultValue 2048 */
  minRsaBits: z.number().int().min(512).default(2048),
  /** Smallest RSA modulus accepted with a warning for legacy material (G1 era). @defaultValue 1024 */
  minLegacyRsaBits: z.number().int().min(512).default(1024),
  /** Digests accepted. @defaultValue ['SHA-256','SHA-384','SHA-512','SHA-1'] */
  allowedDigests: z.array(z.enum(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', 'SHA3-256', 'SHA3-384', 'SHA3-512'])).default(['SHA-256', 'SHA-384', 'SHA-512', 'SHA-1']),
});
/** How strict a verification is. */
export type VerificationPolicy = z.input<typeof VerificationPolicySchema>;
/** As resolved, with defaults filled in: the output of {@link VerificationPolicySchema}. */
export type ResolvedVerificationPolicy = z.output<typeof VerificationPolicySchema>;

/** The outcome of validating a certificate chain at a time. */
export interface ChainReport {
  readonly verdict: Verdict;
  readonly reasons: readonly Reason[];
  /** Leaf first, anchor last; empty when no path was found. */
  readonly chain: readonly CertificateSummary[];
  /** The trust anchor reached, if any. */
  readonly anchor?: CertificateSummary;
  /** ISO 8601: the time the chain was validated at. */
  readonly at: string;
  /** One per certificate checked (leaf and intermediates). */
  readonly revocation: readonly RevocationOutcome[];
}

/** The outcome of one signature. */
export interface SignatureReport {
  readonly verdict: Verdict;
  readonly reasons: readonly Reason[];
  readonly signer?: CertificateSummary;
  /** The CA that issued the signer's certificate. */
  readonly issuer?: CertificateSummary;
  /** ISO 8601: the time validity was judged at. */
  readonly timeUsed?: string;
  /** Where {@link timeUsed} came from: a timestamp token, the signer's claim, the caller, or the clock. */
  readonly timeSource?: 'timestamp' | 'claimed' | 'given' | 'now';
  /** Revocation outcome of the signer's certificate. */
  readonly revocation?: RevocationOutcome;
  /** Algorithms used, as URIs or names. */
  readonly algorithms?: { readonly digest: string; readonly signature: string };
  readonly chain?: ChainReport;
}

/** Combines reasons into a verdict: any error → invalid; else any indeterminate → indeterminate; else valid. */
export function verdictOf(reasons: readonly Reason[]): Verdict {
  if (reasons.some((r) => r.severity === 'error')) return 'invalid';
  if (reasons.some((r) => r.severity === 'indeterminate')) return 'indeterminate';
  return 'valid';
}

/** A catalogue entry: default severity, English text, Vietnamese text. */
export type ReasonEntry = readonly [severity: Reason['severity'], en: string, vi: string];

/**
 * Makes a {@link Reason} from a catalogue entry, with an optional detail appended to both
 * texts and an optional severity replacing the default. Shared by the reason catalogues.
 * @internal
 */
export function reasonFromEntry(code: string, entry: ReasonEntry, options: { detail?: string; severity?: Reason['severity'] } = {}): Reason {
  const [severity, en, vi] = entry;
  // a detail often quotes the input (a URI, a name): its own copy, so that a kept report does not keep the input's text
  const suffix = options.detail ? `: ${ownString(options.detail)}` : '';
  return { code, severity: options.severity ?? severity, message: en + suffix, messageVi: vi + suffix };
}
