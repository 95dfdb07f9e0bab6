/**
 * `buildComplianceReport`: the periodic report a body sends the Government Office on
 * sending and receiving electronic documents (`workflow.md` section 8), computed from the
 * connector's tracking records. Pure: no I/O, the clock is the `now` given.
 * @module
 */
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../errors.js';
import type {
  ComplianceReport,
  CounterpartSummary,
  RefusedItem,
  ReportDocumentRef,
  ReportingShare,
  StageTimings,
  WithdrawnItem,
} from './compliance-report-types.js';
import { compareText, deadlineClock, deadlineOutcomes, lateOf, overdueOf, type DeadlinePolicy } from './deadlines.js';
import { classifyCounterpart, classifyTrail } from './reporting-class.js';
import { PeriodIndex } from './report-periods.js';
import { timingStats } from './timing-stats.js';
import { isDocument, STAGES, stageReachedMs, trailRecords, type TrailRecord } from './trail-stages.js';
import type { ReceivedDocumentTracking, ReportingClass, SentDocumentTracking, TrailEvent } from './tracking-types.js';
import type { WorkingCalendar } from './working-calendar.js';

const isObject = (v: unknown) => typeof v === 'object' && v !== null;
const validDate = z.date().refine((d) => Number.isFinite(d.getTime()), 'expected a valid Date');

/** Input of {@link buildComplianceReport}. */
export const ComplianceReportInputSchema = z
  .strictObject({
    /** Documents this body sent (tracking records). @defaultValue `[]` */
    sent: z.array(z.custom<SentDocumentTracking>(isObject, 'expected a sent-document record')).default([]),
    /** Documents this body received. @defaultValue `[]` */
    received: z.array(z.custom<ReceivedDocumentTracking>(isObject, 'expected a received-document record')).default([]),
    /** Start of the period (included). */
    from: validDate,
    /** End of the period (excluded). */
    to: validDate,
    /** The report's clock: overdue items and classes are as of this instant. */
    now: validDate,
    /** Deadlines and working calendar. @defaultValue the defaults of `DeadlinePolicySchema` */
    deadlines: z.custom<DeadlinePolicy>(isObject, 'expected a deadline policy').optional(),
    /** The reporting body. */
    agency: z.strictObject({ organId: z.string().min(1), organName: z.string().optional() }).optional(),
    /** Period size; by default days up to 31 days, weeks up to 183, months beyond. */
    unit: z.enum(['day', 'week', 'month']).optional(),
  })
  .refine((i) => i.from.getTime() < i.to.getTime(), { message: '`to` must be after `from`', path: ['to'] });

/** Input of {@link buildComplianceReport} as callers write it. */
export type ComplianceReportInput = z.input<typeof ComplianceReportInputSchema>;

/**
 * Builds the compliance report of `[from, to)`: counts sent and received per counterpart and
 * per period, the share of trails with full status reporting (overall, per counterpart, and
 * each counterpart's class), times to 01/03/06 (median and p90, wall-clock and working
 * time) in both directions, overdue and late stages, refusals with reasons, withdrawals.
 *
 * @throws {ConfigError} VDXP_CONFIG_INVALID for bad input (unknown keys, `to` not after `from`, a bad deadline policy)
 * @example
 * ```ts
 * const report = buildComplianceReport({ sent, received, from: new Date('2025-01-01T00:00:00+07:00'),
 *   to: new Date('2025-02-01T00:00:00+07:00'), now: new Date(), agency: { organId: '000.00.00.G22' } });
 * writeFileSync('report.html', complianceReportToHtml(report));
 * ```
 */
export function buildComplianceReport(input: ComplianceReportInput): ComplianceReport {
  const parsed = ComplianceReportInputSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError('buildComplianceReport', issuesFromZod(parsed.error.issues), { cause: parsed.error });
  const { from, to, now, agency } = parsed.data;
  const clock = deadlineClock(parsed.data.deadlines ?? {});
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const inPeriod = (t: number) => t >= fromMs && t < toMs;

  const index = new PeriodIndex(fromMs, toMs, parsed.data.unit);
  const sentDocs = parsed.data.sent.filter((d) => isDocument(d) && d.sentAt !== undefined && inPeriod(Date.parse(d.sentAt)));
  // revoke packages sent in the period or later still withdraw documents of the period
  const operations = parsed.data.sent.filter((d) => !isDocument(d));
  const receivedDocs = parsed.data.received.filter((d) => inPeriod(Date.parse(d.receivedAt)));
  const records = trailRecords({ sent: [...sentDocs, ...operations], received: receivedDocs });

  const periods = index.periods.map((p) => ({ ...p, sent: 0, received: 0 }));
  for (const d of sentDocs) periods[index.indexOf(Date.parse(d.sentAt!))]!.sent++;
  for (const d of receivedDocs) periods[index.indexOf(Date.parse(d.receivedAt))]!.received++;

  const ref = (r: TrailRecord): ReportDocumentRef => ({
    side: r.side,
    documentId: r.documentId,
    code: r.code,
    subject: r.subject,
    counterpart: r.counterpart,
    ...(r.counterpartName !== undefined ? { counterpartName: r.counterpartName } : {}),
  });
  const outcomes = deadlineOutcomes(records, clock);
  const overdue = overdueOf(outcomes, now.getTime(), ref);
  const late = lateOf(outcomes, ref);
  const refused: RefusedItem[] = records
    .filter((r) => r.refusal !== undefined)
    .map((r) => refusedItem(ref(r), r.refusal!))
    .sort((a, b) => compareText(a.at, b.at) || compareText(a.documentId, b.documentId));
  const withdrawn: WithdrawnItem[] = records
    .filter((r) => r.withdrawn)
    .map((r) => ({ ...ref(r), ...(r.withdrawnAt !== undefined ? { at: r.withdrawnAt } : {}) }))
    .sort((a, b) => compareText(a.at ?? '', b.at ?? '') || compareText(a.documentId, b.documentId));

  const sentRecords = records.filter((r) => r.side === 'sent');
  const receivedRecords = records.filter((r) => r.side === 'received');

  const counterparts = summarizeCounterparts(records, index, {
    overdue: countBy(overdue),
    late: countBy(late),
    refused: countBy(refused),
    withdrawn: countBy(withdrawn),
  });

  return {
    kind: 'vdxp-compliance-report',
    version: 1,
    generatedAt: now.toISOString(),
    ...(agency ? { agency: { organId: agency.organId, ...(agency.organName !== undefined ? { organName: agency.organName } : {}) } } : {}),
    period: {
      from: from.toISOString(),
      to: to.toISOString(),
      firstDay: index.periods[0]!.start,
      lastDay: index.periods[index.periods.length - 1]!.end,
      unit: index.unit,
    },
    deadlines: clock.policy,
    totals: {
      sentDocuments: sentDocs.length,
      sentTrails: sentRecords.length,
      receivedDocuments: receivedDocs.length,
      counterparts: counterparts.length,
      overdue: overdue.length,
      late: late.length,
      refused: refused.length,
      withdrawn: withdrawn.length,
    },
    periods,
    counterparts,
    reporting: { sent: shareOf(sentRecords.map((r) => r.events)), received: shareOf(receivedRecords.map((r) => r.events)) },
    timings: { sent: timingsOf(sentRecords, clock.calendar), received: timingsOf(receivedRecords, clock.calendar) },
    overdue,
    late,
    refused,
    withdrawn,
  };
}

function refusedItem(ref: ReportDocumentRef, refusal: TrailEvent): RefusedItem {
  const staff = refusal.staff?.staff;
  return { ...ref, at: refusal.at, reason: refusal.description ?? '', ...(staff ? { staff } : {}) };
}

function countBy(items: readonly { counterpart: string }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(i.counterpart, (m.get(i.counterpart) ?? 0) + 1);
  return m;
}

/** Trails by reporting class. */
export function shareOf(trails: readonly (readonly TrailEvent[])[]): ReportingShare {
  const counts: Record<ReportingClass, number> = { full: 0, partial: 0, 'arrival-only': 0, silent: 0 };
  for (const t of trails) counts[classifyTrail(t)]++;
  return {
    trails: trails.length,
    full: counts.full,
    partial: counts.partial,
    arrivalOnly: counts['arrival-only'],
    silent: counts.silent,
    fullShare: trails.length === 0 ? null : counts.full / trails.length,
  };
}

function timingsOf(records: readonly TrailRecord[], calendar: WorkingCalendar): StageTimings {
  const out = {} as Record<(typeof STAGES)[number], ReturnType<typeof timingStats>>;
  for (const stage of STAGES) {
    const wall: number[] = [];
    const working: number[] = [];
    for (const r of records) {
      const done = stageReachedMs(r.events, stage);
      if (done === undefined) continue;
      wall.push(Math.max(0, done - r.startMs));
      working.push(calendar.workingMsBetween(new Date(r.startMs), new Date(done)));
    }
    out[stage] = timingStats(wall, working);
  }
  return out;
}

function summarizeCounterparts(
  records: readonly TrailRecord[],
  index: PeriodIndex,
  counts: Record<'overdue' | 'late' | 'refused' | 'withdrawn', Map<string, number>>,
): CounterpartSummary[] {
  const groups = new Map<string, TrailRecord[]>();
  for (const r of records) {
    const g = groups.get(r.counterpart);
    if (g) g.push(r);
    else groups.set(r.counterpart, [r]);
  }
  const out: CounterpartSummary[] = [];
  for (const [organId, group] of groups) {
    const sent = group.filter((r) => r.side === 'sent');
    const periods = index.periods.map(() => ({ sent: 0, received: 0 }));
    for (const r of group) periods[index.indexOf(r.startMs)]![r.side]++;
    const named = [...group].sort((a, b) => a.startMs - b.startMs).reverse().find((r) => r.counterpartName);
    out.push({
      organId,
      ...(named?.counterpartName !== undefined ? { organName: named.counterpartName } : {}),
      sent: sent.length,
      received: group.length - sent.length,
      periods,
      reportingClass: sent.length === 0 ? null : classifyCounterpart(sent.map((r) => r.events)),
      reporting: shareOf(sent.map((r) => r.events)),
      overdue: counts.overdue.get(organId) ?? 0,
      late: counts.late.get(organId) ?? 0,
      refused: counts.refused.get(organId) ?? 0,
      withdrawn: counts.withdrawn.get(organId) ?? 0,
    });
  }
  return out.sort((a, b) => b.sent + b.received - (a.sent + a.received) || compareText(a.organId, b.organId));
}
