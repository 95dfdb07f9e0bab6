/**
 * `send`: validate a document, refuse it when it is marked secret, build and sign it, and
 * queue it in the outbox, which delivers it.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { ConnectorError, InputError } from '../errors.js';
import { SECRECY_LEVELS, type SecrecyLevel } from '../edxml/codes.js';
import { makeDocumentId } from '../edxml/document-code.js';
import type { EdocMessage, EdocMessageInput, Organization } from '../edxml/model.js';
import { checkMessageForWrite } from '../edxml/write-rules.js';
import { STORE_ID_PATTERN } from '../store/store.js';
import type { SendHandle } from './business.js';
import { agencyById, newId, type ConnectorContext } from './context.js';
import { summarizeEdoc, tidyText } from './message-facts.js';
import type { OutboxWorker } from './outbox.js';
import { queuePackage } from './outgoing.js';

/** Secrecy marks (độ mật) a caller may put on a document: any of them is refused. */
export type SecrecyMark = 'mat' | 'toi-mat' | 'tuyet-mat' | SecrecyLevel;

const SECRECY_BY_MARK: Readonly<Record<string, SecrecyLevel>> = {
  mat: 'confidential',
  'toi-mat': 'secret',
  'tuyet-mat': 'topSecret',
  confidential: 'confidential',
  secret: 'secret',
  topSecret: 'topSecret',
};

/** A document to send: the edXML model, `from` defaulting to the connector's agency. */
export type SendInput = Omit<EdocMessageInput, 'from'> & {
  /** The sending agency (one of the connector's). @defaultValue the first agency */
  from?: Organization;
  /** Độ mật. A document carrying any secrecy level never travels on the axis. @defaultValue none */
  secrecy?: SecrecyMark | 'none';
};

/**
 * Refuses a document marked secret.
 * @throws {ConnectorError} VDXP_CONNECTOR_SECRET_REFUSED
 */
export function refuseSecret(secrecy: string | undefined): void {
  if (secrecy === undefined || secrecy === 'none') return;
  const level = SECRECY_BY_MARK[secrecy];
  const label = level ? SECRECY_LEVELS[level] : { vi: secrecy, en: secrecy };
  throw new ConnectorError(
    'VDXP_CONNECTOR_SECRET_REFUSED',
    `refused: the document is classified ${label.en} (${label.vi}); documents containing state secrets must not be sent over the axis — send it by the secret-document channel`,
    { messageVi: `Từ chối gửi: văn bản có độ mật "${label.vi}". Văn bản mật không được gửi qua trục liên thông văn bản; hãy chuyển theo quy định về văn bản mật.` },
  );
}

/** The DocumentId a message will carry (given, or made from issuer, date and code). */
export function documentIdOf(message: EdocMessageInput): string {
  return message.documentId ? tidyText(message.documentId) : makeDocumentId(message.from.organId, message.promulgationInfo.promulgationDate, message.code);
}

/** Queues an edoc (new, revoke, update, replace) and returns its handle. */
export async function queueDocument(
  ctx: ConnectorContext,
  outbox: OutboxWorker,
  message: EdocMessageInput,
  operation: string,
  validateMs?: number,
  outboxId?: string,
): Promise<SendHandle> {
  const documentId = documentIdOf(message);
  const queued = await queuePackage(ctx, {
    id: outboxId ?? newId('o', ctx.now()),
    message: { ...message, documentId },
    documentId,
    operation,
    from: message.from.organId,
    recipients: [...new Set(message.to.map((o) => o.organId))],
    summary: summarizeEdoc(message as EdocMessage),
  });
  outbox.notePreparation(queued.entry.id, { ...queued.steps, ...(validateMs !== undefined ? { validateMs } : {}) });
  outbox.kick();
  return { documentId: queued.entry.documentId, outboxId: queued.entry.id, delivered: outbox.whenDelivered(queued.entry.id) };
}

/** Options of `Connector.send`. */
export interface SendOptions {
  /**
   * The outbox entry's id, chosen by the caller (an idempotency key, matching
   * `STORE_ID_PATTERN`): when an entry with this id exists, nothing is queued again and the
   * handle of the stored entry is returned (its document wins over `input`). A caller that
   * may crash between `send` and recording the result gives the same id again on restart.
   * @defaultValue a new time-ordered id
   */
  readonly outboxId?: string;
}

/** Validates and queues a new document. */
export async function sendDocument(ctx: ConnectorContext, outbox: OutboxWorker, input: SendInput, options: SendOptions = {}): Promise<SendHandle> {
  if (input === null || typeof input !== 'object') throw new InputError('send', [{ code: 'invalid_type', path: '', message: 'expected a document object' }]);
  const { outboxId } = options;
  if (outboxId !== undefined && (typeof outboxId !== 'string' || !STORE_ID_PATTERN.test(outboxId))) {
    throw new InputError('send', [{ code: 'invalid_string', path: 'outboxId', message: 'expected 1-160 characters of A-Z a-z 0-9 _ . - (not starting with . or -)' }]);
  }
  const { secrecy, from, ...rest } = input;
  refuseSecret(secrecy);
  const t = performance.now();
  const sender = from ? { ...agencyById(ctx, from.organId), ...from } : agencyById(ctx, undefined);
  const message: EdocMessageInput = { ...rest, from: sender };
  const complete = { kind: 'edoc' as const, ...message, documentId: documentIdOf(message) };
  const issues = checkMessageForWrite(complete as Parameters<typeof checkMessageForWrite>[0], { now: ctx.now, strictAgencyIds: ctx.options.strictAgencyIds });
  if (issues.length > 0) throw new InputError('send', issues);
  return queueDocument(ctx, outbox, message, message.business?.businessDocType === 3 ? 'replace' : 'new', performance.now() - t, outboxId);
}
