/**
 * The compliance report as one self-contained HTML page with charts.
 * @module
 */
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../errors.js';
import { priorityLabel } from '../edxml/codes.js';
import type { ComplianceReport, ReportDocumentRef } from './compliance-report-types.js';
import { CHART_COLORS, counterpartsChart, periodsChart, reportingClassesChart, timingsChart } from './compliance-charts.js';
import { escapeHtml } from './html-escape.js';
import { reportText, type ReportText } from './report-labels.js';
import { REPORTING_CLASSES } from './reporting-class.js';
import { STAGES } from './trail-stages.js';

/** Options of {@link complianceReportToHtml}. */
export const ComplianceHtmlOptionsSchema = z.strictObject({
  /** The page title; by default the report's name, the reporting body and the period. */
  title: z.string().min(1).optional(),
  /** Language of labels and number formats. @defaultValue `'vi'` */
  lang: z.enum(['vi', 'en']).default('vi'),
  /**
   * Most rows shown in each list of items (overdue, late, refused, withdrawn); the page says
   * how many more there are, and the CSV and JSON keep them all.
   * @defaultValue 500
   */
  maxItemRows: z.int().positive().default(500),
});
/** Options of {@link complianceReportToHtml} as callers write them. */
export type ComplianceHtmlOptions = z.input<typeof ComplianceHtmlOptionsSchema>;

const CSS = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1f2328;background:#fff}
body{margin:0 auto;max-width:1000px;padding:24px;line-height:1.45}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
.meta{color:#57606a;margin:0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:12px;margin:1rem 0;padding:0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:10px 12px;margin:0}
.card dt{color:#57606a;font-size:.85rem}.card dd{margin:0;font-size:1.4rem;font-weight:600}
.card.alert dd{color:#b42318}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f6f8fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.empty{color:#57606a;font-style:italic}
svg.chart{display:block;max-width:100%;height:auto;margin:.5rem 0;font-size:12px}
svg.chart text{fill:#1f2328}svg.chart text.axis,svg.chart text.muted{fill:#57606a}svg.chart text.value{font-size:11px}
svg.chart text.strong{font-weight:600}svg.chart line.grid{stroke:#d0d7de;stroke-width:1}
.badge{display:inline-block;padding:0 6px;border-radius:10px;color:#fff;font-size:.8rem;white-space:nowrap}
${REPORTING_CLASSES.map((c) => `.badge.${c}{background:${CHART_COLORS[c]}}`).join('')}
footer{margin-top:2rem;color:#57606a;font-size:.8rem}
@media print{body{max-width:none}h2{break-after:avoid}svg.chart{break-inside:avoid}}
`;

/**
 * The report as one self-contained HTML page: inline CSS, inline SVG charts (documents per
 * period and per counterpart, reporting classes, time to status), accessible tables, and no
 * script or external resource (a Content-Security-Policy forbids both; the only URL is the
 * empty `data:` icon that keeps browsers from asking for `/favicon.ico`). Every value from a
 * document is escaped; the markup is also well-formed XML after the doctype line.
 *
 * Charts carry `class="chart"` and ids `chart-periods`, `chart-counterparts`,
 * `chart-reporting-classes`, `chart-timings`; sections have ids `summary`, `periods`,
 * `counterparts`, `reporting`, `timings`, `overdue`, `late`, `refused`, `withdrawn`.
 *
 * @throws {ConfigError} VDXP_CONFIG_INVALID for bad options
 * @example
 * ```ts
 * writeFileSync('report.html', complianceReportToHtml(report, { lang: 'vi' }));
 * ```
 */
export function complianceReportToHtml(report: ComplianceReport, options: ComplianceHtmlOptions = {}): string {
  const parsed = ComplianceHtmlOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError('complianceReportToHtml', issuesFromZod(parsed.error.issues), { cause: parsed.error });
  const tx = reportText(parsed.data.lang);
  const { t } = tx;
  const e = escapeHtml;
  const agencyName = report.agency ? report.agency.organName?.trim() || report.agency.organId : undefined;
  const periodText = `${tx.date(report.period.firstDay)} – ${tx.date(report.period.lastDay)}`;
  const title = parsed.data.title ?? [t.title, agencyName, periodText].filter(Boolean).join(' — ');

  const card = (label: string, value: string, alert = false) => `<div class="card${alert ? ' alert' : ''}"><dt>${e(label)}</dt><dd>${e(value)}</dd></div>`;
  const n = report.totals;
  const summary =
    `<dl class="cards">` +
    card(t.sentDocuments, tx.number(n.sentDocuments)) +
    card(t.sentTrails, tx.number(n.sentTrails)) +
    card(t.receivedDocuments, tx.number(n.receivedDocuments)) +
    card(t.counterparts, tx.number(n.counterparts)) +
    card(t.fullShareSent, tx.percent(report.reporting.sent.fullShare)) +
    card(t.fullShareReceived, tx.percent(report.reporting.received.fullShare)) +
    card(t.overdue, tx.number(n.overdue), n.overdue > 0) +
    card(t.late, tx.number(n.late), n.late > 0) +
    card(t.refused, tx.number(n.refused)) +
    card(t.withdrawn, tx.number(n.withdrawn)) +
    `</dl>`;

  const periodRows = report.periods.map((p) => [`${tx.date(p.start)}${p.end !== p.start ? ` – ${tx.date(p.end)}` : ''}`, num(tx, p.sent), num(tx, p.received)]);
  const counterpartRows = report.counterparts.map((c) => [
    c.organId,
    c.organName ?? '',
    num(tx, c.sent),
    num(tx, c.received),
    { html: c.reportingClass ? `<span class="badge ${c.reportingClass}">${e(t.classes[c.reportingClass])}</span>` : '–' },
    { text: tx.percent(c.reporting.fullShare), num: true },
    num(tx, c.overdue),
    num(tx, c.refused),
  ]);
  const shareRows = (['sent', 'received'] as const).map((side) => {
    const s = report.reporting[side];
    return [side === 'sent' ? t.sideSent : t.sideReceived, num(tx, s.trails), num(tx, s.full), num(tx, s.partial), num(tx, s.arrivalOnly), num(tx, s.silent), { text: tx.percent(s.fullShare), num: true }];
  });
  const timingRows = (['sent', 'received'] as const).flatMap((side) =>
    STAGES.map((stage) => {
      const s = report.timings[side][stage];
      const m = (v: number | null) => ({ text: tx.minutes(v), num: true });
      return [side === 'sent' ? t.sideSent : t.sideReceived, tx.status(stage), num(tx, s.count), m(s.medianWorkingMinutes), m(s.p90WorkingMinutes), m(s.medianMinutes), m(s.p90Minutes)];
    }),
  );
  const docCells = (r: ReportDocumentRef): Cell[] => [r.side === 'sent' ? t.sideSent : t.sideReceived, r.code, r.subject, r.counterpartName ? `${r.counterpartName} (${r.counterpart})` : r.counterpart];
  const priority = (p: number) => priorityLabel(p, tx.lang) ?? String(p);
  const docHeaders = [t.side, t.documentCode, t.subject, t.organName];
  const max = parsed.data.maxItemRows;
  const itemTable = (caption: string, headers: readonly string[], items: readonly Cell[][], numeric: readonly number[] = []) =>
    table(caption, headers, items.slice(0, max), t.none, numeric) + (items.length > max ? `<p class="meta more">${e(t.moreItems(max, items.length))}</p>` : '');

  const body = [
    `<header><h1>${e(t.title)}</h1>`,
    agencyName ? `<p class="meta">${e(t.agency)}: ${e(agencyName)}${report.agency && agencyName !== report.agency.organId ? ` (${e(report.agency.organId)})` : ''}</p>` : '',
    `<p class="meta">${e(t.period)}: ${e(periodText)} · ${e(t.generatedAt)}: ${e(tx.dateTime(report.generatedAt))}</p></header>`,
    `<main>`,
    section('summary', t.summary, summary),
    section('periods', `${t.byPeriod} (${t.unit[report.period.unit]})`, periodsChart(report, tx) + table(t.byPeriod, [t.periodCol, t.sent, t.received], periodRows, t.none, [1, 2])),
    section(
      'counterparts',
      t.byCounterpart,
      counterpartsChart(report, tx) +
        table(t.byCounterpart, [t.organId, t.organName, t.sent, t.received, t.reportingClass, t.fullShareSent, t.overdue, t.refused], counterpartRows, t.none, [2, 3, 5, 6, 7]),
    ),
    section(
      'reporting',
      t.reportingClasses,
      reportingClassesChart(report, tx) +
        table(t.reportingClasses, [t.side, t.count, ...REPORTING_CLASSES.slice().reverse().map((c) => t.classes[c]), t.fullShareSent], shareRows, t.none, [1, 2, 3, 4, 5, 6]),
    ),
    section(
      'timings',
      t.timings,
      `<p class="meta">${e(t.timingNote)}</p>` +
        timingsChart(report, tx) +
        table(t.timings, [t.side, t.stage, t.count, `${t.median} (${t.working})`, `${t.p90} (${t.working})`, `${t.median} (${t.wall})`, `${t.p90} (${t.wall})`], timingRows, t.none, [2, 3, 4, 5, 6]),
    ),
    section(
      'overdue',
      t.overdueItems,
      itemTable(t.overdueItems, [...docHeaders, t.stage, t.priority, t.dueAt, t.overdueBy], report.overdue.map((o) => [...docCells(o), tx.status(o.stage), priority(o.priority), tx.dateTime(o.dueAt), { text: tx.minutes(o.overdueByMs / 60_000), num: true }]), [7]),
    ),
    section(
      'late',
      t.lateItems,
      itemTable(t.lateItems, [...docHeaders, t.stage, t.dueAt, t.doneAt, t.lateBy], report.late.map((l) => [...docCells(l), tx.status(l.stage), tx.dateTime(l.dueAt), tx.dateTime(l.doneAt), { text: tx.minutes(l.lateByMs / 60_000), num: true }]), [7]),
    ),
    section('refused', t.refusedItems, itemTable(t.refusedItems, [...docHeaders, t.at, t.reason, t.staff], report.refused.map((r) => [...docCells(r), tx.dateTime(r.at), r.reason, r.staff ?? '']))),
    section('withdrawn', t.withdrawnItems, itemTable(t.withdrawnItems, [...docHeaders, t.at], report.withdrawn.map((w) => [...docCells(w), w.at ? tx.dateTime(w.at) : '']))),
    `</main>`,
    `<footer>vdxp-connector · ${e(report.kind)} v${e(report.version)} · ${e(report.period.from)} – ${e(report.period.to)}</footer>`,
  ].join('\n');

  return [
    '<!DOCTYPE html>',
    `<html lang="${tx.lang}" xmlns="http://www.w3.org/1999/xhtml">`,
    '<head>',
    '<meta charset="utf-8"/>',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"/>`,
    '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
    '<meta name="generator" content="vdxp-connector"/>',
    // an empty icon: a browser asks for /favicon.ico otherwise (a 404 when served over HTTP)
    '<link rel="icon" href="data:,"/>',
    `<title>${e(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    `<body>\n${body}\n</body>`,
    '</html>',
    '',
  ].join('\n');
}

type Cell = string | { readonly text: string; readonly num?: boolean } | { readonly html: string };

function num(tx: ReportText, n: number): Cell {
  return { text: tx.number(n), num: true };
}

function section(id: string, heading: string, content: string): string {
  return `<section id="${id}" aria-labelledby="${id}-heading"><h2 id="${id}-heading">${escapeHtml(heading)}</h2>\n${content}\n</section>`;
}

/** An accessible table: caption, column headers with scope, the first cell of a row as its header. */
function table(caption: string, headers: readonly string[], rows: readonly (readonly Cell[])[], empty: string, numeric: readonly number[] = []): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const head = headers.map((h, i) => `<th scope="col"${numeric.includes(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const cell = (c: Cell, i: number) => {
    const tag = i === 0 ? 'th scope="row"' : 'td';
    const close = i === 0 ? 'th' : 'td';
    if (typeof c === 'string') return `<${tag}>${escapeHtml(c)}</${close}>`;
    if ('html' in c) return `<${tag}>${c.html}</${close}>`;
    return `<${tag}${c.num ? ' class="num"' : ''}>${escapeHtml(c.text)}</${close}>`;
  };
  const body = rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
