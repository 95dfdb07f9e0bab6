// Damage to a FileStore's files, one random change at a time (a byte flipped, a file cut short,
// garbage appended, a file emptied or deleted), seeded so that a failure can be replayed.
// Whatever the change, opening the store either refuses with VDXP_STORE_CORRUPT or
// VDXP_STORE_IO and leaves every file as it was, or opens with the records as they were (a
// state the store had acknowledged, for the journal's last log) and blobs that read back their
// own bytes or fail with a StoreError. What damage cannot be told from an older store is named
// where it is allowed.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { FileStore } from '../../src/store/file-store.js';
import type { BlobInfo, NewOutboxEntry } from '../../src/store/store.js';

const CASES = Number(process.env.STORE_DAMAGE_CASES ?? 120);
const now = '2025-03-10T02:00:00.000Z';
const entry = (id: string, blob: BlobInfo): NewOutboxEntry => ({
  id, documentId: `D${id}`, messageType: 'edoc', operation: 'new', from: '000.00.00.G22', recipients: ['000.00.00.H41'], blob,
  summary: { code: `${id}/VPCP-TH`, subject: `V/v thử nghiệm ${id}` }, nextAttemptAt: now, createdAt: now,
});

/** mulberry32: a small seeded generator, so that a failing case can be run again alone. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

// The file-system calls of the harness are synchronous: a few dozen small files each, and
// fs/promises takes several thread-pool round trips per call (about 4× slower here).

/** Copies a store's folder. */
function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) copyTree(join(from, entry.name), join(to, entry.name));
    else copyFileSync(join(from, entry.name), join(to, entry.name));
  }
}

/** Every file under `dir` (relative paths) with the SHA-256 of its bytes; the lock and `tmp/` left out. */
function fingerprint(dir: string, under = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(join(dir, under), { withFileTypes: true })) {
    const name = under ? `${under}/${entry.name}` : entry.name;
    if (name === 'LOCK' || name === 'tmp') continue;
    if (entry.isDirectory()) for (const [k, v] of fingerprint(dir, name)) out.set(k, v);
    else out.set(name, createHash('sha256').update(readFileSync(join(dir, name))).digest('hex'));
  }
  return out;
}

interface Base {
  readonly dir: string;
  readonly blobs: Map<string, Buffer>;
  /** Every state of the outbox the store acknowledged (as JSON), oldest first; the last is the final one. */
  readonly states: string[];
  /** The keys marked (they do not change after the first folds). */
  readonly marks: string[];
}

const stateOf = async (store: FileStore): Promise<string> => JSON.stringify(await store.listOutbox());

/**
 * Fills a store: small and large blobs, outbox entries changed many times (folds every 4 KiB,
 * so several segments and packs), marks. With `crashed`, the folder is then opened again,
 * changed a few times more and copied while open: the copy holds a journal of acknowledged
 * changes (the state a `kill -9` leaves).
 */
async function makeBase(root: string, crashed: boolean): Promise<Base> {
  const dir = join(root, crashed ? 'crashed' : 'closed');
  const work = crashed ? join(root, 'live') : dir;
  let store = await FileStore.open({ dir: work, fsync: false, compactAfterBytes: 4096 });
  const blobs = new Map<string, Buffer>();
  const states: string[] = [];
  const marks: string[] = [];
  const put = async (bytes: Buffer) => {
    const info = await store.putBlob(bytes);
    blobs.set(info.ref, bytes);
    return info;
  };
  const big = await put(Buffer.alloc(70_000, 0x42));
  const empty = await put(Buffer.alloc(0));
  const add = async (i: number) => {
    const blob = i % 7 === 0 ? big : i % 5 === 0 ? empty : await put(Buffer.from(`%PDF-1.4 công văn ${i}\n%%EOF\n`));
    await store.addOutbox(entry(`o${i}`, blob));
    if (i % 3 === 0) {
      marks.push(`k${i}`);
      await store.markOnce(`k${i}`, now);
    }
  };
  for (let i = 0; i < 16; i++) await add(i);
  // changed again and again: the outbox folder is rewritten (a segment holding every record)
  for (let round = 1; round <= 8; round++) for (let i = 0; i < 16; i++) await store.updateOutbox(`o${i}`, { attempts: round });
  // then folds of changes after the rewrite
  for (let i = 16; i < 24; i++) await add(i);
  await store.close();
  if (!crashed) {
    states.push(await stateOf((store = await FileStore.open({ dir, fsync: false }))));
    await store.close();
    return { dir, blobs, states, marks };
  }
  // a few more changes on the folded store, each a journal line and an acknowledged state,
  // and the folder copied with the store still open (no fold under way: the journal is small)
  store = await FileStore.open({ dir: work, fsync: false });
  states.push(await stateOf(store));
  for (let i = 0; i < 6; i++) {
    await store.updateOutbox(`o${i}`, { attempts: 10 + i, nextAttemptAt: `2025-03-1${i}T08:00:00.000Z` });
    if (i === 2) await put(Buffer.from('tờ trình bổ sung'));
    states.push(await stateOf(store));
  }
  await cp(work, dir, { recursive: true });
  await rm(join(dir, 'LOCK'));
  await store.close();
  return { dir, blobs, states, marks };
}

type Damage = 'flip' | 'cut' | 'append' | 'empty' | 'delete';
const DAMAGES: Damage[] = ['flip', 'cut', 'append', 'empty', 'delete'];

async function damage(dir: string, file: string, how: Damage, pick: (n: number) => number): Promise<string> {
  const path = join(dir, file);
  const bytes = await readFile(path);
  switch (how) {
    case 'flip': {
      if (bytes.length === 0) return 'nothing to flip';
      const at = pick(bytes.length);
      const bit = 1 << pick(8);
      bytes[at] = bytes[at]! ^ bit;
      await writeFile(path, bytes);
      return `bit ${bit} of byte ${at} of ${bytes.length} flipped`;
    }
    case 'cut': {
      const to = pick(Math.max(bytes.length, 1));
      await truncate(path, to);
      return `cut to ${to} of ${bytes.length} bytes`;
    }
    case 'append': {
      const extra = [Buffer.from('{"id":"o1"}\n'), Buffer.from('\n'), Buffer.from([0, 0xff, 0x0a]), Buffer.from('00000000 []\n')][pick(4)]!;
      await writeFile(path, Buffer.concat([bytes, extra]));
      return `${JSON.stringify(extra.toString('latin1'))} appended`;
    }
    case 'empty':
      await writeFile(path, '');
      return 'emptied';
    case 'delete':
      await rm(path);
      return 'deleted';
  }
}

/** A segment's sequence number, or undefined for other files. */
const segmentSeq = (file: string): number | undefined => {
  const m = /(?:^|\/)seg-(\d{12})\.jsonl$/.exec(file);
  return m ? Number(m[1]) : undefined;
};

/**
 * Damage no check can tell from a store that simply holds less: the newest segment of a folder
 * deleted (the records of the folds before it are an older store's).
 */
async function undetectable(dir: string, file: string, how: Damage): Promise<boolean> {
  const seq = segmentSeq(file);
  if (seq === undefined || how !== 'delete') return false;
  const folder = file.slice(0, file.lastIndexOf('/'));
  const others = (await readdir(join(dir, folder))).map((n) => segmentSeq(n)).filter((n): n is number => n !== undefined);
  return others.every((n) => n <= seq);
}

async function check(base: Base, root: string, seed: number): Promise<{ refused: boolean }> {
  const pick = random(seed);
  const dir = join(root, `case-${seed}`);
  copyTree(base.dir, dir);
  const files = [...fingerprint(dir).keys()].sort();
  const file = files[pick(files.length)]!;
  const how = DAMAGES[pick(DAMAGES.length)]!;
  const what = `seed ${seed}: ${file} ${await damage(dir, file, how, pick)}`;
  const before = fingerprint(dir);
  let store: FileStore;
  try {
    store = await FileStore.open({ dir, fsync: false });
  } catch (e) {
    expect(e, what).toBeInstanceOf(StoreError);
    expect(['VDXP_STORE_CORRUPT', 'VDXP_STORE_IO'], what).toContain((e as StoreError).code);
    expect(fingerprint(dir), `${what}: a refused open changed the files`).toEqual(before);
    expect(await readdir(dir), `${what}: a refused open left its lock`).not.toContain('LOCK');
    await rm(dir, { recursive: true, force: true });
    return { refused: true };
  }
  try {
    const state = await stateOf(store);
    if (!(await undetectable(base.dir, file, how))) {
      if (/^journal\//.test(file)) expect(base.states, `${what}: opened with a state the store never acknowledged`).toContain(state);
      else expect(state, `${what}: opened with other records`).toBe(base.states.at(-1));
      // every mark is still there: markOnce answers false (and writes nothing) for a known key
      for (const key of base.marks) expect(await store.markOnce(key, now), `${what}: mark ${key} lost`).toBe(false);
    }
    // a blob reads back its own bytes; only damage where blobs are kept may make a read fail,
    // and then with what the store found
    const mayFail = /^(blobs|journal)\//.test(file);
    for (const [ref, bytes] of base.blobs) {
      let read: Buffer;
      try {
        read = Buffer.concat(await (await store.openBlob(ref)).toArray());
      } catch (e) {
        expect(mayFail, `${what}: blob ${ref} failed: ${(e as Error).message}`).toBe(true);
        expect(e, `${what}: blob ${ref}`).toBeInstanceOf(StoreError);
        expect(['VDXP_STORE_CORRUPT', 'VDXP_STORE_NOT_FOUND'], `${what}: blob ${ref}`).toContain((e as StoreError).code);
        continue;
      }
      expect(read.equals(bytes), `${what}: blob ${ref} read back other bytes`).toBe(true);
    }
  } finally {
    await store.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
  return { refused: false };
}

/** Runs {@link CASES} seeds from `first`; every failing case is reported, not just the first. */
async function run(base: Base, first: number): Promise<{ refused: number; failures: string[] }> {
  let refused = 0;
  const failures: string[] = [];
  for (let seed = first; seed < first + CASES; seed++) {
    try {
      if ((await check(base, root, seed)).refused) refused++;
    } catch (e) {
      failures.push((e as Error).message.split('\n')[0]!);
    }
  }
  return { refused, failures };
}

let root: string;

describe('FileStore under damage to its files', () => {
  let closed: Base;
  let crashed: Base;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vdxp-damage-'));
    closed = await makeBase(root, false);
    crashed = await makeBase(root, true);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('the stores under test hold segments, packs, a blob file and (the crashed one) a journal', async () => {
    const names = async (base: Base) => [...fingerprint(base.dir).keys()];
    for (const base of [closed, crashed]) {
      const files = await names(base);
      expect(files.filter((f) => /^outbox\/seg-/.test(f)).length).toBeGreaterThan(1);
      expect(files.filter((f) => /^blobs\/pack-\d{12}\.bin$/.test(f)).length).toBeGreaterThan(1);
      expect(files.some((f) => /^blobs\/b[0-9a-f]{32}\.blob$/.test(f))).toBe(true);
      expect(files.some((f) => /^marks\/seg-/.test(f))).toBe(true);
      // a rewrite (a segment that holds every record) with a fold after it
      const ends = files.filter((f) => /^outbox\/seg-/.test(f)).sort().map((f) => readFileSync(join(base.dir, f), 'utf8').trimEnd().split('\n').at(-1)!.split(' ').at(-1));
      expect(ends.slice(0, -1)).toContain('all');
    }
    expect((await names(closed)).some((f) => f.startsWith('journal/') && f.endsWith('.log'))).toBe(false);
    expect(crashed.states.length).toBeGreaterThan(2);
    expect((await names(crashed)).filter((f) => f.startsWith('journal/')).length).toBeGreaterThan(0);
  });

  test(`${CASES} random damages to a closed store: refused without a change, or read back as it was`, async () => {
    const { refused, failures } = await run(closed, 1);
    expect(failures).toEqual([]);
    // most damage must be found: a check that refuses nothing is no check
    expect(refused).toBeGreaterThan(CASES / 3);
  });

  test(`${CASES} random damages to a store with a journal: refused without a change, or an acknowledged state`, async () => {
    const { refused, failures } = await run(crashed, 1001);
    expect(failures).toEqual([]);
    expect(refused).toBeGreaterThan(CASES / 3);
  });
});
