/**
 * Inline SVG charts of the HTML compliance report, drawn here (no script, no external
 * resource). Each chart is `<svg class="chart chart-NAME" id="chart-NAME" role="img">` with a
 * `<title>` and a `<desc>`; the tables beside them carry the same numbers for screen readers.
 * @internal
 * @module
 */
import type { ComplianceReport, CounterpartSummary, ReportingShare } from './compliance-report-types.js';
import { escapeHtml } from './html-escape.js';
import type { ReportText } from './report-labels.js';
import { REPORTING_CLASSES } from './reporting-class.js';
import { STAGES } from './trail-stages.js';

/** Colours (also used by the page's legends and CSS). */
export const CHART_COLORS = {
  sent: '#1f5fad',
  received: '#c2410c',
  full: '#1a7f37',
  partial: '#b7791f',
  'arrival-only': '#6f42c1',
  silent: '#8c959f',
  median: '#1f5fad',
  p90: '#7fa7d9',
} as const;

/** Most counterparts drawn in a chart (the tables list them all). */
export const CHART_MAX_ROWS = 20;

const WIDTH = 760;
const LABEL_W = 230;
const PLOT_W = WIDTH - LABEL_W - 70;

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

/** A generous estimate of a text's width in a sans-serif face at `px` (0.6 em a character). */
export function approxTextWidth(s: string, px: number): number {
  return Array.from(s).length * px * 0.6;
}

function svg(name: string, height: number, title: string, desc: string, body: string): string {
  const id = `chart-${name}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-${name}" id="${id}" role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc" ` +
    `viewBox="0 0 ${WIDTH} ${fmt(height)}" width="${WIDTH}" height="${fmt(height)}">` +
    `<title id="${id}-title">${escapeHtml(title)}</title><desc id="${id}-desc">${escapeHtml(desc)}</desc>${body}</svg>`
  );
}

function rect(x: number, y: number, w: number, h: number, fill: string, label?: string): string {
  const tip = label === undefined ? '' : `<title>${escapeHtml(label)}</title>`;
  return `<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(Math.max(0, w))}" height="${fmt(h)}" fill="${fill}">${tip}</rect>`;
}

function text(x: number, y: number, value: string, anchor: 'start' | 'middle' | 'end' = 'start', cls = ''): string {
  return `<text x="${fmt(x)}" y="${fmt(y)}" text-anchor="${anchor}"${cls ? ` class="${cls}"` : ''}>${escapeHtml(value)}</text>`;
}

function legend(y: number, entries: readonly [string, string][]): string {
  let x = LABEL_W;
  let out = '';
  for (const [label, color] of entries) {
    out += rect(x, y - 10, 12, 12, color) + text(x + 16, y, label);
    x += 24 + Math.min(220, Array.from(label).length * 7.2);
  }
  return `<g class="legend">${out}</g>`;
}

function noData(name: string, title: string, t: ReportText): string {
  return svg(name, 60, title, t.t.noData, text(WIDTH / 2, 35, t.t.noData, 'middle', 'muted'));
}

/** A label for a counterpart, shortened for the chart (the table has it in full). */
export function counterpartLabel(c: Pick<CounterpartSummary, 'organId' | 'organName'>): string {
  const name = c.organName?.trim() ? c.organName.trim() : c.organId;
  const chars = Array.from(name);
  return chars.length > 34 ? `${chars.slice(0, 33).join('')}…` : name;
}

/** A short date for an axis: `08/09` or `09-08`; a month as `09/2025` or `2025-09`. */
function axisDate(iso: string, unit: ComplianceReport['period']['unit'], t: ReportText): string {
  const [y, m, d] = iso.split('-');
  if (unit === 'month') return t.lang === 'vi' ? `${m}/${y}` : `${y}-${m}`;
  return t.lang === 'vi' ? `${d}/${m}` : `${m}-${d}`;
}

/** Columns of documents sent and received per period. */
export function periodsChart(report: ComplianceReport, t: ReportText): string {
  const title = `${t.t.byPeriod} (${t.t.unit[report.period.unit]})`;
  const periods = report.periods;
  const max = Math.max(0, ...periods.map((p) => Math.max(p.sent, p.received)));
  if (periods.length === 0 || max === 0) return noData('periods', title, t);
  const top = 20;
  const plotH = 180;
  const left = 50;
  const plotW = WIDTH - left - 20;
  const slot = plotW / periods.length;
  const bar = Math.max(1, Math.min(18, slot * 0.4));
  const every = Math.ceil(periods.length / 12);
  let body = '';
  for (const v of new Set([0, Math.round(max / 2), max])) {
    const y = top + plotH - (v / max) * plotH;
    body += `<line x1="${left}" x2="${fmt(left + plotW)}" y1="${fmt(y)}" y2="${fmt(y)}" class="grid"/>` + text(left - 6, y + 4, t.number(v), 'end', 'axis');
  }
  periods.forEach((p, i) => {
    const x = left + i * slot + slot / 2;
    const hs = (p.sent / max) * plotH;
    const hr = (p.received / max) * plotH;
    body += rect(x - bar, top + plotH - hs, bar, hs, CHART_COLORS.sent, `${t.date(p.start)}: ${t.t.sent} ${p.sent}`);
    body += rect(x, top + plotH - hr, bar, hr, CHART_COLORS.received, `${t.date(p.start)}: ${t.t.received} ${p.received}`);
    if (i % every === 0) body += text(x, top + plotH + 16, axisDate(p.start, report.period.unit, t), 'middle', 'axis');
  });
  body += legend(top + plotH + 44, [
    [t.t.sent, CHART_COLORS.sent],
    [t.t.received, CHART_COLORS.received],
  ]);
  const desc = `${t.t.sent} ${report.totals.sentDocuments}, ${t.t.received} ${report.totals.receivedDocuments}; ${periods.length} × ${t.t.unit[report.period.unit]}`;
  return svg('periods', top + plotH + 56, title, desc, body);
}

/** Horizontal bars: documents sent to and received from each counterpart. */
export function counterpartsChart(report: ComplianceReport, t: ReportText): string {
  const rows = report.counterparts.slice(0, CHART_MAX_ROWS);
  if (rows.length === 0) return noData('counterparts', t.t.byCounterpart, t);
  const max = Math.max(1, ...rows.map((c) => Math.max(c.sent, c.received)));
  const rowH = 30;
  let body = '';
  rows.forEach((c, i) => {
    const y = 10 + i * rowH;
    const ws = (c.sent / max) * PLOT_W;
    const wr = (c.received / max) * PLOT_W;
    body += text(LABEL_W - 8, y + 15, counterpartLabel(c), 'end');
    body += rect(LABEL_W, y + 2, ws, 11, CHART_COLORS.sent, `${c.organId}: ${t.t.sent} ${c.sent}`) + text(LABEL_W + ws + 4, y + 12, t.number(c.sent), 'start', 'value');
    body += rect(LABEL_W, y + 14, wr, 11, CHART_COLORS.received, `${c.organId}: ${t.t.received} ${c.received}`) + text(LABEL_W + wr + 4, y + 24, t.number(c.received), 'start', 'value');
  });
  let y = 10 + rows.length * rowH + 16;
  const more = report.counterparts.length - rows.length;
  if (more > 0) {
    body += text(LABEL_W, y, t.t.moreRows(more), 'start', 'muted');
    y += 20;
  }
  body += legend(y, [
    [t.t.sent, CHART_COLORS.sent],
    [t.t.received, CHART_COLORS.received],
  ]);
  const desc = rows.map((c) => `${counterpartLabel(c)}: ${t.t.sent} ${c.sent}, ${t.t.received} ${c.received}`).join('; ');
  return svg('counterparts', y + 12, t.t.byCounterpart, desc, body);
}

/** 100 % stacked bars of reporting classes: all recipients, then each counterpart sent to. */
export function reportingClassesChart(report: ComplianceReport, t: ReportText): string {
  const rows: [string, ReportingShare][] = [];
  if (report.reporting.sent.trails > 0) rows.push([t.t.total, report.reporting.sent]);
  for (const c of report.counterparts.filter((x) => x.reporting.trails > 0).slice(0, CHART_MAX_ROWS)) rows.push([counterpartLabel(c), c.reporting]);
  if (rows.length === 0) return noData('reporting-classes', t.t.reportingClasses, t);
  const rowH = 26;
  const count = (s: ReportingShare, cls: string) => (cls === 'full' ? s.full : cls === 'partial' ? s.partial : cls === 'arrival-only' ? s.arrivalOnly : s.silent);
  let body = '';
  rows.forEach(([label, share], i) => {
    const y = 10 + i * rowH;
    body += text(LABEL_W - 8, y + 14, label, 'end', i === 0 && label === t.t.total ? 'strong' : '');
    let x = LABEL_W;
    for (const cls of [...REPORTING_CLASSES].reverse()) {
      const n = count(share, cls);
      const w = (n / share.trails) * PLOT_W;
      body += rect(x, y, w, 18, CHART_COLORS[cls], `${label}: ${t.t.classes[cls]} ${n}/${share.trails}`);
      x += w;
    }
    body += text(LABEL_W + PLOT_W + 6, y + 14, t.percent(share.fullShare), 'start', 'value');
  });
  const y = 10 + rows.length * rowH + 16;
  body += legend(y, [...REPORTING_CLASSES].reverse().map((cls) => [t.t.classes[cls], CHART_COLORS[cls]] as [string, string]));
  const desc = rows.map(([label, s]) => `${label}: ${t.t.classes.full} ${s.full}, ${t.t.classes.partial} ${s.partial}, ${t.t.classes['arrival-only']} ${s.arrivalOnly}, ${t.t.classes.silent} ${s.silent}`).join('; ');
  return svg('reporting-classes', y + 12, t.t.reportingClasses, desc, body);
}

/** Median and p90 working time to 01, 03, 06, for both directions. */
export function timingsChart(report: ComplianceReport, t: ReportText): string {
  const title = `${t.t.timings} (${t.t.working})`;
  const rows: [string, number | null, number | null][] = [];
  for (const side of ['sent', 'received'] as const) {
    for (const stage of STAGES) {
      const s = report.timings[side][stage];
      rows.push([`${side === 'sent' ? t.t.sideSent : t.t.sideReceived} → ${t.status(stage)}`, s.medianWorkingMinutes, s.p90WorkingMinutes]);
    }
  }
  const max = Math.max(0, ...rows.map(([, m, p]) => Math.max(m ?? 0, p ?? 0)));
  if (rows.every(([, m]) => m === null)) return noData('timings', title, t);
  const rowH = 30;
  // row labels ("Received → 03 Accepted and registered") and durations ("1 ngày 5 giờ") are
  // longer than elsewhere: widen the label column and keep room right of the longest bar
  const labelW = Math.min(340, Math.max(LABEL_W, Math.ceil(Math.max(...rows.map(([l]) => approxTextWidth(l, 12))) + 12)));
  const valueW = Math.max(40, Math.ceil(Math.max(...rows.flatMap(([, m, p]) => [m, p].map((v) => approxTextWidth(t.minutes(v), 11)))) + 10));
  const plotW = WIDTH - labelW - valueW;
  const scale = (v: number | null) => (max === 0 || v === null ? 0 : (v / max) * plotW);
  let body = '';
  rows.forEach(([label, median, p90], i) => {
    const y = 10 + i * rowH;
    body += text(labelW - 8, y + 15, label, 'end');
    if (median === null) {
      body += text(labelW + 4, y + 15, t.t.noData, 'start', 'muted');
      return;
    }
    body += rect(labelW, y + 2, scale(median), 11, CHART_COLORS.median, `${label}: ${t.t.median} ${t.minutes(median)}`) + text(labelW + scale(median) + 4, y + 12, t.minutes(median), 'start', 'value');
    body += rect(labelW, y + 14, scale(p90), 11, CHART_COLORS.p90, `${label}: ${t.t.p90} ${t.minutes(p90)}`) + text(labelW + scale(p90) + 4, y + 24, t.minutes(p90), 'start', 'value');
  });
  const y = 10 + rows.length * rowH + 16;
  body += legend(y, [
    [t.t.median, CHART_COLORS.median],
    [t.t.p90, CHART_COLORS.p90],
  ]);
  const desc = rows.map(([label, m, p]) => `${label}: ${t.t.median} ${t.minutes(m)}, ${t.t.p90} ${t.minutes(p)}`).join('; ');
  return svg('timings', y + 12, title, desc, body);
}
