/**
 * FileStore's side of `prunePackages` that the store contract cannot see: the bytes leave the
 * disk (blob files, packs, the journal after its fold), a pack keeps its other blobs, and the
 * leftovers of a rewrite cut short (a blob in two packs) go at the next run.
 */
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FileStore } from '../../src/store/file-store.js';
import type { BlobInfo, NewInboxEntry } from '../../src/store/store.js';

const T = '2025-03-10T02:00:00.000Z';
const LATER = new Date('2025-06-10T02:00:00.000Z');
const prune = { before: '2025-04-01T00:00:00.000Z', now: LATER };

const inboxEntry = (id: string, blob: BlobInfo): NewInboxEntry => ({
  id, axisDocId: `ax${id}`, messageType: 'edoc', from: 'A', to: 'B', documentId: `D${id}`, operation: 'new', blob, summary: { code: `${id}/X` }, receivedAt: T,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-prune-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every file under `dir`, recursively, with its bytes. */
async function allFiles(root: string): Promise<{ path: string; bytes: Buffer }[]> {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    const path = join(root, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(path)));
    else out.push({ path, bytes: await readFile(path) });
  }
  return out;
}

/** The files holding `marker` (as bytes, or base64 as the journal carries small blobs). */
async function holding(marker: string): Promise<string[]> {
  // a blob's base64 starts with that of its first whole 3-byte groups
  const bytes = Buffer.from(marker);
  const b64 = bytes.subarray(0, bytes.length - (bytes.length % 3)).toString('base64');
  return (await allFiles(dir)).filter((f) => f.bytes.includes(marker) || f.bytes.includes(b64)).map((f) => f.path.slice(dir.length + 1));
}

const text = async (store: FileStore, ref: string) => {
  const chunks: Buffer[] = [];
  for await (const c of await store.openBlob(ref)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};

/** Stores `n` handed-over packages whose bytes name them (`MARK-<i>-…`), large ones for the odd `large` indexes. */
async function fill(store: FileStore, n: number, large: readonly number[] = []): Promise<BlobInfo[]> {
  const blobs: BlobInfo[] = [];
  for (let i = 0; i < n; i++) {
    const body = `MARK-${i}-${'x'.repeat(40)}`;
    blobs.push(await store.putBlob(Buffer.from(large.includes(i) ? body.repeat(3000) : body)));
    await store.addInbox(inboxEntry(`i${i}`, blobs[i]!));
  }
  return blobs;
}

/** A store holding `n` packages (see {@link fill}) folded into a pack, opened again. */
async function filledAndFolded(n: number): Promise<{ store: FileStore; blobs: BlobInfo[] }> {
  const first = await FileStore.open({ dir });
  const blobs = await fill(first, n);
  await first.close();
  return { store: await FileStore.open({ dir }), blobs };
}

describe('FileStore.prunePackages', () => {
  test('the pruned bytes leave every file of the store; the kept ones stay readable', async () => {
    let store = await FileStore.open({ dir });
    const blobs = await fill(store, 8, [1, 6]);
    for (const i of [0, 1, 2, 3]) await store.updateInbox(`i${i}`, { handedOverAt: T });
    await store.close();
    store = await FileStore.open({ dir }); // folded: the small ones in a pack
    // one more, still in the journal when pruned
    const late = await store.putBlob(Buffer.from(`MARK-8-${'x'.repeat(40)}`));
    await store.addInbox(inboxEntry('i8', late));
    await store.updateInbox('i8', { handedOverAt: T });
    for (const i of [0, 1, 8]) expect(await holding(`MARK-${i}-`)).not.toEqual([]);
    const result = await store.prunePackages(prune);
    expect(result.records.inbox).toBe(5);
    expect(result.blobs).toBe(5);
    expect(result.bytes).toBe([0, 1, 2, 3].reduce((a, i) => a + blobs[i]!.size, late.size));
    for (const i of [0, 1, 2, 3]) expect(await holding(`MARK-${i}-`)).toEqual([]);
    await store.close(); // folds the journal that still carried package 8
    expect(await holding('MARK-8-')).toEqual([]);
    for (const i of [4, 5, 6, 7]) expect(await holding(`MARK-${i}-`)).not.toEqual([]);
    store = await FileStore.open({ dir });
    for (const i of [4, 5, 6, 7]) expect((await text(store, blobs[i]!.ref)).startsWith(`MARK-${i}-`)).toBe(true);
    for (const ref of [...[0, 1, 2, 3].map((i) => blobs[i]!.ref), late.ref]) {
      await expect(store.openBlob(ref)).rejects.toThrow(expect.objectContaining({ code: 'VDXP_STORE_NOT_FOUND' }));
    }
    await store.close();
  });

  test('a pack left with no blob is deleted; one left with some is written again', async () => {
    let { store, blobs: first } = await filledAndFolded(3);
    const packs = async () => (await readdir(join(dir, 'blobs'))).filter((n) => n.startsWith('pack-')).sort();
    const [firstPack] = await packs();
    expect(await packs()).toHaveLength(1);
    for (const i of [0, 1, 2]) await store.updateInbox(`i${i}`, { handedOverAt: T });
    expect((await store.prunePackages(prune)).blobs).toBe(3);
    expect(await packs()).toEqual([]);
    const more: BlobInfo[] = [];
    for (let i = 3; i < 6; i++) {
      more.push(await store.putBlob(Buffer.from(`MARK-${i}-`)));
      await store.addInbox(inboxEntry(`i${i}`, more.at(-1)!));
    }
    await store.close();
    store = await FileStore.open({ dir });
    const [second] = await packs();
    expect(second).not.toBe(firstPack);
    await store.updateInbox('i4', { handedOverAt: T });
    expect((await store.prunePackages(prune)).blobs).toBe(1);
    const [third, ...rest] = await packs();
    expect(rest).toEqual([]);
    expect(third! > second!).toBe(true);
    expect(await text(store, more[0]!.ref)).toBe('MARK-3-');
    expect(await text(store, more[2]!.ref)).toBe('MARK-5-');
    expect(first).toHaveLength(3);
    await store.close();
  });

  test('a blob found in two packs (a rewrite cut short) is read from the newer one, and the older pack goes at the next run', async () => {
    let store = await FileStore.open({ dir });
    const blobs = await fill(store, 2);
    await store.close();
    const [pack] = (await readdir(join(dir, 'blobs'))).filter((n) => n.startsWith('pack-'));
    // the state a crash leaves after the new pack is durable and before the old one is deleted
    await copyFile(join(dir, 'blobs', pack!), join(dir, 'blobs', 'pack-000000000009.bin'));
    store = await FileStore.open({ dir });
    expect(await text(store, blobs[1]!.ref)).toMatch(/^MARK-1-/);
    expect(await store.prunePackages(prune)).toEqual({ records: { outbox: 0, inbox: 0, quarantine: 0 }, blobs: 0, bytes: 0 });
    expect((await readdir(join(dir, 'blobs'))).filter((n) => n.startsWith('pack-'))).toHaveLength(1);
    await store.close();
    store = await FileStore.open({ dir });
    expect(await text(store, blobs[0]!.ref)).toMatch(/^MARK-0-/);
    expect(await text(store, blobs[1]!.ref)).toMatch(/^MARK-1-/);
    await store.close();
  });

  test('a large backlog is stamped in journal batches of 500 records, not one line', async () => {
    const store = await FileStore.open({ dir });
    const blob = await store.putBlob(Buffer.from('shared by all'));
    for (let i = 0; i < 1200; i++) {
      await store.addInbox(inboxEntry(`i${i}`, blob));
      await store.updateInbox(`i${i}`, { handedOverAt: T });
    }
    expect(await store.prunePackages(prune)).toEqual({ records: { outbox: 0, inbox: 1200, quarantine: 0 }, blobs: 1, bytes: blob.size });
    const lines = (await allFiles(join(dir, 'journal'))).flatMap((f) => f.bytes.toString('utf8').split('\n'));
    const stamping = lines.filter((l) => l.includes('packagePrunedAt'));
    expect(stamping.map((l) => l.split('"packagePrunedAt"').length - 1)).toEqual([500, 500, 200]);
    expect((await store.listInbox({ handedOver: true })).every((e) => e.packagePrunedAt === LATER.toISOString())).toBe(true);
    await store.close();
  });

  test('two prunes at once run one after the other, and close waits for the one under way', async () => {
    let { store, blobs } = await filledAndFolded(6);
    for (let i = 0; i < 6; i++) await store.updateInbox(`i${i}`, { handedOverAt: T });
    const [a, b] = await Promise.all([store.prunePackages(prune), store.prunePackages(prune)]);
    expect(a).toEqual({ records: { outbox: 0, inbox: 6, quarantine: 0 }, blobs: 6, bytes: blobs.reduce((n, x) => n + x.size, 0) });
    expect(b).toEqual({ records: { outbox: 0, inbox: 0, quarantine: 0 }, blobs: 0, bytes: 0 });
    const more = await store.putBlob(Buffer.from('MARK-more-'));
    await store.addInbox(inboxEntry('j1', more));
    await store.updateInbox('j1', { handedOverAt: T });
    const pruning = store.prunePackages(prune);
    await store.close();
    expect(await pruning).toEqual({ records: { outbox: 0, inbox: 1, quarantine: 0 }, blobs: 1, bytes: more.size });
    await expect(store.prunePackages(prune)).rejects.toThrow(expect.objectContaining({ code: 'VDXP_STORE_IO' }));
    store = await FileStore.open({ dir });
    expect((await store.getInbox('j1'))!.packagePrunedAt).toBe(LATER.toISOString());
    await store.close();
    expect(await holding('MARK-more-')).toEqual([]);
  });

  test('a reader that opened a blob before its pack was rewritten reads it whole', async () => {
    const { store, blobs } = await filledAndFolded(2);
    const reading = await store.openBlob(blobs[1]!.ref);
    await store.updateInbox('i0', { handedOverAt: T });
    expect((await store.prunePackages(prune)).blobs).toBe(1);
    const chunks: Buffer[] = [];
    for await (const c of reading) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toMatch(/^MARK-1-/);
    await store.close();
  });
});
