/**
 * The shape of the compliance report (`workflow.md` section 8): what a body reports
 * periodically to the Government Office on sending and receiving electronic documents.
 * Plain JSON: every field is a string, a number, `null`, an array or an object.
 * @module
 */
import type { LateItem, OverdueItem, ResolvedDeadlinePolicy } from './deadlines.js';
import type { PeriodUnit, ReportPeriod } from './report-periods.js';
import type { TimingStats } from './timing-stats.js';
import type { Stage } from './trail-stages.js';
import type { ReportingClass } from './tracking-types.js';

export type { PeriodUnit, ReportPeriod } from './report-periods.js';
export type { TimingStats } from './timing-stats.js';
export type { Stage } from './trail-stages.js';

/** How many trails fell in each reporting class, and the share that was full. */
export interface ReportingShare {
  /** Trails counted: documents × recipients on the sent side, documents on the received side. */
  readonly trails: number;
  readonly full: number;
  readonly partial: number;
  readonly arrivalOnly: number;
  readonly silent: number;
  /** `full / trails` (0…1), `null` when there is no trail. */
  readonly fullShare: number | null;
}

/** Documents sent and received in one period. */
export interface PeriodCount extends ReportPeriod {
  /** Documents sent (each once, whatever its number of recipients). */
  readonly sent: number;
  readonly received: number;
}

/** Everything about one counterpart (an agency documents were sent to or received from). */
export interface CounterpartSummary {
  readonly organId: string;
  /** The latest name seen for it, if any. */
  readonly organName?: string;
  /** Documents sent to it in the period. */
  readonly sent: number;
  /** Documents received from it in the period. */
  readonly received: number;
  /** Per period of the report (same order as {@link ComplianceReport.periods}). */
  readonly periods: readonly { readonly sent: number; readonly received: number }[];
  /** How it reports status on what it was sent (`classifyCounterpart`); `null` when nothing was sent to it. */
  readonly reportingClass: ReportingClass | null;
  /** Its trails on documents sent to it, by class. */
  readonly reporting: ReportingShare;
  /** Overdue now: stages it has not reported (sent) plus stages this system owes it (received). */
  readonly overdue: number;
  readonly late: number;
  readonly refused: number;
  readonly withdrawn: number;
}

/** Timings per stage (time from sending / arrival to 01, 03, 06). */
export type StageTimings = Readonly<Record<Stage, TimingStats>>;

/** What a report item says about its document (values from documents: escape before display). */
export interface ReportDocumentRef {
  readonly side: 'sent' | 'received';
  readonly documentId: string;
  /** Number/notation. */
  readonly code: string;
  readonly subject: string;
  readonly counterpart: string;
  readonly counterpartName?: string;
}

/** An overdue item with its document. */
export type ReportOverdueItem = OverdueItem & ReportDocumentRef;
/** A late item with its document. */
export type ReportLateItem = LateItem & ReportDocumentRef;

/** A trail refused with 02. */
export interface RefusedItem extends ReportDocumentRef {
  /** The 02's Timestamp as given. */
  readonly at: string;
  /** The reason given with the 02 (empty when none was given). */
  readonly reason: string;
  /** Who refused (StaffInfo's name), when given. */
  readonly staff?: string;
}

/** A trail withdrawn after an agreed take-back (15). */
export interface WithdrawnItem extends ReportDocumentRef {
  /** The 15's Timestamp when known. */
  readonly at?: string;
}

/** Totals of the period. */
export interface ReportTotals {
  readonly sentDocuments: number;
  /** Documents × recipients. */
  readonly sentTrails: number;
  readonly receivedDocuments: number;
  readonly counterparts: number;
  readonly overdue: number;
  readonly late: number;
  readonly refused: number;
  readonly withdrawn: number;
}

/**
 * The compliance report of a period. Sent documents count by the time the axis accepted
 * them, received ones by the time they were stored; documents never sent (pending, failed)
 * are not counted, nor are revoke and update packages (operations on a document, whose
 * agreed revokes show as withdrawn items). Classes and overdue items are as of `generatedAt`.
 */
export interface ComplianceReport {
  readonly kind: 'vdxp-compliance-report';
  readonly version: 1;
  /** When the report was made (the `now` given), ISO 8601 UTC. */
  readonly generatedAt: string;
  /** The reporting body, when given. */
  readonly agency?: { readonly organId: string; readonly organName?: string };
  /** `[from, to)` as ISO 8601 UTC, the Vietnam days covered and the period unit. */
  readonly period: {
    readonly from: string;
    readonly to: string;
    readonly firstDay: string;
    readonly lastDay: string;
    readonly unit: PeriodUnit;
  };
  /** The deadline policy applied. */
  readonly deadlines: ResolvedDeadlinePolicy;
  readonly totals: ReportTotals;
  /** Documents per period (day, week or month). */
  readonly periods: readonly PeriodCount[];
  /** Counterparts, most documents first. */
  readonly counterparts: readonly CounterpartSummary[];
  /** `sent`: how recipients reported on what this body sent; `received`: how this body reported. */
  readonly reporting: { readonly sent: ReportingShare; readonly received: ReportingShare };
  /** `sent`: from the axis accepting a document to each recipient's status; `received`: from storing it to this body's status. */
  readonly timings: { readonly sent: StageTimings; readonly received: StageTimings };
  /** Oldest due first. */
  readonly overdue: readonly ReportOverdueItem[];
  readonly late: readonly ReportLateItem[];
  readonly refused: readonly RefusedItem[];
  readonly withdrawn: readonly WithdrawnItem[];
}
