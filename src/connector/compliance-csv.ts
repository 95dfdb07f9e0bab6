/**
 * The compliance report as CSV for spreadsheets.
 * @module
 */
import type { ComplianceReport, ReportDocumentRef, TimingStats } from './compliance-report-types.js';

/**
 * The columns of {@link complianceReportToCsv}, in order. Every row has all of them; a
 * column that does not apply to a row's section is empty.
 */
export const COMPLIANCE_CSV_COLUMNS = [
  'section',
  'side',
  'counterpart',
  'counterpart_name',
  'period',
  'stage',
  'document_id',
  'document_code',
  'subject',
  'metric',
  'value',
  'detail',
] as const;

type Column = (typeof COMPLIANCE_CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | null | undefined>>;

/**
 * The compliance report as one long CSV table (RFC 4180: comma-separated, CRLF line ends,
 * fields with a comma, quote or line break in double quotes, quotes doubled), UTF-8 with a
 * byte-order mark so Excel reads Vietnamese correctly. Numbers use a dot as decimal sign.
 *
 * One row per value, with a `section` column (filter or pivot on it):
 * - `report`: `metric` generated_at, from, to, first_day, last_day, unit, agency_id, agency_name;
 * - `total`: `metric` sent_documents, sent_trails, received_documents, counterparts, overdue, late, refused, withdrawn;
 * - `period`: `period` (`YYYY-MM-DD/YYYY-MM-DD`, both days included), `metric` sent | received;
 * - `counterpart`: `counterpart`, `counterpart_name`, `metric` sent, received, reporting_class,
 *   full, partial, arrival_only, silent, full_share, overdue, late, refused, withdrawn;
 * - `counterpart_period`: documents per counterpart and period (rows with 0 left out);
 * - `reporting`: `side`, `metric` trails, full, partial, arrival_only, silent, full_share (0…1);
 * - `timing`: `side`, `stage`, `metric` count, median_minutes, p90_minutes,
 *   median_working_minutes, p90_working_minutes (empty value: nothing measured);
 * - `overdue` (`metric` overdue_minutes), `late` (late_minutes), `refused` (refused_at, the
 *   reason in `detail`), `withdrawn` (withdrawn_at): one row per item with its document.
 *
 * Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
 * carriage return) is prefixed with `'`: every value from a document is untrusted.
 *
 * @example
 * ```ts
 * writeFileSync('report.csv', complianceReportToCsv(report));
 * ```
 */
export function complianceReportToCsv(report: ComplianceReport): string {
  const rows: Row[] = [];
  const push = (section: string, row: Row) => rows.push({ section, ...row });

  const meta: [string, string | undefined][] = [
    ['generated_at', report.generatedAt],
    ['from', report.period.from],
    ['to', report.period.to],
    ['first_day', report.period.firstDay],
    ['last_day', report.period.lastDay],
    ['unit', report.period.unit],
    ['agency_id', report.agency?.organId],
    ['agency_name', report.agency?.organName],
  ];
  for (const [metric, value] of meta) if (value !== undefined) push('report', { metric, value });
  for (const [key, value] of Object.entries(report.totals)) push('total', { metric: snake(key), value });

  for (const p of report.periods) {
    const period = `${p.start}/${p.end}`;
    push('period', { period, metric: 'sent', value: p.sent });
    push('period', { period, metric: 'received', value: p.received });
  }

  for (const c of report.counterparts) {
    const base = { counterpart: c.organId, counterpart_name: c.organName };
    const values: [string, string | number | null][] = [
      ['sent', c.sent],
      ['received', c.received],
      ['reporting_class', c.reportingClass],
      ['full', c.reporting.full],
      ['partial', c.reporting.partial],
      ['arrival_only', c.reporting.arrivalOnly],
      ['silent', c.reporting.silent],
      ['full_share', c.reporting.fullShare],
      ['overdue', c.overdue],
      ['late', c.late],
      ['refused', c.refused],
      ['withdrawn', c.withdrawn],
    ];
    for (const [metric, value] of values) push('counterpart', { ...base, metric, value });
  }
  for (const c of report.counterparts) {
    c.periods.forEach((counts, i) => {
      const p = report.periods[i];
      if (!p) return;
      for (const metric of ['sent', 'received'] as const) {
        if (counts[metric] > 0) push('counterpart_period', { counterpart: c.organId, counterpart_name: c.organName, period: `${p.start}/${p.end}`, metric, value: counts[metric] });
      }
    });
  }

  for (const side of ['sent', 'received'] as const) {
    const s = report.reporting[side];
    const values: [string, number | null][] = [
      ['trails', s.trails],
      ['full', s.full],
      ['partial', s.partial],
      ['arrival_only', s.arrivalOnly],
      ['silent', s.silent],
      ['full_share', s.fullShare],
    ];
    for (const [metric, value] of values) push('reporting', { side, metric, value });
  }
  for (const side of ['sent', 'received'] as const) {
    for (const [stage, t] of Object.entries(report.timings[side]) as [string, TimingStats][]) {
      for (const [key, value] of Object.entries(t)) push('timing', { side, stage, metric: snake(key), value: value as number | null });
    }
  }

  const doc = (r: ReportDocumentRef): Row => ({
    side: r.side,
    counterpart: r.counterpart,
    counterpart_name: r.counterpartName,
    document_id: r.documentId,
    document_code: r.code,
    subject: r.subject,
  });
  for (const o of report.overdue) {
    push('overdue', { ...doc(o), stage: o.stage, metric: 'overdue_minutes', value: Math.round(o.overdueByMs / 60_000), detail: `due ${o.dueAt}; priority ${o.priority}` });
  }
  for (const l of report.late) {
    push('late', { ...doc(l), stage: l.stage, metric: 'late_minutes', value: Math.round(l.lateByMs / 60_000), detail: `due ${l.dueAt}; done ${l.doneAt}; priority ${l.priority}` });
  }
  for (const r of report.refused) {
    push('refused', { ...doc(r), stage: '02', metric: 'refused_at', value: r.at, detail: r.staff ? `${r.reason} (${r.staff})` : r.reason });
  }
  for (const w of report.withdrawn) push('withdrawn', { ...doc(w), stage: '15', metric: 'withdrawn_at', value: w.at });

  const lines = [COMPLIANCE_CSV_COLUMNS.join(','), ...rows.map((r) => COMPLIANCE_CSV_COLUMNS.map((c) => csvField(r[c])).join(','))];
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** One field: numbers as they are, text guarded against formulas and quoted when needed. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
}
