/**
 * The demo's first half: the ministry sends the signed letter; the province and the commune
 * receive it through both axes, verify it on arrival, and answer 01 by themselves; the
 * receiving clerks look at the PDF's signatures.
 * @internal
 * @module
 */
import { verifyPdf, type DocumentEvent, type PdfVerificationReport } from '../../index.js';
import { COMMUNE, MINISTRY, named, PROVINCE, type DemoAgency } from './cast.js';
import { codeLabel, duration, type DemoOutput } from './demo-output.js';
import { expectStep, type DemoWorld } from './demo-world.js';
import type { SignedLetter } from './signed-letter.js';

/** What the sender knows once the axis accepted the letter. */
export interface SentLetter {
  readonly documentId: string;
  readonly axisDocId: string;
}

/** Prints a PDF verification report as a clerk would read it. */
export function printPdfSignatures(out: DemoOutput, report: PdfVerificationReport): void {
  for (const s of report.signatures) {
    const role = s.role === 'organization' ? 'cơ quan (issuing body)' : 'người có thẩm quyền (competent person)';
    const time = s.timestamp ? `timestamped ${s.timestamp.time}` : `signed ${s.claimedSigningTime ?? s.signingDate ?? '?'}`;
    out.detail(`  ${s.field}: ${s.verdict} — ${role}: ${s.signer?.commonName ?? '?'}, ${time}`);
  }
  out.detail(`  legally complete (Nghị định 30/2020 Art. 5, person + body): ${report.legallyComplete ? 'yes' : 'NO'}; verdict ${report.verdict}`);
}

/** The ministry sends the letter through its connector and waits for the axis to take it. */
export async function sendLetter(world: DemoWorld, out: DemoOutput, letter: SignedLetter): Promise<SentLetter> {
  const ministry = world.party('ministry');
  out.step(`${MINISTRY.organName} sends the letter through its Connector (văn bản đi / outgoing) to the province and the commune`);
  const handle = await ministry.connector.send(letter.input);
  const report = await handle.delivered;
  out.detail(`DocumentId (mã định danh văn bản) ${report.documentId}`);
  out.detail(`accepted by the national axis: DocId ${report.axisDocId} after ${report.attempts} attempt(s)`);
  const s = report.steps;
  out.detail(`package built ${duration(s.buildMs ?? 0)}, signed (XMLDSig, body's key) ${duration(s.signMs ?? 0)}, stored ${duration(s.storeMs ?? 0)}, sent ${duration(s.sendMs)}`);
  return { documentId: report.documentId, axisDocId: report.axisDocId };
}

/** Both recipients receive the letter (01 goes back by itself) and verify it on arrival. */
export async function receiveLetter(world: DemoWorld, out: DemoOutput, sent: SentLetter): Promise<Map<DemoAgency['key'], DocumentEvent>> {
  out.step('The provincial axis pulls the package down from the national axis; each recipient’s Connector receives it (văn bản đến / incoming)');
  const recipients = [world.party('province'), world.party('commune')];
  const arrivalOf = (key: DemoAgency['key']) => world.party(key).seen.documents.find((d) => d.documentId === sent.documentId);
  await world.until('the letter reaching the province and the commune', () => recipients.every((p) => arrivalOf(p.agency.key) !== undefined));
  const arrivals = new Map<DemoAgency['key'], DocumentEvent>();
  for (const p of recipients) {
    const doc = arrivalOf(p.agency.key)!;
    arrivals.set(p.agency.key, doc);
    const hops = doc.message.traceHeaders.map((t) => t.organId || 'axis').join(' → ');
    out.detail(`${named(p.agency)}: stored as ${doc.inboxId}; trace (TraceHeaderList) ${hops}`);
    expectStep(doc.to === p.agency.organId && doc.from === MINISTRY.organId, `${p.agency.organName} received a package not addressed to it`);
  }
  await world.until('status 01 reaching the ministry', () =>
    [PROVINCE, COMMUNE].every((a) => world.party('ministry').seen.statuses.some((s) => s.documentId === sent.documentId && s.from === a.organId && s.code === '01')),
  );
  out.detail(`both sent ${codeLabel('01')} automatically; the ministry matched both to its letter`);

  out.step('Each recipient’s Connector verified the package on arrival (kiểm tra chữ ký số), trusting the test root explicitly');
  for (const p of recipients) {
    const v = arrivals.get(p.agency.key)!.verification;
    expectStep(v, `${p.agency.organName}: no verification summary`);
    const checks = v.checks.map((c) => `${c.name} ${c.verdict}${c.reasons.length ? ` (${c.reasons.join(', ')})` : ''}`).join('; ');
    out.detail(`${p.agency.organName}: ${v.verdict}, ${v.disposition} — ${checks}`);
    expectStep(v.verdict === 'valid' && v.disposition === 'accepted', `${p.agency.organName} did not accept the letter: ${v.verdict}, ${checks}`);
  }

  out.step('The commune’s clerk (văn thư) opens the PDF and checks its two signatures');
  const doc = arrivals.get('commune')!;
  const pdf = doc.message.attachments.find((a) => a.contentType === 'application/pdf');
  expectStep(pdf, 'the letter arrived without its PDF');
  const report = await verifyPdf(pdf.data, { trust: world.trust! });
  out.detail(`${pdf.name}: ${pdf.data.length} bytes, ${report.revisions} revisions`);
  printPdfSignatures(out, report);
  expectStep(report.verdict === 'valid' && report.legallyComplete, `the PDF is not legally complete at the commune: ${report.verdict}`);
  expectStep(report.signatures.map((s) => s.role).join(',') === 'person,organization', 'the PDF signatures are not the person’s then the body’s');
  return arrivals;
}
