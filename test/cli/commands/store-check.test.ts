import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { StoreCheckReport } from '../../../src/store/check-store.js';
import { FileStore } from '../../../src/store/file-store.js';
import type { BlobInfo } from '../../../src/store/store.js';
import { runCaptured } from '../../helpers/cli-capture.js';
import { inboxEntry, outboxEntry } from '../../helpers/store-contract.js';
import { segmentFiles } from '../../helpers/store-segments.js';

let dir: string;
let blobs: BlobInfo[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-store-check-cli-'));
  const store = await FileStore.open({ dir: join(dir, 'store') });
  blobs = [await store.putBlob(Buffer.from('<edXML>một</edXML>')), await store.putBlob(Buffer.alloc(100_000, 0x30))];
  await store.addOutbox(outboxEntry('o1', blobs[0]!));
  await store.addInbox(inboxEntry('i1', blobs[1]!));
  await store.close();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vdxp store check', () => {
  test('an intact store: a summary, exit 0; --json gives the report', async () => {
    const run = await runCaptured(['store', 'check', '--store', 'store'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${join(dir, 'store')}: outbox 1, inbox 1, quarantine 0, statuses 0, decisions 0\n2 packages read (98 KB): all intact\n`);
    const json = await runCaptured(['store', 'check', '--store', join(dir, 'store'), '--json'], dir);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as StoreCheckReport & { store: string };
    expect(report).toEqual({ store: join(dir, 'store'), records: { outbox: 1, inbox: 1, quarantine: 0, statuses: 0, decisions: 0 }, blobs: { checked: 2, bytes: blobs[0]!.size + blobs[1]!.size }, pruned: 0, problems: [], ok: true });
  });

  test('a damaged package: exit 1, a row naming it and the record that uses it', async () => {
    const path = join(dir, 'store', 'blobs', `${blobs[1]!.ref}.blob`);
    const bytes = await readFile(path);
    bytes[10]! ^= 1;
    await writeFile(path, bytes);
    const run = await runCaptured(['store', 'check', '--store', 'store'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('2 packages read (98 KB): 1 damaged or missing');
    expect(run.stdout).toMatch(new RegExp(`${blobs[1]!.ref}\\s+VDXP_STORE_CORRUPT\\s+inbox i1\\s+blob ${blobs[1]!.ref} is damaged`));
    const json = JSON.parse((await runCaptured(['store', 'check', '--store', 'store', '--json'], dir)).stdout) as StoreCheckReport;
    expect(json.ok).toBe(false);
    expect(json.problems).toEqual([{ ref: blobs[1]!.ref, code: 'VDXP_STORE_CORRUPT', message: expect.stringContaining('SHA-256'), usedBy: ['inbox i1'] }]);
  });

  test('a store that refuses to open: exit 1 with its finding and a hint; nothing written', async () => {
    const outbox = join(dir, 'store', 'outbox');
    const [segment] = await segmentFiles(outbox);
    const text = await readFile(join(outbox, segment!), 'utf8');
    await writeFile(join(outbox, segment!), text.replace('"o1"', '"o2"'));
    const run = await runCaptured(['store', 'check', '--store', 'store'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^VDXP_STORE_CORRUPT: segment seg-\d{12}\.jsonl is damaged \(its CRC-32 does not match\)/);
    expect(run.stderr).toContain('hint: the store refused to open: restore it from a backup');
    expect(await readFile(join(outbox, segment!), 'utf8')).toBe(text.replace('"o1"', '"o2"'));
  });

  test('bad usage, a missing folder and a store in use: exit 2', async () => {
    expect(await runCaptured(['store', 'check'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--store DIR is required') });
    expect(await runCaptured(['store', 'check', '--store', 'store', '--fast'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--fast'") });
    expect(await runCaptured(['store', 'check', '--store', 'nowhere'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('no store folder at') });
    const open = await FileStore.open({ dir: join(dir, 'store') });
    try {
      const run = await runCaptured(['store', 'check', '--store', 'store', '--json'], dir);
      expect(run.code).toBe(2);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'VDXP_STORE_LOCKED' });
      expect(run.stderr).toContain('hint: a running connector holds the store');
    } finally {
      await open.close();
    }
  });

  test('--help says what it checks and its exit codes', async () => {
    const run = await runCaptured(['store', 'check', '--help'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: vdxp store check --store DIR [--json]');
    expect(run.stdout).toContain('Exit codes: 0 every package intact, 1 the store or a package is damaged');
  });
});
