import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { DocumentEvent, ErrorEvent } from '../../src/connector/events.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { buildEdxml } from '../../src/edxml/build.js';
import { NGHE_AN, VPCP, letter, startNetwork, until, type Network, type Side } from '../helpers/connector-setup.js';

let net: Network | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await net?.close();
  net = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function pair(n: Network): [Side, Side] {
  return [n.sides[0]!, n.sides[1]!];
}

async function waiting(n: Network, side: Side, messageType: 'edoc' | 'status'): Promise<number> {
  const secret = side.agency.organId === VPCP.organId ? 'secret-g22' : 'secret-h41';
  const client = new AxisClient({ endpoint: n.axis.url, systemId: side.agency.organId, secret });
  return (await client.getReceivedEdocList({ messageType })).items.length;
}

describe('the receive loop', () => {
  test('a delivery the axis duplicates is stored, acked and handed over once', async () => {
    net = await startNetwork();
    const [g22, h41] = pair(net);
    net.axis.setFaults({ duplicateRate: 1 });
    const docs: DocumentEvent[] = [];
    h41.connector.on('document', (d) => void docs.push(d));
    const { documentId, delivered } = await g22.connector.send(letter(VPCP, [NGHE_AN]));
    await delivered;
    net.axis.setFaults(undefined);
    expect(await waiting(net, h41, 'edoc')).toBe(2);
    const totals = { stored: 0, duplicates: 0 };
    await until([], async () => {
      const r = await h41.connector.runOnce();
      totals.stored += r.received.stored;
      totals.duplicates += r.received.duplicates;
      return docs.length >= 1 && (await waiting(net!, h41, 'edoc')) === 0;
    });
    expect(totals).toEqual({ stored: 1, duplicates: 1 });
    expect(docs).toHaveLength(1);
    expect(await h41.store.listInbox({ messageType: 'edoc' })).toHaveLength(1);
    await until([g22.connector], async () => ((await g22.connector.sentTracking())[0]?.recipients[0]?.events.length ?? 0) >= 1);
    const [sent] = await g22.connector.sentTracking();
    expect(sent!.documentId).toBe(documentId);
    expect(sent!.recipients[0]!.events.map((e) => e.code)).toEqual(['01']);
  });

  test('a handler that throws gets the same document again on a later pass; it is recorded once handed over', async () => {
    net = await startNetwork();
    const [g22, h41] = pair(net);
    const calls: string[] = [];
    const errors: ErrorEvent[] = [];
    h41.connector.on('error', (e) => void errors.push(e));
    h41.connector.on('document', (d) => {
      calls.push(d.inboxId);
      if (calls.length === 1) throw new Error('the application was busy');
    });
    await (await g22.connector.send(letter(VPCP, [NGHE_AN]))).delivered;
    await until([h41.connector], () => calls.length >= 2);
    expect(new Set(calls).size).toBe(1);
    expect(errors.some((e) => e.phase === 'handover' && e.inboxId === calls[0])).toBe(true);
    const [entry] = await h41.store.listInbox({ messageType: 'edoc' });
    expect(entry!.handedOverAt).toBeDefined();
    await h41.connector.runOnce();
    expect(calls).toHaveLength(2);
  });

  test('documents() yields each document; one being processed when the consumer breaks comes again', async () => {
    net = await startNetwork();
    const [g22, h41] = pair(net);
    await (await g22.connector.send(letter(VPCP, [NGHE_AN]))).delivered;
    const seen: string[] = [];
    for await (const doc of h41.connector.documents()) {
      seen.push(doc.inboxId);
      break; // not finished with it
    }
    const ac = new AbortController();
    for await (const doc of h41.connector.documents({ signal: ac.signal })) {
      seen.push(doc.inboxId);
      ac.abort();
    }
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    await h41.connector.stop();
    const [entry] = await h41.store.listInbox({ messageType: 'edoc' });
    expect(entry!.handedOverAt).toBeDefined();
  });

  test('the running loop reports failures as error events and goes on', async () => {
    net = await startNetwork();
    const [g22, h41] = pair(net);
    const errors: ErrorEvent[] = [];
    const docs: DocumentEvent[] = [];
    h41.connector.on('error', (e) => void errors.push(e));
    h41.connector.on('document', (d) => void docs.push(d));
    net.axis.setFaults({ nonJsonRate: 1, operations: ['getReceivedEdocList'] });
    h41.connector.start();
    h41.connector.start(); // idempotent: one loop
    await (await g22.connector.send(letter(VPCP, [NGHE_AN]))).delivered;
    await until([], () => errors.length >= 2);
    expect(errors[0]).toMatchObject({ phase: 'receive', error: expect.objectContaining({ code: 'VDXP_TRANSPORT_BAD_RESPONSE' }) });
    expect(docs).toEqual([]);
    net.axis.setFaults(undefined);
    await until([], () => docs.length === 1);
    await Promise.all([h41.connector.stop(), h41.connector.stop()]);
    await h41.connector.stop();
    expect(docs).toHaveLength(1);
  });

  test('an unreadable package is quarantined with its reason and acked fail', async () => {
    const axisDir = await mkdtemp(join(tmpdir(), 'vdxp-axis-'));
    dirs.push(axisDir);
    net = await startNetwork(undefined, { axisDataDir: axisDir });
    const [g22, h41] = pair(net);
    const errors: ErrorEvent[] = [];
    h41.connector.on('error', (e) => void errors.push(e));
    await (await g22.connector.send(letter(VPCP, [NGHE_AN]))).delivered;
    // damage the queued package in the axis's folder (same length, no longer XML)
    const [file] = (await readdir(join(axisDir, 'packages'))).filter((f) => f.endsWith('.edxml'));
    const path = join(axisDir, 'packages', file!);
    await writeFile(path, Buffer.alloc((await stat(path)).size, 'J'));
    const result = await h41.connector.runOnce();
    expect(result.received.quarantined).toBe(1);
    const [q] = await h41.connector.quarantine();
    expect(q).toMatchObject({ axisDocId: file!.replace('.edxml', ''), messageType: 'edoc', reason: { code: 'VDXP_EDXML_NOT_XML' } });
    expect(q!.blob?.size).toBe((await stat(path)).size);
    expect(await h41.store.listInbox()).toEqual([]);
    expect(await waiting(net, h41, 'edoc')).toBe(0);
    expect(errors.some((e) => e.phase === 'receive' && e.axisDocId === q!.axisDocId)).toBe(true);
  });

  test('a crash between storing and acking: the package comes again and is not stored twice', async () => {
    net = await startNetwork();
    const [g22, h41] = pair(net);
    const docs: DocumentEvent[] = [];
    h41.connector.on('document', (d) => void docs.push(d));
    await (await g22.connector.send(letter(VPCP, [NGHE_AN]))).delivered;
    net.axis.setFaults({ errorRate: 1, operations: ['updateStatus'] });
    const failing = await h41.connector.runOnce();
    expect(failing.received.failed).toBe(1);
    expect(await h41.store.listInbox({ messageType: 'edoc' })).toHaveLength(1);
    net.axis.setFaults(undefined);
    await h41.restart();
    h41.connector.on('document', (d) => void docs.push(d));
    const again = await h41.connector.runOnce();
    expect(again.received).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await h41.store.listInbox({ messageType: 'edoc' })).toHaveLength(1);
    expect(docs).toHaveLength(1);
    expect(await waiting(net, h41, 'edoc')).toBe(0);
    // one 01, not two
    expect((await h41.store.listOutbox({ messageType: 'status' })).map((o) => o.operation)).toEqual(['01']);
  });

  test('a status naming the document by issuer, date and Number/Notation (another DocumentId) attaches to it', async () => {
    net = await startNetwork();
    const [g22] = pair(net);
    const sent = letter(VPCP, [NGHE_AN]);
    const { documentId, delivered } = await g22.connector.send(sent);
    await delivered;
    const code = `${sent.code.codeNumber}/${sent.code.codeNotation}`;
    const status = buildEdxml({
      kind: 'status',
      from: NGHE_AN,
      responseFor: { organId: VPCP.organId, code, promulgationDate: '2025-03-10', documentId: `${VPCP.organId}-${sent.code.codeNumber}-khac` },
      statusCode: '03',
      description: 'Đã vào sổ',
    });
    await new AxisClient({ endpoint: net.axis.url, systemId: NGHE_AN.organId, secret: 'secret-h41' }).sendEdoc(status, { messageType: 'status' });
    const events: string[] = [];
    g22.connector.on('status', (e) => void events.push(`${e.documentId}:${e.code}:${e.matched}`));
    await until([g22.connector], () => events.length === 1);
    expect(events).toEqual([`${documentId}:03:true`]);
    expect((await g22.connector.sentTracking())[0]!.recipients[0]!.events.map((e) => e.code)).toEqual(['03']);
  });

  test('a restarted connector on the same FileStore continues where it stopped', async () => {
    net = await startNetwork();
    const [g22, h41] = pair(net);
    net.axis.setFaults({ dropRate: 1, operations: ['sendEdoc'] });
    const handle = await g22.connector.send(letter(VPCP, [NGHE_AN]));
    await until([], async () => ((await g22.store.getOutbox(handle.outboxId))?.attempts ?? 0) >= 1);
    await g22.restart();
    net.axis.setFaults(undefined);
    await until([g22.connector], async () => (await g22.store.getOutbox(handle.outboxId))?.state === 'sent');
    await until([h41.connector], async () => (await h41.store.listInbox({ messageType: 'edoc' })).length === 1);
    const [entry] = await h41.store.listInbox({ messageType: 'edoc' });
    await (await h41.connector.report(entry!.id, '03')).delivered;
    await h41.restart();
    await expect(h41.connector.report(entry!.id, '02', { description: 'nhầm' })).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_BAD_TRANSITION' });
    await (await h41.connector.report(entry!.id, '04')).delivered;
    await until([g22.connector], async () => ((await g22.connector.sentTracking())[0]?.recipients[0]?.events.length ?? 0) === 3);
    expect((await g22.connector.sentTracking())[0]!.recipients[0]!.events.map((e) => e.code)).toEqual(['01', '03', '04']);
  });
});
