/**
 * After an ambiguous `sendEdoc` failure (a timeout or a reset once the request was written),
 * the axis may have accepted the package. Its sent list says: this finds the package an
 * outbox entry sent, so that it is not sent twice.
 * @internal
 * @module
 */
import { parseAxisDate } from '../transport/requests.js';
import type { AxisClient } from '../transport/axis-client.js';
import type { SentEdoc } from '../transport/responses.js';
import type { OutboxEntry, Store } from '../store/store.js';

/** Slack between the axis's clock and ours when comparing send times. */
const CLOCK_SLACK_MS = 5 * 60_000;

/**
 * The axis DocId of the package this entry sent, or undefined when the sent list does not
 * show it. A row matches when it comes from the entry's sender, carries its `Number/Notation`
 * and title (the subject of an edoc; a status's title starts with its code), was sent after
 * the attempt started (minus clock slack), goes only to the entry's recipients, and its
 * DocId is not already recorded by another outbox entry of the same document.
 */
export async function findSentPackage(axis: AxisClient, store: Store, entry: OutboxEntry, signal: AbortSignal): Promise<string | undefined> {
  const list = await axis.getSentEdocList({ messageType: entry.messageType, signal });
  const since = Date.parse(entry.attemptStartedAt ?? entry.createdAt) - CLOCK_SLACK_MS;
  const known = new Set(
    (await store.listOutbox({ documentId: entry.documentId })).filter((o) => o.id !== entry.id && o.axisDocId).map((o) => o.axisDocId!),
  );
  const byDocId = new Map<string, SentEdoc[]>();
  for (const row of list.items) {
    if (!row.senderDocId || known.has(row.senderDocId)) continue;
    if (row.fromCode !== undefined && row.fromCode !== entry.from) continue;
    if (row.messageType !== undefined && row.messageType !== entry.messageType) continue;
    if (row.notation && row.notation.trim() !== entry.summary.code) continue;
    if (!titleMatches(row.title, entry)) continue;
    const sent = row.sentTime ? parseAxisDate(row.sentTime) : undefined;
    if (sent && sent.getTime() < since) continue;
    const rows = byDocId.get(row.senderDocId) ?? [];
    rows.push(row);
    byDocId.set(row.senderDocId, rows);
  }
  const recipients = new Set(entry.recipients);
  const candidates = [...byDocId.entries()]
    .filter(([, rows]) => rows.every((r) => !r.toCode || recipients.has(r.toCode)))
    .map(([docId, rows]) => ({ docId, at: Math.min(...rows.map((r) => (r.sentTime ? parseAxisDate(r.sentTime)?.getTime() ?? 0 : 0))) }))
    .sort((a, b) => a.at - b.at);
  return candidates[0]?.docId;
}

function titleMatches(title: string | undefined, entry: OutboxEntry): boolean {
  const t = title?.trim();
  if (!t) return true;
  if (entry.messageType === 'status') return entry.summary.statusCode === undefined || t.startsWith(entry.summary.statusCode);
  const subject = entry.summary.subject?.trim();
  return subject === undefined || t === subject || subject.startsWith(t) || t.startsWith(subject);
}
