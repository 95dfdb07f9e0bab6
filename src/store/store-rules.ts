/**
 * The rules of the {@link Store} contract that do not depend on where records live: natural
 * keys, patches, expectations, what is claimable. Shared by the store implementations so
 * that they agree.
 * @module
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InputError, StoreError, issuesFromZod } from '../errors.js';
import {
  STORE_ID_PATTERN, type ClaimOptions, type Decision, type InboxEntry, type InboxFilter, type Lease, type NewStatusRecord, type OutboxEntry,
  type OutboxFilter, type PruneOptions, type QuarantineEntry, type StatusFilter, type StatusRecord, type UpdateExpectation,
} from './store.js';

/**
 * The id of a status record: a hash of its natural key (direction, documentId, agency,
 * counterpart, code, at), so the same status recorded twice has one id.
 */
export function statusRecordId(record: Pick<NewStatusRecord, 'direction' | 'documentId' | 'agency' | 'counterpart' | 'code' | 'at'>): string {
  const key = JSON.stringify([record.direction, record.documentId, record.agency, record.counterpart, record.code, record.at]);
  return `st_${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/** The document key of an inbox entry: (to, from, documentId, operation). */
export function inboxDocumentKey(entry: Pick<InboxEntry, 'to' | 'from' | 'documentId' | 'operation'>): string {
  return JSON.stringify([entry.to, entry.from, entry.documentId, entry.operation]);
}

/**
 * Checks a caller-chosen id.
 * @throws {StoreError} VDXP_STORE_IO naming the bad id's kind (not its value when it is long)
 */
export function assertStoreId(id: string, what: string): void {
  if (typeof id !== 'string' || !STORE_ID_PATTERN.test(id)) {
    throw new StoreError('VDXP_STORE_IO', `${what}: the id must be 1–160 characters of A-Z a-z 0-9 _ . - (not starting with . or -)`);
  }
}

/**
 * Applies a patch: `undefined` keeps a field, `null` removes it; `version` goes up by one.
 */
export function applyPatch<T extends { readonly version: number }>(record: T, patch: object): T {
  // Built key by key into a fresh object: `{ ...record }` followed by assignments and `delete`
  // gives every result its own hidden class (or a dictionary) on Node 20.
  const before = record as unknown as Record<string, unknown>;
  const changes = patch as Record<string, unknown>;
  const next: Record<string, unknown> = {};
  const put = (k: string, v: unknown): void => {
    // an own `__proto__` key stays a plain property, as a spread keeps it
    if (k === '__proto__') Object.defineProperty(next, k, { value: v, enumerable: true, writable: true, configurable: true });
    else next[k] = v;
  };
  for (const k of Object.keys(before)) {
    const v = Object.hasOwn(changes, k) ? changes[k] : undefined;
    if (v === null) continue;
    put(k, v === undefined ? before[k] : v);
  }
  for (const k of Object.keys(changes)) {
    const v = changes[k];
    if (v !== undefined && v !== null && !Object.hasOwn(before, k)) put(k, v);
  }
  next.version = record.version + 1;
  return next as T;
}

/**
 * Checks an update's expectations.
 * @throws {StoreError} VDXP_STORE_CONFLICT when the version differs or the lease is held by another worker (or none)
 */
export function checkExpectation(record: { readonly version: number; readonly lease?: Lease }, expect: UpdateExpectation | undefined, what: string): void {
  if (!expect) return;
  if (expect.version !== undefined && record.version !== expect.version) {
    throw new StoreError('VDXP_STORE_CONFLICT', `${what} changed meanwhile (version ${record.version}, expected ${expect.version})`, { location: what });
  }
  if (expect.leaseHolder !== undefined && record.lease?.workerId !== expect.leaseHolder) {
    const holder = record.lease ? `worker ${record.lease.workerId}` : 'no worker';
    throw new StoreError('VDXP_STORE_CONFLICT', `${what} is claimed by ${holder}, not ${expect.leaseHolder}`, { location: what });
  }
}

/** True when no live lease holds the item at `now`. */
export function isLeaseFree(lease: Lease | undefined, now: Date): boolean {
  return lease === undefined || Date.parse(lease.expiresAt) <= now.getTime();
}

/** True when `claimOutbox` may hand this entry out at `now`. */
export function isOutboxClaimable(entry: OutboxEntry, now: Date): boolean {
  if (!isLeaseFree(entry.lease, now)) return false;
  return (entry.state === 'pending' || entry.state === 'sending') && Date.parse(entry.nextAttemptAt) <= now.getTime();
}

/** True for a received document (an edoc, new or a replacement); false for statuses and requests. */
export function isReceivedDocument(entry: Pick<InboxEntry, 'messageType' | 'operation'>): boolean {
  return entry.messageType === 'edoc' && (entry.operation === 'new' || entry.operation === 'replace');
}

/**
 * True when `claimInboxHandover` may hand this entry out at `now`; `documents: false` (as in
 * {@link InboxClaimOptions}) leaves received documents out.
 */
export function isInboxClaimable(entry: InboxEntry, now: Date, documents = true): boolean {
  if (entry.handedOverAt !== undefined || !isLeaseFree(entry.lease, now)) return false;
  return documents || !isReceivedDocument(entry);
}

/** The lease a claim gives. */
export function leaseFor(options: ClaimOptions): Lease {
  return { workerId: options.workerId, expiresAt: new Date(options.now.getTime() + options.leaseMs).toISOString() };
}

/** Orders by the first key, then the next ones (ISO strings compare as text). */
export function byKeys<T>(...keys: ((t: T) => string | undefined)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const x = key(a) ?? '';
      const y = key(b) ?? '';
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  };
}

const is = <T>(wanted: T | undefined, actual: T): boolean => wanted === undefined || wanted === actual;

/** True when an outbox entry passes a {@link OutboxFilter}. */
export function outboxMatches(e: OutboxEntry, f: OutboxFilter): boolean {
  return is(f.documentId, e.documentId) && is(f.state, e.state) && is(f.messageType, e.messageType) && (f.inboxId === undefined || e.inboxId === f.inboxId);
}

/** True when an inbox entry passes an {@link InboxFilter}. */
export function inboxMatches(e: InboxEntry, f: InboxFilter): boolean {
  return is(f.documentId, e.documentId) && is(f.messageType, e.messageType) && is(f.axisDocId, e.axisDocId) && is(f.from, e.from) && is(f.to, e.to)
    && (f.handedOver === undefined || (e.handedOverAt !== undefined) === f.handedOver);
}

/** True when a status passes a {@link StatusFilter}. */
export function statusMatches(s: StatusRecord, f: StatusFilter): boolean {
  return is(f.direction, s.direction) && is(f.documentId, s.documentId) && is(f.counterpart, s.counterpart);
}

/** True when a decision passes the filter of `listDecisions`. */
export function decisionMatches(d: Decision, f: { readonly state?: Decision['state']; readonly documentId?: string }): boolean {
  return is(f.state, d.state) && is(f.documentId, d.documentId);
}

/** How long after its end a receive lease that was never released is still kept (a day). */
export const RECEIVE_CLAIM_MEMORY_MS = 24 * 60 * 60 * 1000;

/**
 * True when {@link Store.prunePackages} with these options removes this record's package at
 * `options.now`: still kept, no live lease, finished before `options.before` (see
 * {@link PruneOptions}).
 */
export function isPackagePrunable(kind: 'outbox' | 'inbox' | 'quarantine', record: OutboxEntry | InboxEntry | QuarantineEntry, options: PruneOptions): boolean {
  if (record.packagePrunedAt !== undefined || record.blob === undefined) return false;
  const before = options.before;
  if (kind === 'quarantine') return options.quarantined !== false && (record as QuarantineEntry).at < before;
  if (!isLeaseFree((record as OutboxEntry | InboxEntry).lease, options.now)) return false;
  if (kind === 'inbox') {
    const e = record as InboxEntry;
    return options.received !== false && e.handedOverAt !== undefined && e.handedOverAt < before;
  }
  const e = record as OutboxEntry;
  const finished = finishedAt(e);
  return options.sent === true && e.messageType === 'edoc' && finished !== undefined && finished < before;
}

/** When a sent document was finished: `sentAt` when sent; for a failed one its last error's time, else `createdAt`. */
function finishedAt(e: OutboxEntry): string | undefined {
  if (e.state === 'sent') return e.sentAt ?? e.createdAt;
  if (e.state === 'failed') return e.lastError?.at ?? e.createdAt;
  return undefined;
}

const PruneOptionsSchema = z
  .object({
    before: z.string().refine((v) => Number.isFinite(Date.parse(v)), 'an ISO 8601 time'),
    received: z.boolean().optional(),
    sent: z.boolean().optional(),
    quarantined: z.boolean().optional(),
    dryRun: z.boolean().optional(),
    now: z.date().refine((d) => Number.isFinite(d.getTime()), 'a valid Date'),
  })
  .strict()
  .refine((o) => o.received !== false || o.sent === true || o.quarantined !== false, 'nothing to prune: received, sent and quarantined are all off');

/**
 * Checks {@link PruneOptions} and gives them with `before` as `Date#toISOString()` (so that it
 * compares with stored times as text).
 * @throws {InputError} VDXP_INPUT_INVALID
 */
export function checkPruneOptions(options: PruneOptions): PruneOptions {
  const parsed = PruneOptionsSchema.safeParse(options);
  if (!parsed.success) throw new InputError('prunePackages', issuesFromZod(parsed.error.issues));
  return { ...parsed.data, before: new Date(parsed.data.before).toISOString() };
}

/** The patch stamping a pruned record. */
export function prunedStamp(now: Date): { readonly packagePrunedAt: string } {
  return { packagePrunedAt: now.toISOString() };
}
