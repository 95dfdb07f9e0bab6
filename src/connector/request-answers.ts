/**
 * Which request a 15 (agree) or 16 (refuse) answers. A status package names only the
 * document, so when an issuer asked a recipient several things about one document (a revoke
 * package, an update package, a take-back status 13), each answer is given to the latest
 * request made to that recipient before it that has no answer yet (or, failing that, the
 * earliest one still open). The sender's tracking then shows each answer on the request it
 * belongs to, and a document as withdrawn only when a revoke or take-back was agreed.
 *
 * Times: a request's is when this system made it (milliseconds, its own clock); an answer's
 * is the earlier of when this system recorded it (same clock) and the end of the second its
 * Timestamp names (whole seconds, the recipient's clock). So an answer recorded before a
 * later request was made is never given to that request, even within one second.
 * @internal
 * @module
 */
import type { OutboxEntry, StatusRecord } from '../store/store.js';

/** A request the issuer made to its recipients about a document. */
export interface IssuedRequest {
  /** The revoke/update outbox entry, or the outbox entry carrying the 13. */
  readonly outboxId: string;
  readonly kind: 'revoke' | 'update' | 'take-back';
  readonly recipients: readonly string[];
  /** When it was made (ms since the epoch). */
  readonly atMs: number;
}

/** Requests about one document: revoke (1) and update (2) packages and 13 statuses sent. */
export function issuedRequests(entries: readonly OutboxEntry[], outStatuses: readonly StatusRecord[]): IssuedRequest[] {
  const out: IssuedRequest[] = [];
  for (const e of entries) {
    const type = e.summary.businessDocType;
    if (e.messageType === 'edoc' && (type === 1 || type === 2)) {
      out.push({ outboxId: e.id, kind: type === 1 ? 'revoke' : 'update', recipients: e.recipients, atMs: Date.parse(e.createdAt) });
    }
  }
  const takeBacks = new Map<string, { recipients: string[]; atMs: number }>();
  for (const s of outStatuses) {
    if (s.code !== '13' || !s.outboxId) continue;
    const t = takeBacks.get(s.outboxId) ?? { recipients: [], atMs: Date.parse(s.recordedAt) };
    t.recipients.push(s.counterpart);
    takeBacks.set(s.outboxId, t);
  }
  for (const [outboxId, t] of takeBacks) out.push({ outboxId, kind: 'take-back', recipients: t.recipients, atMs: t.atMs });
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** Maps each 15/16 record (by id) to the request it answers; answers with no request are left out. */
export function attributeAnswers(requests: readonly IssuedRequest[], answers: readonly StatusRecord[]): Map<string, IssuedRequest> {
  const result = new Map<string, IssuedRequest>();
  const byRecipient = new Map<string, StatusRecord[]>();
  for (const a of answers) {
    if (a.code !== '15' && a.code !== '16') continue;
    byRecipient.set(a.counterpart, [...(byRecipient.get(a.counterpart) ?? []), a]);
  }
  for (const [recipient, list] of byRecipient) {
    const open = requests.filter((r) => r.recipients.includes(recipient));
    for (const a of [...list].sort((x, y) => answerTime(x) - answerTime(y))) {
      const atMs = answerTime(a);
      const before = open.filter((r) => r.atMs <= atMs);
      const chosen = before.at(-1) ?? open[0];
      if (!chosen) continue;
      result.set(a.id, chosen);
      open.splice(open.indexOf(chosen), 1);
    }
  }
  return result;
}

/** When an answer was given, at the latest: recorded here, or by the end of its Timestamp's second. */
function answerTime(a: StatusRecord): number {
  const stamped = Date.parse(a.at) + 999;
  const recorded = Date.parse(a.recordedAt);
  return Number.isFinite(recorded) ? Math.min(recorded, stamped) : stamped;
}
