/**
 * The rules of the {@link Store} contract that do not depend on where records live: natural
 * keys, patches, expectations, what is claimable. Shared by the store implementations so
 * that they agree.
 * @module
 */
import { createHash } from 'node:crypto';
import { StoreError } from '../errors.js';
import { STORE_ID_PATTERN, type ClaimOptions, type InboxEntry, type Lease, type NewStatusRecord, type OutboxEntry, type UpdateExpectation } from './store.js';

/**
 * The id of a status record: a hash of its natural key (direction, documentId, counterpart,
 * code, at), so the same status recorded twice has one id.
 */
export function statusRecordId(record: Pick<NewStatusRecord, 'direction' | 'documentId' | 'counterpart' | 'code' | 'at'>): string {
  const key = JSON.stringify([record.direction, record.documentId, record.counterpart, record.code, record.at]);
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
  const next: Record<string, unknown> = { ...record };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (v === null) delete next[k];
    else next[k] = v;
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
  if (entry.state === 'sending') return true;
  return entry.state === 'pending' && Date.parse(entry.nextAttemptAt) <= now.getTime();
}

/** True when `claimInboxHandover` may hand this entry out at `now`. */
export function isInboxClaimable(entry: InboxEntry, now: Date): boolean {
  return entry.handedOverAt === undefined && isLeaseFree(entry.lease, now);
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
