import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkStore, type StoreCheckProgress } from '../../src/store/check-store.js';
import { FileStore } from '../../src/store/file-store.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { BlobInfo, Store } from '../../src/store/store.js';
import { skipPostgres, usePostgres } from '../helpers/postgres.js';
import { inboxEntry, outboxEntry } from '../helpers/store-contract.js';
import { packIndex } from '../helpers/store-segments.js';

const now = '2025-03-10T02:00:00.000Z';

/** Fills a store: a small package (packed at close), a large one (a file), one shared by two records, a quarantined one. */
async function fill(store: Store): Promise<{ small: BlobInfo; large: BlobInfo; shared: BlobInfo; kept: BlobInfo }> {
  const small = await store.putBlob(Buffer.from('<edXML>công văn</edXML>'));
  const large = await store.putBlob(Buffer.alloc(300_000, 0x41));
  const shared = await store.putBlob(Buffer.from('<edXML>gửi hai nơi</edXML>'));
  const kept = await store.putBlob(Buffer.from('not edXML'));
  await store.addOutbox(outboxEntry('o1', small));
  await store.addOutbox(outboxEntry('o2', large));
  await store.addOutbox(outboxEntry('o3', shared));
  await store.addInbox(inboxEntry('i1', shared, { axisDocId: 'axis-1' }));
  await store.addQuarantine({ id: 'q1', axisDocId: 'axis-q', messageType: 'edoc', reason: { code: 'VDXP_EDXML_MALFORMED', message: 'not XML' }, blob: kept, at: now });
  await store.addStatus({ direction: 'out', documentId: 'Di1', counterpart: 'A', agency: 'B', code: '01', at: '2025-03-10T09:00:00+07:00', recordedAt: now, outboxId: 'o1', inboxId: 'i1' });
  return { small, large, shared, kept };
}

describe('checkStore on a FileStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vdxp-check-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reads every package once, with the records that use it, and reports progress', async () => {
    const store = await FileStore.open({ dir });
    const { small, large, shared, kept } = await fill(store);
    const progress: StoreCheckProgress[] = [];
    const report = await checkStore(store, { onProgress: (p) => void progress.push(p) });
    const bytes = small.size + large.size + shared.size + kept.size;
    expect(report).toEqual({
      records: { outbox: 3, inbox: 1, quarantine: 1, statuses: 1, decisions: 0 },
      blobs: { checked: 4, bytes },
      pruned: 0,
      problems: [],
      ok: true,
    });
    expect(progress.map((p) => p.checked)).toEqual([1, 2, 3, 4]);
    expect(progress.at(-1)).toEqual({ checked: 4, blobs: 4, bytesChecked: bytes, bytes });
    await store.close();
  });

  test('finds a damaged packed package, a missing file and a blob file of an earlier version that no longer matches its record', async () => {
    let store = await FileStore.open({ dir });
    const { small, large } = await fill(store);
    await store.close();
    // damage: a byte of the small package in its pack, and the large one's file gone
    const pack = join(dir, 'blobs', 'pack-000000000001.bin');
    const index = await packIndex(pack);
    const bytes = await readFile(pack);
    bytes[index.find((e) => e.ref === small.ref)!.offset]! ^= 0x20;
    await writeFile(pack, bytes);
    await rm(join(dir, 'blobs', `${large.ref}.blob`));
    store = await FileStore.open({ dir });
    const report = await checkStore(store);
    await store.close();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      { ref: small.ref, code: 'VDXP_STORE_CORRUPT', message: expect.stringContaining('SHA-256'), usedBy: ['outbox o1'] },
      { ref: large.ref, code: 'VDXP_STORE_NOT_FOUND', message: expect.stringContaining(large.ref), usedBy: ['outbox o2'] },
    ]);
    // a legacy blob file is read as it is: only the record's SHA-256 can tell it changed
    await writeFile(join(dir, 'blobs', large.ref), Buffer.alloc(large.size, 0x42));
    store = await FileStore.open({ dir });
    const again = await checkStore(store);
    await store.close();
    expect(again.problems.find((p) => p.ref === large.ref)).toEqual({
      ref: large.ref,
      code: 'VDXP_STORE_CORRUPT',
      message: 'its bytes do not match the SHA-256 its record holds',
      usedBy: ['outbox o2'],
    });
  });

  test('stops between two reads when its signal aborts', async () => {
    const store = await FileStore.open({ dir });
    await fill(store);
    const stop = new AbortController();
    await expect(checkStore(store, { signal: stop.signal, onProgress: () => stop.abort(new Error('stopped')) })).rejects.toThrow('stopped');
    await store.close();
  });
});

describe.skipIf(skipPostgres)('checkStore on a PostgresStore', () => {
  const server = usePostgres();

  test('reads every package and finds one whose bytes do not match what its record says', async () => {
    const store = await PostgresStore.open({ url: server.url, schema: server.schema(), maxConnections: 2 });
    try {
      const { small } = await fill(store);
      expect(await checkStore(store)).toMatchObject({ ok: true, blobs: { checked: 4 }, records: { outbox: 3, inbox: 1, quarantine: 1 } });
      // records that say other bytes than the store holds: another SHA-256 for the same
      // package (checked apart from the records that agree), and a package that is not there
      await store.addOutbox(outboxEntry('o4', { ...small, sha256: '0'.repeat(64) }));
      await store.addOutbox(outboxEntry('o5', { ...small, ref: 'b' + 'f'.repeat(32) }));
      const report = await checkStore(store);
      expect(report.problems.map((p) => [p.ref, p.code, p.usedBy])).toEqual([
        [small.ref, 'VDXP_STORE_CORRUPT', ['outbox o4']],
        ['b' + 'f'.repeat(32), 'VDXP_STORE_NOT_FOUND', ['outbox o5']],
      ]);
      expect(report.blobs.checked).toBe(5);
    } finally {
      await store.close();
    }
  });
});
