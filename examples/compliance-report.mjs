// The periodic compliance report a body sends the Government Office (Văn phòng Chính phủ) on
// sending and receiving electronic documents, built from tracking records. A running connector
// gives these records itself (connector.sentTracking(), connector.receivedTracking(), or all
// at once connector.complianceReport({ from, to })); here they are written by hand so the
// example runs alone. Writes report.html (charts, Vietnamese labels), report.csv (for Excel)
// and report.json, and prints the key figures.
// Run: node examples/compliance-report.mjs [OUTPUT-FOLDER]   (default: a new temporary folder)
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildComplianceReport, complianceReportToCsv, complianceReportToHtml } from 'vdxp-connector';

/** A status issued at a Vietnam local time `YYYY-MM-DDTHH:mm`. */
function status(code, local, description) {
  const at = `${local}:00+07:00`;
  return { code, at, recordedAt: new Date(at).toISOString(), ...(description ? { description } : {}) };
}

const soNoiVu = { organId: '000.00.12.H22', organName: 'Sở Nội vụ tỉnh Quảng Ninh' };
const soTaiChinh = { organId: '000.00.13.H22', organName: 'Sở Tài chính tỉnh Quảng Ninh' };
const ubndHaLong = { organId: '000.00.31.H22', organName: 'UBND thành phố Hạ Long' };

/** @type {import('vdxp-connector').SentDocumentTracking[]} */
const sent = [
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
      // clerk → leader → specialist: the full trail
      { ...soNoiVu, events: [status('01', '2025-09-08T09:02'), status('03', '2025-09-08T10:15'), status('04', '2025-09-08T14:00'), status('05', '2025-09-09T09:30'), status('06', '2025-09-11T16:00')] },
      // registered the next morning: late for the same-working-day rule
      { ...soTaiChinh, events: [status('01', '2025-09-08T09:05'), status('03', '2025-09-09T08:40')] },
      // only "arrived"
      { ...ubndHaLong, events: [status('01', '2025-09-08T09:01')] },
    ],
  },
  {
    documentId: '000.00.00.H22,2025/09/10,1561/UBND-VP',
    outboxId: 'out-1561',
    code: '1561/UBND-VP',
    subject: 'V/v ứng phó bão số 7',
    priority: 3, // hỏa tốc: due within one working hour
    businessDocType: 0,
    sentAt: '2025-09-10T08:30:00.000Z', // 15:30 in Hà Nội
    state: 'sent',
    recipients: [
      { ...soNoiVu, events: [status('01', '2025-09-10T15:31'), status('03', '2025-09-10T15:50')] },
      { ...ubndHaLong, events: [] },
    ],
  },
];

/** @type {import('vdxp-connector').ReceivedDocumentTracking[]} */
const received = [
  {
    documentId: '000.00.13.H22,2025/09/09,845/STC-NS',
    inboxId: 'in-845',
    fromOrganId: soTaiChinh.organId,
    fromOrganName: soTaiChinh.organName,
    code: '845/STC-NS',
    subject: 'Báo cáo tình hình thực hiện dự toán ngân sách 9 tháng',
    priority: 0,
    receivedAt: '2025-09-09T10:10:00.000Z', // 17:10, after working hours: due the next working day
    reported: [status('01', '2025-09-09T17:10'), status('03', '2025-09-10T08:20')],
    withdrawn: false,
  },
  {
    documentId: '000.00.31.H22,2025/09/11,310/UBND',
    inboxId: 'in-310',
    fromOrganId: ubndHaLong.organId,
    fromOrganName: ubndHaLong.organName,
    code: '310/UBND',
    subject: 'Đề nghị bổ sung kinh phí',
    priority: 0,
    receivedAt: '2025-09-11T03:00:00.000Z',
    reported: [status('01', '2025-09-11T10:00'), status('02', '2025-09-11T10:30', 'Văn bản chưa có chữ ký số của cơ quan')],
    withdrawn: false,
  },
];

const report = buildComplianceReport({
  sent,
  received,
  from: new Date('2025-09-08T00:00:00+07:00'),
  to: new Date('2025-09-15T00:00:00+07:00'), // the week of 8 September, Monday to Sunday
  now: new Date('2025-09-15T08:00:00+07:00'),
  agency: { organId: '000.00.00.H22', organName: 'UBND tỉnh Quảng Ninh' },
  deadlines: { holidays: ['2025-09-01', '2025-09-02'] },
});

const outDir = process.argv[2] ? resolve(process.argv[2]) : mkdtempSync(join(tmpdir(), 'vdxp-compliance-report-'));
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'report.html'), complianceReportToHtml(report, { lang: 'vi' }));
writeFileSync(join(outDir, 'report.csv'), complianceReportToCsv(report));
writeFileSync(join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');

const pct = (share) => (share === null ? '-' : `${Math.round(share * 100)}%`);
const t = report.totals;
console.log(`sent ${t.sentDocuments} documents to ${t.sentTrails} recipients, received ${t.receivedDocuments}`);
console.log(`full status trail: recipients ${pct(report.reporting.sent.fullShare)}, ours ${pct(report.reporting.received.fullShare)}`);
for (const c of report.counterparts) console.log(`  ${c.organId}  ${(c.reportingClass ?? '-').padEnd(12)}  ${c.organName ?? ''}`);
console.log(`overdue ${t.overdue}, late ${t.late}, refused ${t.refused}`);
console.log(`wrote ${join(outDir, 'report.html')}`);
