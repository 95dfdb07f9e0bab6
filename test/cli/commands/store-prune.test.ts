import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FileStore } from '../../../src/store/file-store.js';
import type { BlobInfo } from '../../../src/store/store.js';
import { runCaptured } from '../../helpers/cli-capture.js';
import { inboxEntry, outboxEntry } from '../../helpers/store-contract.js';

const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

let dir: string;
let blobs: BlobInfo[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-store-prune-cli-'));
  const store = await FileStore.open({ dir: join(dir, 'store') });
  blobs = [];
  for (const body of ['<edXML>cũ</edXML>', '<edXML>mới</edXML>', Buffer.alloc(100_000, 0x31), '<edXML>đi</edXML>']) blobs.push(await store.putBlob(Buffer.from(body)));
  await store.addInbox(inboxEntry('old', blobs[0]!));
  await store.addInbox(inboxEntry('new', blobs[1]!));
  await store.addInbox(inboxEntry('big', blobs[2]!));
  await store.updateInbox('old', { handedOverAt: daysAgo(100) });
  await store.updateInbox('new', { handedOverAt: daysAgo(10) });
  await store.updateInbox('big', { handedOverAt: daysAgo(91) });
  await store.addOutbox(outboxEntry('sent', blobs[3]!));
  await store.updateOutbox('sent', { state: 'sent', axisDocId: 'ax', sentAt: daysAgo(200) });
  await store.close();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function kept(): Promise<string[]> {
  const store = await FileStore.open({ dir: join(dir, 'store') });
  try {
    const out: string[] = [];
    for (const [i, b] of blobs.entries()) {
      try {
        for await (const _ of await store.openBlob(b.ref)) void _;
        out.push(['old', 'new', 'big', 'sent'][i]!);
      } catch (e) {
        expect(e).toMatchObject({ code: 'VDXP_STORE_NOT_FOUND' });
      }
    }
    return out;
  } finally {
    await store.close();
  }
}

describe('vdxp store prune', () => {
  test('--dry-run counts and changes nothing; a run removes received packages older than --days, keeps sent ones', async () => {
    const dry = await runCaptured(['store', 'prune', '--store', 'store', '--days', '90', '--dry-run'], dir);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^.*store: received, quarantined packages finished before \d{4}-\d\d-\d\dT[\d:.]+Z\n/);
    expect(dry.stdout).toContain('records whose package goes: inbox 2, quarantine 0, outbox 0\n');
    expect(dry.stdout).toContain('would remove 2 packages (98 KB): a dry run, nothing changed\n');
    expect(await kept()).toEqual(['old', 'new', 'big', 'sent']);
    const run = await runCaptured(['store', 'prune', '--store', 'store', '--days', '90'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('removed 2 packages (98 KB)\n');
    expect(await kept()).toEqual(['new', 'sent']);
    const check = await runCaptured(['store', 'check', '--store', 'store'], dir);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('2 packages read');
    expect(check.stdout).toContain('2 records whose package was pruned on purpose (not read)');
  });

  test('--sent alone takes only sent documents; --json gives the result', async () => {
    const run = await runCaptured(['store', 'prune', '--store', 'store', '--days', '150', '--sent', '--json'], dir);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      store: join(dir, 'store'), dryRun: false, received: false, sent: true, quarantined: false,
      records: { outbox: 1, inbox: 0, quarantine: 0 }, blobs: 1, bytes: blobs[3]!.size,
    });
    expect(Date.parse(json.before as string)).toBeLessThan(Date.now() - 149 * DAY);
    expect(await kept()).toEqual(['old', 'new', 'big']);
  });

  test('bad usage, a missing folder and a store in use: exit 2, nothing removed', async () => {
    expect(await runCaptured(['store', 'prune', '--days', '9'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--store DIR is required') });
    expect(await runCaptured(['store', 'prune', '--store', 'store'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--days N is required') });
    for (const days of ['0', '-3', '1.5', 'ninety']) {
      expect(await runCaptured(['store', 'prune', '--store', 'store', `--days=${days}`], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--days must be a whole number') });
    }
    expect(await runCaptured(['store', 'prune', '--store', 'nowhere', '--days', '9'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('no store folder at') });
    const open = await FileStore.open({ dir: join(dir, 'store') });
    try {
      const run = await runCaptured(['store', 'prune', '--store', 'store', '--days', '9', '--json'], dir);
      expect(run.code).toBe(2);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'VDXP_STORE_LOCKED' });
      expect(run.stderr).toContain('hint: a running connector holds the store: stop it first');
    } finally {
      await open.close();
    }
    expect(await kept()).toEqual(['old', 'new', 'big', 'sent']);
  });

  test('--help says what goes, what stays and what a pruned sent document costs', async () => {
    const run = await runCaptured(['store', 'prune', '--help'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: vdxp store prune --store DIR --days N');
    expect(run.stdout).toContain('VDXP_CONNECTOR_PACKAGE_PRUNED');
    expect(run.stdout).toContain('--dry-run');
  });
});
