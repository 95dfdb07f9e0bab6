/**
 * `verifyPdf`: every signature of a PDF, and the document-level answer for the receiving
 * clerk (trust.md sections 1, 3 and 4).
 * @module
 */
import { ConfigError, issuesFromZod } from '../../errors.js';
import { verdictOf, type Reason } from '../report.js';
import { DEFAULT_PDF_LIMITS, PdfDocument } from './pdf-document.js';
import { pdfReason } from './pdf-reasons.js';
import { VerifyPdfOptionsSchema, type PdfSignatureReport, type PdfVerificationReport, type VerifyPdfOptions } from './pdf-report.js';
import { changesAfter, type PdfChange } from './revision-changes.js';
import { findSignatureFields, permsDocMdp, readSignatureDictionary, sameRef } from './signature-fields.js';
import { verifySignatureField, type FieldOutcome } from './verify-signature-field.js';

/**
 * Verifies every signature of a PDF: per signature field, the byte ranges and the revision
 * they cover, the CMS (signed attributes, message digest, signature), the embedded RFC 3161
 * timestamp, the signer's chain and revocation at the time that counts (timestamp, else the
 * claimed signing time, else `at`), algorithms, `/M` `/Reason` `/Location` `/Name`, the
 * signer's role, and what later revisions changed (judged against DocMDP when the first
 * signature certifies the document). Then the document-level answer: a valid signature of a
 * person and of an organisation (Nghị định 30/2020 Art. 5), whole file covered, changes after
 * the last signature.
 *
 * A bad signature is a report, never a throw; a PDF too broken to find any object throws.
 *
 * @throws {PdfError} VDXP_PDF_MALFORMED when the bytes are not a PDF or no catalog can be found;
 *   VDXP_PDF_LIMIT past a size or count limit (objects, nesting, decoded stream size)
 * @throws {ConfigError} VDXP_CONFIG_INVALID for invalid options
 * @throws the signal's reason when `signal` aborts
 * @example
 * ```ts
 * const trust = TrustStore.create();
 * trust.addTrustFile(await readFile('vgca-g2.pem', 'utf8'));
 * const report = await verifyPdf(await readFile('cv-7816.pdf'), { trust });
 * if (!report.legallyComplete || report.verdict !== 'valid') returnToSender(report);
 * for (const s of report.signatures) console.log(s.field, s.role, s.signer?.commonName, s.verdict);
 * ```
 */
export async function verifyPdf(bytes: Uint8Array, options: VerifyPdfOptions): Promise<PdfVerificationReport> {
  const parsed = VerifyPdfOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError('verifyPdf', issuesFromZod(parsed.error.issues), { cause: parsed.error });
  const o = parsed.data;
  o.signal?.throwIfAborted();
  // Both are resolved already (by the options' schema, and by the trust store's).
  const policy = o.policy ?? o.trust.policy;
  const doc = PdfDocument.open(bytes, { ...DEFAULT_PDF_LIMITS, maxObjects: o.maxObjects });
  const docReasons: Reason[] = [];
  if (doc.reconstructed) docReasons.push(pdfReason('PDF_XREF_RECONSTRUCTED', { detail: doc.reconstructed.replace(/^malformed PDF: /, '') }));
  if (doc.trailer.has('Encrypt')) docReasons.push(pdfReason('PDF_ENCRYPTED'));
  const search = findSignatureFields(doc);
  for (const p of search.problems) docReasons.push(pdfReason('SIGNATURE_DICTIONARY_MALFORMED', { detail: p, severity: 'warning' }));

  const changeCache = new Map<number, PdfChange[]>();
  const ctx = {
    doc,
    options: o,
    policy,
    changesAfter: (end: number) => {
      let c = changeCache.get(end);
      if (!c) {
        c = changesAfter(doc, end);
        changeCache.set(end, c);
      }
      return c;
    },
  };
  const emptySignatureFields: string[] = [];
  const outcomes: FieldOutcome[] = [];
  for (const field of search.fields) {
    if (field.value === undefined || field.value === null) {
      emptySignatureFields.push(field.name);
      continue;
    }
    o.signal?.throwIfAborted();
    outcomes.push(await verifySignatureField(ctx, field));
  }
  outcomes.sort((a, b) => (a.signedEnd ?? Number.MAX_SAFE_INTEGER) - (b.signedEnd ?? Number.MAX_SAFE_INTEGER));
  const signatures = judgeChanges(doc, search.fields, outcomes);

  const valid = (role: 'person' | 'organization') => signatures.some((s) => s.kind === 'signature' && s.role === role && s.verdict === 'valid');
  const hasValidPersonSignature = valid('person');
  const hasValidOrganizationSignature = valid('organization');
  if (signatures.length === 0) docReasons.push(pdfReason('PDF_NOT_SIGNED'));
  else {
    if (!hasValidPersonSignature) docReasons.push(pdfReason('PERSON_SIGNATURE_MISSING'));
    if (!hasValidOrganizationSignature) docReasons.push(pdfReason('ORGANIZATION_SIGNATURE_MISSING'));
  }
  const last = outcomes.filter((x) => x.signedEnd !== undefined).at(-1);
  const verdicts = [verdictOf(docReasons), ...signatures.map((s) => s.verdict)];
  return {
    verdict: verdicts.includes('invalid') ? 'invalid' : verdicts.includes('indeterminate') ? 'indeterminate' : 'valid',
    reasons: docReasons,
    signatures,
    emptySignatureFields,
    revisions: doc.revisions.length,
    hasValidPersonSignature,
    hasValidOrganizationSignature,
    legallyComplete: hasValidPersonSignature && hasValidOrganizationSignature,
    wholeFileCovered: signatures.some((s) => s.coversWholeFile && s.digestValid === true),
    changesAfterSigning: last ? ctx.changesAfter(last.signedEnd as number) : [],
    xrefReconstructed: doc.reconstructed !== undefined,
  };
}

/**
 * Adds to each signature the judgement of the changes made after it: content changes are
 * never allowed; after a certification signature (the first, with DocMDP) the permissions
 * decide (P=1 nothing, P=2 form filling and signing, P=3 also annotations); without one,
 * annotations are a warning (they can overlay content) and new signatures are fine.
 */
function judgeChanges(doc: PdfDocument, fields: ReturnType<typeof findSignatureFields>['fields'], outcomes: readonly FieldOutcome[]): PdfSignatureReport[] {
  const certifying = outcomes.findIndex((x) => x.docMdp !== undefined);
  const certification = certifying >= 0 ? outcomes[certifying] : undefined;
  const p = certification?.docMdp;
  const perms = permsDocMdp(doc);
  return outcomes.map((outcome, i) => {
    const r = outcome.report;
    const reasons: Reason[] = [...r.reasons];
    if (outcome.docMdp !== undefined && i !== 0) reasons.push(pdfReason('CERTIFICATION_NOT_FIRST'));
    if (outcome.docMdp !== undefined && perms !== undefined) {
      const field = fields.find((f) => f.name === r.field);
      const dict = field ? readSignatureDictionary(doc, field) : undefined;
      if (field && dict && !sameRef(perms, field.value) && perms !== dict.dict) reasons.push(pdfReason('CERTIFICATION_NOT_FIRST', { detail: '/Perms names another signature' }));
    }
    const kinds = new Set(r.changesAfter.map((c) => c.kind));
    const describe = (kind: string) => [...new Set(r.changesAfter.filter((c) => c.kind === kind).map((c) => `${c.description} (revision ${c.revision})`))].slice(0, 4).join('; ');
    const limited = p !== undefined && certifying <= i;
    if (kinds.has('content')) reasons.push(pdfReason('MODIFIED_AFTER_SIGNING', { detail: describe('content') }));
    if (kinds.has('annotation')) {
      reasons.push(limited && p !== 3 ? pdfReason('DOCMDP_VIOLATION', { detail: describe('annotation') }) : pdfReason('ANNOTATIONS_AFTER_SIGNING', { detail: describe('annotation') }));
    }
    if (kinds.has('form-fill')) reasons.push(limited && p === 1 ? pdfReason('DOCMDP_VIOLATION', { detail: describe('form-fill') }) : pdfReason('FORM_FILLED_AFTER_SIGNING'));
    if (kinds.has('signature')) reasons.push(limited && p === 1 ? pdfReason('DOCMDP_VIOLATION', { detail: describe('signature') }) : pdfReason('SIGNED_AGAIN'));
    return { ...r, reasons, verdict: verdictOf(reasons) };
  });
}

