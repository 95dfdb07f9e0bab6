/**
 * The human output of `vdxp verify`: one table with a row per signature (the package's XML
 * Signature, each signature of each PDF), the document-level answer per PDF (Art. 5
 * completeness, coverage, changes after signing), then every reason in Vietnamese and English.
 * @internal
 * @module
 */
import { toVietnamTimestamp } from '../edxml/vietnam-time.js';
import type { PdfSignatureReport, PdfVerificationReport } from '../signature/pdf/pdf-report.js';
import type { Reason, SignatureReport, Verdict } from '../signature/report.js';
import type { EdxmlSignatureReport } from '../signature/xmldsig/verify.js';
import type { VerifyResult } from './commands/verify.js';
import { table } from './output.js';

const VERDICT_TEXT: Record<Verdict, string> = {
  valid: 'VALID (hợp lệ)',
  invalid: 'INVALID (không hợp lệ)',
  indeterminate: 'INDETERMINATE (chưa xác định)',
};

const HEADERS = ['signature', 'verdict', 'signer', 'issuer', 'algorithm', 'organisation', 'role', 'time', 'timestamp', 'chain', 'revocation', 'coverage', 'reason'];

const ROLE_TEXT = { person: 'person (cá nhân)', organization: 'organisation (cơ quan)' } as const;

/** The text `vdxp verify` prints without `--json`. */
export function renderVerifyResult(result: VerifyResult): string {
  const rows: string[][] = [];
  const details: string[] = [];
  const reasonBlocks: { target: string; reasons: readonly Reason[] }[] = [];
  for (const e of result.entries) {
    if (e.kind === 'edxml') {
      rows.push(edxmlRow(e.target, e.report));
      reasonBlocks.push({ target: e.target, reasons: e.report.reasons });
      continue;
    }
    const pdf = e.report;
    if (pdf.signatures.length === 0) rows.push([e.target, pdf.verdict, '(unsigned)', '-', '-', '-', '-', '-', '-', '-', '-', '-', mainReason(pdf.reasons)]);
    for (const s of pdf.signatures) {
      const target = `${e.target} › ${s.field}`;
      rows.push(pdfRow(target, s, pdf.revisions));
      reasonBlocks.push({ target, reasons: s.reasons });
    }
    details.push(documentLine(e.target, pdf));
    if (pdf.reasons.length > 0) reasonBlocks.push({ target: e.target, reasons: pdf.reasons });
  }
  const lines = [`${result.file}: ${VERDICT_TEXT[result.verdict]}`, '', table(HEADERS, rows)];
  if (details.length > 0) lines.push(...details, '');
  for (const b of reasonBlocks) {
    if (b.reasons.length === 0) continue;
    lines.push(`${b.target}:`);
    for (const r of b.reasons) lines.push(`  [${r.severity}] ${r.code}: ${r.messageVi}`, `      ${r.message}`);
  }
  return lines.join('\n').replace(/\n*$/, '\n');
}

function common(r: SignatureReport): { signer: string; issuer: string; organisation: string; time: string; chain: string; revocation: string } {
  return {
    signer: r.signer ? (r.signer.commonName ?? r.signer.subject) : '-',
    issuer: r.issuer ? (r.issuer.commonName ?? r.issuer.subject) : '-',
    organisation: r.signer?.organization ?? '-',
    time: r.timeUsed ? `${vn(r.timeUsed)} (${r.timeSource})` : '-',
    chain: r.chain ? (r.chain.verdict === 'valid' ? `valid → ${r.chain.anchor?.commonName ?? 'anchor'}` : r.chain.verdict) : '-',
    revocation: r.revocation ? `${r.revocation.status}${r.revocation.method !== 'none' ? ` (${r.revocation.method})` : ''}` : '-',
  };
}

function edxmlRow(target: string, r: EdxmlSignatureReport): string[] {
  const c = common(r);
  const signer = r.signer ? c.signer : r.present === false ? '(unsigned)' : '-';
  const alg = r.algorithms ? shortAlgorithm(r.algorithms.signature) : '-';
  const coverage = r.coversWholeDocument ? 'whole package' : r.present ? 'not whole' : '-';
  return [target, r.verdict, signer, c.issuer, alg, c.organisation, '-', c.time, '-', c.chain, c.revocation, coverage, mainReason(r.reasons)];
}

function pdfRow(target: string, s: PdfSignatureReport, revisions: number): string[] {
  const c = common(s);
  const alg = s.algorithms ? `${s.algorithms.signature}` : (s.subFilter ?? '-');
  const role = s.role ? ROLE_TEXT[s.role] : s.kind === 'document-timestamp' ? 'timestamp' : '-';
  const ts = s.timestamp ? `${vn(s.timestamp.time)} (${s.timestamp.verdict})` : '-';
  const coverage = s.coversWholeFile ? 'whole file' : s.revision !== undefined ? `revision ${s.revision + 1} of ${revisions}, not whole file` : 'not whole file';
  return [target, s.verdict, c.signer, c.issuer, alg, c.organisation, role, c.time, ts, c.chain, c.revocation, coverage, mainReason(s.reasons)];
}

function documentLine(target: string, pdf: PdfVerificationReport): string {
  const yes = (b: boolean) => (b ? 'yes (có)' : 'no (không)');
  const changes = pdf.changesAfterSigning.length === 0 ? 'none' : [...new Set(pdf.changesAfterSigning.map((c) => c.kind))].join(', ');
  return (
    `${target}: legally complete (đủ chữ ký theo Nghị định 30/2020): ${yes(pdf.legallyComplete)}` +
    ` [person ${yes(pdf.hasValidPersonSignature)}, organisation ${yes(pdf.hasValidOrganizationSignature)}];` +
    ` whole file signed: ${yes(pdf.wholeFileCovered)}; changes after signing: ${changes}`
  );
}

/** The reason a clerk reads first: an error, else an indeterminate, else a warning. */
function mainReason(reasons: readonly Reason[]): string {
  const r = reasons.find((x) => x.severity === 'error') ?? reasons.find((x) => x.severity === 'indeterminate') ?? reasons.find((x) => x.severity === 'warning');
  if (!r) return '-';
  return r.messageVi.length > 80 ? `${r.messageVi.slice(0, 79)}…` : r.messageVi;
}

function vn(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : toVietnamTimestamp(d);
}

function shortAlgorithm(uri: string): string {
  const i = uri.lastIndexOf('#');
  return i >= 0 ? uri.slice(i + 1) : uri;
}
