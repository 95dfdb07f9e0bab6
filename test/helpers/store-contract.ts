/**
 * The contract every {@link Store} must pass. Call `runStoreContract(name, makeFixture)` from a
 * test file; it registers a `describe` block of vitest tests.
 *
 * `makeFixture` gives a fresh, empty store plus:
 * - `reopen()`: closes the store and opens the same storage again (durability, indexes);
 * - `sibling()` (optional): a second handle on the same storage while the first is open, for
 *   stores shared by several workers (PostgresStore); FileStore has none (one process);
 * - `cleanup()`: removes everything.
 */
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type {
  InboxEntry, NewDecision, NewInboxEntry, NewOutboxEntry, NewStatusRecord, OutboxEntry, Store,
} from '../../src/store/store.js';

/** What a store implementation's test gives the contract. */
export interface StoreFixture {
  readonly store: Store;
  /** Closes `store` (if not closed) and opens the same storage again. */
  reopen(): Promise<Store>;
  /** A second live handle on the same storage (multi-worker stores only). */
  sibling?: () => Promise<Store>;
  /** Closes what is open and removes the storage. */
  cleanup(): Promise<void>;
}

const T0 = new Date('2025-03-10T02:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const iso = (ms: number) => at(ms).toISOString();

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function someBlob(store: Store, text = 'package') {
  return store.putBlob(new TextEncoder().encode(text));
}

/** An outbox entry with sensible fields. */
export function outboxEntry(id: string, blob: OutboxEntry['blob'], over: Partial<NewOutboxEntry> = {}): NewOutboxEntry {
  return {
    id, documentId: `000.00.00.G22,2025/03/10,${id}/VPCP`, messageType: 'edoc', operation: 'new', from: '000.00.00.G22',
    recipients: ['000.00.00.H41'], blob, summary: { code: `${id}/VPCP`, subject: 'Trích yếu', priority: 0, businessDocType: 0 },
    nextAttemptAt: iso(0), createdAt: iso(0), ...over,
  };
}

/** An inbox entry with sensible fields. */
export function inboxEntry(id: string, blob: InboxEntry['blob'], over: Partial<NewInboxEntry> = {}): NewInboxEntry {
  return {
    id, axisDocId: `axis${id}`, messageType: 'edoc', from: '000.00.00.G22', to: '000.00.00.H41',
    documentId: `000.00.00.G22,2025/03/10,${id}/VPCP`, operation: 'new', blob, summary: { code: `${id}/VPCP`, subject: 'S' },
    receivedAt: iso(0), ...over,
  };
}

function statusRecord(over: Partial<NewStatusRecord> = {}): NewStatusRecord {
  return {
    direction: 'in', documentId: 'D1', counterpart: '000.00.00.H41', agency: '000.00.00.G22', code: '01',
    at: '2025-03-10T09:00:00+07:00', recordedAt: iso(0), ...over,
  };
}

function decision(id: string, over: Partial<NewDecision> = {}): NewDecision {
  return {
    id, kind: 'take-back', documentId: 'D1', requester: '000.00.00.G22', agency: '000.00.00.H41', reason: 'sai sót',
    requestInboxId: `req${id}`, createdAt: iso(0), ...over,
  };
}

const code = (c: string) => expect.objectContaining({ code: c });

/** Registers the contract tests for one store implementation. */
export function runStoreContract(name: string, makeFixture: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${name}`, () => {
    let fx: StoreFixture;
    let store: Store;
    beforeEach(async () => {
      fx = await makeFixture();
      store = fx.store;
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    describe('blobs', () => {
      test('stores bytes and streams them back with size and SHA-256', async () => {
        const bytes = new TextEncoder().encode('<edXML>gói tin</edXML>');
        const info = await store.putBlob(bytes);
        expect(info.size).toBe(bytes.length);
        expect(info.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
        expect(Buffer.compare(await readAll(await store.openBlob(info.ref)), Buffer.from(bytes))).toBe(0);
      });

      test('streams a large blob in chunks', async () => {
        const chunk = Buffer.alloc(64 * 1024, 7);
        const hash = createHash('sha256');
        async function* source() {
          for (let i = 0; i < 80; i++) {
            const c = Buffer.from(chunk);
            c.writeUInt32BE(i, 0);
            hash.update(c);
            yield c;
          }
        }
        const info = await store.putBlob(source());
        expect(info.size).toBe(80 * 64 * 1024);
        expect(info.sha256).toBe(hash.digest('hex'));
        const back = await readAll(await store.openBlob(info.ref));
        expect(back.length).toBe(info.size);
        expect(back.readUInt32BE(79 * 64 * 1024)).toBe(79);
      });

      test('refuses a blob past maxBytes and a failing source', async () => {
        await expect(store.putBlob(Buffer.alloc(1000), { maxBytes: 999 })).rejects.toThrow(code('VDXP_STORE_IO'));
        async function* broken() {
          yield Buffer.from('abc');
          throw new Error('source broke');
        }
        await expect(store.putBlob(broken())).rejects.toThrow();
      });

      test('an unknown blob is VDXP_STORE_NOT_FOUND', async () => {
        await expect(store.openBlob('b0000000000000000000000000000dead')).rejects.toThrow(code('VDXP_STORE_NOT_FOUND'));
      });
    });

    describe('outbox', () => {
      test('adds an entry once: pending, no attempts, version 1; a second add returns the first unchanged', async () => {
        const blob = await someBlob(store);
        const first = await store.addOutbox(outboxEntry('o1', blob));
        expect(first.created).toBe(true);
        expect(first.record).toMatchObject({ id: 'o1', state: 'pending', attempts: 0, version: 1 });
        const again = await store.addOutbox(outboxEntry('o1', blob, { operation: 'revoke' }));
        expect(again.created).toBe(false);
        expect(again.record.operation).toBe('new');
        expect(await store.getOutbox('o1')).toEqual(first.record);
        expect(await store.getOutbox('nope')).toBeUndefined();
      });

      test('lists by filter, oldest first', async () => {
        const blob = await someBlob(store);
        await store.addOutbox(outboxEntry('o2', blob, { createdAt: iso(2000), documentId: 'A' }));
        await store.addOutbox(outboxEntry('o1', blob, { createdAt: iso(1000), documentId: 'A' }));
        await store.addOutbox(outboxEntry('o3', blob, { createdAt: iso(0), documentId: 'B', messageType: 'status', operation: '01', inboxId: 'i1' }));
        expect((await store.listOutbox()).map((e) => e.id)).toEqual(['o3', 'o1', 'o2']);
        expect((await store.listOutbox({ documentId: 'A' })).map((e) => e.id)).toEqual(['o1', 'o2']);
        expect((await store.listOutbox({ messageType: 'status' })).map((e) => e.id)).toEqual(['o3']);
        expect((await store.listOutbox({ inboxId: 'i1' })).map((e) => e.id)).toEqual(['o3']);
        await store.updateOutbox('o1', { state: 'sent' });
        expect((await store.listOutbox({ state: 'sent' })).map((e) => e.id)).toEqual(['o1']);
      });

      test('updates apply a patch, bump the version, remove fields given as null', async () => {
        const blob = await someBlob(store);
        await store.addOutbox(outboxEntry('o1', blob));
        const sending = await store.updateOutbox('o1', { state: 'sending', attempts: 1, attemptStartedAt: iso(5), lastError: { code: 'X', message: 'm', at: iso(4) } });
        expect(sending).toMatchObject({ state: 'sending', attempts: 1, version: 2, attemptStartedAt: iso(5) });
        const sent = await store.updateOutbox('o1', { state: 'sent', axisDocId: 'abc', sentAt: iso(9), lastError: null }, { version: 2 });
        expect(sent).toMatchObject({ state: 'sent', axisDocId: 'abc', version: 3 });
        expect(sent.lastError).toBeUndefined();
        expect(await store.getOutbox('o1')).toEqual(sent);
      });

      test('a stale version or a foreign lease is VDXP_STORE_CONFLICT; an unknown id VDXP_STORE_NOT_FOUND', async () => {
        const blob = await someBlob(store);
        await store.addOutbox(outboxEntry('o1', blob));
        await expect(store.updateOutbox('o1', { attempts: 1 }, { version: 7 })).rejects.toThrow(code('VDXP_STORE_CONFLICT'));
        await expect(store.updateOutbox('o1', { attempts: 1 }, { leaseHolder: 'w1' })).rejects.toThrow(code('VDXP_STORE_CONFLICT'));
        await store.claimOutbox({ workerId: 'w2', limit: 1, leaseMs: 1000, now: at(0) });
        await expect(store.updateOutbox('o1', { attempts: 1 }, { leaseHolder: 'w1' })).rejects.toThrow(code('VDXP_STORE_CONFLICT'));
        await expect(store.updateOutbox('o1', { attempts: 1 }, { leaseHolder: 'w2' })).resolves.toMatchObject({ attempts: 1 });
        await expect(store.updateOutbox('zz', { attempts: 1 })).rejects.toThrow(code('VDXP_STORE_NOT_FOUND'));
      });

      test('two updates expecting the same version: exactly one wins', async () => {
        const blob = await someBlob(store);
        await store.addOutbox(outboxEntry('o1', blob));
        const results = await Promise.allSettled([
          store.updateOutbox('o1', { attempts: 1 }, { version: 1 }),
          store.updateOutbox('o1', { attempts: 2 }, { version: 1 }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
      });

      test('claims due pending and interrupted sending entries (nextAttemptAt passed), with a lease, in order, up to the limit', async () => {
        const blob = await someBlob(store);
        await store.addOutbox(outboxEntry('late', blob, { nextAttemptAt: iso(60_000) }));
        await store.addOutbox(outboxEntry('b', blob, { nextAttemptAt: iso(2) }));
        await store.addOutbox(outboxEntry('a', blob, { nextAttemptAt: iso(1) }));
        await store.addOutbox(outboxEntry('s', blob, { nextAttemptAt: iso(3) }));
        await store.addOutbox(outboxEntry('done', blob));
        await store.addOutbox(outboxEntry('s-later', blob, { nextAttemptAt: iso(60_000) }));
        await store.updateOutbox('s', { state: 'sending' });
        await store.updateOutbox('s-later', { state: 'sending' });
        await store.updateOutbox('done', { state: 'sent' });
        const first = await store.claimOutbox({ workerId: 'w1', limit: 2, leaseMs: 30_000, now: at(10) });
        expect(first.map((e) => e.id)).toEqual(['a', 'b']);
        expect(first[0]!.lease).toEqual({ workerId: 'w1', expiresAt: iso(30_010) });
        const second = await store.claimOutbox({ workerId: 'w2', limit: 10, leaseMs: 30_000, now: at(10) });
        expect(second.map((e) => e.id)).toEqual(['s']);
        expect(await store.claimOutbox({ workerId: 'w3', limit: 10, leaseMs: 30_000, now: at(20) })).toEqual([]);
      });

      test('an expired lease makes the entry claimable by another worker; a released one at once', async () => {
        const blob = await someBlob(store);
        await store.addOutbox(outboxEntry('o1', blob));
        await store.addOutbox(outboxEntry('o2', blob));
        await store.claimOutbox({ workerId: 'w1', limit: 2, leaseMs: 1000, now: at(0) });
        await store.updateOutbox('o2', { lease: null }, { leaseHolder: 'w1' });
        expect((await store.claimOutbox({ workerId: 'w2', limit: 5, leaseMs: 1000, now: at(999) })).map((e) => e.id)).toEqual(['o2']);
        const taken = await store.claimOutbox({ workerId: 'w2', limit: 5, leaseMs: 1000, now: at(1000) });
        expect(taken.map((e) => e.id)).toEqual(['o1']);
        expect(taken[0]!.lease?.workerId).toBe('w2');
        await expect(store.updateOutbox('o1', { state: 'sent' }, { leaseHolder: 'w1' })).rejects.toThrow(code('VDXP_STORE_CONFLICT'));
      });
    });

    describe('inbox', () => {
      test('adds once; a duplicate by axis DocId or by (to, from, DocumentId, operation) returns the first', async () => {
        const blob = await someBlob(store);
        const first = await store.addInbox(inboxEntry('i1', blob));
        expect(first).toMatchObject({ status: 'created', entry: { id: 'i1', version: 1, withdrawn: false } });
        expect(first.entry.handedOverAt).toBeUndefined();
        const sameDocId = await store.addInbox(inboxEntry('i2', blob, { axisDocId: 'axisi1', documentId: 'other' }));
        expect(sameDocId).toMatchObject({ status: 'duplicate', matchedBy: 'axisDocId', entry: { id: 'i1' } });
        const sameDocument = await store.addInbox(inboxEntry('i3', blob, { axisDocId: 'another', documentId: first.entry.documentId }));
        expect(sameDocument).toMatchObject({ status: 'duplicate', matchedBy: 'document', entry: { id: 'i1' } });
        expect((await store.addInbox(inboxEntry('i4', blob, { axisDocId: 'x4', documentId: first.entry.documentId, operation: 'revoke' }))).status).toBe('created');
        expect((await store.addInbox(inboxEntry('i5', blob, { axisDocId: 'x5', documentId: first.entry.documentId, to: '000.01.00.H41' }))).status).toBe('created');
        expect((await store.listInbox()).map((e) => e.id).sort()).toEqual(['i1', 'i4', 'i5']);
      });

      test('concurrent adds of one package create it once', async () => {
        const blob = await someBlob(store);
        const results = await Promise.all([1, 2, 3, 4].map((n) => store.addInbox(inboxEntry(`c${n}`, blob, { axisDocId: 'same', documentId: 'D' }))));
        expect(results.filter((r) => r.status === 'created')).toHaveLength(1);
        expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
      });

      test('lists by filter, oldest first', async () => {
        const blob = await someBlob(store);
        await store.addInbox(inboxEntry('i2', blob, { receivedAt: iso(2) }));
        await store.addInbox(inboxEntry('i1', blob, { receivedAt: iso(1), messageType: 'status', operation: '01@t' }));
        expect((await store.listInbox()).map((e) => e.id)).toEqual(['i1', 'i2']);
        expect((await store.listInbox({ messageType: 'status' })).map((e) => e.id)).toEqual(['i1']);
        await store.updateInbox('i2', { handedOverAt: iso(3) });
        expect((await store.listInbox({ handedOver: true })).map((e) => e.id)).toEqual(['i2']);
        expect((await store.listInbox({ handedOver: false })).map((e) => e.id)).toEqual(['i1']);
        expect((await store.listInbox({ from: 'nobody' }))).toEqual([]);
        expect((await store.listInbox({ axisDocId: 'axisi2' })).map((e) => e.id)).toEqual(['i2']);
      });

      test('hand-over claims skip handed-over and leased entries until the lease expires', async () => {
        const blob = await someBlob(store);
        for (const n of [1, 2, 3]) await store.addInbox(inboxEntry(`i${n}`, blob, { receivedAt: iso(n) }));
        await store.updateInbox('i1', { handedOverAt: iso(5), lifecycle: '01' });
        const w1 = await store.claimInboxHandover({ workerId: 'w1', limit: 1, leaseMs: 1000, now: at(10) });
        expect(w1.map((e) => e.id)).toEqual(['i2']);
        expect((await store.claimInboxHandover({ workerId: 'w2', limit: 5, leaseMs: 1000, now: at(10) })).map((e) => e.id)).toEqual(['i3']);
        expect(await store.claimInboxHandover({ workerId: 'w3', limit: 5, leaseMs: 1000, now: at(500) })).toEqual([]);
        expect((await store.claimInboxHandover({ workerId: 'w3', limit: 5, leaseMs: 1000, now: at(1010) })).map((e) => e.id)).toEqual(['i2', 'i3']);
      });

      test('hand-over claims with documents: false take only statuses and requests, leaving documents unleased', async () => {
        const blob = await someBlob(store);
        await store.addInbox(inboxEntry('d1', blob, { receivedAt: iso(1) }));
        await store.addInbox(inboxEntry('d2', blob, { receivedAt: iso(2), operation: 'replace', documentId: 'D2' }));
        await store.addInbox(inboxEntry('s1', blob, { receivedAt: iso(3), messageType: 'status', operation: '01@t', documentId: 'D9' }));
        await store.addInbox(inboxEntry('r1', blob, { receivedAt: iso(4), operation: 'revoke', documentId: 'D9' }));
        await store.addInbox(inboxEntry('u1', blob, { receivedAt: iso(5), operation: 'update', documentId: 'D8' }));
        const claimed = await store.claimInboxHandover({ workerId: 'w1', limit: 2, leaseMs: 1000, now: at(10), documents: false });
        expect(claimed.map((e) => e.id)).toEqual(['s1', 'r1']);
        expect((await store.claimInboxHandover({ workerId: 'w1', limit: 5, leaseMs: 1000, now: at(10), documents: false })).map((e) => e.id)).toEqual(['u1']);
        expect((await store.getInbox('d1'))!.lease).toBeUndefined();
        expect((await store.getInbox('d2'))!.lease).toBeUndefined();
        expect((await store.claimInboxHandover({ workerId: 'w2', limit: 5, leaseMs: 1000, now: at(10), documents: true })).map((e) => e.id)).toEqual(['d1', 'd2']);
      });

      test('receive leases: one worker fetches a package while its lease lasts; renewed by it, taken over after it, freed by its release', async () => {
        if (!store.claimReceive || !store.releaseReceive) throw new Error(`${name} has no receive leases`);
        const claim = (workerId: string, ms: number, axisDocId = 'axis-1') => store.claimReceive!({ axisDocId, workerId, leaseMs: 1000, now: at(ms) });
        expect(await claim('w1', 0)).toBe(true);
        expect(await claim('w2', 10)).toBe(false);
        expect(await claim('w2', 10, 'axis-2')).toBe(true); // another package
        expect(await claim('w1', 500)).toBe(true); // renewed: now until 1500
        expect(await claim('w2', 1200)).toBe(false);
        expect(await claim('w2', 1500)).toBe(true); // expired: taken over
        await store.releaseReceive('axis-1', 'w1', at(1600)); // not the holder any more: nothing
        expect(await claim('w3', 1600)).toBe(false);
        await store.releaseReceive('axis-1', 'w2', at(1600));
        expect(await claim('w3', 1600)).toBe(true);
      });

      test('updates keep optimistic concurrency', async () => {
        const blob = await someBlob(store);
        await store.addInbox(inboxEntry('i1', blob));
        const v2 = await store.updateInbox('i1', { lifecycle: '01' }, { version: 1 });
        expect(v2).toMatchObject({ lifecycle: '01', version: 2 });
        await expect(store.updateInbox('i1', { lifecycle: '03' }, { version: 1 })).rejects.toThrow(code('VDXP_STORE_CONFLICT'));
        await expect(store.updateInbox('nope', { lifecycle: '03' })).rejects.toThrow(code('VDXP_STORE_NOT_FOUND'));
        const withdrawn = await store.updateInbox('i1', { withdrawn: true, verification: { verdict: 'valid', disposition: 'accepted', checks: [] } });
        expect(withdrawn).toMatchObject({ withdrawn: true, version: 3, verification: { verdict: 'valid' } });
      });
    });

    describe('statuses, decisions, quarantine, marks', () => {
      test('a status is recorded once per natural key (direction, document, agency, counterpart, code, time), ordered by its time', async () => {
        const a = await store.addStatus(statusRecord({ code: '03', at: '2025-03-10T10:00:00+07:00', description: 'first' }));
        expect(a.created).toBe(true);
        const again = await store.addStatus(statusRecord({ code: '03', at: '2025-03-10T10:00:00+07:00', description: 'second' }));
        expect(again).toEqual({ created: false, record: a.record });
        await store.addStatus(statusRecord({ code: '01', at: '2025-03-10T09:00:00+07:00' }));
        await store.addStatus(statusRecord({ code: '01', at: '2025-03-10T09:00:00+07:00', counterpart: '000.01.00.H41' }));
        expect((await store.addStatus(statusRecord({ code: '01', at: '2025-03-10T09:00:00+07:00', agency: '000.01.00.G22' }))).created).toBe(true);
        await store.addStatus(statusRecord({ direction: 'out', code: '01', documentId: 'D2' }));
        expect((await store.listStatuses({ direction: 'in', counterpart: '000.00.00.H41' })).map((s) => s.code)).toEqual(['01', '01', '03']);
        expect((await store.listStatuses({ documentId: 'D1' }))).toHaveLength(4);
        expect((await store.listStatuses({ direction: 'out' })).map((s) => s.documentId)).toEqual(['D2']);
      });

      test('decisions: added once, open, answered with an expected version', async () => {
        const d = await store.addDecision(decision('d1'));
        expect(d.record).toMatchObject({ state: 'open', version: 1, kind: 'take-back' });
        expect((await store.addDecision(decision('d1', { kind: 'revoke' }))).created).toBe(false);
        await store.addDecision(decision('d2', { createdAt: iso(5), documentId: 'D2' }));
        const agreed = await store.updateDecision('d1', { state: 'agreed', answeredAt: iso(9), answerOutboxId: 'o15' }, { version: 1 });
        expect(agreed).toMatchObject({ state: 'agreed', version: 2, answerOutboxId: 'o15' });
        await expect(store.updateDecision('d1', { state: 'refused' }, { version: 1 })).rejects.toThrow(code('VDXP_STORE_CONFLICT'));
        expect((await store.listDecisions({ state: 'open' })).map((x) => x.id)).toEqual(['d2']);
        expect((await store.listDecisions({ documentId: 'D1' })).map((x) => x.id)).toEqual(['d1']);
        expect(await store.getDecision('d1')).toEqual(agreed);
        await expect(store.updateDecision('zz', { state: 'refused' })).rejects.toThrow(code('VDXP_STORE_NOT_FOUND'));
      });

      test('quarantine keeps a package once per axis DocId', async () => {
        const blob = await someBlob(store, 'junk');
        const q = { id: 'q1', axisDocId: 'bad1', messageType: 'edoc' as const, reason: { code: 'VDXP_EDXML_NOT_XML', message: 'not XML' }, blob, at: iso(0) };
        expect((await store.addQuarantine(q)).created).toBe(true);
        expect((await store.addQuarantine({ ...q, id: 'q2' })).created).toBe(false);
        expect(await store.listQuarantine()).toEqual([expect.objectContaining({ id: 'q1', axisDocId: 'bad1' })]);
      });

      test('markOnce is true the first time only', async () => {
        expect(await store.markOnce('overdue:D1:H41:03', iso(0))).toBe(true);
        expect(await store.markOnce('overdue:D1:H41:03', iso(1))).toBe(false);
        expect(await store.markOnce('overdue:D1:H41:06', iso(1))).toBe(true);
      });
    });

    describe('pruning packages', () => {
      const gone = async (s: Store, ref: string) => expect(s.openBlob(ref)).rejects.toThrow(code('VDXP_STORE_NOT_FOUND'));
      const text = async (s: Store, ref: string) => (await readAll(await s.openBlob(ref))).toString();
      const cutoff = { before: iso(10_000), now: at(20_000) };

      test('removes the packages of received packages handed over before the cut-off, and keeps the records', async () => {
        const old = await someBlob(store, 'old, handed over');
        const recent = await someBlob(store, 'handed over after the cut-off');
        const waiting = await someBlob(store, 'not handed over');
        await store.addInbox(inboxEntry('i1', old));
        await store.addInbox(inboxEntry('i2', recent, { messageType: 'status', operation: '01@x' }));
        await store.addInbox(inboxEntry('i3', waiting));
        await store.updateInbox('i1', { handedOverAt: iso(5_000) });
        await store.updateInbox('i2', { handedOverAt: iso(10_000) });
        expect(store.prunePackages).toBeTypeOf('function');
        const result = await store.prunePackages!(cutoff);
        expect(result).toEqual({ records: { outbox: 0, inbox: 1, quarantine: 0 }, blobs: 1, bytes: old.size });
        const pruned = await store.getInbox('i1');
        expect(pruned).toMatchObject({ version: 3, packagePrunedAt: iso(20_000), blob: old, handedOverAt: iso(5_000) });
        await gone(store, old.ref);
        expect(await text(store, recent.ref)).toBe('handed over after the cut-off');
        expect(await text(store, waiting.ref)).toBe('not handed over');
        expect((await store.getInbox('i2'))!.packagePrunedAt).toBeUndefined();
        // the record still de-duplicates, and the change is durable
        expect((await store.addInbox(inboxEntry('i9', old, { axisDocId: 'axisi1' }))).status).toBe('duplicate');
        const again = await fx.reopen();
        expect(await again.getInbox('i1')).toEqual(pruned);
        await gone(again, old.ref);
        expect(await text(again, recent.ref)).toBe('handed over after the cut-off');
        expect(await again.prunePackages!(cutoff)).toEqual({ records: { outbox: 0, inbox: 0, quarantine: 0 }, blobs: 0, bytes: 0 });
      });

      test('sent documents only when asked: sent or failed edocs, never statuses or work still to send', async () => {
        const blobs = await Promise.all(['sent', 'failed', 'pending', 'status', 'late'].map((t) => someBlob(store, t)));
        await store.addOutbox(outboxEntry('o1', blobs[0]!));
        await store.addOutbox(outboxEntry('o2', blobs[1]!));
        await store.addOutbox(outboxEntry('o3', blobs[2]!));
        await store.addOutbox(outboxEntry('o4', blobs[3]!, { messageType: 'status', operation: '01' }));
        await store.addOutbox(outboxEntry('o5', blobs[4]!));
        await store.updateOutbox('o1', { state: 'sent', axisDocId: 'a1', sentAt: iso(1_000) });
        await store.updateOutbox('o2', { state: 'failed', lastError: { code: 'VDXP_AXIS_REFUSED', message: 'no', at: iso(2_000) } });
        await store.updateOutbox('o4', { state: 'sent', axisDocId: 'a4', sentAt: iso(1_000) });
        await store.updateOutbox('o5', { state: 'sent', axisDocId: 'a5', sentAt: iso(12_000) });
        expect((await store.prunePackages!(cutoff)).records.outbox).toBe(0);
        const result = await store.prunePackages!({ ...cutoff, sent: true });
        expect(result.records).toEqual({ outbox: 2, inbox: 0, quarantine: 0 });
        expect(result.blobs).toBe(2);
        expect(result.bytes).toBe(blobs[0]!.size + blobs[1]!.size);
        expect((await store.getOutbox('o1'))!.packagePrunedAt).toBe(iso(20_000));
        expect((await store.getOutbox('o2'))!.packagePrunedAt).toBe(iso(20_000));
        await gone(store, blobs[0]!.ref);
        await gone(store, blobs[1]!.ref);
        for (const [i, t] of [[2, 'pending'], [3, 'status'], [4, 'late']] as const) expect(await text(store, blobs[i]!.ref)).toBe(t);
        expect((await store.listOutbox({ state: 'sent' })).map((e) => e.id)).toEqual(['o1', 'o4', 'o5']);
      });

      test('quarantined packages by their time; a record holding a lease is left alone', async () => {
        const junk = await someBlob(store, 'junk');
        const leased = await someBlob(store, 'leased');
        await store.addQuarantine({ id: 'q1', axisDocId: 'bad1', messageType: 'edoc', reason: { code: 'X', message: 'y' }, blob: junk, at: iso(1_000) });
        await store.addQuarantine({ id: 'q2', axisDocId: 'bad2', messageType: 'edoc', reason: { code: 'X', message: 'y' }, at: iso(1_000) });
        await store.addInbox(inboxEntry('i1', leased));
        await store.updateInbox('i1', { handedOverAt: iso(1_000), lease: { workerId: 'w1', expiresAt: iso(30_000) } });
        expect(await store.prunePackages!({ ...cutoff, quarantined: false })).toEqual({ records: { outbox: 0, inbox: 0, quarantine: 0 }, blobs: 0, bytes: 0 });
        expect(await store.prunePackages!(cutoff)).toEqual({ records: { outbox: 0, inbox: 0, quarantine: 1 }, blobs: 1, bytes: junk.size });
        expect(await store.listQuarantine()).toEqual([
          expect.objectContaining({ id: 'q1', blob: junk, packagePrunedAt: iso(20_000) }),
          expect.not.objectContaining({ packagePrunedAt: expect.anything() }),
        ]);
        await gone(store, junk.ref);
        expect(await text(store, leased.ref)).toBe('leased');
        // once the lease has run out it goes
        expect((await store.prunePackages!({ ...cutoff, now: at(40_000) })).records.inbox).toBe(1);
        await gone(store, leased.ref);
      });

      test('a package two records share goes only when both are pruned; dryRun changes nothing', async () => {
        const shared = await someBlob(store, 'shared');
        await store.addInbox(inboxEntry('i1', shared));
        await store.addOutbox(outboxEntry('o1', shared));
        await store.updateInbox('i1', { handedOverAt: iso(1_000) });
        await store.updateOutbox('o1', { state: 'sent', axisDocId: 'a1', sentAt: iso(1_000) });
        expect(await store.prunePackages!({ ...cutoff, sent: true, dryRun: true })).toEqual({ records: { outbox: 1, inbox: 1, quarantine: 0 }, blobs: 1, bytes: shared.size });
        expect((await store.getInbox('i1'))!.packagePrunedAt).toBeUndefined();
        expect(await store.prunePackages!(cutoff)).toEqual({ records: { outbox: 0, inbox: 1, quarantine: 0 }, blobs: 0, bytes: 0 });
        expect(await text(store, shared.ref)).toBe('shared');
        expect(await store.prunePackages!({ ...cutoff, sent: true })).toEqual({ records: { outbox: 1, inbox: 0, quarantine: 0 }, blobs: 1, bytes: shared.size });
        await gone(store, shared.ref);
      });

      test('small and large packages, stored before and after a reopen, go; their neighbours read back whole', async () => {
        const large = Buffer.alloc(200 * 1024, 0x61);
        const blobs = [];
        for (let i = 0; i < 6; i++) blobs.push(await store.putBlob(i === 2 ? large : new TextEncoder().encode(`package ${i}`)));
        for (let i = 0; i < 6; i++) await store.addInbox(inboxEntry(`i${i}`, blobs[i]!));
        for (const i of [0, 2, 4]) await store.updateInbox(`i${i}`, { handedOverAt: iso(1_000) });
        let s = await fx.reopen();
        const later = await s.putBlob(new TextEncoder().encode('package 6'));
        await s.addInbox(inboxEntry('i6', later));
        await s.updateInbox('i6', { handedOverAt: iso(1_000) });
        const result = await s.prunePackages!(cutoff);
        expect(result.records.inbox).toBe(4);
        expect(result.bytes).toBe(blobs[0]!.size + large.length + blobs[4]!.size + later.size);
        for (const i of [0, 2, 4]) await gone(s, blobs[i]!.ref);
        await gone(s, later.ref);
        for (const i of [1, 3, 5]) expect(await text(s, blobs[i]!.ref)).toBe(`package ${i}`);
        s = await fx.reopen();
        for (const i of [0, 2, 4]) await gone(s, blobs[i]!.ref);
        await gone(s, later.ref);
        for (const i of [1, 3, 5]) expect(await text(s, blobs[i]!.ref)).toBe(`package ${i}`);
      });

      test('deletes the package of a record an interrupted run had stamped, and never a package no record names', async () => {
        const stamped = await someBlob(store, 'stamped, not deleted');
        const loose = await someBlob(store, 'no record names it yet');
        await store.addInbox(inboxEntry('i1', stamped));
        // what a run interrupted between stamping the records and deleting the bytes leaves
        await store.updateInbox('i1', { handedOverAt: iso(1_000), packagePrunedAt: iso(2_000) } as never);
        expect(await store.prunePackages!({ ...cutoff, dryRun: true })).toEqual({ records: { outbox: 0, inbox: 0, quarantine: 0 }, blobs: 1, bytes: stamped.size });
        expect(await store.prunePackages!(cutoff)).toEqual({ records: { outbox: 0, inbox: 0, quarantine: 0 }, blobs: 1, bytes: stamped.size });
        await gone(store, stamped.ref);
        expect(await text(store, loose.ref)).toBe('no record names it yet');
        expect((await store.getInbox('i1'))!.packagePrunedAt).toBe(iso(2_000));
      });

      test('refuses bad options with VDXP_INPUT_INVALID and changes nothing', async () => {
        const blob = await someBlob(store);
        await store.addInbox(inboxEntry('i1', blob));
        await store.updateInbox('i1', { handedOverAt: iso(1_000) });
        for (const bad of [
          { before: 'yesterday', now: at(0) },
          { before: iso(1), now: new Date(Number.NaN) },
          { before: iso(1), now: at(0), sent: 'yes' },
          { before: iso(1), now: at(0), received: false, sent: false, quarantined: false },
        ]) {
          await expect(store.prunePackages!(bad as never)).rejects.toThrow(code('VDXP_INPUT_INVALID'));
        }
        expect(await text(store, blob.ref)).toBe('package');
      });
    });

    describe('durability', () => {
      test('everything survives closing and reopening, de-duplication included', async () => {
        const blob = await someBlob(store, 'bytes that stay');
        await store.addOutbox(outboxEntry('o1', blob));
        await store.updateOutbox('o1', { state: 'sent', axisDocId: 'ax1', sentAt: iso(1) });
        await store.addInbox(inboxEntry('i1', blob));
        await store.addStatus(statusRecord());
        await store.addDecision(decision('d1'));
        await store.addQuarantine({ id: 'q1', axisDocId: 'bad', messageType: 'status', reason: { code: 'X', message: 'y' }, at: iso(0) });
        await store.markOnce('k', iso(0));
        const again = await fx.reopen();
        expect(await again.getOutbox('o1')).toMatchObject({ state: 'sent', axisDocId: 'ax1', version: 2 });
        expect((await again.addInbox(inboxEntry('i9', blob, { axisDocId: 'axisi1' }))).status).toBe('duplicate');
        expect((await again.addInbox(inboxEntry('i8', blob, { axisDocId: 'new', documentId: inboxEntry('i1', blob).documentId }))).status).toBe('duplicate');
        expect(await again.listStatuses()).toHaveLength(1);
        expect(await again.getDecision('d1')).toMatchObject({ state: 'open' });
        expect(await again.listQuarantine()).toHaveLength(1);
        expect(await again.markOnce('k', iso(1))).toBe(false);
        expect((await readAll(await again.openBlob(blob.ref))).toString()).toBe('bytes that stay');
      });

      test('close is idempotent and later calls fail', async () => {
        await store.close();
        await store.close();
        await expect(store.getOutbox('x')).rejects.toThrow();
        await expect(store.addStatus(statusRecord())).rejects.toThrow();
      });
    });

    describe('lookups agree with a scan of everything', () => {
      /**
       * A seeded run of adds, state changes, hand-overs and claims; after each step every
       * filtered list (and each claim) must be what filtering the full list gives: a store
       * answering from indexes (FileStore keeps them in memory) must keep them exact while
       * keys change, after failed batches and across a reopen.
       */
      test('filtered lists and claims match a full scan through state changes, hand-overs, claims and a reopen', async () => {
        let seed = 20251122;
        const rand = (n: number) => {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          return seed % n;
        };
        const blob = await someBlob(store);
        const docs = ['DA', 'DB', 'DC'];
        const inboxIds = ['i0', 'i1', 'i2', 'i3'];
        const states = ['pending', 'sending', 'sent', 'failed'] as const;
        const byOut = (a: OutboxEntry, b: OutboxEntry) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
        const byIn = (a: InboxEntry, b: InboxEntry) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
        const ids = (l: readonly { id: string }[]) => l.map((e) => e.id);
        let s = store;
        const check = async () => {
          const allOut = [...(await s.listOutbox())].sort(byOut);
          const allIn = [...(await s.listInbox())].sort(byIn);
          for (const state of states) expect(ids(await s.listOutbox({ state }))).toEqual(ids(allOut.filter((e) => e.state === state)));
          for (const inboxId of inboxIds) expect(ids(await s.listOutbox({ inboxId }))).toEqual(ids(allOut.filter((e) => e.inboxId === inboxId)));
          for (const documentId of docs) {
            expect(ids(await s.listOutbox({ documentId }))).toEqual(ids(allOut.filter((e) => e.documentId === documentId)));
            expect(ids(await s.listOutbox({ documentId, state: 'pending' }))).toEqual(ids(allOut.filter((e) => e.documentId === documentId && e.state === 'pending')));
            expect(ids(await s.listInbox({ documentId }))).toEqual(ids(allIn.filter((e) => e.documentId === documentId)));
          }
          expect(ids(await s.listInbox({ handedOver: false }))).toEqual(ids(allIn.filter((e) => e.handedOverAt === undefined)));
          expect(ids(await s.listInbox({ handedOver: true }))).toEqual(ids(allIn.filter((e) => e.handedOverAt !== undefined)));
        };
        let clock = 0;
        let nOut = 0;
        let nIn = 0;
        for (let step = 0; step < 90; step++) {
          clock += 1000;
          const out = await s.listOutbox();
          const inb = await s.listInbox();
          const op = rand(6);
          if (op === 0 || out.length === 0) {
            const withInbox = rand(2) === 0;
            await s.addOutbox(outboxEntry(`o${nOut++}`, blob, {
              documentId: docs[rand(docs.length)]!, createdAt: iso(rand(5) * 1000), nextAttemptAt: iso(clock - rand(3) * 1000),
              ...(withInbox ? { inboxId: inboxIds[rand(inboxIds.length)]!, messageType: 'status' as const, operation: '01' } : {}),
            }));
          } else if (op === 1) {
            const e = out[rand(out.length)]!;
            await s.updateOutbox(e.id, { state: states[rand(states.length)]!, lease: null });
          } else if (op === 2 || inb.length === 0) {
            const documentId = docs[rand(docs.length)]!;
            await s.addInbox(inboxEntry(`n${nIn++}`, blob, { documentId, axisDocId: `ax${nIn}`, receivedAt: iso(rand(5) * 1000), from: `000.00.00.F${nIn}` }));
          } else if (op === 3) {
            const e = inb[rand(inb.length)]!;
            await s.updateInbox(e.id, { handedOverAt: rand(3) === 0 ? null : iso(clock), lease: null });
          } else if (op === 4) {
            const now = at(clock);
            const due = [...out]
              .filter((e) => (e.state === 'pending' || e.state === 'sending') && Date.parse(e.nextAttemptAt) <= now.getTime() && (!e.lease || Date.parse(e.lease.expiresAt) <= now.getTime()))
              .sort((a, b) => (a.nextAttemptAt < b.nextAttemptAt ? -1 : a.nextAttemptAt > b.nextAttemptAt ? 1 : byOut(a, b)));
            const claimed = await s.claimOutbox({ workerId: `w${step}`, limit: 2, leaseMs: 1500, now });
            expect(ids(claimed)).toEqual(ids(due.slice(0, 2)));
          } else {
            const now = at(clock);
            const due = [...inb].filter((e) => e.handedOverAt === undefined && (!e.lease || Date.parse(e.lease.expiresAt) <= now.getTime())).sort(byIn);
            const claimed = await s.claimInboxHandover({ workerId: `w${step}`, limit: 2, leaseMs: 1500, now });
            expect(ids(claimed)).toEqual(ids(due.slice(0, 2)));
          }
          await check();
          if (step === 60) {
            s = await fx.reopen();
            await check();
          }
        }
        expect(nOut).toBeGreaterThan(5);
        expect(nIn).toBeGreaterThan(5);
      });
    });

    describe('several workers on one storage', () => {
      test('concurrent claims never give one entry to two workers', async (ctx) => {
        if (!fx.sibling) {
          // a single-process store: claims from one handle racing each other
          const blob = await someBlob(store);
          for (let i = 0; i < 12; i++) await store.addOutbox(outboxEntry(`o${i}`, blob));
          const claims = await Promise.all(['w1', 'w2', 'w3'].map((w) => store.claimOutbox({ workerId: w, limit: 5, leaseMs: 60_000, now: at(0) })));
          const ids = claims.flat().map((e) => e.id);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids).toHaveLength(12);
          const leases = await Promise.all(['w1', 'w2', 'w3'].map((w) => store.claimReceive!({ axisDocId: 'listed', workerId: w, leaseMs: 60_000, now: at(0) })));
          expect(leases.filter(Boolean)).toHaveLength(1);
          ctx.annotate?.('single handle');
          return;
        }
        const other = await fx.sibling();
        const blob = await someBlob(store);
        for (let i = 0; i < 30; i++) await store.addOutbox(outboxEntry(`o${i}`, blob));
        for (let i = 0; i < 30; i++) await store.addInbox(inboxEntry(`i${i}`, blob));
        const handles = [store, other, store, other];
        const out = await Promise.all(handles.map((h, n) => h.claimOutbox({ workerId: `w${n}`, limit: 10, leaseMs: 60_000, now: at(0) })));
        const outIds = out.flat().map((e) => e.id);
        expect(new Set(outIds).size).toBe(outIds.length);
        expect(outIds).toHaveLength(30);
        const inb = await Promise.all(handles.map((h, n) => h.claimInboxHandover({ workerId: `w${n}`, limit: 10, leaseMs: 60_000, now: at(0) })));
        const inIds = inb.flat().map((e) => e.id);
        expect(new Set(inIds).size).toBe(inIds.length);
        expect(inIds).toHaveLength(30);
        const adds = await Promise.all([store, other, store, other].map((h, n) => h.addInbox(inboxEntry(`z${n}`, blob, { axisDocId: 'zz', documentId: 'Z' }))));
        expect(adds.filter((r) => r.status === 'created')).toHaveLength(1);
        const leases = await Promise.all(handles.map((h, n) => h.claimReceive!({ axisDocId: 'listed', workerId: `w${n}`, leaseMs: 60_000, now: at(0) })));
        expect(leases.filter(Boolean)).toHaveLength(1);
      });
    });
  });
}
