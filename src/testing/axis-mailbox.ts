/**
 * The document operations of {@link LocalAxis}: send (validate, route, forward), the
 * received queues, fetch, download, ack, the sent list, counts.
 * @module
 */
import { createHash } from 'node:crypto';
import { isVdxpError, AxisError } from '../errors.js';
import { formatAxisDate, parseAxisDate } from '../transport/requests.js';
import { hashFileMatches } from '../transport/xroad-headers.js';
import { ACK_DESC, DESC, ERROR_CODE, fail, ok, type AxisCall, type AxisReply, type JsonReply } from './axis-answer.js';
import { newDocId, type AxisState, type ReceivedRecord, type SentRecipient } from './axis-state.js';
import type { FaultInjector } from './fault-injector.js';
import { inspectPackage, type PackageFacts } from './inspect-package.js';
import type { ParentLink } from './parent-link.js';
import { appendTraceHeader } from './trace-header.js';

type MessageType = 'edoc' | 'status';
const isMessageType = (v: string | undefined): v is MessageType => v === 'edoc' || v === 'status';

/** Dependencies of the mailbox. */
export interface MailboxDeps {
  readonly state: AxisState;
  readonly faults: () => FaultInjector;
  readonly parent: ParentLink | undefined;
  readonly traceOrganId: string | undefined;
  readonly clock: () => Date;
}

/** Document operations. */
export class AxisMailbox {
  readonly #d: MailboxDeps;

  constructor(deps: MailboxDeps) {
    this.#d = deps;
  }

  /** `POST /sendEdoc`. */
  async sendEdoc(call: AxisCall): Promise<AxisReply> {
    const { state, parent } = this.#d;
    const from = call.param('from');
    const messageType = call.param('messagetype');
    const serviceType = call.param('servicetype') ?? 'eDoc';
    const hashFile = call.param('hash-file');
    if (!from) return fail(ERROR_CODE.invalid, DESC.missingParam('from'));
    if (!isMessageType(messageType)) return fail(ERROR_CODE.invalid, DESC.badParam('messagetype', messageType ?? ''));
    if (!hashFile) return fail(ERROR_CODE.invalid, DESC.missingParam('hash-file'));
    if (state.systemServing(from) !== call.systemId) return fail(ERROR_CODE.forbidden, DESC.senderMismatch(from, call.systemId));

    let bytes: Buffer = call.body;
    if (!hashFileMatches(hashFile, sha256(bytes))) {
      // the Java SDK sends the file followed by CRLF, and hashes the file alone
      const trimmed = bytes.subarray(0, bytes.length - 2);
      if (bytes.length >= 2 && bytes.subarray(-2).toString('latin1') === '\r\n' && hashFileMatches(hashFile, sha256(trimmed))) bytes = trimmed;
      else return fail(ERROR_CODE.invalid, DESC.hashMismatch);
    }
    if (bytes.length === 0) return fail(ERROR_CODE.invalid, DESC.invalidPackage('the body is empty'));
    let facts: PackageFacts;
    try {
      facts = inspectPackage(bytes);
    } catch (e) {
      return fail(ERROR_CODE.invalid, DESC.invalidPackage(isVdxpError(e) ? `${e.code}: ${e.message}` : 'unreadable'));
    }
    if (facts.kind !== messageType) return fail(ERROR_CODE.invalid, DESC.typeMismatch(messageType, facts.kind));

    let recipients = facts.recipients;
    const toHeader = call.param('to');
    if (toHeader !== undefined) {
      const parsed = parseCodeList(toHeader);
      if (!parsed) return fail(ERROR_CODE.invalid, DESC.badParam('to', toHeader));
      recipients = parsed;
    }
    if (recipients.length === 0) return fail(ERROR_CODE.invalid, DESC.noRecipient);
    const local: string[] = [];
    const up: string[] = [];
    for (const code of recipients) {
      if (state.systemServing(code)) local.push(code);
      else if (parent) up.push(code);
      else return fail(ERROR_CODE.notFound, DESC.unknownRecipient(code));
    }

    const now = this.#d.clock();
    const rows: SentRecipient[] = [];
    if (up.length > 0 && parent) {
      try {
        const hop = appendTraceHeader(bytes, { organId: this.#d.traceOrganId, at: now }, messageType);
        const parentDocId = await parent.forward(hop, { from, messageType, serviceType, to: up });
        for (const toCode of up) rows.push({ toCode, via: 'parent', parentDocId });
      } catch (e) {
        const detail = e instanceof AxisError ? e.errorDesc : isVdxpError(e) ? e.code : 'loi ket noi';
        return fail(ERROR_CODE.upstream, DESC.upstreamFailed(detail));
      }
    }
    const senderDocId = newDocId();
    for (const toCode of local) {
      const receiverDocId = await this.deliver(bytes, { to: toCode, from, messageType, serviceType, senderDocId });
      rows.push({ toCode, via: 'local', receiverDocId });
    }
    state.addSent({
      senderDocId, systemId: call.systemId, from, messageType, serviceType,
      title: facts.title, notation: facts.notation, sentAt: now.getTime(), recipients: rows,
    });
    await state.save();
    return ok({ DocId: senderDocId });
  }

  /**
   * Queues a package for the system serving `to` (with this axis's TraceHeader); with the
   * duplicate fault, queues it twice. Returns the receiver's id, or undefined when no local
   * system serves `to`. The caller saves the state.
   */
  async deliver(
    bytes: Uint8Array,
    o: { to: string; from: string; messageType: MessageType; serviceType: string; senderDocId: string },
  ): Promise<string | undefined> {
    const systemId = this.#d.state.systemServing(o.to);
    if (!systemId) return undefined;
    const at = this.#d.clock();
    const delivered = appendTraceHeader(bytes, { organId: this.#d.traceOrganId, at }, o.messageType);
    const copies = this.#d.faults().duplicate() ? 2 : 1;
    let first: string | undefined;
    for (let i = 0; i < copies; i++) {
      const record: ReceivedRecord = {
        docId: newDocId(), systemId, to: o.to, from: o.from, messageType: o.messageType, serviceType: o.serviceType,
        status: 'initial', createdAt: at.getTime(), updatedAt: at.getTime(), senderDocId: o.senderDocId, size: delivered.byteLength,
      };
      await this.#d.state.addReceived(record, delivered);
      first ??= record.docId;
    }
    return first;
  }

  /** `POST /getReceivedEdocList`. */
  getReceivedEdocList(call: AxisCall): AxisReply {
    const messageType = call.param('messagetype');
    const from = call.param('fromDate');
    const to = call.param('toDate');
    const fromAt = from ? parseAxisDate(from) : undefined;
    const toAt = to ? parseAxisDate(to) : undefined;
    if (from && !fromAt) return fail(ERROR_CODE.invalid, DESC.badParam('fromDate', from), { data: [] });
    if (to && !toAt) return fail(ERROR_CODE.invalid, DESC.badParam('toDate', to), { data: [] });
    const rows = this.#d.state
      .pending(call.systemId, isMessageType(messageType) ? messageType : undefined)
      .filter((r) => (!fromAt || r.createdAt >= fromAt.getTime()) && (!toAt || r.createdAt <= toAt.getTime()))
      .map((r) => ({
        docId: r.docId, serviceType: r.serviceType, messageType: r.messageType, from: r.from, to: r.to,
        status: r.status, status_desc: ACK_DESC[r.status], created_time: formatAxisDate(new Date(r.createdAt)), updated_time: formatAxisDate(new Date(r.updatedAt)),
      }));
    return ok({ data: rows });
  }

  /** `POST /getEdoc`: the package as base64 in `data`. */
  async getEdoc(call: AxisCall): Promise<AxisReply> {
    const found = this.#own(call);
    if ('kind' in found) return found;
    const bytes = await this.#d.state.packageBytes(found.docId);
    return ok({ data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') });
  }

  /** `GET /downloadEdoc`: the package bytes. */
  downloadEdoc(call: AxisCall): AxisReply {
    const found = this.#own(call);
    if ('kind' in found) return found;
    return { kind: 'stream', stream: this.#d.state.packageStream(found.docId), length: found.size, fileName: `${found.docId}.edxml` };
  }

  /** `POST /updateStatus`: `done` and `fail` take the package off the received list. */
  async updateStatus(call: AxisCall): Promise<AxisReply> {
    const status = call.param('status');
    if (status !== 'done' && status !== 'fail' && status !== 'processing') return fail(ERROR_CODE.invalid, DESC.badParam('status', status ?? ''));
    const found = this.#own(call);
    if ('kind' in found) return found;
    this.#d.state.setStatus(found, status, call.now.getTime());
    await this.#d.state.save();
    return ok();
  }

  /** `POST /getSentEdocList`: one row per recipient with send and receive status. */
  async getSentEdocList(call: AxisCall): Promise<AxisReply> {
    const messageType = call.param('messagetype');
    const docId = call.param('docId');
    const sent = this.#d.state
      .sentBy(call.systemId)
      .filter((s) => (!isMessageType(messageType) || s.messageType === messageType) && (!docId || s.senderDocId === docId));
    const data: Record<string, unknown>[] = [];
    for (const s of sent) {
      for (const r of s.recipients) {
        let receiverDocId = r.receiverDocId ?? '';
        let receiveStatus = 'initial';
        let receivedTime = '';
        if (r.via === 'local') {
          const rec = r.receiverDocId ? this.#d.state.received(r.receiverDocId) : undefined;
          if (rec) {
            receiveStatus = rec.status;
            if (rec.status === 'done' || rec.status === 'fail') receivedTime = formatAxisDate(new Date(rec.updatedAt));
          }
        } else if (r.parentDocId && this.#d.parent) {
          const upper = await this.#d.parent.sentRows(r.parentDocId, s.messageType).catch(() => []);
          const row = upper.find((u) => u.toCode === r.toCode);
          if (row) {
            receiverDocId = row.receiverDocId ?? '';
            receiveStatus = row.receiveStatus ?? receiveStatus;
            receivedTime = row.receivedTime ?? '';
          }
        }
        data.push({
          serviceType: s.serviceType, messageType: s.messageType, senderDocId: s.senderDocId, receiverDocId,
          fromCode: s.from, toCode: r.toCode, title: s.title, notation: s.notation,
          sentTime: formatAxisDate(new Date(s.sentAt)), receivedTime,
          sendStatus: 'done', sendStatusDesc: r.via === 'parent' ? 'Da chuyen len truc cap tren' : 'Da gui',
          receiveStatus, receiveStatusDesc: ACK_DESC[receiveStatus] ?? receiveStatus,
        });
      }
    }
    return ok({ data });
  }

  /** `GET /countReceiveEdoc` and `/countReceiveStatus`. */
  count(call: AxisCall, messageType: MessageType): AxisReply {
    return ok({ count: this.#d.state.pending(call.systemId, messageType).length });
  }

  /** The caller's received package named by `docId`, or a refusal. */
  #own(call: AxisCall): ReceivedRecord | JsonReply {
    const docId = call.param('docId');
    if (!docId) return fail(ERROR_CODE.invalid, DESC.missingParam('docId'));
    const rec = this.#d.state.received(docId.trim());
    if (!rec || rec.systemId !== call.systemId) return fail(ERROR_CODE.notFound, DESC.docNotFound(docId));
    return rec;
  }
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function parseCodeList(text: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(text);
    const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : undefined;
    if (!list || !list.every((c): c is string => typeof c === 'string' && c.trim().length > 0)) return undefined;
    return [...new Set(list.map((c) => c.trim()))];
  } catch {
    // tolerate a plain comma-separated list
    const list = text.split(',').map((c) => c.trim()).filter((c) => c.length > 0);
    return list.length > 0 && list.every((c) => /^[^\s;"[\]]+$/.test(c)) ? [...new Set(list)] : undefined;
  }
}
