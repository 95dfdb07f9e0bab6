/**
 * Reading tracking records as (document, counterpart) trails with the times each stage of
 * `workflow.md` section 3 was reached: 01 arrived, 03 registered, 06 finished. Shared by the
 * deadlines and the compliance report so both read a trail the same way.
 * @internal
 * @module
 */
import type { ReceivedDocumentTracking, SentDocumentTracking, TrailEvent } from './tracking-types.js';

/** The stages that have deadlines and timings. */
export type Stage = '01' | '03' | '06';
/** The stages in order. */
export const STAGES: readonly Stage[] = ['01', '03', '06'];

/**
 * The codes that show a stage was reached: any processing status shows the document arrived
 * (a 02 or 03 without a 01 still means it arrived), 04/05/06 mean it was registered first.
 */
const STAGE_CODES: Record<Stage, ReadonlySet<string>> = {
  '01': new Set(['01', '02', '03', '04', '05', '06']),
  '03': new Set(['03', '04', '05', '06']),
  '06': new Set(['06']),
};

/** One document as seen with one counterpart: a recipient (sent side) or the sender (received side). */
export interface TrailRecord {
  readonly side: 'sent' | 'received';
  readonly documentId: string;
  /** Number/notation. */
  readonly code: string;
  readonly subject: string;
  readonly priority: number;
  readonly dueDate: string | undefined;
  /** The counterpart's agency id. */
  readonly counterpart: string;
  readonly counterpartName: string | undefined;
  /** When the clock starts (UTC ms): the axis accepted the package, or it was stored here. */
  readonly startMs: number;
  /** The statuses of this trail, oldest first. */
  readonly events: readonly TrailEvent[];
  /** The status 02 that refused it, if any. */
  readonly refusal: TrailEvent | undefined;
  /** True once a take-back was agreed (15) and the document withdrawn. */
  readonly withdrawn: boolean;
  /** When it was withdrawn (the 15), when known. */
  readonly withdrawnAt: string | undefined;
}

/** The time of a status (its Timestamp; the time it was recorded when that is unreadable), UTC ms. */
export function eventTimeMs(event: TrailEvent): number | undefined {
  const at = Date.parse(event.at);
  if (Number.isFinite(at)) return at;
  const recorded = Date.parse(event.recordedAt);
  return Number.isFinite(recorded) ? recorded : undefined;
}

/** When the trail first reached `stage` (UTC ms), or undefined. */
export function stageReachedMs(events: readonly TrailEvent[], stage: Stage): number | undefined {
  let first: number | undefined;
  for (const e of events) {
    if (!STAGE_CODES[stage].has(e.code)) continue;
    const t = eventTimeMs(e);
    if (t !== undefined && (first === undefined || t < first)) first = t;
  }
  return first;
}

/**
 * True for a record that is a document (new or replacement); revoke (1) and update (2)
 * packages are operations on a document sent before, not documents of their own.
 */
export function isDocument(doc: Pick<SentDocumentTracking, 'businessDocType'>): boolean {
  return doc.businessDocType !== 1 && doc.businessDocType !== 2;
}

/**
 * The trails of these records. Sent documents count once the axis accepted them (`sentAt`),
 * one trail per recipient; revoke and update packages are not documents (a recipient's 15 to
 * a revoke withdraws the document). Received documents give one trail each, the counterpart
 * being the sender.
 */
export function trailRecords(input: {
  readonly sent?: readonly SentDocumentTracking[];
  readonly received?: readonly ReceivedDocumentTracking[];
}): TrailRecord[] {
  const out: TrailRecord[] = [];
  // A recipient's 15 to a revoke package withdraws the document it revokes.
  const revokedBy = new Map<string, TrailEvent | undefined>();
  for (const doc of input.sent ?? []) {
    if (doc.businessDocType !== 1) continue;
    for (const r of doc.recipients) {
      const agreed = r.events.find((e) => e.code === '15');
      if (agreed || r.withdrawn) revokedBy.set(`${doc.documentId}\u0000${r.organId}`, agreed);
    }
  }
  for (const doc of input.sent ?? []) {
    if (!isDocument(doc)) continue;
    const startMs = doc.sentAt === undefined ? Number.NaN : Date.parse(doc.sentAt);
    if (!Number.isFinite(startMs)) continue;
    for (const r of doc.recipients) {
      const refusal = r.events.find((e) => e.code === '02');
      const key = `${doc.documentId}\u0000${r.organId}`;
      const agreed = r.events.find((e) => e.code === '15') ?? revokedBy.get(key);
      out.push({
        side: 'sent',
        documentId: doc.documentId,
        code: doc.code,
        subject: doc.subject,
        priority: doc.priority,
        dueDate: doc.dueDate,
        counterpart: r.organId,
        counterpartName: r.organName,
        startMs,
        events: r.events,
        refusal,
        withdrawn: agreed !== undefined || r.withdrawn === true || revokedBy.has(key),
        withdrawnAt: agreed?.at,
      });
    }
  }
  for (const doc of input.received ?? []) {
    const startMs = Date.parse(doc.receivedAt);
    if (!Number.isFinite(startMs)) continue;
    out.push({
      side: 'received',
      documentId: doc.documentId,
      code: doc.code,
      subject: doc.subject,
      priority: doc.priority,
      dueDate: doc.dueDate,
      counterpart: doc.fromOrganId,
      counterpartName: doc.fromOrganName,
      startMs,
      events: doc.reported,
      refusal: doc.reported.find((e) => e.code === '02'),
      withdrawn: doc.withdrawn,
      withdrawnAt: doc.reported.find((e) => e.code === '15')?.at,
    });
  }
  return out;
}
