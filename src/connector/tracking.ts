/**
 * Tracking: the sender's view (per document and recipient, the trail of statuses with times
 * and staff) and the recipient's (what it reported), as the plain records of
 * `tracking-types.ts`, plus each counterpart's reporting class.
 * @module
 */
import { isReceivedDocument } from '../store/store-rules.js';
import type { OutboxEntry, StatusRecord } from '../store/store.js';
import type { ConnectorContext } from './context.js';
import { classifyCounterpart, classifyTrail } from './reporting-class.js';
import { attributeAnswers, issuedRequests, type IssuedRequest } from './request-answers.js';
import type { ReceivedDocumentTracking, RecipientTrail, ReportingClass, SentDocumentTracking, TrailEvent } from './tracking-types.js';

/** Everything known about one DocumentId, both ways, with each recipient's reporting class. */
export interface DocumentTracking {
  readonly documentId: string;
  /** The document as sent (and any revoke/update/replace packages about it). */
  readonly sent: readonly SentDocumentTracking[];
  /** The document as received (one per receiving agency). */
  readonly received: readonly ReceivedDocumentTracking[];
  /** For the document as sent: each recipient's class on this document. */
  readonly classes: Readonly<Record<string, ReportingClass>>;
}

function trailEvent(s: StatusRecord): TrailEvent {
  return { code: s.code, at: s.at, recordedAt: s.recordedAt, ...(s.staff ? { staff: s.staff } : {}), ...(s.description ? { description: s.description } : {}) };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

const isRequestPackage = (e: OutboxEntry) => e.summary.businessDocType === 1 || e.summary.businessDocType === 2;
const isAnswer = (s: StatusRecord) => s.code === '15' || s.code === '16';

/**
 * Documents sent, one record per outbox edoc; the same DocumentId sent twice as new is shown
 * once (the first). Revoke and update packages are listed too, with only the 15/16 answering
 * them in their trails; documents carry every other status, and a recipient's trail is marked
 * `withdrawn` when it agreed (15) to a revoke or a take-back (13) of the document.
 */
export async function sentTracking(ctx: Pick<ConnectorContext, 'store'>, documentId?: string): Promise<SentDocumentTracking[]> {
  const filter = documentId ? { documentId } : {};
  const entries = (await ctx.store.listOutbox(filter)).filter((e) => e.messageType === 'edoc');
  const statuses = groupBy(await ctx.store.listStatuses({ direction: 'in', ...filter }), (s) => s.documentId);
  const requestsOut = groupBy(await ctx.store.listStatuses({ direction: 'out', ...filter }), (s) => s.documentId);
  const entriesByDocument = groupBy(entries, (e) => e.documentId);
  const answered = new Map<string, Map<string, IssuedRequest>>();
  const answersOf = (docId: string) => {
    let map = answered.get(docId);
    if (!map) {
      const requests = issuedRequests(entriesByDocument.get(docId) ?? [], requestsOut.get(docId) ?? []);
      map = attributeAnswers(requests, (statuses.get(docId) ?? []).filter(isAnswer));
      answered.set(docId, map);
    }
    return map;
  };
  const seen = new Set<string>();
  const out: SentDocumentTracking[] = [];
  for (const e of entries) {
    const key = `${e.documentId}\n${e.operation}`;
    if (!isRequestPackage(e) && seen.has(key)) continue;
    seen.add(key);
    const answers = answersOf(e.documentId);
    const docStatuses = statuses.get(e.documentId) ?? [];
    const events = isRequestPackage(e) ? docStatuses.filter((s) => answers.get(s.id)?.outboxId === e.id) : docStatuses.filter((s) => !isAnswer(s));
    const recipients: RecipientTrail[] = e.recipients.map((organId) => {
      const withdrawn =
        !isRequestPackage(e) &&
        docStatuses.some((s) => s.counterpart === organId && s.code === '15' && ['revoke', 'take-back'].includes(answers.get(s.id)?.kind ?? ''));
      return {
        organId,
        ...(e.summary.organNames?.[organId] ? { organName: e.summary.organNames[organId] } : {}),
        events: events.filter((s) => s.counterpart === organId).map(trailEvent),
        ...(withdrawn ? { withdrawn: true } : {}),
      };
    });
    out.push({
      documentId: e.documentId,
      outboxId: e.id,
      code: e.summary.code,
      subject: e.summary.subject ?? '',
      priority: e.summary.priority ?? 0,
      businessDocType: e.summary.businessDocType ?? 0,
      ...(e.summary.dueDate ? { dueDate: e.summary.dueDate } : {}),
      ...(e.sentAt ? { sentAt: e.sentAt } : {}),
      ...(e.axisDocId ? { axisDocId: e.axisDocId } : {}),
      state: e.state,
      recipients,
    });
  }
  return out;
}

/** Documents received (new and replacements), with the statuses this system reported. */
export async function receivedTracking(ctx: Pick<ConnectorContext, 'store'>, documentId?: string): Promise<ReceivedDocumentTracking[]> {
  const entries = (await ctx.store.listInbox({ messageType: 'edoc', ...(documentId ? { documentId } : {}) })).filter(isReceivedDocument);
  const reported = groupBy(await ctx.store.listStatuses({ direction: 'out', ...(documentId ? { documentId } : {}) }), (s) => s.inboxId);
  return entries.map((e) => ({
    documentId: e.documentId,
    inboxId: e.id,
    fromOrganId: e.from,
    ...(e.summary.organNames?.[e.from] ? { fromOrganName: e.summary.organNames[e.from] } : {}),
    code: e.summary.code,
    subject: e.summary.subject ?? '',
    priority: e.summary.priority ?? 0,
    ...(e.summary.dueDate ? { dueDate: e.summary.dueDate } : {}),
    receivedAt: e.receivedAt,
    reported: (reported.get(e.id) ?? []).map(trailEvent),
    withdrawn: e.withdrawn,
  }));
}

/** Both views of one DocumentId. */
export async function documentTracking(ctx: ConnectorContext, documentId: string): Promise<DocumentTracking> {
  const sent = await sentTracking(ctx, documentId);
  const received = await receivedTracking(ctx, documentId);
  const classes: Record<string, ReportingClass> = {};
  for (const doc of sent.filter((s) => s.businessDocType === 0 || s.businessDocType === 3)) {
    for (const r of doc.recipients) classes[r.organId] = classifyTrail(r.events);
  }
  return { documentId, sent, received, classes };
}

/** Each recipient's reporting class over the documents sent to it (new and replacements). */
export async function reportingClasses(ctx: ConnectorContext): Promise<Record<string, ReportingClass>> {
  const trails = new Map<string, RecipientTrail[]>();
  for (const doc of await sentTracking(ctx)) {
    if (doc.businessDocType !== 0 && doc.businessDocType !== 3) continue;
    for (const r of doc.recipients) trails.set(r.organId, [...(trails.get(r.organId) ?? []), r]);
  }
  const out: Record<string, ReportingClass> = {};
  for (const [organId, list] of trails) out[organId] = classifyCounterpart(list);
  return out;
}
