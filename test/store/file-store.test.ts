import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { FileStore } from '../../src/store/file-store.js';
import { LOAD_SLICE_MS } from '../../src/store/record-folder.js';
import type { BlobInfo, NewOutboxEntry } from '../../src/store/store.js';
import { builtLibrary } from '../helpers/built.js';
import { recordLinesOf, segmentFiles, segmentLines, writeSegment } from '../helpers/store-segments.js';
import { projectRoot } from '../helpers/shared-fixtures.js';

const writer = join(projectRoot, 'test', 'fixtures', 'store', 'store-writer.mjs');
const code = (c: string) => expect.objectContaining({ code: c });
const now = '2025-03-10T02:00:00.000Z';

/** A small outbox entry, due now. */
const outboxEntry = (id: string, blob: BlobInfo): NewOutboxEntry => ({
  id, documentId: 'D', messageType: 'edoc', operation: 'new', from: 'A', recipients: ['B'], blob, summary: { code: '1/X' },
  nextAttemptAt: now, createdAt: now,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-filestore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the writer child; resolves with it and a live list of its output lines. */
function startChild(entry: string, mode: 'write' | 'hold', compactAfterBytes?: number): { child: ChildProcess; lines: string[]; waitFor: (pred: (l: string[]) => boolean) => Promise<void> } {
  const child = spawn(process.execPath, [writer, entry, dir, mode, ...(compactAfterBytes ? [String(compactAfterBytes)] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const waitFor = (pred: (l: string[]) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pred(lines)) resolve();
        else if (child.exitCode !== null) reject(new Error(`child exited ${child.exitCode}: ${stderr}`));
        else waiters.push(check);
      };
      child.once('exit', () => check());
      check();
    });
  return { child, lines, waitFor };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('FileStore survives kill -9', () => {
  let entry: string;
  beforeAll(() => {
    entry = builtLibrary('FileStore');
  }, 180_000);

  test('a writer killed with SIGKILL mid-write leaves no torn record, and every resolved change is there', async () => {
    // the last three writers fold their journal every few changes (segments, packs, rewrites)
    for (const [stopAfter, compactAfterBytes] of [[7, undefined], [23, 16_384], [41, 8_192], [60, 4_096]] as const) {
      const { child, lines, waitFor } = startChild(entry, 'write', compactAfterBytes);
      await waitFor((l) => l.length >= stopAfter);
      await killed(child);
      // the lock of the dead writer is stale: the store opens
      const store = await FileStore.open({ dir });
      try {
        for (const line of lines) {
          const [what, id, ref, size] = line.split(' ');
          const entryRecord = await store.getOutbox(id!);
          expect(entryRecord, line).toBeDefined();
          if (what === 'added') {
            const bytes = await readAll(await store.openBlob(ref!));
            expect(bytes.length).toBe(Number(size));
            expect(entryRecord!.blob.ref).toBe(ref);
          }
          if (what === 'sent') expect(entryRecord).toMatchObject({ state: 'sent', axisDocId: `ax${id!}` });
          if (what === 'status') expect(await store.listStatuses({ documentId: `D${id!}` })).toHaveLength(1);
        }
        // every record on disk reads back whole (open would have thrown VDXP_STORE_CORRUPT otherwise)
        const all = await store.listOutbox();
        expect(all.length).toBeGreaterThanOrEqual(lines.filter((l) => l.startsWith('added')).length);
        for (const e of all) expect(['pending', 'sending', 'sent']).toContain(e.state);
      } finally {
        await store.close();
      }
      expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    }
  });

  test('a live lock held by another process is VDXP_STORE_LOCKED; once that process is killed the lock is recovered', async () => {
    const { child, waitFor } = startChild(entry, 'hold');
    try {
      await waitFor((l) => l.includes('ready'));
      const lock = JSON.parse(await readFile(join(dir, 'LOCK'), 'utf8')) as { pid: number; host: string; startedAt: string };
      expect(lock).toMatchObject({ pid: child.pid, host: hostname() });
      await expect(FileStore.open({ dir })).rejects.toThrow(code('VDXP_STORE_LOCKED'));
    } finally {
      await killed(child);
    }
    const store = await FileStore.open({ dir });
    const lock = JSON.parse(await readFile(join(dir, 'LOCK'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(process.pid);
    await store.close();
    await expect(readFile(join(dir, 'LOCK'))).rejects.toThrow();
  });
});

describe('FileStore lock', () => {
  test('a second open in the same process is refused until the first closes', async () => {
    const first = await FileStore.open({ dir });
    await expect(FileStore.open({ dir })).rejects.toThrow(code('VDXP_STORE_LOCKED'));
    await first.close();
    const second = await FileStore.open({ dir });
    await second.close();
  });

  test('a lock left by a dead process is taken over', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    await writeFile(join(dir, 'LOCK'), JSON.stringify({ pid: dead.pid, host: hostname(), startedAt: now, token: 'old' }));
    const store = await FileStore.open({ dir });
    expect(JSON.parse(await readFile(join(dir, 'LOCK'), 'utf8'))).toMatchObject({ pid: process.pid });
    await store.close();
  });

  test('a lock held from another host is refused with that host named', async () => {
    await writeFile(join(dir, 'LOCK'), JSON.stringify({ pid: 1, host: 'other-host.example', startedAt: now, token: 't' }));
    await expect(FileStore.open({ dir })).rejects.toThrow(/other-host\.example/);
  });
});

describe('FileStore leases', () => {
  test('a claim writes nothing: the lease lives in memory and rides along with the next change', async () => {
    const store = await FileStore.open({ dir });
    const blob = await store.putBlob(Buffer.from('x'));
    await store.addOutbox(outboxEntry('o1', blob));
    const journal = join(dir, 'journal', '000000000001.log');
    const before = await readFile(journal, 'utf8');
    expect(before.trim().split('\n')).toHaveLength(2); // the blob, the entry
    const later = new Date(Date.parse(now) + 1000);
    const [claimed] = await store.claimOutbox({ workerId: 'w1', limit: 5, leaseMs: 60_000, now: later });
    expect(claimed).toMatchObject({ id: 'o1', version: 2, lease: { workerId: 'w1' } });
    expect(await readFile(journal, 'utf8')).toBe(before);
    expect((await store.getOutbox('o1'))!.lease).toMatchObject({ workerId: 'w1' });
    expect(await store.claimOutbox({ workerId: 'w2', limit: 5, leaseMs: 60_000, now: later })).toEqual([]);
    await store.updateOutbox('o1', { state: 'sending' }, { version: 2 });
    const lines = (await readFile(journal, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2]!.slice(9))).toEqual([['outbox', expect.objectContaining({ id: 'o1', state: 'sending', version: 3, lease: expect.objectContaining({ workerId: 'w1' }) })]]);
    await store.close();
    // closed: the journal is folded into a segment of the outbox folder
    expect(await segmentLines(join(dir, 'outbox'))).toEqual([expect.objectContaining({ id: 'o1', state: 'sending', version: 3 })]);
    expect(await readdir(join(dir, 'journal'))).toEqual([]);
  });
});

describe('FileStore folder handles', () => {
  /** The folders of `dir` this process holds open (Linux: /proc/self/fd). */
  async function openFolders(): Promise<string[]> {
    const out: string[] = [];
    for (const fd of await readdir('/proc/self/fd')) {
      const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
      if (target.startsWith(dir)) out.push(target);
    }
    return out.sort();
  }

  test('keeps the journal log and the blob folder open while in use, and closes them with the store', async () => {
    const store = await FileStore.open({ dir });
    const blob = await store.putBlob(Buffer.alloc(100_000, 1)); // past the inline size: a file of its own
    for (const id of ['o1', 'o2', 'o3']) {
      await store.addOutbox(outboxEntry(id, blob));
    }
    expect(await openFolders()).toEqual([join(dir, 'blobs'), join(dir, 'journal', '000000000001.log')]);
    await store.close();
    expect(await openFolders()).toEqual([]);
    const again = await FileStore.open({ dir });
    expect((await again.listOutbox()).map((e) => e.id)).toEqual(['o1', 'o2', 'o3']);
    await again.close();
  });
});

describe('FileStore on open', () => {
  test('leases held by an earlier process are dropped: its claimed work is claimable at once', async () => {
    const store = await FileStore.open({ dir });
    const blob = await store.putBlob(Buffer.from('x'));
    await store.addOutbox(outboxEntry('o1', blob));
    const later = new Date(Date.parse(now) + 1000);
    expect(await store.claimOutbox({ workerId: 'dead', limit: 5, leaseMs: 3_600_000, now: later })).toHaveLength(1);
    await store.close();
    const again = await FileStore.open({ dir });
    expect((await again.getOutbox('o1'))!.lease).toBeUndefined();
    expect((await again.claimOutbox({ workerId: 'next', limit: 5, leaseMs: 1000, now: later })).map((e) => e.id)).toEqual(['o1']);
    await again.close();
  });

  test('discards temporary files of an interrupted write', async () => {
    const store = await FileStore.open({ dir });
    await store.close();
    await writeFile(join(dir, 'tmp', 'half-written.tmp'), '{"id":"o1","vers');
    const again = await FileStore.open({ dir });
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    expect(await again.listOutbox()).toEqual([]);
    await again.close();
  });

  test('a record that is not JSON of its kind is VDXP_STORE_CORRUPT, not skipped', async () => {
    const store = await FileStore.open({ dir });
    const blob = await store.putBlob(Buffer.from('x'));
    await store.addOutbox(outboxEntry('o1', blob));
    await store.addOutbox(outboxEntry('o2', blob));
    await store.close();
    const [segment] = await segmentFiles(join(dir, 'outbox'));
    const path = join(dir, 'outbox', segment!);
    const text = await readFile(path, 'utf8');
    const [first, second] = recordLinesOf(text);
    // a segment is written whole (temporary file, fsync, rename): a torn end is damage, not a tail
    await writeFile(path, text.slice(0, -5));
    await expect(FileStore.open({ dir })).rejects.toThrow(code('VDXP_STORE_CORRUPT'));
    // lines that pass the segment's checksum but are not records of their kind
    await writeSegment(path, [first!, '{"id":"o2",']);
    await expect(FileStore.open({ dir })).rejects.toThrow(expect.objectContaining({ code: 'VDXP_STORE_CORRUPT', message: expect.stringContaining('line 2 of segment') }));
    await writeSegment(path, [first!, JSON.stringify({ ...JSON.parse(second!), state: 'lost' })]);
    await expect(FileStore.open({ dir })).rejects.toThrow(code('VDXP_STORE_CORRUPT'));
    await writeFile(path, text);
    // a record file (the layout of earlier versions) must carry its own id
    await writeFile(join(dir, 'outbox', 'o3.json'), second!);
    await expect(FileStore.open({ dir })).rejects.toThrow(expect.objectContaining({ code: 'VDXP_STORE_CORRUPT', message: expect.stringContaining('carries another id') }));
    // a refused open does not leave the lock behind
    await rm(join(dir, 'outbox', 'o3.json'));
    await (await FileStore.open({ dir })).close();
  });

  test('a record file that cannot be read is VDXP_STORE_IO, naming it', async () => {
    await (await FileStore.open({ dir })).close();
    await mkdir(join(dir, 'outbox', 'o1.json'));
    await expect(FileStore.open({ dir })).rejects.toThrow(expect.objectContaining({ code: 'VDXP_STORE_IO', location: join(dir, 'outbox', 'o1.json') }));
    await rm(join(dir, 'outbox', 'o1.json'), { recursive: true });
    await (await FileStore.open({ dir })).close();
  });

  test('reads its records in slices, letting the event loop run between them', async () => {
    const store = await FileStore.open({ dir, fsync: false });
    const blob = await store.putBlob(Buffer.from('x'));
    const ids = Array.from({ length: 40 }, (_, i) => `o${String(i).padStart(2, '0')}`);
    await Promise.all(ids.map((id) => store.addOutbox(outboxEntry(id, blob))));
    await store.close();
    // a clock on which every reading is a whole slice later: each record read ends a slice
    let clock = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => (clock += LOAD_SLICE_MS));
    const yields = vi.spyOn(globalThis, 'setImmediate');
    let again: FileStore;
    let turns: number;
    try {
      again = await FileStore.open({ dir, fsync: false });
    } finally {
      turns = yields.mock.calls.length; // read before mockRestore, which clears the calls
      now.mockRestore();
      yields.mockRestore();
    }
    expect(turns).toBeGreaterThanOrEqual(ids.length);
    expect((await again.listOutbox()).map((e) => e.id)).toEqual(ids);
    await again.close();
  });

  test('refuses bad options and bad ids', async () => {
    await expect(FileStore.open({ dir: '' })).rejects.toThrow(code('VDXP_CONFIG_INVALID'));
    await expect(FileStore.open({ dir, extra: 1 } as never)).rejects.toThrow(code('VDXP_CONFIG_INVALID'));
    const store = await FileStore.open({ dir, fsync: false });
    const blob = await store.putBlob(Buffer.from('x'));
    await expect(store.addOutbox(outboxEntry('../escape', blob))).rejects.toThrow(code('VDXP_STORE_IO'));
    await expect(store.openBlob('../LOCK')).rejects.toThrow(code('VDXP_STORE_IO'));
    await store.close();
  });
});
