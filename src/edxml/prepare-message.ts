/**
 * Turns what a caller gives the writer into a complete, checked message: text trimmed and
 * NFC-normalised, empty optionals dropped, DocumentId / sender's TraceHeader / "new"
 * Bussiness block / status Timestamp filled when absent, then every write rule applied.
 * @internal
 * @module
 */
import { EdxmlError, summarize, type Issue } from '../errors.js';
import type { ResolvedBuildEdxmlOptions, StreamingEdocMessageInput, WritableEdocMessage } from './build-options.js';
import { makeDocumentId } from './document-code.js';
import type { StatusMessage, StatusMessageInput } from './model.js';
import { toVietnamTimestamp } from './vietnam-time.js';
import { checkForWrite } from './write-rules.js';

/** BussinessDocReason of a new document, as the official library writes it. */
export const NEW_DOCUMENT_REASON = 'Văn bản điện tử mới';

/**
 * The complete message to write.
 * @throws {EdxmlError} VDXP_INPUT_INVALID with every issue, each naming its field
 */
export function prepareMessage(
  input: StreamingEdocMessageInput | StatusMessageInput,
  options: ResolvedBuildEdxmlOptions,
  target: string,
): WritableEdocMessage | StatusMessage {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new EdxmlError('VDXP_INPUT_INVALID', `${target}: the message must be an object`, { path: '' });
  }
  const now = options.now ?? (() => new Date());
  const m = (tidy(input) ?? {}) as Record<string, unknown>;
  if (Array.isArray(m.warnings)) delete m.warnings; // a message as parseEdxml returned it: its warnings are not part of it
  let documentIdFilled = false;
  if (m.kind === 'status') {
    m.timestamp ??= toVietnamTimestamp(now());
  } else {
    m.kind ??= 'edoc';
    if (m.documentId === undefined) {
      m.documentId = defaultDocumentId(m);
      documentIdFilled = true;
    }
    const from = m.from as { organId?: unknown } | undefined;
    if (m.traceHeaders === undefined || (Array.isArray(m.traceHeaders) && m.traceHeaders.length === 0)) {
      m.traceHeaders = [{ organId: typeof from?.organId === 'string' ? from.organId : undefined, timestamp: toVietnamTimestamp(now()) }];
    }
    m.business ??= { businessDocType: 0, businessDocReason: NEW_DOCUMENT_REASON, paper: 0, staffInfo: [], replacementInfo: [] };
  }
  const checked = checkForWrite(m as unknown as WritableEdocMessage | StatusMessage, {
    strictAgencyIds: options.strictAgencyIds,
    ...(options.now ? { now: options.now } : {}),
  });
  let issues = checked.issues;
  if (documentIdFilled && m.documentId === undefined) {
    issues = issues.filter((i) => i.path !== 'documentId'); // its causes (From, Code, date) are reported
  }
  if (issues.length > 0 || !checked.message) refuse(target, issues);
  return checked.message;
}

function refuse(target: string, issues: Issue[]): never {
  throw new EdxmlError('VDXP_INPUT_INVALID', `${target}: invalid message: ${summarize(issues)}`, { issues });
}

function defaultDocumentId(m: Record<string, unknown>): string | undefined {
  const organId = (m.from as { organId?: unknown } | undefined)?.organId;
  const date = (m.promulgationInfo as { promulgationDate?: unknown } | undefined)?.promulgationDate;
  const code = m.code as { codeNumber?: unknown; codeNotation?: unknown } | undefined;
  if (typeof organId !== 'string' || typeof date !== 'string' || typeof code?.codeNumber !== 'string' || typeof code.codeNotation !== 'string') {
    return undefined;
  }
  try {
    return makeDocumentId(organId, date, { codeNumber: code.codeNumber, codeNotation: code.codeNotation });
  } catch {
    return undefined; // the shape check names what is wrong
  }
}

/**
 * A copy with every string trimmed and NFC-normalised, empty strings and objects that hold
 * nothing but empty lists removed. Bytes and functions are kept as they are (not copied).
 */
function tidy(value: unknown): unknown {
  if (typeof value === 'string') {
    const s = value.normalize('NFC').trim();
    return s === '' ? undefined : s;
  }
  if (Array.isArray(value)) return value.map(tidy).filter((v) => v !== undefined);
  if (value === null || typeof value !== 'object' || !isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  let meaningful = false;
  for (const [k, v] of Object.entries(value)) {
    const t = tidy(v);
    if (t === undefined) continue;
    out[k] = t;
    if (!(Array.isArray(t) && t.length === 0)) meaningful = true;
  }
  return meaningful ? out : undefined;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
