import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ConnectorContext } from '../../src/connector/context.js';
import type { DocumentEvent } from '../../src/connector/events.js';
import { HandOver } from '../../src/connector/handover.js';
import { buildEdxml } from '../../src/edxml/build.js';
import { FileStore } from '../../src/store/file-store.js';
import { NGHE_AN, VPCP, connectorContext, letter } from '../helpers/connector-setup.js';

let dir: string;
let store: FileStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-handover-'));
  store = await FileStore.open({ dir, fsync: false });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A connector context for `agency` on the test's store (an axis nobody answers). */
const contextFor = (agency: typeof VPCP): ConnectorContext => connectorContext(store, agency);

describe('hand-over beside the receive loop', () => {
  test('a document whose arrival steps are under way (in this process, or 01 not yet recorded) is left, lease released, and handed over by a later pass', async () => {
    const ctx = contextFor(NGHE_AN);
    const { events } = ctx;
    const { to: _to, ...input } = letter(VPCP, [NGHE_AN]);
    const bytes = buildEdxml({ kind: 'edoc', ...input, from: VPCP, to: [NGHE_AN], documentId: 'D1' });
    const blob = await store.putBlob(bytes);
    await store.addInbox({
      id: 'i_a1', axisDocId: 'a1', messageType: 'edoc', from: VPCP.organId, to: NGHE_AN.organId, documentId: 'D1', operation: 'new', blob,
      summary: { code: '101/VPCP-TTĐT' }, receivedAt: new Date().toISOString(),
    });
    const documents: DocumentEvent[] = [];
    events.on('document', (d) => void documents.push(d));
    const handOver = new HandOver(ctx);

    ctx.arriving.add('i_a1');
    expect(await handOver.pass()).toBe(0);
    expect(documents).toEqual([]);
    const left = await store.getInbox('i_a1');
    expect(left).toMatchObject({ id: 'i_a1' });
    expect(left!.lease).toBeUndefined();
    expect(left!.handedOverAt).toBeUndefined();

    // arrival done in this process, but 01 not recorded yet (as another worker would leave it): still waits
    ctx.arriving.delete('i_a1');
    expect(await handOver.pass()).toBe(0);
    expect(documents).toEqual([]);
    // 01 reported: the arrival steps are done
    await store.updateInbox('i_a1', { lifecycle: '01' });
    expect(await handOver.pass()).toBe(1);
    expect(documents.map((d) => d.inboxId)).toEqual(['i_a1']);
    expect((await store.getInbox('i_a1'))!.handedOverAt).toEqual(expect.any(String));
  });
});

describe('hand-over of a status whose record is not there yet', () => {
  test('waits (another worker, or a crash, left its arrival steps unfinished) and is handed over with its event once recorded', async () => {
    const ctx = contextFor(VPCP);
    const { events } = ctx;
    const bytes = buildEdxml({
      kind: 'status', from: NGHE_AN, statusCode: '01', staffInfo: { department: 'Văn thư', staff: 'Văn thư' },
      responseFor: { organId: VPCP.organId, code: '101/VPCP-TTĐT', promulgationDate: '2025-03-10', documentId: 'D1' },
    });
    const blob = await store.putBlob(bytes);
    const at = new Date().toISOString();
    await store.addInbox({
      id: 'i_s1', axisDocId: 's1', messageType: 'status', from: NGHE_AN.organId, to: VPCP.organId, documentId: 'D1', operation: `01@${at}`, blob,
      summary: { code: '101/VPCP-TTĐT', statusCode: '01' }, receivedAt: at,
    });
    const seen: string[] = [];
    events.on('status', (e) => void seen.push(e.code));
    const handOver = new HandOver(ctx);
    expect(await handOver.pass()).toBe(0);
    expect(seen).toEqual([]);
    expect((await store.getInbox('i_s1'))!.handedOverAt).toBeUndefined();
    await store.addStatus({ direction: 'in', documentId: 'D1', counterpart: NGHE_AN.organId, agency: VPCP.organId, code: '01', at, recordedAt: at, inboxId: 'i_s1' });
    expect(await handOver.pass()).toBe(1);
    expect(seen).toEqual(['01']);
  });
});
