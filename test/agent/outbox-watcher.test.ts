import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DropClaims } from '../../src/agent/drop-claims.js';
import { createAgentLogger } from '../../src/agent/logger.js';
import { OutboxWatcher, type OutboxWatcherOptions } from '../../src/agent/outbox-watcher.js';
import type { AgentEventInput } from '../../src/agent/webhook.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { NGHE_AN, VPCP, startNetwork, until, type Network } from '../helpers/connector-setup.js';

let net: Network | undefined;
let dir: string | undefined;
afterEach(async () => {
  await net?.close();
  net = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

let n = 0;
/** A drop's JSON: a letter from VPCP to Nghệ An with the given attachment files. */
function dropJson(files: string[], over: Record<string, unknown> = {}): string {
  n++;
  return JSON.stringify({
    to: [NGHE_AN],
    code: { codeNumber: String(500 + n), codeNotation: 'VPCP-TTĐT' },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: '2025-03-10' },
    documentType: { type: 1, typeName: 'Công văn' },
    subject: `V/v thử nghiệm thư mục ${n}`,
    attachments: files.map((f) => ({ name: f, file: f })),
    ...over,
  });
}

async function setup(over: Partial<OutboxWatcherOptions> = {}) {
  net = await startNetwork();
  const sender = net.sides[0]!;
  dir = await mkdtemp(join(tmpdir(), 'vdxp-watcher-'));
  const folders = { outbox: join(dir, 'outbox'), sent: join(dir, 'sent'), failed: join(dir, 'failed') };
  const processing = join(dir, 'state', 'processing');
  for (const d of [...Object.values(folders), processing]) await mkdir(d, { recursive: true });
  const events: AgentEventInput[] = [];
  const options: OutboxWatcherOptions = {
    folders,
    processingDir: processing,
    connector: sender.connector,
    complete: 'json-last',
    scanIntervalMs: 50,
    settleMs: 60_000,
    logger: createAgentLogger({ level: 'error', stream: process.stderr }),
    emit: async (e) => {
      events.push(e);
    },
    ...over,
  };
  const watcher = new OutboxWatcher(options);
  sender.connector.start();
  return { watcher, folders, processing, events, sender, options };
}

async function sentOnAxis(): Promise<number> {
  const client = new AxisClient({ endpoint: net!.axis.url, systemId: VPCP.organId, secret: 'secret-g22' });
  return (await client.getSentEdocList({ messageType: 'edoc' })).items.length;
}

describe('OutboxWatcher', () => {
  test('sends a drop written JSON-last and moves it to sent/NAME with the axis DocId', async () => {
    const { watcher, folders, processing, events } = await setup();
    await writeFile(join(folders.outbox, 'cv.pdf'), '%PDF-1.4 công văn');
    await writeFile(join(folders.outbox, 'doc1.json'), dropJson(['cv.pdf']));
    await watcher.scanOnce();
    await until([], async () => (await readdir(folders.sent)).length === 1);
    await watcher.drain();
    expect(await readdir(folders.outbox)).toEqual([]);
    expect(await readdir(processing)).toEqual([]);
    const files = (await readdir(join(folders.sent, 'doc1'))).filter((f) => !f.startsWith('.')).sort();
    expect(files).toEqual(['cv.pdf', 'doc1.json', 'doc1.result.json']);
    const result = JSON.parse(await readFile(join(folders.sent, 'doc1', 'doc1.result.json'), 'utf8'));
    expect(result).toMatchObject({ name: 'doc1', documentId: expect.stringContaining(VPCP.organId), outboxId: expect.stringMatching(/^drop-/), docId: expect.any(String), sentAt: expect.any(String) });
    expect(events).toEqual([expect.objectContaining({ type: 'drop.sent', data: expect.objectContaining({ docId: result.docId }) })]);
    expect(await sentOnAxis()).toBe(1);
  });

  test('leaves a JSON still being written alone, then fails it once it stopped changing', async () => {
    const { watcher, folders, options } = await setup();
    await writeFile(join(folders.outbox, 'half.json'), '{ "to": [');
    await watcher.scanOnce();
    expect(await readdir(folders.outbox)).toEqual(['half.json']);
    const old = new Date(Date.now() - 120_000);
    await utimes(join(folders.outbox, 'half.json'), old, old);
    expect(options.settleMs).toBe(60_000);
    await watcher.scanOnce();
    await watcher.drain();
    const error = JSON.parse(await readFile(join(folders.failed, 'half', 'half.error.json'), 'utf8'));
    expect(error.reason).toMatchObject({ code: 'VDXP_INPUT_INVALID', issues: [expect.objectContaining({ code: 'not_json' })] });
  });

  test('in ready-marker mode waits for NAME.ready', async () => {
    const { watcher, folders } = await setup({ complete: 'ready-marker' });
    await writeFile(join(folders.outbox, 'cv.pdf'), '%PDF-1.4');
    await writeFile(join(folders.outbox, 'doc2.json'), dropJson(['cv.pdf']));
    await watcher.scanOnce();
    expect((await readdir(folders.outbox)).sort()).toEqual(['cv.pdf', 'doc2.json']);
    await writeFile(join(folders.outbox, 'doc2.ready'), '');
    await watcher.scanOnce();
    await until([], async () => (await readdir(folders.sent)).length === 1);
    expect((await readdir(join(folders.sent, 'doc2'))).filter((f) => !f.startsWith('.')).sort()).toEqual(['cv.pdf', 'doc2.json', 'doc2.ready', 'doc2.result.json']);
    expect(await readdir(folders.outbox)).toEqual([]);
  });

  test.each([
    ['a missing attachment file', (o: string) => writeFile(join(o, 'bad.json'), dropJson(['nowhere.pdf'])), 'VDXP_INPUT_INVALID', 'nowhere.pdf'],
    ['a path leaving the outbox', (o: string) => writeFile(join(o, 'bad.json'), dropJson(['../../etc/passwd'])), 'VDXP_INPUT_INVALID', 'attachments.0.file'],
    ['an invalid document', (o: string) => writeFile(join(o, 'bad.json'), dropJson([], { subject: '' })), 'VDXP_INPUT_INVALID', 'subject'],
    ['a secret document', (o: string) => writeFile(join(o, 'bad.json'), dropJson([], { secrecy: 'toi-mat' })), 'VDXP_CONNECTOR_SECRET_REFUSED', 'Tối mật'],
  ])('moves %s to failed/ with the reason', async (_what, write, code, mention) => {
    const { watcher, folders, events } = await setup();
    await write(folders.outbox);
    await watcher.scanOnce();
    await watcher.drain();
    const error = JSON.parse(await readFile(join(folders.failed, 'bad', 'bad.error.json'), 'utf8'));
    expect(error.reason.code).toBe(code);
    expect(JSON.stringify(error.reason)).toContain(mention);
    expect(events.map((e) => e.type)).toEqual(['drop.failed']);
    expect(await readdir(folders.outbox)).toEqual([]);
    expect(await sentOnAxis()).toBe(0);
  });

  test('a drop whose name is used again goes to its own folder in sent/', async () => {
    const { watcher, folders } = await setup();
    for (let i = 0; i < 2; i++) {
      await writeFile(join(folders.outbox, 'same.json'), dropJson([]));
      await watcher.scanOnce();
      await until([], async () => (await readdir(folders.sent)).length === i + 1);
    }
    expect((await readdir(folders.sent)).sort()).toEqual(['same', expect.stringMatching(/^same\..+/)]);
  });

  test('resumes a claim interrupted before its files moved, and sends it once', async () => {
    const { watcher, folders, processing } = await setup();
    await writeFile(join(folders.outbox, 'cv.pdf'), '%PDF-1.4');
    await writeFile(join(folders.outbox, 'doc3.json'), dropJson(['cv.pdf']));
    // a crash right after the claim: the JSON moved, the attachment did not
    const claims = new DropClaims(folders.outbox, processing, () => new Date());
    const journal = await claims.claim({ name: 'doc3', trigger: 'json' });
    expect(journal?.phase).toBe('claiming');
    expect(await readdir(folders.outbox)).toEqual(['cv.pdf']);
    await watcher.scanOnce();
    await until([], async () => (await readdir(folders.sent)).length === 1);
    expect((await readdir(join(folders.sent, 'doc3'))).filter((f) => !f.startsWith('.')).sort()).toEqual(['cv.pdf', 'doc3.json', 'doc3.result.json']);
    expect(await readdir(folders.outbox)).toEqual([]);
    expect(await sentOnAxis()).toBe(1);
  });

  test('a claim whose journal was written but whose JSON never moved takes the JSON then', async () => {
    const { watcher, folders, processing } = await setup();
    await writeFile(join(folders.outbox, 'doc4.json'), dropJson([]));
    const claimDir = join(processing, 'zzzz-0000000000');
    await mkdir(claimDir);
    await writeFile(join(claimDir, '.claim.json'), JSON.stringify({ claimId: 'zzzz-0000000000', name: 'doc4', outboxId: 'drop-zzzz-0000000000', claimedAt: new Date().toISOString(), phase: 'claiming' }));
    await watcher.scanOnce();
    await until([], async () => (await readdir(folders.sent)).length === 1);
    expect(JSON.parse(await readFile(join(folders.sent, 'doc4', 'doc4.result.json'), 'utf8')).outboxId).toBe('drop-zzzz-0000000000');
    expect(await sentOnAxis()).toBe(1);
  });

  test('after a restart, a drop already sent is moved to sent/ without being sent again', async () => {
    const first = await setup();
    // the first process queues the drop, then "dies" before it learns of the delivery
    const dying = new OutboxWatcher({
      ...first.options,
      connector: { send: async (input, opts) => ({ ...(await first.sender.connector.send(input, opts)), delivered: new Promise(() => undefined) }) },
    });
    await writeFile(join(first.folders.outbox, 'doc5.json'), dropJson([]));
    await dying.scanOnce();
    const claims = new DropClaims(first.folders.outbox, first.processing, () => new Date());
    const [claimId] = await claims.list();
    const journal = await claims.read(claimId!);
    expect(journal).toMatchObject({ phase: 'queued', documentId: expect.any(String) });
    await until([], async () => (await first.sender.store.getOutbox(journal!.outboxId))?.state === 'sent');
    expect(await readdir(first.folders.sent)).toEqual([]);
    await first.watcher.scanOnce();
    await until([], async () => (await readdir(first.folders.sent)).length === 1);
    await first.watcher.drain();
    const result = JSON.parse(await readFile(join(first.folders.sent, 'doc5', 'doc5.result.json'), 'utf8'));
    expect(result.outboxId).toBe(journal!.outboxId);
    expect(await readdir(first.processing)).toEqual([]);
    expect(await sentOnAxis()).toBe(1);
  });
});
