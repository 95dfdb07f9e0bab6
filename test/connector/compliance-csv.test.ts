import { describe, expect, test } from 'vitest';
import { COMPLIANCE_CSV_COLUMNS, complianceReportToCsv, csvField } from '../../src/connector/compliance-csv.js';
import { buildComplianceReport } from '../../src/connector/compliance-report.js';
import { csvRecords } from '../helpers/csv-records.js';
import { A, D, HOSTILE_NAME, HOSTILE_SUBJECT, PERIOD, RECEIVED, SENT, ev, sentDoc } from '../helpers/tracking-fixture.js';

const report = buildComplianceReport({ sent: SENT, received: RECEIVED, ...PERIOD, agency: { organId: '000.00.00.H01', organName: 'UBND tỉnh' } });
const csv = complianceReportToCsv(report);
const BOM = '\uFEFF';
const records = csvRecords(csv.slice(1));
const rows = records.slice(1).map((r) => Object.fromEntries(COMPLIANCE_CSV_COLUMNS.map((c, i) => [c, r[i]!])));
const value = (section: string, metric: string, where: Record<string, string> = {}) =>
  rows.find((r) => r.section === section && r.metric === metric && Object.entries(where).every(([k, v]) => r[k] === v))?.value;

describe('complianceReportToCsv', () => {
  test('starts with a byte-order mark and ends records with CRLF', () => {
    expect(csv.startsWith(BOM)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replaceAll('\r\n', '')).not.toMatch(/[\r]/);
  });

  test('is one table: a header row, then every record with all the columns', () => {
    expect(records[0]).toEqual([...COMPLIANCE_CSV_COLUMNS]);
    for (const r of records) expect(r).toHaveLength(COMPLIANCE_CSV_COLUMNS.length);
    expect(new Set(rows.map((r) => r.section))).toEqual(
      new Set(['report', 'total', 'period', 'counterpart', 'counterpart_period', 'reporting', 'timing', 'overdue', 'late', 'refused', 'withdrawn']),
    );
  });

  test('carries the report numbers', () => {
    expect(value('report', 'agency_id')).toBe('000.00.00.H01');
    expect(value('total', 'sent_documents')).toBe('4');
    expect(value('total', 'received_documents')).toBe('5');
    expect(value('period', 'received', { period: '2025-09-11/2025-09-11' })).toBe('2');
    expect(value('counterpart', 'reporting_class', { counterpart: A })).toBe('full');
    expect(Number(value('counterpart', 'full_share', { counterpart: A }))).toBeCloseTo(2 / 3);
    expect(value('counterpart_period', 'received', { counterpart: D, period: '2025-09-12/2025-09-12' })).toBe('1');
    expect(rows.filter((r) => r.section === 'counterpart_period' && r.value === '0')).toEqual([]);
    expect(value('reporting', 'arrival_only', { side: 'received' })).toBe('2');
    expect(value('timing', 'p90_working_minutes', { side: 'sent', stage: '03' })).toBe('84');
    expect(value('timing', 'median_minutes', { side: 'received', stage: '06' })).toBe('4440');
    expect(rows.filter((r) => r.section === 'overdue').map((r) => [r.document_id, r.stage, r.value])).toEqual([
      ['S1', '03', '9660'],
      ['S3', '01', '7140'],
      ['S3', '03', '7140'],
      ['S2', '06', '3480'],
    ]);
    expect(value('late', 'late_minutes', { document_id: 'R3' })).toBe('60');
  });

  test('an empty statistic is an empty field, not "null"', () => {
    const empty = complianceReportToCsv(buildComplianceReport({ ...PERIOD }));
    const r = csvRecords(empty.slice(1)).find((x) => x[0] === 'timing' && x[9] === 'median_minutes');
    expect(r?.[10]).toBe('');
    expect(empty).not.toContain('null');
  });

  test('quotes commas, quotes and line breaks, and they read back unchanged', () => {
    expect(rows.find((r) => r.section === 'refused' && r.document_id === 'R5')?.detail).toBe('Văn bản "không" hợp lệ, thiếu chữ ký');
    expect(csv).toContain('"Văn bản ""không"" hợp lệ, thiếu chữ ký"');
    expect(rows.find((r) => r.section === 'late' && r.document_id === 'S2')?.subject).toBe(HOSTILE_SUBJECT);
    expect(rows.find((r) => r.section === 'counterpart' && r.counterpart === D)?.counterpart_name).toBe(HOSTILE_NAME);
    const multiline = sentDoc('M1', '2025-09-08T09:00', [{ organId: A, events: [ev('01', '2025-09-08T09:01'), ev('02', '2025-09-08T09:02', { description: 'dòng một\r\ndòng hai\nba' })] }]);
    const out = complianceReportToCsv(buildComplianceReport({ sent: [multiline], ...PERIOD }));
    const refused = csvRecords(out.slice(1)).find((r) => r[0] === 'refused');
    expect(refused?.[11]).toBe('dòng một\r\ndòng hai\nba');
  });

  test('text a spreadsheet would run as a formula is neutralised', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField(-5)).toBe('-5');
    expect(csvField('Sở Y tế')).toBe('Sở Y tế');
    const doc = sentDoc('F1', '2025-09-08T09:00', [{ organId: A, organName: '=cmd|"/c calc"!A1', events: [] }], { subject: '@evil' });
    const out = complianceReportToCsv(buildComplianceReport({ sent: [doc], ...PERIOD }));
    const overdue = csvRecords(out.slice(1)).find((r) => r[0] === 'overdue')!;
    expect(overdue[3]).toBe(`'=cmd|"/c calc"!A1`);
    expect(overdue[8]).toBe("'@evil");
  });
});
