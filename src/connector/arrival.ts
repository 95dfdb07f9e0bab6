/**
 * What follows the storing of a received package, before it is acked: status 01 for a
 * document (and 02 when the signature policy refuses it), a pending decision for a revoke,
 * update or take-back request, the attachment of a status to the document it reports on,
 * the withdrawal of documents a replacement supersedes. Every step is idempotent: after a
 * crash before the ack the package comes again and the steps are simply repeated.
 * @internal
 * @module
 */
import type { ParsedEdxml, StatusMessage } from '../edxml/model.js';
import { isReceivedDocument } from '../store/store-rules.js';
import type { InboxEntry, OutboxEntry, StatusRecord } from '../store/store.js';
import type { ConnectorContext } from './context.js';
import { operationName } from './message-facts.js';
import type { OutboxWorker } from './outbox.js';
import { reportStatus } from './reporter.js';
import { refusalReason } from './verification.js';

/** The decision id of a request carried by an inbox entry. */
export const decisionIdOf = (requestInboxId: string): string => `d_${requestInboxId}`;

/** Runs the steps that follow storing `entry` (whose package is `message`). */
export async function afterArrival(ctx: ConnectorContext, outbox: OutboxWorker, entry: InboxEntry, message: ParsedEdxml): Promise<void> {
  if (message.kind === 'status') {
    if (message.statusCode === '13') return requestDecision(ctx, entry, 'take-back', message.responseFor.documentId, message.description);
    await attachStatus(ctx, entry, message);
    return;
  }
  const op = operationName(message);
  if (op === 'revoke' || op === 'update') {
    const target = message.business?.documentId ?? message.responseFor[0]?.documentId ?? message.documentId;
    return requestDecision(ctx, entry, op, target, message.business?.businessDocReason);
  }
  if (op === 'replace') {
    for (const r of message.business?.replacementInfo ?? []) await withdrawReceived(ctx, entry.from, r.documentId, 'replaced');
  }
  if (entry.lifecycle === undefined) await reportStatus(ctx, outbox, entry.id, '01');
  const current = (await ctx.store.getInbox(entry.id)) ?? entry;
  if (current.verification?.disposition === 'refused' && current.lifecycle === '01') {
    await reportStatus(ctx, outbox, entry.id, '02', { description: refusalReason(current.verification) });
  }
}

async function requestDecision(ctx: ConnectorContext, entry: InboxEntry, kind: 'take-back' | 'revoke' | 'update', documentId: string, reason: string | undefined): Promise<void> {
  const received = (await ctx.store.listInbox({ documentId, from: entry.from, messageType: 'edoc' })).find(
    (e) => isReceivedDocument(e) && e.to === entry.to,
  );
  await ctx.store.addDecision({
    id: decisionIdOf(entry.id),
    kind,
    documentId,
    requester: entry.from,
    agency: entry.to,
    ...(reason ? { reason } : {}),
    requestInboxId: entry.id,
    ...(received ? { inboxId: received.id } : {}),
    createdAt: entry.receivedAt,
  });
}

/**
 * Finds the sent document a status answers: by `ResponseFor/DocumentId`, else by issuer +
 * date + `Number/Notation`.
 */
export async function matchSentDocument(ctx: ConnectorContext, status: StatusMessage): Promise<OutboxEntry | undefined> {
  const isDocument = (e: OutboxEntry) => e.messageType === 'edoc';
  const direct = (await ctx.store.listOutbox({ documentId: status.responseFor.documentId })).filter(isDocument);
  if (direct.length > 0) return direct.find((e) => e.summary.businessDocType !== 1 && e.summary.businessDocType !== 2) ?? direct[0];
  const rf = status.responseFor;
  return (await ctx.store.listOutbox({ messageType: 'edoc' })).find(
    (e) => e.from === rf.organId && e.summary.code === rf.code && (rf.promulgationDate === undefined || e.summary.promulgationDate === rf.promulgationDate),
  );
}

async function attachStatus(ctx: ConnectorContext, entry: InboxEntry, message: StatusMessage): Promise<StatusRecord> {
  const matched = await matchSentDocument(ctx, message);
  const { record } = await ctx.store.addStatus({
    direction: 'in',
    documentId: matched?.documentId ?? message.responseFor.documentId,
    counterpart: entry.from,
    agency: entry.to,
    code: message.statusCode,
    at: message.timestamp,
    recordedAt: entry.receivedAt,
    ...(message.staffInfo ? { staff: message.staffInfo } : {}),
    ...(message.description ? { description: message.description } : {}),
    inboxId: entry.id,
  });
  return record;
}

/** Marks the received copies of a document from `issuer` withdrawn; returns the entries changed. */
export async function withdrawReceived(
  ctx: ConnectorContext,
  issuer: string,
  documentId: string,
  reason: 'take-back' | 'revoke' | 'replaced',
  decisionId?: string,
): Promise<InboxEntry[]> {
  const changed: InboxEntry[] = [];
  const copies = (await ctx.store.listInbox({ documentId, from: issuer, messageType: 'edoc' })).filter(isReceivedDocument);
  for (const copy of copies) {
    if (copy.withdrawn) continue;
    changed.push(await ctx.store.updateInbox(copy.id, { withdrawn: true }));
    await ctx.events
      .emit('withdrawn', { inboxId: copy.id, documentId, reason, ...(decisionId ? { decisionId } : {}) })
      .catch((error: unknown) => ctx.events.reportError({ error, phase: 'handover', inboxId: copy.id }));
  }
  return changed;
}
