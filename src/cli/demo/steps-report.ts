/**
 * The demo's end: the ministry's tracking table (per recipient the codes with their times and
 * the reporting class) and its compliance report, printed in short and written as HTML.
 * @internal
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { complianceReportToHtml, vietnamDate, type ComplianceReport, type SentDocumentTracking } from '../../index.js';
import { table } from '../output.js';
import { COMMUNE, PROVINCE } from './cast.js';
import { clockOf, codeLabel, type DemoOutput } from './demo-output.js';
import { expectStep, type DemoWorld } from './demo-world.js';
import type { SentLetter } from './steps-delivery.js';

const OPERATION = ['new (văn bản mới)', 'revoke (thu hồi)', 'update (cập nhật)', 'replace (thay thế)'] as const;
const DAY = 86_400_000;

function indent(text: string): string[] {
  return text.trimEnd().split('\n').map((l) => `  ${l}`);
}

/** The tracking table of the documents sent, as the ministry's application would show it. */
export async function printTracking(world: DemoWorld, out: DemoOutput, sent: SentLetter): Promise<void> {
  const ministry = world.party('ministry');
  out.step('The ministry’s tracking table (sổ theo dõi văn bản đi): per recipient, each status with its time');
  const classes = await ministry.connector.reportingClasses();
  const documents: SentDocumentTracking[] = (await ministry.connector.sentTracking()).filter((d) => d.documentId === sent.documentId);
  for (const doc of documents) {
    out.detail(`${doc.code} — ${OPERATION[doc.businessDocType]}, ${doc.state}${doc.axisDocId ? `, DocId ${doc.axisDocId}` : ''}`);
    const rows = doc.recipients.map((r) => [
      `${r.organId} ${r.organName ?? ''}`.trim(),
      doc.businessDocType === 0 ? `${classes[r.organId] ?? '-'}${r.withdrawn ? ', withdrawn' : ''}` : '',
      r.events.map((e) => `${e.code} ${clockOf(e.at)}`).join(' · ') || '(nothing yet)',
    ]);
    for (const line of indent(table(['Recipient (nơi nhận)', 'Class', 'Trail (mã trạng thái, giờ)'], rows))) out.detail(line);
  }
  const takeBack = ministry.seen.statuses.filter((s) => s.documentId === sent.documentId && ['15', '16'].includes(s.code)).slice(-2);
  out.detail(`answers to the take-back (13): ${takeBack.map((s) => `${s.from} ${codeLabel(s.code)} ${clockOf(s.message.timestamp)}`).join('; ')}`);
  const letter = documents.find((d) => d.businessDocType === 0);
  expectStep(letter && letter.recipients.length === 2, 'the letter is missing from the tracking table');
  expectStep(documents.some((d) => d.businessDocType === 2 && d.recipients.every((r) => r.events.some((e) => e.code === '15'))), 'the update is not answered in the tracking table');
}

/** The compliance report of today (Vietnam time), printed in short and written as HTML to `reportPath`. */
export async function writeComplianceReport(world: DemoWorld, out: DemoOutput, reportPath: string): Promise<ComplianceReport> {
  const ministry = world.party('ministry');
  out.step('The ministry’s compliance report for the Government Office (báo cáo tình hình gửi, nhận văn bản điện tử)');
  const from = new Date(`${vietnamDate(new Date())}T00:00:00+07:00`);
  const report = await ministry.connector.complianceReport({ from, to: new Date(from.getTime() + DAY) });
  const t = report.totals;
  const pct = (share: number | null) => (share === null ? '-' : `${Math.round(share * 100)}%`);
  out.detail(`period ${report.period.firstDay}: sent ${t.sentDocuments} document(s) to ${t.sentTrails} recipient(s); overdue ${t.overdue}, late ${t.late}, refused ${t.refused}, withdrawn ${t.withdrawn}`);
  out.detail(`recipients reporting the full trail (clerk → leader → specialist): ${pct(report.reporting.sent.fullShare)}`);
  for (const c of report.counterparts) out.detail(`  ${c.organId} ${c.organName ?? ''}: ${c.reportingClass ?? '-'}, ${c.sent} sent`);
  const minutes = (v: number | null) => (v === null ? '-' : v < 1 ? `${Math.round(v * 60)} s` : `${v.toFixed(1)} min`);
  const timing = report.timings.sent;
  out.detail(`median time from sending to ${codeLabel('01')}: ${minutes(timing['01'].medianMinutes)}, to 03: ${minutes(timing['03'].medianMinutes)}, to 06: ${minutes(timing['06'].medianMinutes)}`);
  expectStep(t.sentDocuments === 1 && t.sentTrails === 2, `the report counts ${t.sentDocuments} document(s) and ${t.sentTrails} trail(s), not 1 and 2`);
  expectStep(report.reporting.sent.fullShare === 1, 'the report does not show full reporting by both recipients');
  for (const a of [PROVINCE, COMMUNE]) {
    expectStep(report.counterparts.some((c) => c.organId === a.organId && c.reportingClass === 'full'), `${a.organName} is not reported as full`);
  }
  await writeFile(reportPath, complianceReportToHtml(report, { lang: 'vi' }));
  out.detail(`HTML report with charts written to ${reportPath}`);
  return report;
}
