import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres-migrations.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { ClaimOptions, Store } from '../../src/store/store.js';
import { skipPostgres, usePostgres } from '../helpers/postgres.js';
import { inboxEntry, outboxEntry } from '../helpers/store-contract.js';

const T0 = new Date('2025-03-10T02:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe.skipIf(skipPostgres)('PostgresStore', () => {
  const server = usePostgres();
  const opened: Store[] = [];
  const open = async (schema: string, extra: Record<string, unknown> = {}) => {
    const store = await PostgresStore.open({ url: server.url, schema, maxConnections: 3, ...extra });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  describe('two workers (two pools) on one schema', () => {
    test('hundreds of outbox entries claimed concurrently: every one to exactly one worker', async () => {
      const schema = server.schema();
      const [a, b] = [await open(schema), await open(schema)];
      const blob = await a.putBlob(Buffer.from('p'));
      for (let i = 0; i < 400; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, k) => a.addOutbox(outboxEntry(`o${String(i + k).padStart(4, '0')}`, blob))));
      }
      const got = { a: [] as string[], b: [] as string[] };
      const drain = async (store: Store, worker: 'a' | 'b') => {
        for (;;) {
          const claimed = await store.claimOutbox({ workerId: worker, limit: 7, leaseMs: 600_000, now: at(0) });
          if (claimed.length === 0) return;
          for (const e of claimed) {
            expect(e.lease?.workerId).toBe(worker);
            got[worker].push(e.id);
          }
        }
      };
      await Promise.all([drain(a, 'a'), drain(b, 'b'), drain(a, 'a'), drain(b, 'b')]);
      const all = [...got.a, ...got.b];
      expect(new Set(all).size).toBe(all.length);
      expect(all.sort()).toEqual(Array.from({ length: 400 }, (_, i) => `o${String(i).padStart(4, '0')}`));
      expect(got.a.length).toBeGreaterThan(0);
      expect(got.b.length).toBeGreaterThan(0);
    });

    test('hundreds of inbox hand-overs claimed concurrently: disjoint and complete', async () => {
      const schema = server.schema();
      const [a, b] = [await open(schema), await open(schema)];
      const blob = await a.putBlob(Buffer.from('p'));
      for (let i = 0; i < 300; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, k) => b.addInbox(inboxEntry(`i${i + k}`, blob))));
      }
      const claimedBy = new Map<string, string>();
      const drain = async (store: Store, worker: string) => {
        for (;;) {
          const claimed = await store.claimInboxHandover({ workerId: worker, limit: 5, leaseMs: 600_000, now: at(0) });
          if (claimed.length === 0) return;
          for (const e of claimed) {
            expect(claimedBy.has(e.id)).toBe(false);
            claimedBy.set(e.id, worker);
            await store.updateInbox(e.id, { handedOverAt: at(1).toISOString(), lease: null }, { leaseHolder: worker });
          }
        }
      };
      await Promise.all([drain(a, 'a1'), drain(b, 'b1'), drain(a, 'a2'), drain(b, 'b2')]);
      expect(claimedBy.size).toBe(300);
      expect(await a.listInbox({ handedOver: false })).toEqual([]);
      expect(new Set(claimedBy.values()).size).toBeGreaterThan(1);
    });

    test('the same package arriving at both workers at once is stored once', async () => {
      const schema = server.schema();
      const [a, b] = [await open(schema), await open(schema)];
      const blob = await a.putBlob(Buffer.from('p'));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, n) => (n % 2 ? a : b).addInbox(inboxEntry(`copy${n}`, blob, { axisDocId: `axis-${n}`, documentId: 'SAME' }))),
      );
      expect(results.filter((r) => r.status === 'created')).toHaveLength(1);
      const first = results.find((r) => r.status === 'created')!.entry;
      for (const r of results.filter((x) => x.status === 'duplicate')) {
        expect(r.matchedBy).toBe('document');
        expect(r.entry.id).toBe(first.id);
      }
      expect(await a.listInbox({ documentId: 'SAME' })).toHaveLength(1);
    });

    test('a lease abandoned by a dead worker hands its work to the other worker once it expires', async () => {
      const schema = server.schema();
      const [a, b] = [await open(schema), await open(schema)];
      const blob = await a.putBlob(Buffer.from('p'));
      await a.addOutbox(outboxEntry('o1', blob));
      await a.addInbox(inboxEntry('i1', blob));
      const claim = (store: Store, workerId: string, now: Date): ClaimOptions => ({ workerId, limit: 10, leaseMs: 30_000, now });

      const [taken] = await a.claimOutbox(claim(a, 'a', at(0)));
      await a.updateOutbox('o1', { state: 'sending', attemptStartedAt: at(1).toISOString() }, { leaseHolder: 'a' });
      expect(await a.claimInboxHandover(claim(a, 'a', at(0)))).toHaveLength(1);
      await a.close(); // worker a dies holding both leases

      expect(await b.claimOutbox(claim(b, 'b', at(29_999)))).toEqual([]);
      expect(await b.claimInboxHandover(claim(b, 'b', at(29_999)))).toEqual([]);
      const [resumed] = await b.claimOutbox(claim(b, 'b', at(30_000)));
      expect(resumed).toMatchObject({ id: 'o1', state: 'sending', lease: { workerId: 'b' } });
      expect(resumed!.version).toBe(taken!.version + 2);
      const [handover] = await b.claimInboxHandover(claim(b, 'b', at(30_000)));
      expect(handover).toMatchObject({ id: 'i1', lease: { workerId: 'b' } });

      // the late worker's update is refused: the lease is b's now
      const late = await open(schema);
      await expect(late.updateOutbox('o1', { state: 'sent' }, { leaseHolder: 'a' })).rejects.toMatchObject({ code: 'VDXP_STORE_CONFLICT' });
      await expect(b.updateOutbox('o1', { state: 'sent', lease: null }, { leaseHolder: 'b' })).resolves.toMatchObject({ state: 'sent' });
      expect(await b.claimOutbox(claim(b, 'b', at(600_000)))).toEqual([]);
    });

    test('a claim waits for no lock: rows locked by another transaction are skipped', async () => {
      const schema = server.schema();
      const a = await open(schema);
      const blob = await a.putBlob(Buffer.from('p'));
      for (const id of ['o1', 'o2', 'o3']) await a.addOutbox(outboxEntry(id, blob));
      const holder = await server.pool({ max: 1 }).connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT id FROM "${schema}".outbox WHERE id = 'o1' FOR UPDATE`);
        const claimed = await a.claimOutbox({ workerId: 'w', limit: 10, leaseMs: 1000, now: at(0) });
        expect(claimed.map((e) => e.id)).toEqual(['o2', 'o3']);
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      expect((await a.claimOutbox({ workerId: 'w', limit: 10, leaseMs: 1000, now: at(0) })).map((e) => e.id)).toEqual(['o1']);
    });
  });

  describe('receive leases', () => {
    test('a release ends the lease row, and forgets rows whose lease ended more than a day before', async () => {
      const schema = server.schema();
      const store = await open(schema);
      const day = 24 * 60 * 60 * 1000;
      const rows = async () => (await server.query<{ axis_doc_id: string }>(`SELECT axis_doc_id FROM "${schema}".receive_claims ORDER BY axis_doc_id`)).rows.map((r) => r.axis_doc_id);
      expect(await store.claimReceive!({ axisDocId: 'crashed', workerId: 'gone', leaseMs: 1000, now: at(0) })).toBe(true);
      expect(await store.claimReceive!({ axisDocId: 'recent', workerId: 'gone', leaseMs: 1000, now: at(day) })).toBe(true);
      expect(await store.claimReceive!({ axisDocId: 'mine', workerId: 'w1', leaseMs: 1000, now: at(day) })).toBe(true);
      expect(await rows()).toEqual(['crashed', 'mine', 'recent']);
      await store.releaseReceive!('mine', 'w1', at(day + 1001));
      expect(await rows()).toEqual(['recent']);
    });
  });

  describe('schema and migrations', () => {
    test('opening again runs no migration and keeps the data', async () => {
      const schema = server.schema();
      const first = await open(schema);
      const blob = await first.putBlob(Buffer.from('kept'));
      await first.addOutbox(outboxEntry('o1', blob));
      const before = await server.query(`SELECT version, applied_at FROM "${schema}".vdxp_schema_migrations ORDER BY version`);
      await first.close();
      const again = await open(schema);
      const after = await server.query(`SELECT version, applied_at FROM "${schema}".vdxp_schema_migrations ORDER BY version`);
      expect(after.rows).toEqual(before.rows);
      expect(after.rows).toHaveLength(POSTGRES_MIGRATIONS.length);
      expect(await again.getOutbox('o1')).toMatchObject({ id: 'o1', version: 1 });
    });

    test('migrate: false refuses a schema that was never migrated, and opens a current one', async () => {
      const schema = server.schema();
      await expect(open(schema, { migrate: false })).rejects.toMatchObject({ code: 'VDXP_STORE_IO', message: expect.stringContaining('run the migrations') });
      await (await open(schema)).close();
      await expect(open(schema, { migrate: false })).resolves.toBeInstanceOf(PostgresStore);
    });

    test('two schemas in one database are separate stores', async () => {
      const [s1, s2] = [server.schema(), server.schema()];
      const [a, b] = [await open(s1), await open(s2)];
      await a.addOutbox(outboxEntry('o1', await a.putBlob(Buffer.from('x'))));
      expect(await b.getOutbox('o1')).toBeUndefined();
      expect(await b.markOnce('k', 'now')).toBe(true);
      expect(await a.markOnce('k', 'now')).toBe(true);
    });
  });

  describe('blobs as chunk rows', () => {
    test('a package is kept as rows of blobChunkBytes and read back row by row', async () => {
      const schema = server.schema();
      const store = await open(schema, { blobChunkBytes: 4096 });
      const bytes = Buffer.alloc(4096 * 5 + 17);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
      async function* pieces() {
        for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
      }
      const info = await store.putBlob(pieces());
      const rows = await server.query<{ seq: number; n: number }>(
        `SELECT seq, length(data) AS n FROM "${schema}".blob_chunks WHERE ref = $1 ORDER BY seq`,
        [info.ref],
      );
      expect(rows.rows.map((r) => r.n)).toEqual([4096, 4096, 4096, 4096, 4096, 17]);
      const back = await store.openBlob(info.ref);
      const chunkSizes: number[] = [];
      const parts: Buffer[] = [];
      for await (const c of back) {
        chunkSizes.push((c as Buffer).length);
        parts.push(c as Buffer);
      }
      expect(Buffer.concat(parts).equals(bytes)).toBe(true);
      expect(Math.max(...chunkSizes)).toBeLessThanOrEqual(4096 * 4); // streamed, not one buffer
      expect(info.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    });

    test('an aborted or failed write leaves no rows behind', async () => {
      const schema = server.schema();
      const store = await open(schema, { blobChunkBytes: 1024 });
      const controller = new AbortController();
      async function* slow() {
        for (let i = 0; i < 10; i++) {
          if (i === 4) controller.abort(new Error('caller gave up'));
          yield Buffer.alloc(1500, i);
        }
      }
      await expect(store.putBlob(slow(), { signal: controller.signal })).rejects.toThrow('caller gave up');
      await expect(store.putBlob(Buffer.alloc(5000), { maxBytes: 4999 })).rejects.toMatchObject({ code: 'VDXP_STORE_IO' });
      const counts = await server.query<{ blobs: string; chunks: string }>(
        `SELECT (SELECT count(*) FROM "${schema}".blobs) AS blobs, (SELECT count(*) FROM "${schema}".blob_chunks) AS chunks`,
      );
      expect(counts.rows[0]).toEqual({ blobs: '0', chunks: '0' });
    });

    test('a blob whose rows were altered fails its stream with VDXP_STORE_CORRUPT', async () => {
      const schema = server.schema();
      const store = await open(schema, { blobChunkBytes: 1024 });
      const info = await store.putBlob(Buffer.alloc(3000, 1));
      await server.query(`UPDATE "${schema}".blob_chunks SET data = $2 WHERE ref = $1 AND seq = 1`, [info.ref, Buffer.alloc(1024, 2)]);
      await expect(readAll(await store.openBlob(info.ref))).rejects.toMatchObject({ code: 'VDXP_STORE_CORRUPT' });
      await server.query(`DELETE FROM "${schema}".blob_chunks WHERE ref = $1 AND seq = 2`, [info.ref]);
      await expect(readAll(await store.openBlob(info.ref))).rejects.toMatchObject({ code: 'VDXP_STORE_CORRUPT' });
    });
  });

  describe('pruning packages', () => {
    const prune = { before: at(10_000).toISOString(), now: at(20_000) };

    test('more records than one batch are all stamped, and their chunk rows leave blob_chunks', async () => {
      const schema = server.schema();
      const store = await open(schema, { blobChunkBytes: 1024 });
      const chunkRows = async (refs: readonly string[]) =>
        Number((await server.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".blob_chunks WHERE ref = ANY($1)`, [refs])).rows[0]!.n);
      const n = 1200;
      const refs: string[] = [];
      let size = 0;
      for (let i = 0; i < n; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, async (_, k) => {
            const id = `i${String(i + k).padStart(4, '0')}`;
            const blob = await store.putBlob(Buffer.alloc(2500, i + k)); // three chunk rows each
            refs.push(blob.ref);
            size += blob.size;
            await store.addInbox(inboxEntry(id, blob));
            await store.updateInbox(id, { handedOverAt: at(1_000).toISOString() });
          }),
        );
      }
      const waiting = await store.putBlob(Buffer.alloc(2500, 7));
      await store.addInbox(inboxEntry('waiting', waiting));
      const loose = await store.putBlob(Buffer.alloc(2500, 8));
      expect(await chunkRows(refs)).toBe(3 * n);

      expect(await store.prunePackages!({ ...prune, dryRun: true })).toEqual({ records: { outbox: 0, inbox: n, quarantine: 0 }, blobs: n, bytes: size });
      expect(await chunkRows(refs)).toBe(3 * n);
      expect(await store.prunePackages!(prune)).toEqual({ records: { outbox: 0, inbox: n, quarantine: 0 }, blobs: n, bytes: size });

      expect(await chunkRows(refs)).toBe(0);
      const left = await server.query<{ ref: string }>(`SELECT ref FROM "${schema}".blobs ORDER BY ref`);
      expect(left.rows.map((r) => r.ref)).toEqual([waiting.ref, loose.ref].sort());
      expect(await chunkRows([waiting.ref, loose.ref])).toBe(6);
      // every record stamped through the update path: columns in step with the jsonb
      const rows = await server.query<{ stamped: string; in_step: string }>(
        `SELECT count(*) FILTER (WHERE record->>'packagePrunedAt' = $1) AS stamped,
                count(*) FILTER (WHERE version = 3 AND (record->>'version')::int = 3 AND handed_over) AS in_step
         FROM "${schema}".inbox WHERE id <> 'waiting'`,
        [prune.now.toISOString()],
      );
      expect(rows.rows[0]).toEqual({ stamped: String(n), in_step: String(n) });
      expect(await store.prunePackages!(prune)).toEqual({ records: { outbox: 0, inbox: 0, quarantine: 0 }, blobs: 0, bytes: 0 });
    }, 60_000);

    test('a record another transaction holds is left for the next run, its package with it', async () => {
      const schema = server.schema();
      const store = await open(schema);
      const [held, free] = [await store.putBlob(Buffer.from('held')), await store.putBlob(Buffer.from('free'))];
      for (const [id, blob] of [['i1', held], ['i2', free]] as const) {
        await store.addInbox(inboxEntry(id, blob));
        await store.updateInbox(id, { handedOverAt: at(1_000).toISOString() });
      }
      const holder = await server.pool({ max: 1 }).connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT id FROM "${schema}".inbox WHERE id = 'i1' FOR UPDATE`);
        expect(await store.prunePackages!(prune)).toEqual({ records: { outbox: 0, inbox: 1, quarantine: 0 }, blobs: 1, bytes: free.size });
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      expect((await store.getInbox('i1'))!.packagePrunedAt).toBeUndefined();
      expect((await readAll(await store.openBlob(held.ref))).toString()).toBe('held');
      await expect(store.openBlob(free.ref)).rejects.toMatchObject({ code: 'VDXP_STORE_NOT_FOUND' });
      expect(await store.prunePackages!(prune)).toEqual({ records: { outbox: 0, inbox: 1, quarantine: 0 }, blobs: 1, bytes: held.size });
      await expect(store.openBlob(held.ref)).rejects.toMatchObject({ code: 'VDXP_STORE_NOT_FOUND' });
    });
  });

  describe('records and errors', () => {
    test('a row whose record breaks its schema is VDXP_STORE_CORRUPT, not skipped', async () => {
      const schema = server.schema();
      const store = await open(schema);
      await store.addOutbox(outboxEntry('o1', await store.putBlob(Buffer.from('x'))));
      await server.query(`UPDATE "${schema}".outbox SET record = record - 'blob' WHERE id = 'o1'`);
      await expect(store.getOutbox('o1')).rejects.toMatchObject({ name: 'StoreError', code: 'VDXP_STORE_CORRUPT' });
      await expect(store.listOutbox()).rejects.toMatchObject({ code: 'VDXP_STORE_CORRUPT' });
    });

    test("a caller's pool is used and left open by close", async () => {
      const pool = server.pool({ max: 2 });
      const store = await PostgresStore.open({ pool, schema: server.schema() });
      expect(await store.markOnce('a', 'x')).toBe(true);
      expect(await store.markOnce('a', 'y')).toBe(false);
      await store.close();
      await expect(store.markOnce('b', 'x')).rejects.toMatchObject({ code: 'VDXP_STORE_IO' });
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });

    test('an unreachable server is VDXP_STORE_IO whose message never shows the password', async () => {
      const error = await PostgresStore.open({ url: 'postgres://agency:s3cret-pw@127.0.0.1:1/vdxp', connectionTimeoutMs: 2000 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'StoreError', code: 'VDXP_STORE_IO' });
      expect(String((error as Error).message)).not.toContain('s3cret-pw');
    });

    test('refuses bad options with ConfigError naming the field', async () => {
      await expect(PostgresStore.open({})).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID', message: expect.stringContaining('exactly one of url and pool') });
      await expect(PostgresStore.open({ url: 'mysql://x', schema: 'vdxp' })).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID' });
      await expect(PostgresStore.open({ url: server.url, schema: 'Bad-Name' })).rejects.toMatchObject({
        issues: [expect.objectContaining({ path: 'schema' })],
      });
      await expect(PostgresStore.open({ url: server.url, pool: server.pool() })).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID' });
      await expect(PostgresStore.open({ url: server.url, extra: 1 } as never)).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID' });
    });

    test('without the optional pg package, opening from a URL is a ConfigError saying what to install', async () => {
      vi.resetModules();
      vi.doMock('pg', () => {
        throw new Error("Cannot find package 'pg'");
      });
      try {
        const { PostgresStore: Fresh } = await import('../../src/store/postgres-store.js');
        await expect(Fresh.open({ url: server.url })).rejects.toMatchObject({
          code: 'VDXP_CONFIG_INVALID',
          message: expect.stringContaining('npm install pg'),
        });
      } finally {
        vi.doUnmock('pg');
        vi.resetModules();
      }
    });
  });
});
