import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ConnectorContext } from '../../src/connector/context.js';
import type { ErrorEvent } from '../../src/connector/events.js';
import { HandOver } from '../../src/connector/handover.js';
import { buildEdxml } from '../../src/edxml/build.js';
import { StoreError } from '../../src/errors.js';
import { FileStore } from '../../src/store/file-store.js';
import { NGHE_AN, VPCP, connectorContext, letter } from '../helpers/connector-setup.js';

let dir: string;
let store: FileStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-handover-order-'));
  store = await FileStore.open({ dir, fsync: false });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const T0 = Date.parse('2025-03-10T02:00:00.000Z');

/** A receiving context on the test's store, its clock at `clock.ms`, two entries per claim. */
function receiver(clock: { ms: number }): ConnectorContext {
  return connectorContext(store, NGHE_AN, {
    batchSize: 2, retry: { baseDelayMs: 1_000, maxDelayMs: 4_000 }, random: () => 1, workerId: 'w1', now: () => new Date(clock.ms),
  });
}

/** Stores a received document `n` (01 reported: its arrival steps are done), `attachmentBytes` in its attachment. */
async function receivedDocument(n: number, attachmentBytes = 64): Promise<string> {
  const { to: _to, ...input } = letter(VPCP, [NGHE_AN], {
    attachments: [{ contentId: 'cv', name: 'cong-van.pdf', contentType: 'application/pdf', data: new Uint8Array(attachmentBytes).fill(0x41 + n) }],
  });
  const documentId = `D${n}`;
  const blob = await store.putBlob(buildEdxml({ kind: 'edoc', ...input, from: VPCP, to: [NGHE_AN], documentId }));
  const id = `i_d${n}`;
  await store.addInbox({
    id, axisDocId: `a${n}`, messageType: 'edoc', from: VPCP.organId, to: NGHE_AN.organId, documentId, operation: 'new', blob, lifecycle: '01',
    summary: { code: `${n}/VPCP-TTĐT` }, receivedAt: new Date(T0 + n * 1000).toISOString(),
  });
  return id;
}

/** Stores a received 01 about sent document D0 (with its status record), after the documents. */
async function receivedStatus(): Promise<string> {
  const bytes = buildEdxml({
    kind: 'status', from: NGHE_AN, statusCode: '01', staffInfo: { department: 'Văn thư', staff: 'Văn thư' },
    responseFor: { organId: VPCP.organId, code: '100/VPCP-TTĐT', promulgationDate: '2025-03-10', documentId: 'D0' },
  });
  const blob = await store.putBlob(bytes);
  const at = new Date(T0 + 60_000).toISOString();
  await store.addInbox({
    id: 'i_s', axisDocId: 's', messageType: 'status', from: VPCP.organId, to: NGHE_AN.organId, documentId: 'D0', operation: `01@${at}`, blob,
    summary: { code: '100/VPCP-TTĐT', statusCode: '01' }, receivedAt: at,
  });
  await store.addStatus({ direction: 'in', documentId: 'D0', counterpart: VPCP.organId, agency: NGHE_AN.organId, code: '01', at, recordedAt: at, inboxId: 'i_s' });
  return 'i_s';
}

describe('hand-over order: an entry that cannot be handed over does not hold up the ones after it', () => {
  test('documents whose handler throws (more than one claim of them) wait out a back-off; the ones received later are handed over in the same pass', async () => {
    const clock = { ms: T0 + 120_000 };
    const ctx = receiver(clock);
    for (const n of [1, 2, 3]) await receivedDocument(n);
    await receivedStatus();
    const calls: string[] = [];
    const statuses: string[] = [];
    const errors: ErrorEvent[] = [];
    let refuse = new Set(['i_d1', 'i_d2']);
    ctx.events.on('document', (d) => {
      calls.push(d.inboxId);
      if (refuse.has(d.inboxId)) throw new Error(`the application cannot take ${d.documentId} now`);
    });
    ctx.events.on('status', (s) => void statuses.push(s.inboxId));
    ctx.events.on('error', (e) => void errors.push(e));
    const handOver = new HandOver(ctx);

    expect(await handOver.pass()).toBe(2);
    expect(calls).toEqual(['i_d1', 'i_d2', 'i_d3']);
    expect(statuses).toEqual(['i_s']);
    expect(errors.map((e) => [e.phase, e.inboxId])).toEqual([['handover', 'i_d1'], ['handover', 'i_d2']]);
    // each failed entry is held (a lease of this worker) for the first back-off step, 1 s
    for (const id of ['i_d1', 'i_d2']) {
      const held = (await store.getInbox(id))!;
      expect(held.handedOverAt).toBeUndefined();
      expect(held.lease).toEqual({ workerId: 'w1', expiresAt: new Date(clock.ms + 1_000).toISOString() });
    }
    expect((await store.getInbox('i_d3'))!.handedOverAt).toBeDefined();

    // a pass within the back-off leaves them alone
    clock.ms += 999;
    expect(await handOver.pass()).toBe(0);
    expect(calls).toHaveLength(3);

    // after it, they are tried again; still refused, the next step is twice as long
    clock.ms += 1;
    expect(await handOver.pass()).toBe(0);
    expect(calls.slice(3)).toEqual(['i_d1', 'i_d2']);
    expect((await store.getInbox('i_d1'))!.lease!.expiresAt).toBe(new Date(clock.ms + 2_000).toISOString());

    // and handed over once the application takes them
    refuse = new Set();
    clock.ms += 2_000;
    expect(await handOver.pass()).toBe(2);
    expect(calls.slice(5)).toEqual(['i_d1', 'i_d2']);
    for (const id of ['i_d1', 'i_d2']) expect(await store.getInbox(id)).toMatchObject({ handedOverAt: expect.any(String) });
    expect((await store.getInbox('i_d1'))!.lease).toBeUndefined();
  });

  test('with nobody listening for documents, a status behind more than one claim of waiting documents is handed over, and the documents are not claimed', async () => {
    const clock = { ms: T0 + 120_000 };
    const ctx = receiver(clock);
    for (const n of [1, 2, 3]) await receivedDocument(n);
    await receivedStatus();
    const versions = await Promise.all(['i_d1', 'i_d2', 'i_d3'].map(async (id) => (await store.getInbox(id))!.version));
    const statuses: string[] = [];
    ctx.events.on('status', (s) => void statuses.push(s.inboxId));
    const handOver = new HandOver(ctx);

    expect(await handOver.pass()).toBe(1);
    expect(statuses).toEqual(['i_s']);
    const after = await Promise.all(['i_d1', 'i_d2', 'i_d3'].map((id) => store.getInbox(id)));
    expect(after.map((e) => e!.version)).toEqual(versions);
    expect(after.map((e) => e!.lease)).toEqual([undefined, undefined, undefined]);
  });

  test('a document whose stored package is damaged is reported with the store error and held; the documents after it are handed over', async () => {
    const clock = { ms: T0 + 120_000 };
    const ctx = receiver(clock);
    // over 64 KiB: kept in a blob file of its own, checked against its SHA-256 as it is read
    const damaged = await receivedDocument(1, 100_000);
    await receivedDocument(2);
    await receivedDocument(3);
    const [file] = (await readdir(join(dir, 'blobs'))).filter((f) => f.endsWith('.blob'));
    const path = join(dir, 'blobs', file!);
    const bytes = await readFile(path);
    bytes[5_000] = bytes[5_000]! ^ 0x01;
    await writeFile(path, bytes);

    const handed: string[] = [];
    const errors: ErrorEvent[] = [];
    ctx.events.on('document', (d) => void handed.push(d.inboxId));
    ctx.events.on('error', (e) => void errors.push(e));
    const handOver = new HandOver(ctx);
    expect(await handOver.pass()).toBe(2);
    expect(handed).toEqual(['i_d2', 'i_d3']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ phase: 'handover', inboxId: damaged });
    expect(errors[0]!.error).toBeInstanceOf(StoreError);
    expect((errors[0]!.error as StoreError).code).toBe('VDXP_STORE_CORRUPT');
    expect((await store.getInbox(damaged))!.lease!.expiresAt).toBe(new Date(clock.ms + 1_000).toISOString());

    // restored (from a backup): handed over after the back-off
    bytes[5_000] = bytes[5_000]! ^ 0x01;
    await writeFile(path, bytes);
    clock.ms += 1_000;
    expect(await handOver.pass()).toBe(1);
    expect(handed).toEqual(['i_d2', 'i_d3', damaged]);
  });
});
