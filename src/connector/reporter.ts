/**
 * Reporting the processing status of a received document: check the move, build the status
 * package (ResponseFor from the received document), queue it in the outbox, record it, move
 * the document's lifecycle. Safe to repeat after a crash: the outbox id of the n-th report
 * is `<inboxId>.s<n>`, and a report found in the outbox but not yet in the lifecycle is
 * completed before anything else.
 * @internal
 * @module
 */
import { ConnectorError, StoreError } from '../errors.js';
import type { StaffInfo, StatusMessage, StatusMessageInput } from '../edxml/model.js';
import { parseEdxml } from '../edxml/parse.js';
import { toVietnamTimestamp } from '../edxml/vietnam-time.js';
import { isReceivedDocument } from '../store/store-rules.js';
import type { InboxEntry, OutboxEntry, StatusRecord } from '../store/store.js';
import { agencyById, readPackage, type ConnectorContext } from './context.js';
import { checkTransition, isLifecycleCode } from './lifecycle.js';
import type { OutboxWorker, SendReport } from './outbox.js';
import { queuePackage } from './outgoing.js';

/** Who acted and why. */
export interface ReportOptions {
  /** The officer who acted (StaffInfo). */
  readonly staff?: StaffInfo;
  /** Free text; the reason, required for 02. */
  readonly description?: string;
}

/** What `report` did. */
export interface ReportResult {
  readonly inboxId: string;
  readonly documentId: string;
  readonly code: string;
  /** The outbox entry carrying the status. */
  readonly outboxId: string;
  /** True when this code was already reported: nothing new was sent. */
  readonly repeated: boolean;
  /** Settles when the status package is on the axis. */
  readonly delivered: Promise<SendReport>;
}

/**
 * The received document named by an inbox id or a DocumentId.
 * @throws {ConnectorError} VDXP_CONNECTOR_NOT_FOUND when none (or several) match
 */
export async function findReceived(ctx: ConnectorContext, ref: string): Promise<InboxEntry> {
  const byId = await ctx.store.getInbox(ref);
  if (byId && byId.messageType === 'edoc') return byId;
  const matches = (await ctx.store.listInbox({ documentId: ref, messageType: 'edoc' })).filter(isReceivedDocument);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new ConnectorError('VDXP_CONNECTOR_NOT_FOUND', `several received documents have DocumentId ${ref} (one per receiving agency): give the inbox id`, {
      messageVi: `Có nhiều văn bản đến cùng mã ${ref}: hãy dùng mã hộp thư đến`,
    });
  }
  throw new ConnectorError('VDXP_CONNECTOR_NOT_FOUND', `no received document ${ref}`, { messageVi: `Không có văn bản đến ${ref}` });
}

/** Reports a lifecycle status (01…06) about a received document. */
export async function reportStatus(ctx: ConnectorContext, outbox: OutboxWorker, ref: string, code: string, options: ReportOptions = {}): Promise<ReportResult> {
  if (!isLifecycleCode(code)) {
    throw new ConnectorError('VDXP_CONNECTOR_BAD_TRANSITION', `report() takes 01…06; ${code} is answered with answer() (15/16) or sent with requestTakeBack() (13)`, {
      messageVi: `report() chỉ nhận 01…06; mã ${code} dùng answer() hoặc requestTakeBack()`,
    });
  }
  if (code === '02' && !options.description?.trim()) {
    throw new ConnectorError('VDXP_CONNECTOR_REASON_REQUIRED', 'status 02 (refused) needs the reason in description', {
      messageVi: 'Trạng thái 02 (từ chối tiếp nhận) phải có lý do',
    });
  }
  let entry = await findReceived(ctx, ref);
  for (let round = 0; round < 8; round++) {
    const trail = (await ctx.store.listOutbox({ inboxId: entry.id })).filter((o) => o.messageType === 'status' && isLifecycleCode(o.operation));
    const last = trail.at(-1);
    if (last && last.operation !== entry.lifecycle) {
      // a report queued before a crash, not yet in the lifecycle: complete it first
      entry = await moveLifecycle(ctx, entry, last.operation);
      continue;
    }
    if (last && code === entry.lifecycle && (code !== '05' || !options.description || options.description === (await descriptionOf(ctx, last)))) {
      return { inboxId: entry.id, documentId: entry.documentId, code, outboxId: last.id, repeated: true, delivered: outbox.whenDelivered(last.id) };
    }
    if (entry.withdrawn) {
      throw new ConnectorError('VDXP_CONNECTOR_BAD_TRANSITION', `document ${entry.documentId} was withdrawn: no further status`, {
        messageVi: `Văn bản ${entry.documentId} đã được thu hồi: không báo thêm trạng thái`,
      });
    }
    checkTransition(entry.lifecycle, code);
    const from = ctx.options.agencies.find((a) => a.organId === entry.to) ?? agencyById(ctx, undefined);
    const message: StatusMessageInput = {
      kind: 'status',
      from,
      responseFor: {
        organId: entry.from,
        code: entry.summary.code,
        ...(entry.summary.promulgationDate ? { promulgationDate: entry.summary.promulgationDate } : {}),
        documentId: entry.documentId,
      },
      ...(options.staff ? { staffInfo: options.staff } : {}),
      statusCode: code,
      ...(options.description?.trim() ? { description: options.description.trim() } : {}),
      timestamp: await nextTimestamp(ctx, entry.documentId, (s) => s.inboxId === entry.id),
    };
    const queued = await queuePackage(ctx, {
      id: `${entry.id}.s${trail.length + 1}`,
      message,
      documentId: entry.documentId,
      operation: code,
      from: from.organId,
      recipients: [entry.from],
      summary: { code: entry.summary.code, statusCode: code, ...(entry.summary.promulgationDate ? { promulgationDate: entry.summary.promulgationDate } : {}) },
      responseFor: message.responseFor,
      inboxId: entry.id,
    });
    if (!queued.created && queued.entry.operation !== code) {
      entry = (await ctx.store.getInbox(entry.id)) ?? entry; // another worker reported meanwhile
      continue;
    }
    outbox.notePreparation(queued.entry.id, queued.steps);
    const sent = queued.created ? (message as StatusMessage) : await statusOf(ctx, queued.entry);
    await ctx.store.addStatus({
      direction: 'out', documentId: entry.documentId, counterpart: entry.from, agency: from.organId, code,
      at: sent.timestamp, recordedAt: ctx.now().toISOString(),
      ...(sent.staffInfo ? { staff: sent.staffInfo } : {}), ...(sent.description ? { description: sent.description } : {}),
      outboxId: queued.entry.id, inboxId: entry.id,
    });
    await moveLifecycle(ctx, entry, code);
    outbox.kick();
    return { inboxId: entry.id, documentId: entry.documentId, code, outboxId: queued.entry.id, repeated: false, delivered: outbox.whenDelivered(queued.entry.id) };
  }
  throw new StoreError('VDXP_STORE_CONFLICT', `inbox entry ${entry.id} keeps changing; try again`);
}

/** Sets the lifecycle, re-reading on a version conflict (leases bump versions too). */
async function moveLifecycle(ctx: ConnectorContext, entry: InboxEntry, code: string): Promise<InboxEntry> {
  let current = entry;
  for (let i = 0; i < 8; i++) {
    if (current.lifecycle === code) return current;
    try {
      return await ctx.store.updateInbox(current.id, { lifecycle: code }, { version: current.version });
    } catch (e) {
      if (!(e instanceof StoreError) || e.code !== 'VDXP_STORE_CONFLICT') throw e;
      current = (await ctx.store.getInbox(current.id)) ?? current;
    }
  }
  throw new StoreError('VDXP_STORE_CONFLICT', `inbox entry ${entry.id} keeps changing; try again`);
}

/**
 * The timestamp of the next status this system sends about a document: now, but strictly
 * after the previous one among the statuses `mine` picks (timestamps have whole seconds, and a
 * status is told apart by its code and timestamp: two 05, or two 15, in one second would
 * otherwise be one).
 */
export async function nextTimestamp(ctx: ConnectorContext, documentId: string, mine: (s: StatusRecord) => boolean): Promise<string> {
  const previous = (await ctx.store.listStatuses({ direction: 'out', documentId })).filter(mine);
  const last = Math.max(...previous.map((s) => Date.parse(s.at)).filter(Number.isFinite), 0);
  const now = ctx.now().getTime();
  return toVietnamTimestamp(new Date(now >= last + 1000 ? now : last + 1000));
}

/** The status package an outbox entry carries. */
export async function statusOf(ctx: ConnectorContext, entry: OutboxEntry): Promise<StatusMessage> {
  const parsed = parseEdxml(await readPackage(ctx.store, entry, { en: `outbox entry ${entry.id}`, vi: `gói tin đi ${entry.id}` }));
  if (parsed.kind !== 'status') throw new StoreError('VDXP_STORE_CORRUPT', `outbox entry ${entry.id} does not hold a status package`);
  return parsed;
}

async function descriptionOf(ctx: ConnectorContext, entry: OutboxEntry): Promise<string | undefined> {
  return (await statusOf(ctx, entry)).description;
}
