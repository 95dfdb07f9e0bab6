/**
 * The legal signatures of received documents: the PDF attachments' signatures, checked on
 * arrival as Nghị định 30/2020 asks (Art. 21), with the completeness rule of Art. 5.
 * @module
 */
import { verifyPdf } from '../signature/pdf/verify-pdf.js';
import type { CheckOutcome, SignatureCheck } from './verification.js';

/** How PDF signatures of received documents are required. */
export type PdfSignatureRequirement = 'required' | 'if-present' | 'off';

const isPdf = (a: { contentType: string; data: Uint8Array }): boolean =>
  a.contentType.toLowerCase() === 'application/pdf' ||
  (a.data.length >= 5 && a.data[0] === 0x25 && a.data[1] === 0x50 && a.data[2] === 0x44 && a.data[3] === 0x46 && a.data[4] === 0x2d);

/**
 * A {@link SignatureCheck} verifying every PDF attachment with `verifyPdf`.
 *
 * The rule of Nghị định 30/2020, Art. 5: the document itself (the first PDF attachment)
 * needs a valid signature of the competent person **and** of the issuing body; other PDFs
 * (appendices, copies) need the body's. A PDF that is otherwise valid but misses one is
 * `indeterminate` (`PDF_SIGNATURES_INCOMPLETE`, `PDF_ORGANIZATION_SIGNATURE_MISSING`), so that
 * a person decides. With `'required'`, a document without any PDF is `indeterminate`
 * (`PDF_ABSENT`); with `'if-present'` it is not checked.
 *
 * @example
 * ```ts
 * new Connector({ …, verification: { trust, onInvalid: 'refuse', pdfSignatures: 'required' } });
 * ```
 */
export function pdfSignatureCheck(requirement: Exclude<PdfSignatureRequirement, 'off'>): SignatureCheck {
  return {
    name: 'pdf',
    async check({ message, trust, policy, at, signal }) {
      const pdfs = message.attachments.filter(isPdf);
      if (pdfs.length === 0) {
        return requirement === 'required' ? [{ name: 'pdf', verdict: 'indeterminate', reasons: ['PDF_ABSENT'] }] : [];
      }
      const outcomes: CheckOutcome[] = [];
      for (const [i, a] of pdfs.entries()) {
        signal?.throwIfAborted();
        let report;
        try {
          report = await verifyPdf(a.data, { trust, at, ...(policy ? { policy } : {}), ...(signal ? { signal } : {}) });
        } catch (e) {
          signal?.throwIfAborted();
          const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'PDF_UNREADABLE';
          outcomes.push({ name: `pdf:${a.name}`, verdict: 'invalid', reasons: [code] });
          continue;
        }
        const reasons = [...report.reasons, ...report.signatures.flatMap((s) => s.reasons)]
          .filter((r) => r.severity !== 'info')
          .map((r) => r.code);
        let verdict = report.verdict;
        if (verdict === 'valid' && i === 0 && !report.legallyComplete) {
          verdict = 'indeterminate';
          reasons.push('PDF_SIGNATURES_INCOMPLETE');
        } else if (verdict === 'valid' && i > 0 && !report.hasValidOrganizationSignature) {
          verdict = 'indeterminate';
          reasons.push('PDF_ORGANIZATION_SIGNATURE_MISSING');
        }
        outcomes.push({ name: `pdf:${a.name}`, verdict, reasons: [...new Set(reasons)] });
      }
      return outcomes;
    },
  };
}
