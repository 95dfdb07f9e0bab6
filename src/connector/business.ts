/**
 * Business operations (`edxml.md` section 4, `workflow.md` section 4): for the sender,
 * revoke, update, replace and take-back (status 13) of a document it sent; for the
 * recipient, the answer (15 agree / 16 refuse) to such a request, which withdraws the
 * received document when agreed.
 * @module
 */
import { ConnectorError } from '../errors.js';
import type { EdocMessage, EdocMessageInput, Organization, StaffInfo, StatusMessageInput } from '../edxml/model.js';
import { parseEdxml } from '../edxml/parse.js';
import { toVietnamTimestamp } from '../edxml/vietnam-time.js';
import type { Decision, OutboxEntry } from '../store/store.js';
import { withdrawReceived } from './arrival.js';
import { agencyById, newId, readPackage, type ConnectorContext } from './context.js';
import { responseForEdoc } from './message-facts.js';
import type { OutboxWorker, SendReport } from './outbox.js';
import { queuePackage } from './outgoing.js';
import { findReceived, nextTimestamp, statusOf } from './reporter.js';
import { queueDocument } from './send.js';

/** A queued package: its DocumentId, outbox id, and the promise of its delivery. */
export interface SendHandle {
  readonly documentId: string;
  readonly outboxId: string;
  readonly delivered: Promise<SendReport>;
}

/** A reason and who gives it. */
export interface BusinessReason {
  readonly reason: string;
  readonly staff?: StaffInfo;
}

/** What an update changes. */
export interface UpdateChanges extends Partial<BusinessReason> {
  /** New metadata (subject, dates, …) over the original's. */
  readonly metadata?: Partial<Omit<EdocMessageInput, 'kind' | 'from' | 'to' | 'business' | 'documentId' | 'code'>>;
  /** Recipients added. */
  readonly addRecipients?: readonly Organization[];
  /** Recipients removed (OrganIds). */
  readonly removeRecipients?: readonly string[];
}

/** The latest sent document (new or replacement) with this DocumentId, read back. */
export async function sentOriginal(ctx: ConnectorContext, documentId: string): Promise<{ entry: OutboxEntry; message: EdocMessage }> {
  const entry = (await ctx.store.listOutbox({ documentId, messageType: 'edoc' }))
    .filter((e) => e.operation === 'new' || e.operation === 'replace')
    .at(-1);
  if (!entry) {
    throw new ConnectorError('VDXP_CONNECTOR_NOT_FOUND', `no sent document ${documentId}`, { messageVi: `Không có văn bản đi ${documentId}` });
  }
  const parsed = parseEdxml(await readPackage(ctx.store, entry, { en: `sent document ${documentId}`, vi: `văn bản đi ${documentId}` }));
  if (parsed.kind !== 'edoc') throw new ConnectorError('VDXP_CONNECTOR_NOT_FOUND', `outbox entry ${entry.id} is not a document`);
  const { warnings: _w, signature: _s, ...message } = parsed;
  return { entry, message };
}

function requireReason(reason: string | undefined, what: string): string {
  const r = reason?.trim();
  if (!r) throw new ConnectorError('VDXP_CONNECTOR_REASON_REQUIRED', `${what} needs a reason`, { messageVi: `${what}: phải nêu lý do` });
  return r;
}

/** Revokes a sent document: a revoke package (type 1) to its recipients, answered with 15/16. */
export async function revokeDocument(ctx: ConnectorContext, outbox: OutboxWorker, documentId: string, why: BusinessReason): Promise<SendHandle> {
  const reason = requireReason(why.reason, 'revoke');
  const { message } = await sentOriginal(ctx, documentId);
  const { traceHeaders: _t, attachments: _a, ...rest } = message;
  return queueDocument(ctx, outbox, {
    ...rest,
    responseFor: [responseForEdoc(message)],
    business: { businessDocType: 1, businessDocReason: reason, documentId, paper: message.business?.paper ?? 0, staffInfo: why.staff ? [why.staff] : [], replacementInfo: [] },
  }, 'revoke');
}

/** Updates a sent document (metadata and/or recipients): an update package (type 2). */
export async function updateDocument(ctx: ConnectorContext, outbox: OutboxWorker, documentId: string, changes: UpdateChanges): Promise<SendHandle> {
  const { message } = await sentOriginal(ctx, documentId);
  const removed = new Set(changes.removeRecipients ?? []);
  const added = (changes.addRecipients ?? []).filter((o) => !message.to.some((t) => t.organId === o.organId));
  const receivers = [...added.map((o) => ({ organId: o.organId, receiverType: 1 as const })), ...[...removed].map((organId) => ({ organId, receiverType: 0 as const }))];
  const metadataChanged = changes.metadata !== undefined && Object.keys(changes.metadata).length > 0;
  if (!metadataChanged && receivers.length === 0) {
    throw new ConnectorError('VDXP_CONNECTOR_BAD_TRANSITION', 'update: nothing changes (give metadata, addRecipients or removeRecipients)', { messageVi: 'Cập nhật: không có thay đổi nào' });
  }
  const { traceHeaders: _t, ...rest } = message;
  return queueDocument(ctx, outbox, {
    ...rest,
    ...changes.metadata,
    // removed recipients are told too, so the update goes to the old and new lists together
    to: [...message.to, ...added],
    business: {
      businessDocType: 2,
      ...(changes.reason ? { businessDocReason: changes.reason } : {}),
      documentId,
      paper: message.business?.paper ?? 0,
      staffInfo: changes.staff ? [changes.staff] : [],
      businessDocumentInfo: { documentInfo: metadataChanged ? 1 : 0, documentReceiver: receivers.length > 0 ? 1 : 0, receivers },
      replacementInfo: [],
    },
  }, 'update');
}

/** Replaces a sent document with a new one (type 3): recipients withdraw the old one. */
export async function replaceDocument(ctx: ConnectorContext, outbox: OutboxWorker, documentId: string, replacement: EdocMessageInput, why?: Partial<BusinessReason>): Promise<SendHandle> {
  const { message } = await sentOriginal(ctx, documentId);
  return queueDocument(ctx, outbox, {
    ...replacement,
    business: {
      businessDocType: 3,
      businessDocReason: why?.reason ?? 'Văn bản thay thế',
      paper: replacement.business?.paper ?? 0,
      staffInfo: why?.staff ? [why.staff] : [],
      replacementInfo: [{ documentId, organIds: message.to.map((o) => o.organId) }],
    },
  }, 'replace');
}

/** Asks the recipients to give a sent document back: status 13 with the reason. */
export async function requestTakeBack(ctx: ConnectorContext, outbox: OutboxWorker, documentId: string, why: BusinessReason): Promise<SendHandle> {
  const reason = requireReason(why.reason, 'take-back (13)');
  const { entry, message } = await sentOriginal(ctx, documentId);
  const from = agencyById(ctx, entry.from);
  const status: StatusMessageInput = {
    kind: 'status', from, responseFor: responseForEdoc(message), ...(why.staff ? { staffInfo: why.staff } : {}),
    statusCode: '13', description: reason, timestamp: toVietnamTimestamp(ctx.now()),
  };
  const queued = await queuePackage(ctx, {
    id: newId('o', ctx.now()), message: status, documentId, operation: '13', from: from.organId, recipients: entry.recipients,
    toHeader: true, summary: { code: entry.summary.code, statusCode: '13' }, responseFor: status.responseFor,
  });
  for (const counterpart of entry.recipients) {
    await ctx.store.addStatus({
      direction: 'out', documentId, counterpart, agency: from.organId, code: '13', at: status.timestamp!, recordedAt: ctx.now().toISOString(),
      ...(why.staff ? { staff: why.staff } : {}), description: reason, outboxId: queued.entry.id,
    });
  }
  outbox.notePreparation(queued.entry.id, queued.steps);
  outbox.kick();
  return { documentId, outboxId: queued.entry.id, delivered: outbox.whenDelivered(queued.entry.id) };
}

/** What `answer` did. */
export interface AnswerResult extends SendHandle {
  readonly decision: Decision;
  /** Inbox entries withdrawn (agreed take-back or revoke). */
  readonly withdrawn: readonly string[];
}

/** Answers a pending request: 15 (agree) or 16 (refuse, with a reason). Idempotent for the same answer. */
export async function answerRequest(ctx: ConnectorContext, outbox: OutboxWorker, decisionId: string, answer: 'agree' | 'refuse', reason?: string, staff?: StaffInfo): Promise<AnswerResult> {
  let decision = await ctx.store.getDecision(decisionId);
  if (!decision) throw new ConnectorError('VDXP_CONNECTOR_NOT_FOUND', `no request ${decisionId}`, { messageVi: `Không có yêu cầu ${decisionId}` });
  const state = answer === 'agree' ? 'agreed' : 'refused';
  if (decision.state !== 'open' && decision.state !== state) {
    throw new ConnectorError('VDXP_CONNECTOR_BAD_TRANSITION', `request ${decisionId} was already ${decision.state}`, { messageVi: `Yêu cầu ${decisionId} đã được trả lời` });
  }
  if (answer === 'refuse') requireReason(reason, 'refusing a request (16)');
  const code = answer === 'agree' ? '15' : '16';
  const agency = agencyById(ctx, ctx.options.agencies.some((a) => a.organId === decision!.agency) ? decision.agency : undefined);
  const received = decision.inboxId ? await ctx.store.getInbox(decision.inboxId) : await findReceived(ctx, decision.documentId).catch(() => undefined);
  const request = await ctx.store.getInbox(decision.requestInboxId);
  const source = received ?? request;
  const status: StatusMessageInput = {
    kind: 'status', from: agency,
    responseFor: {
      organId: decision.requester, code: source?.summary.code ?? request?.responseFor?.code ?? '',
      ...(source?.summary.promulgationDate ? { promulgationDate: source.summary.promulgationDate } : {}), documentId: decision.documentId,
    },
    ...(staff ? { staffInfo: staff } : {}), statusCode: code, ...(reason?.trim() ? { description: reason.trim() } : {}),
    // after every status this agency sent the requester about the document: two answers in one second would be one
    timestamp: await nextTimestamp(ctx, decision.documentId, (s) => s.agency === agency.organId && s.counterpart === decision!.requester),
  };
  const queued = await queuePackage(ctx, {
    id: `${decision.id}.answer`, message: status, documentId: decision.documentId, operation: code, from: agency.organId,
    recipients: [decision.requester], summary: { code: status.responseFor.code, statusCode: code }, responseFor: status.responseFor,
    ...(received ? { inboxId: received.id } : {}),
  });
  const sent = queued.created ? status : await statusOf(ctx, queued.entry);
  await ctx.store.addStatus({
    direction: 'out', documentId: decision.documentId, counterpart: decision.requester, agency: agency.organId, code,
    at: sent.timestamp!, recordedAt: ctx.now().toISOString(), ...(sent.staffInfo ? { staff: sent.staffInfo } : {}),
    ...(sent.description ? { description: sent.description } : {}), outboxId: queued.entry.id, ...(received ? { inboxId: received.id } : {}),
  });
  if (decision.state === 'open') {
    decision = await ctx.store.updateDecision(decision.id, {
      state, answeredAt: ctx.now().toISOString(), ...(reason?.trim() ? { answerReason: reason.trim() } : {}), answerOutboxId: queued.entry.id,
    }, { version: decision.version });
  }
  const withdrawn: string[] = [];
  if (answer === 'agree' && decision.kind !== 'update') {
    const changed = await withdrawReceived(ctx, decision.requester, decision.documentId, decision.kind === 'revoke' ? 'revoke' : 'take-back', decision.id);
    withdrawn.push(...changed.map((e) => e.id));
  }
  outbox.notePreparation(queued.entry.id, queued.steps);
  outbox.kick();
  return { documentId: decision.documentId, outboxId: queued.entry.id, delivered: outbox.whenDelivered(queued.entry.id), decision, withdrawn };
}
