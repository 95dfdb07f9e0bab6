/**
 * Example: the periodic compliance report a body sends the Government Office (Văn phòng
 * Chính phủ) on sending and receiving electronic documents, from tracking records.
 *
 * A connector produces these records itself (`connector.tracking`); here they are written
 * by hand so the example runs alone. It writes `report.html` (charts, Vietnamese labels),
 * `report.csv` (for Excel) and `report.json` to the folder given, and prints the key figures.
 *
 *   npx tsup && npx esbuild examples/compliance-report.ts --bundle --platform=node \
 *     --format=esm --outfile=/tmp/compliance-report.mjs && node /tmp/compliance-report.mjs out/
 *
 * In your project, import from 'vdxp-connector' instead of '../src/index.js'.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  buildComplianceReport,
  complianceReportToCsv,
  complianceReportToHtml,
  type ReceivedDocumentTracking,
  type SentDocumentTracking,
  type TrailEvent,
} from '../src/index.js';

/** A status issued at a Vietnam local time `YYYY-MM-DDTHH:mm`. */
function status(code: string, local: string, description?: string): TrailEvent {
  return { code, at: `${local}:00+07:00`, recordedAt: new Date(`${local}:00+07:00`).toISOString(), ...(description ? { description } : {}) };
}

const SO_NOI_VU = { organId: '000.00.12.H22', organName: 'Sở Nội vụ tỉnh Quảng Ninh' };
const SO_TAI_CHINH = { organId: '000.00.13.H22', organName: 'Sở Tài chính tỉnh Quảng Ninh' };
const UBND_HA_LONG = { organId: '000.00.31.H22', organName: 'UBND thành phố Hạ Long' };

const sent: SentDocumentTracking[] = [
  {
    documentId: '000.00.00.H22,2025/09/08,1520/UBND-VP',
    outboxId: 'out-1520',
    code: '1520/UBND-VP',
    subject: 'V/v triển khai gửi, nhận văn bản điện tử qua Trục liên thông văn bản quốc gia',
    priority: 0,
    businessDocType: 0,
    sentAt: '2025-09-08T02:00:00.000Z', // 09:00 in Hà Nội
    state: 'sent',
    dueDate: '2025-09-19',
    recipients: [
      { ...SO_NOI_VU, events: [status('01', '2025-09-08T09:02'), status('03', '2025-09-08T10:15'), status('04', '2025-09-08T14:00'), status('05', '2025-09-09T09:30'), status('06', '2025-09-11T16:00')] },
      { ...SO_TAI_CHINH, events: [status('01', '2025-09-08T09:05'), status('03', '2025-09-09T08:40')] },
      { ...UBND_HA_LONG, events: [status('01', '2025-09-08T09:01')] },
    ],
  },
  {
    documentId: '000.00.00.H22,2025/09/10,1561/UBND-VP',
    outboxId: 'out-1561',
    code: '1561/UBND-VP',
    subject: 'V/v ứng phó bão số 7 (hỏa tốc)',
    priority: 3,
    businessDocType: 0,
    sentAt: '2025-09-10T08:30:00.000Z', // 15:30 in Hà Nội
    state: 'sent',
    recipients: [
      { ...SO_NOI_VU, events: [status('01', '2025-09-10T15:31'), status('03', '2025-09-10T15:50')] },
      { ...UBND_HA_LONG, events: [] },
    ],
  },
];

const received: ReceivedDocumentTracking[] = [
  {
    documentId: '000.00.13.H22,2025/09/09,845/STC-NS',
    inboxId: 'in-845',
    fromOrganId: SO_TAI_CHINH.organId,
    fromOrganName: SO_TAI_CHINH.organName,
    code: '845/STC-NS',
    subject: 'Báo cáo tình hình thực hiện dự toán ngân sách 9 tháng',
    priority: 0,
    receivedAt: '2025-09-09T10:10:00.000Z', // 17:10, after working hours
    reported: [status('01', '2025-09-09T17:10'), status('03', '2025-09-10T08:20')],
    withdrawn: false,
  },
  {
    documentId: '000.00.31.H22,2025/09/11,310/UBND',
    inboxId: 'in-310',
    fromOrganId: UBND_HA_LONG.organId,
    fromOrganName: UBND_HA_LONG.organName,
    code: '310/UBND',
    subject: 'Đề nghị bổ sung kinh phí',
    priority: 0,
    receivedAt: '2025-09-11T03:00:00.000Z',
    reported: [status('01', '2025-09-11T10:00'), status('02', '2025-09-11T10:30', 'Văn bản chưa có chữ ký số của cơ quan')],
    withdrawn: false,
  },
];

/** Builds the report of the week of 8 September 2025 and writes it to `outDir`. */
export function main(outDir: string): { html: string; csv: string; json: string } {
  const report = buildComplianceReport({
    sent,
    received,
    from: new Date('2025-09-08T00:00:00+07:00'),
    to: new Date('2025-09-15T00:00:00+07:00'),
    now: new Date('2025-09-15T08:00:00+07:00'),
    agency: { organId: '000.00.00.H22', organName: 'UBND tỉnh Quảng Ninh' },
    deadlines: { holidays: ['2025-09-01', '2025-09-02'] },
  });

  mkdirSync(outDir, { recursive: true });
  const files = { html: join(outDir, 'report.html'), csv: join(outDir, 'report.csv'), json: join(outDir, 'report.json') };
  writeFileSync(files.html, complianceReportToHtml(report, { lang: 'vi' }));
  writeFileSync(files.csv, complianceReportToCsv(report));
  writeFileSync(files.json, JSON.stringify(report, null, 2) + '\n');

  const pct = (share: number | null) => (share === null ? '–' : `${Math.round(share * 100)}%`);
  console.log(`sent ${report.totals.sentDocuments} documents to ${report.totals.sentTrails} recipients, received ${report.totals.receivedDocuments}`);
  console.log(`full status trail: recipients ${pct(report.reporting.sent.fullShare)}, ours ${pct(report.reporting.received.fullShare)}`);
  for (const c of report.counterparts) console.log(`  ${c.organId}  ${c.reportingClass ?? '-'}  ${c.organName ?? ''}`);
  console.log(`overdue ${report.totals.overdue}, late ${report.totals.late}, refused ${report.totals.refused}`);
  console.log(`wrote ${files.html}`);
  return files;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(resolve(entry)).href) main(resolve(process.argv[2] ?? 'compliance-report-out'));
