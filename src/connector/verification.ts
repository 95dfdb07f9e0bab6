/**
 * Signature checks of received documents and the policy that turns their verdicts into a
 * disposition. The edXML package signature is checked first; more checks (the PDF
 * signatures of attachments, …) plug in as {@link SignatureCheck}s without changing the loop.
 * @module
 */
import { pdfSignatureCheck, type PdfSignatureRequirement } from './pdf-check.js';
import type { ParsedEdoc } from '../edxml/model.js';
import type { ResolvedVerificationPolicy, VerificationPolicy, Verdict } from '../signature/report.js';
import type { TrustStore } from '../signature/trust-store.js';
import { verifyEdxml } from '../signature/xmldsig/verify.js';
import type { VerificationSummary } from '../store/store.js';

/** The outcome of one check, as kept on the inbox entry. */
export interface CheckOutcome {
  /** `edxml`, `pdf:<file name>`, … */
  readonly name: string;
  readonly verdict: Verdict;
  /** Reason codes (`DIGEST_MISMATCH`, `CERT_EXPIRED`, …). */
  readonly reasons: readonly string[];
}

/** What a check is given. */
export interface SignatureCheckInput {
  /** The package as received. */
  readonly bytes: Uint8Array;
  /** The package read, attachments in memory. */
  readonly message: ParsedEdoc;
  readonly trust: TrustStore;
  readonly policy: VerificationPolicy | ResolvedVerificationPolicy | undefined;
  /** The time validity is judged at. */
  readonly at: Date;
  readonly signal?: AbortSignal;
}

/**
 * One more verification step for received documents, e.g. the PDF signatures of the
 * attachments. It returns one outcome per thing it checked (none when there was nothing to
 * check); a throw counts as an `indeterminate` outcome named after the check.
 *
 * @example
 * ```ts
 * const pdfCheck: SignatureCheck = {
 *   name: 'pdf',
 *   async check({ message, trust, at }) {
 *     const pdfs = message.attachments.filter((a) => a.contentType === 'application/pdf');
 *     return Promise.all(pdfs.map(async (a) => {
 *       const report = await verifyPdf(a.data, { trust, at });
 *       return { name: `pdf:${a.name}`, verdict: report.verdict, reasons: report.reasons.map((r) => r.code) };
 *     }));
 *   },
 * };
 * new Connector({ …, verification: { trust, onInvalid: 'hold', checks: [pdfCheck] } });
 * ```
 */
export interface SignatureCheck {
  readonly name: string;
  /** Checks a received document; one outcome per thing checked (none when nothing applied). */
  check(input: SignatureCheckInput): Promise<readonly CheckOutcome[]>;
}

/**
 * The built-in check: the edXML package's XML signature (`verifyEdxml`).
 *
 * The package signature is optional on the axis today (trust.md section 1) and the axis
 * appends TraceHeaders in transit; with `'if-present'` a package without a standard XML
 * Signature (none, or the Java library's QCVN-namespace placeholder) yields no outcome, and a
 * signature that is present must verify. With `'required'` its absence is `indeterminate`.
 */
export function edxmlSignatureCheck(requirement: 'required' | 'if-present' = 'required'): SignatureCheck {
  return {
    name: 'edxml',
    async check({ bytes, trust, policy, at, signal }) {
      const report = await verifyEdxml(bytes, { trust, at, ...(policy ? { policy } : {}), ...(signal ? { signal } : {}) });
      if (requirement === 'if-present' && (!report.present || !report.standard)) return [];
      return [{ name: 'edxml', verdict: report.verdict, reasons: report.reasons.filter((r) => r.severity !== 'info').map((r) => r.code) }];
    },
  };
}

/** Verification settings as the connector reads them. */
export interface VerificationSettings {
  readonly trust: TrustStore;
  readonly policy?: VerificationPolicy | undefined;
  readonly onInvalid: 'refuse' | 'hold' | 'accept';
  readonly onIndeterminate: 'refuse' | 'hold' | 'accept';
  readonly checks: readonly SignatureCheck[];
  /** Whether the package's XML signature must be there. */
  readonly packageSignature: 'required' | 'if-present';
  /** Whether the PDF attachments' signatures must be there. */
  readonly pdfSignatures: PdfSignatureRequirement;
}

const RANK: Record<Verdict, number> = { valid: 0, indeterminate: 1, invalid: 2 };

/**
 * Runs every check and applies the policy. Without settings nothing is checked
 * (`not-checked`, accepted).
 */
export async function verifyReceived(
  settings: VerificationSettings | undefined,
  input: Omit<SignatureCheckInput, 'trust' | 'policy'>,
): Promise<VerificationSummary> {
  if (!settings) return { verdict: 'not-checked', disposition: 'accepted', checks: [] };
  const outcomes: CheckOutcome[] = [];
  const builtIn = [edxmlSignatureCheck(settings.packageSignature), ...(settings.pdfSignatures === 'off' ? [] : [pdfSignatureCheck(settings.pdfSignatures)])];
  for (const check of [...builtIn, ...settings.checks]) {
    try {
      outcomes.push(...(await check.check({ ...input, trust: settings.trust, policy: settings.policy })));
    } catch (e) {
      input.signal?.throwIfAborted();
      const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'CHECK_FAILED';
      outcomes.push({ name: check.name, verdict: 'indeterminate', reasons: [code] });
    }
  }
  if (outcomes.length === 0) outcomes.push({ name: 'signatures', verdict: 'indeterminate', reasons: ['NO_SIGNATURE_CHECKED'] });
  const verdict = outcomes.reduce<Verdict>((worst, o) => (RANK[o.verdict] > RANK[worst] ? o.verdict : worst), 'valid');
  const action = verdict === 'valid' ? 'accept' : verdict === 'invalid' ? settings.onInvalid : settings.onIndeterminate;
  const disposition = action === 'accept' ? 'accepted' : action === 'hold' ? 'held' : 'refused';
  return { verdict, disposition, checks: outcomes.map((o) => ({ name: o.name, verdict: o.verdict, reasons: [...o.reasons] })) };
}

/** A reason for a refusal (02), Vietnamese then English, naming the failed checks' codes. */
export function refusalReason(summary: VerificationSummary): string {
  const codes = [...new Set(summary.checks.filter((c) => c.verdict !== 'valid').flatMap((c) => c.reasons))].slice(0, 5).join(', ');
  return `Chữ ký số không hợp lệ / signature not valid${codes ? ` (${codes})` : ''}`;
}
