/**
 * What the connector keeps about a package without reading it again: summaries, the
 * operation key used for de-duplication, the business operation's name.
 * @internal
 * @module
 */
import type { EdocMessage, Organization, StatusMessage } from '../edxml/model.js';
import type { MessageSummary, StoredResponseFor } from '../store/store.js';

/** Business operation names by BussinessDocType. */
export const OPERATIONS = ['new', 'revoke', 'update', 'replace'] as const;
/** A business operation name. */
export type OperationName = (typeof OPERATIONS)[number];

/** The business operation of an edoc. */
export function operationName(m: EdocMessage): OperationName {
  return OPERATIONS[m.business?.businessDocType ?? 0] ?? 'new';
}

/**
 * The de-duplication key part of a received package: `new` / `replace` for documents (the
 * same document twice is one document), `revoke@<sender's timestamp>` / `update@…` for
 * requests (each request counts), `<code>@<timestamp>` for statuses.
 */
export function operationKey(m: EdocMessage | StatusMessage): string {
  if (m.kind === 'status') return `${m.statusCode}@${m.timestamp}`;
  const op = operationName(m);
  return op === 'new' || op === 'replace' ? op : `${op}@${m.traceHeaders[0]?.timestamp ?? ''}`;
}

function names(orgs: readonly Organization[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of orgs) if (o.organName) out[o.organId] = o.organName;
  return out;
}

/** Text as the writer puts it on the wire (NFC, trimmed). */
export const tidyText = (s: string): string => s.normalize('NFC').trim();

/** The summary of an edoc (its text tidied like the writer's). */
export function summarizeEdoc(m: EdocMessage): MessageSummary {
  return {
    code: `${tidyText(m.code.codeNumber)}/${tidyText(m.code.codeNotation)}`,
    subject: tidyText(m.subject),
    priority: m.otherInfo?.priority ?? 0,
    businessDocType: m.business?.businessDocType ?? 0,
    promulgationDate: m.promulgationInfo.promulgationDate,
    ...(m.dueDate ? { dueDate: m.dueDate } : {}),
    organNames: names([m.from, ...m.to]),
  };
}

/** The summary of a status. */
export function summarizeStatus(m: StatusMessage): MessageSummary {
  return {
    code: m.responseFor.code,
    statusCode: m.statusCode,
    ...(m.responseFor.promulgationDate ? { promulgationDate: m.responseFor.promulgationDate } : {}),
    organNames: names([m.from]),
  };
}

/** The ResponseFor naming an edoc. */
export function responseForEdoc(m: EdocMessage): StoredResponseFor {
  return {
    organId: m.from.organId,
    code: `${tidyText(m.code.codeNumber)}/${tidyText(m.code.codeNotation)}`,
    documentId: m.documentId,
    promulgationDate: m.promulgationInfo.promulgationDate,
  };
}

/** Safe id part from any text (axis DocIds are normally hex). */
export function idPart(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 120);
  return clean.length > 0 ? clean : '_';
}
