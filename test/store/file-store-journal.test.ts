import { createHash } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FileStore } from '../../src/store/file-store.js';
import { MAX_FOLDER_FILES } from '../../src/store/record-folder.js';
import type { BlobInfo, NewOutboxEntry } from '../../src/store/store.js';
import { packIndex, recordLinesOf, segmentFiles, segmentLines, writeSegment } from '../helpers/store-segments.js';

const code = (c: string) => expect.objectContaining({ code: c });
const now = '2025-03-10T02:00:00.000Z';
const entry = (id: string, blob: BlobInfo): NewOutboxEntry => ({
  id, documentId: `D${id}`, messageType: 'edoc', operation: 'new', from: 'A', recipients: ['B'], blob, summary: { code: `${id}/X` },
  nextAttemptAt: now, createdAt: now,
});
/** A journal line as FileStore writes it. */
const line = (changes: unknown): string => {
  const body = Buffer.from(JSON.stringify(changes));
  return `${crc32(body).toString(16).padStart(8, '0')} ${body.toString()}\n`;
};

let dir: string;
let copy: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-journal-'));
  copy = `${dir}-crash`;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(copy, { recursive: true, force: true });
});

/**
 * Opens a store, adds `ids`, and copies the folder while the store is still open (the state a
 * crash leaves: the journal not yet folded into the record folders); the copy's lock is dropped, as
 * if its process were gone. Returns the copy's current log.
 */
async function crashedCopy(ids: string[]): Promise<{ log: string; blob: BlobInfo }> {
  const store = await FileStore.open({ dir });
  const blob = await store.putBlob(Buffer.from('x'));
  for (const id of ids) await store.addOutbox(entry(id, blob));
  await cp(dir, copy, { recursive: true });
  await rm(join(copy, 'LOCK'));
  await store.close();
  return { log: join(copy, 'journal', '000000000001.log'), blob };
}

describe('FileStore journal', () => {
  test('a crash leaves the changes in the journal; the next open replays them and folds them into a segment', async () => {
    const { log } = await crashedCopy(['o1', 'o2']);
    expect((await readFile(log, 'utf8')).trim().split('\n')).toHaveLength(3); // the blob, o1, o2
    expect(await readdir(join(copy, 'outbox'))).toEqual([]);
    const store = await FileStore.open({ dir: copy });
    expect((await store.listOutbox()).map((e) => e.id)).toEqual(['o1', 'o2']);
    // folded on open: one segment written, the old log gone, a fresh one open
    expect(await readdir(join(copy, 'outbox'))).toEqual(['seg-000000000001.jsonl']);
    expect((await segmentLines(join(copy, 'outbox'))).map((r) => r.id)).toEqual(['o1', 'o2']);
    expect(await readdir(join(copy, 'journal'))).toEqual(['000000000002.log']);
    await store.close();
    expect(await readdir(join(copy, 'journal'))).toEqual([]);
  });

  test('an unacknowledged tail (a torn line, or a damaged last line) is dropped', async () => {
    const { log, blob } = await crashedCopy(['o1']);
    const torn = line([['outbox', { ...entry('o9', blob), version: 1, state: 'pending', attempts: 0 }]]);
    await appendFile(log, torn.slice(0, 40));
    let store = await FileStore.open({ dir: copy });
    expect((await store.listOutbox()).map((e) => e.id)).toEqual(['o1']);
    await store.close();
    // a whole last line whose checksum fails: a write cut short inside, never acknowledged
    await cp(dir, copy, { recursive: true, force: true });
    await writeFile(join(copy, 'journal', '000000000001.log'), line([['outbox', { ...entry('o2', blob), version: 1, state: 'pending', attempts: 0 }]]).replace('"o2"', '"o3"'));
    store = await FileStore.open({ dir: copy });
    expect((await store.getOutbox('o2'))).toBeUndefined();
    expect((await store.getOutbox('o3'))).toBeUndefined();
    await store.close();
  });

  test('a damaged line followed by an intact one is VDXP_STORE_CORRUPT, and the store is not opened', async () => {
    const { log } = await crashedCopy(['o1', 'o2']);
    const text = await readFile(log, 'utf8');
    await writeFile(log, text.replace('"o1"', '"o7"'));
    await expect(FileStore.open({ dir: copy })).rejects.toThrow(code('VDXP_STORE_CORRUPT'));
    // nothing was folded or deleted, and the lock was released
    expect(await readdir(join(copy, 'journal'))).toContain('000000000001.log');
    await writeFile(log, text);
    await (await FileStore.open({ dir: copy })).close();
  });

  test('an intact line with a record that breaks its schema, or an unknown folder, is VDXP_STORE_CORRUPT', async () => {
    const { log, blob } = await crashedCopy(['o1']);
    const text = await readFile(log, 'utf8');
    await writeFile(log, text + line([['outbox', { ...entry('o2', blob), version: 1, state: 'lost', attempts: 0 }]]));
    await expect(FileStore.open({ dir: copy })).rejects.toThrow(code('VDXP_STORE_CORRUPT'));
    await writeFile(log, text + line([['elsewhere', { id: 'x' }]]));
    await expect(FileStore.open({ dir: copy })).rejects.toThrow(code('VDXP_STORE_CORRUPT'));
  });

  test('concurrent changes are written together: many records, few journal lines, every one durable', async () => {
    const store = await FileStore.open({ dir });
    const blob = await store.putBlob(Buffer.from('x'));
    const ids = Array.from({ length: 60 }, (_, i) => `c${i}`);
    const results = await Promise.all(ids.map((id) => store.addOutbox(entry(id, blob))));
    expect(results.every((r) => r.created)).toBe(true);
    const lines = (await readFile(join(dir, 'journal', '000000000001.log'), 'utf8')).trim().split('\n');
    expect(lines.length).toBeLessThan(ids.length);
    expect(lines.flatMap((l) => JSON.parse(l.slice(9)) as unknown[])).toHaveLength(ids.length + 1); // and the blob
    // a duplicate and an update in the same batch see the staged record
    const [dup, upd] = await Promise.all([store.addOutbox(entry('c0', blob)), store.updateOutbox('c1', { state: 'sent', axisDocId: 'ax1' }, { version: 1 })]);
    expect(dup.created).toBe(false);
    expect(upd).toMatchObject({ version: 2, state: 'sent' });
    await expect(store.updateOutbox('c1', { state: 'failed' }, { version: 1 })).rejects.toThrow(code('VDXP_STORE_CONFLICT'));
    await store.close();
    const again = await FileStore.open({ dir });
    expect(await again.listOutbox()).toHaveLength(60);
    expect(await again.getOutbox('c1')).toMatchObject({ version: 2, state: 'sent', axisDocId: 'ax1' });
    await again.close();
  });

  test('a full log is folded into a segment in the background while changes go on', async () => {
    const store = await FileStore.open({ dir, compactAfterBytes: 4096 });
    const blob = await store.putBlob(Buffer.from('x'));
    for (let i = 0; i < 40; i++) await store.addOutbox(entry(`f${String(i).padStart(2, '0')}`, blob));
    // wait for a background compaction to finish: the first records reach a segment
    const folded = async () => (await segmentLines(join(dir, 'outbox'))).some((r) => r.id === 'f00');
    for (let i = 0; i < 200 && !(await folded()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await folded()).toBe(true);
    const logs = await readdir(join(dir, 'journal'));
    expect(logs.length).toBeGreaterThanOrEqual(1);
    expect(logs[0]).not.toBe('000000000001.log');
    await store.close();
    const again = await FileStore.open({ dir });
    expect((await again.listOutbox()).map((e) => e.id)).toEqual(Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, '0')}`));
    await again.close();
  });

  test('a small blob travels in the journal, reads back at once, and reaches a pack on compaction', async () => {
    const store = await FileStore.open({ dir });
    const small = await store.putBlob(Buffer.from('công văn'));
    async function* chunks(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
      yield* parts;
    }
    const streamed = await store.putBlob(chunks([Buffer.from('a'), Buffer.from('b')]));
    const big = await store.putBlob(chunks([Buffer.alloc(40_000, 1), Buffer.alloc(40_000, 2)]));
    expect(await readdir(join(dir, 'blobs'))).toEqual([`${big.ref}.blob`]);
    const read = async (ref: string) => Buffer.concat(await (await store.openBlob(ref)).toArray());
    expect((await read(small.ref)).toString()).toBe('công văn');
    expect((await read(streamed.ref)).toString()).toBe('ab');
    expect(await read(big.ref)).toEqual(Buffer.concat([Buffer.alloc(40_000, 1), Buffer.alloc(40_000, 2)]));
    expect(streamed).toMatchObject({ size: 2, sha256: 'fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603' });
    await expect(store.putBlob(Buffer.from('12345'), { maxBytes: 4 })).rejects.toThrow(code('VDXP_STORE_IO'));
    await expect(store.putBlob(chunks([Buffer.from('123'), Buffer.from('45')]), { maxBytes: 4 })).rejects.toThrow(code('VDXP_STORE_IO'));
    await expect(store.putBlob(chunks(['text' as never]))).rejects.toThrow(code('VDXP_STORE_IO'));
    await store.close();
    // the two small blobs: one pack, their bytes first, then the index of where they are
    expect((await readdir(join(dir, 'blobs'))).sort()).toEqual([`${big.ref}.blob`, 'pack-000000000001.bin'].sort());
    const index = await packIndex(join(dir, 'blobs', 'pack-000000000001.bin'));
    expect(index.map((e) => [e.ref, e.size, e.sha256]).sort()).toEqual([[small.ref, small.size, small.sha256], [streamed.ref, 2, streamed.sha256]].sort());
    const pack = await readFile(join(dir, 'blobs', 'pack-000000000001.bin'));
    for (const e of index) expect(pack.subarray(e.offset, e.offset + e.size).toString()).toBe(e.ref === small.ref ? 'công văn' : 'ab');
    expect(pack.subarray(small.size + 2).toString()).toMatch(/^\{"ref".*\n\{"ref".*\nend 2 \d+ [0-9a-f]{8}\n$/);
    const again = await FileStore.open({ dir });
    expect(Buffer.concat(await (await again.openBlob(small.ref)).toArray()).toString()).toBe('công văn');
    expect(Buffer.concat(await (await again.openBlob(streamed.ref)).toArray()).toString()).toBe('ab');
    expect(Buffer.concat(await (await again.openBlob(big.ref)).toArray())).toHaveLength(80_000);
    await again.close();
  });

  test('many small blobs over several folds: each reads back its own bytes from its pack', async () => {
    const store = await FileStore.open({ dir, compactAfterBytes: 64 * 1024 });
    const blobs = [];
    for (let i = 0; i < 60; i++) blobs.push({ info: await store.putBlob(Buffer.alloc(3000 + i, i)), fill: i });
    blobs.push({ info: await store.putBlob(Buffer.alloc(0)), fill: -1 });
    await store.close();
    const packs = (await readdir(join(dir, 'blobs'))).filter((n) => n.endsWith('.bin'));
    expect(packs.length).toBeGreaterThan(1);
    const again = await FileStore.open({ dir });
    for (const { info, fill } of blobs) {
      const bytes = Buffer.concat(await (await again.openBlob(info.ref)).toArray());
      expect(bytes).toEqual(fill < 0 ? Buffer.alloc(0) : Buffer.alloc(3000 + fill, fill));
    }
    await again.close();
  });

  test('a pack cut short, grown or with a damaged index is VDXP_STORE_CORRUPT; a damaged blob fails its stream', async () => {
    const store = await FileStore.open({ dir });
    const blob = await store.putBlob(Buffer.from('tờ trình'));
    const other = await store.putBlob(Buffer.from('quyết định'));
    await store.close();
    const path = join(dir, 'blobs', 'pack-000000000001.bin');
    const bytes = await readFile(path);
    const refused = async (damaged: Buffer, message: string) => {
      await writeFile(path, damaged);
      await expect(FileStore.open({ dir })).rejects.toThrow(expect.objectContaining({ code: 'VDXP_STORE_CORRUPT', location: path, message: expect.stringContaining(message) }));
      // refused: the damaged pack is left as it was
      expect(await readFile(path)).toEqual(damaged);
    };
    await refused(bytes.subarray(0, bytes.length - 3), 'does not end with a whole line');
    const endAt = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    await refused(bytes.subarray(0, endAt), 'has no end line'); // cut at a line boundary
    await refused(Buffer.concat([bytes, Buffer.from('end 0 0 00000000\n')]), 'CRC-32 does not match'); // grown
    await refused(Buffer.concat([bytes, Buffer.from('end 0 99999 00000000\n')]), 'shorter than its end line says');
    const flipped = Buffer.from(bytes);
    flipped[blob.size + other.size + 5]! ^= 1; // in the index
    await refused(flipped, 'CRC-32 does not match');
    // an index that is whole and checksummed but leaves bytes unaccounted for
    const index = Buffer.from(`${JSON.stringify({ ref: blob.ref, offset: 0, size: blob.size, sha256: blob.sha256 })}\n`);
    const end = `end 1 ${blob.size + other.size} ${crc32(index).toString(16).padStart(8, '0')}\n`;
    await refused(Buffer.concat([bytes.subarray(0, blob.size + other.size), index, Buffer.from(end)]), 'does not account for');
    // a blob's own bytes are checked when read: the store opens, that blob's stream fails
    await writeFile(path, bytes);
    const places = await packIndex(path);
    const inBlob = Buffer.from(bytes);
    const damagedRef = places[0]!.ref;
    inBlob[places[0]!.offset]! ^= 0x20;
    await writeFile(path, inBlob);
    const again = await FileStore.open({ dir });
    await expect((await again.openBlob(damagedRef)).toArray()).rejects.toThrow(expect.objectContaining({ code: 'VDXP_STORE_CORRUPT', message: expect.stringContaining('SHA-256') }));
    const intact = places[1]!.ref;
    expect(Buffer.concat(await (await again.openBlob(intact)).toArray()).toString()).toBe(intact === blob.ref ? 'tờ trình' : 'quyết định');
    await again.close();
  });

  test('a blob file ends with its size and SHA-256: cut short or grown is refused when opened, damaged bytes fail the stream', async () => {
    const store = await FileStore.open({ dir });
    const data = Buffer.alloc(100_000, 7);
    const info = await store.putBlob(data);
    const path = join(dir, 'blobs', `${info.ref}.blob`);
    const bytes = await readFile(path);
    expect(bytes.subarray(0, data.length)).toEqual(data);
    expect(bytes.subarray(data.length).toString()).toBe(`end ${String(data.length).padStart(16, '0')} ${info.sha256}\n`);
    const read = async () => Buffer.concat(await (await store.openBlob(info.ref)).toArray());
    expect(await read()).toEqual(data);
    for (const damaged of [bytes.subarray(0, bytes.length - 1), bytes.subarray(0, data.length), Buffer.concat([bytes, Buffer.from('x')])]) {
      await writeFile(path, damaged);
      await expect(store.openBlob(info.ref)).rejects.toThrow(expect.objectContaining({ code: 'VDXP_STORE_CORRUPT', location: path, message: expect.stringContaining('no whole end line') }));
    }
    const flipped = Buffer.from(bytes);
    flipped[50_000]! ^= 1;
    await writeFile(path, flipped);
    await expect(read()).rejects.toThrow(expect.objectContaining({ code: 'VDXP_STORE_CORRUPT', message: expect.stringContaining('SHA-256') }));
    // an empty blob stored as a file (a stream source always goes to a file when it is large;
    // here, by hand, the smallest file) and a blob file of an earlier version, without an end line
    await writeFile(join(dir, 'blobs', 'b00000000000000000000000000000001.blob'), `end ${'0'.repeat(16)} ${createHash('sha256').digest('hex')}\n`);
    expect(Buffer.concat(await (await store.openBlob('b00000000000000000000000000000001')).toArray())).toHaveLength(0);
    await writeFile(join(dir, 'blobs', 'b00000000000000000000000000000002'), 'bytes of an earlier version');
    expect(Buffer.concat(await (await store.openBlob('b00000000000000000000000000000002')).toArray()).toString()).toBe('bytes of an earlier version');
    await expect(store.openBlob('b00000000000000000000000000000003')).rejects.toThrow(code('VDXP_STORE_NOT_FOUND'));
    await store.close();
  });

  test('a log missing between two others is VDXP_STORE_CORRUPT, and the open changes nothing', async () => {
    const { log } = await crashedCopy(['o1']);
    const later = join(copy, 'journal', '000000000003.log');
    await writeFile(later, line([['marks', { id: 'm1', key: 'k', at: now }]]));
    await expect(FileStore.open({ dir: copy })).rejects.toThrow(expect.objectContaining({ code: 'VDXP_STORE_CORRUPT', message: expect.stringContaining('000000000002.log is missing') }));
    expect((await readdir(join(copy, 'journal'))).sort()).toEqual(['000000000001.log', '000000000003.log']);
    await rm(later);
    const store = await FileStore.open({ dir: copy });
    expect((await store.listOutbox()).map((e) => e.id)).toEqual(['o1']);
    await store.close();
    expect(log).toContain('000000000001.log');
  });

  test('a blob line whose bytes do not match its hash is VDXP_STORE_CORRUPT', async () => {
    const { log } = await crashedCopy([]);
    const text = await readFile(log, 'utf8');
    const [changes] = text.trim().split('\n').map((l) => JSON.parse(l.slice(9)) as [string, Record<string, unknown>][]);
    const [, blob] = changes![0]!;
    await writeFile(log, line([['blobs', { ...blob, data: Buffer.from('y').toString('base64') }]]) + line([['marks', { id: 'm1', key: 'k', at: now }]]));
    await expect(FileStore.open({ dir: copy })).rejects.toThrow(code('VDXP_STORE_CORRUPT'));
  });

  test('each fold writes one segment per folder; a folder whose superseded lines reach half its bytes is rewritten as one', async () => {
    const store = await FileStore.open({ dir, compactAfterBytes: 4096 });
    const blob = await store.putBlob(Buffer.from('x'));
    const ids = Array.from({ length: 8 }, (_, i) => `r${i}`);
    for (const id of ids) await store.addOutbox(entry(id, blob));
    for (let round = 1; round <= 30; round++) for (const id of ids) await store.updateOutbox(id, { attempts: round });
    await store.close();
    const files = await segmentFiles(join(dir, 'outbox'));
    const lines = await segmentLines(join(dir, 'outbox'));
    for (const id of ids) expect(lines.filter((r) => r.id === id).at(-1)).toMatchObject({ attempts: 30, version: 31 });
    // many segments were written (one per fold), and the older ones deleted at each rewrite:
    // what is left holds less than twice the bytes of each record's newest line
    expect(Number(files.at(-1)!.slice(4, 16))).toBeGreaterThan(files.length + 10);
    const newest = new Map(lines.map((r) => [r.id, Buffer.byteLength(`${JSON.stringify(r)}\n`)]));
    const live = [...newest.values()].reduce((a, b) => a + b, 0);
    let onDisk = 0;
    for (const f of files) onDisk += (await readFile(join(dir, 'outbox', f))).byteLength;
    expect(onDisk).toBeLessThan(2 * live);
    const again = await FileStore.open({ dir });
    expect((await again.listOutbox()).map((e) => [e.id, e.attempts, e.version])).toEqual(ids.map((id) => [id, 30, 31]));
    await again.close();
  });

  test('records that never change after their first fold still leave at most MAX_FOLDER_FILES + 1 segments', async () => {
    const store = await FileStore.open({ dir, fsync: false, compactAfterBytes: 4096 });
    const blob = await store.putBlob(Buffer.from('x'));
    let most = 0;
    for (let i = 0; i < 1000; i++) {
      await store.addOutbox(entry(`n${String(i).padStart(3, '0')}`, blob));
      if (i % 20 === 0) most = Math.max(most, (await segmentFiles(join(dir, 'outbox'))).length);
    }
    await store.close();
    const files = await segmentFiles(join(dir, 'outbox'));
    expect(Number(files.at(-1)!.slice(4, 16))).toBeGreaterThan(MAX_FOLDER_FILES + 10); // more folds than the cap
    expect(most).toBeLessThanOrEqual(MAX_FOLDER_FILES + 2); // the cap, the fold's segment, a rewrite under way
    expect(files.length).toBeLessThanOrEqual(MAX_FOLDER_FILES + 1);
    const again = await FileStore.open({ dir });
    expect(await again.listOutbox()).toHaveLength(1000);
    await again.close();
  });

  test('a missing segment is VDXP_STORE_CORRUPT; segments older than the newest whole one are superseded and not read', async () => {
    const store = await FileStore.open({ dir, compactAfterBytes: 4096 });
    const blob = await store.putBlob(Buffer.from('x'));
    for (let i = 0; i < 40; i++) await store.addOutbox(entry(`o${String(i).padStart(2, '0')}`, blob));
    await store.close();
    const folder = join(dir, 'outbox');
    const files = await segmentFiles(folder);
    expect(files.length).toBeGreaterThan(2);
    const texts = await Promise.all(files.map((f) => readFile(join(folder, f), 'utf8')));
    // folds write changes (only a rewrite writes a segment that holds every record)
    expect(texts.map((t) => t.trimEnd().split('\n').at(-1)!.split(' ').at(-1))).toEqual(files.map(() => 'changes'));
    const refused = async (message: string) => expect(FileStore.open({ dir })).rejects.toThrow(expect.objectContaining({ code: 'VDXP_STORE_CORRUPT', message: expect.stringContaining(message) }));
    await rm(join(folder, files[1]!));
    await refused(`segment ${files[1]} is missing`);
    await writeFile(join(folder, files[1]!), texts[1]!);
    await rm(join(folder, files[0]!));
    await refused(`segment ${files[0]} is missing (the oldest segment left holds only changes)`);
    // a rewrite left behind by a crash: older segments, then one that holds every record
    const all = (await Promise.all(texts.map((t) => recordLinesOf(t)))).flat();
    for (const f of files.slice(1)) await rm(join(folder, f));
    await writeFile(join(folder, 'seg-000000000005.jsonl'), 'not read: superseded whole by the next one');
    await writeSegment(join(folder, 'seg-000000000006.jsonl'), all, 'all');
    await writeSegment(join(folder, 'seg-000000000007.jsonl'), [JSON.stringify({ ...JSON.parse(all[0]!), attempts: 5, version: 2 })], 'changes');
    const again = await FileStore.open({ dir });
    expect(await again.listOutbox()).toHaveLength(40);
    expect(await again.getOutbox('o00')).toMatchObject({ attempts: 5, version: 2 });
    await again.close();
  });

  test('a fold that fails leaves no gap in the segment numbers: the next one takes the number it could not write', async () => {
    const store = await FileStore.open({ dir, compactAfterBytes: 4096 });
    const blob = await store.putBlob(Buffer.from('x'));
    for (let i = 0; i < 30; i++) await store.addOutbox(entry(`a${i}`, blob));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const folder = join(dir, 'outbox');
    const last = Number((await segmentFiles(folder)).at(-1)!.slice(4, 16));
    // a folder where the next segment must go: its rename fails, and so does the fold
    const next = `seg-${String(last + 1).padStart(12, '0')}.jsonl`;
    await mkdir(join(folder, next, 'in-the-way'), { recursive: true });
    for (let i = 0; i < 30; i++) await store.addOutbox(entry(`b${i}`, blob));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await segmentFiles(folder)).not.toContain(`seg-${String(last + 2).padStart(12, '0')}.jsonl`);
    expect((await readdir(join(dir, 'journal'))).length).toBeGreaterThan(1); // the failed fold's logs stay
    await rm(join(folder, next), { recursive: true });
    for (let i = 0; i < 30; i++) await store.addOutbox(entry(`c${i}`, blob));
    await store.close();
    expect(await segmentFiles(folder)).toContain(next);
    const again = await FileStore.open({ dir });
    expect(await again.listOutbox()).toHaveLength(90);
    await again.close();
  });

  test('record files of earlier versions are read as the oldest lines, and go at the first rewrite', async () => {
    const store = await FileStore.open({ dir });
    const blob = await store.putBlob(Buffer.from('x'));
    await store.addOutbox(entry('o1', blob));
    await store.close();
    const record = (id: string, patch: object) => JSON.stringify({ ...entry(id, blob), version: 1, state: 'pending', attempts: 0, ...patch });
    // o1 also in an old record file (older than every segment: the segment's line wins)
    await writeFile(join(dir, 'outbox', 'o1.json'), record('o1', { state: 'failed', version: 7 }));
    await writeFile(join(dir, 'outbox', 'l1.json'), record('l1', { attempts: 2 }));
    let again = await FileStore.open({ dir, compactAfterBytes: 4096 });
    expect(await again.getOutbox('o1')).toMatchObject({ state: 'pending', version: 1 });
    expect(await again.getOutbox('l1')).toMatchObject({ attempts: 2 });
    // changes supersede the old files' lines until the folder is rewritten: the files go
    for (let round = 1; round <= 10; round++) for (const id of ['o1', 'l1']) await again.updateOutbox(id, { attempts: 10 + round });
    await again.close();
    expect((await readdir(join(dir, 'outbox'))).filter((n) => n.endsWith('.json'))).toEqual([]);
    again = await FileStore.open({ dir });
    expect((await again.listOutbox()).map((e) => [e.id, e.attempts])).toEqual([['l1', 20], ['o1', 20]]);
    await again.close();
  });

  test('compactAfterBytes is checked', async () => {
    await expect(FileStore.open({ dir, compactAfterBytes: 10 })).rejects.toThrow(code('VDXP_CONFIG_INVALID'));
  });
});
