import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ConnectorError, InputError } from '../../src/errors.js';
import type { ErrorEvent } from '../../src/connector/events.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { NGHE_AN, NOI_VU, VPCP, letter, startNetwork, until, type Network, type Side } from '../helpers/connector-setup.js';

let net: Network | undefined;
afterEach(async () => {
  await net?.close();
  net = undefined;
});

function pair(n: Network): [Side, Side] {
  return [n.sides[0]!, n.sides[1]!];
}

async function sentOnAxis(n: Network): Promise<number> {
  const client = new AxisClient({ endpoint: n.axis.url, systemId: VPCP.organId, secret: 'secret-g22' });
  return new Set((await client.getSentEdocList({ messageType: 'edoc' })).items.map((r) => r.senderDocId)).size;
}

describe('send', () => {
  test.each([
    ['mat', 'Mật'],
    ['toi-mat', 'Tối mật'],
    ['tuyet-mat', 'Tuyệt mật'],
    ['confidential', 'Mật'],
    ['topSecret', 'Tuyệt mật'],
  ] as const)('refuses a document marked %s and says why, in Vietnamese and English', async (secrecy, vi) => {
    net = await startNetwork();
    const [g22] = pair(net);
    const e = await g22.connector.send(letter(VPCP, [NGHE_AN], { secrecy })).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(ConnectorError);
    expect(e).toMatchObject({ code: 'VDXP_CONNECTOR_SECRET_REFUSED', message: expect.stringMatching(/must not be sent over the axis/) });
    expect((e as ConnectorError).messageVi).toContain(`"${vi}"`);
    expect(await g22.store.listOutbox()).toEqual([]);
    expect(await sentOnAxis(net)).toBe(0);
  });

  test('refuses an invalid document with every issue, queueing nothing', async () => {
    net = await startNetwork();
    const [g22] = pair(net);
    const e = await g22.connector
      .send(letter(VPCP, [NGHE_AN, NGHE_AN], { promulgationInfo: { promulgationDate: '2999-01-01' } }))
      .then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(InputError);
    const paths = (e as InputError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['to.1.organId', 'promulgationInfo.promulgationDate']));
    expect(await g22.store.listOutbox()).toEqual([]);
  });

  test('refuses a sender that is not one of its agencies', async () => {
    net = await startNetwork();
    const [g22] = pair(net);
    await expect(g22.connector.send(letter(NGHE_AN, [VPCP]))).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_NOT_FOUND' });
  });

  test('an ambiguous failure (accepted, then the connection cut) is found in the sent list and not sent again', async () => {
    net = await startNetwork();
    const [g22, h41] = pair(net);
    net.axis.setFaults({ dropAfterRate: 1, operations: ['sendEdoc'] });
    const handle = await g22.connector.send(letter(VPCP, [NGHE_AN]));
    const report = await handle.delivered;
    net.axis.setFaults(undefined);
    expect(report).toMatchObject({ attempts: 1, recovered: true });
    expect(await sentOnAxis(net)).toBe(1);
    expect((await g22.store.getOutbox(handle.outboxId))!.axisDocId).toBe(report.axisDocId);
    await until([h41.connector], async () => (await h41.store.listInbox({ messageType: 'edoc' })).length === 1);
    const result = await h41.connector.runOnce();
    expect(result.received.stored + result.received.duplicates).toBe(0);
  });

  test('a connection cut before the axis read the request is sent again', async () => {
    net = await startNetwork();
    const [g22] = pair(net);
    net.axis.setFaults({ dropRate: 1, operations: ['sendEdoc'] });
    const handle = await g22.connector.send(letter(VPCP, [NGHE_AN]));
    await until([], async () => ((await g22.store.getOutbox(handle.outboxId))?.attempts ?? 0) >= 1 && (await g22.store.getOutbox(handle.outboxId))?.state === 'pending');
    expect((await g22.store.getOutbox(handle.outboxId))!.lastError).toMatchObject({ code: 'VDXP_TRANSPORT_NETWORK' });
    net.axis.setFaults(undefined);
    const report = await handle.delivered;
    expect(report).toMatchObject({ recovered: false });
    expect(report.attempts).toBeGreaterThanOrEqual(2);
    expect(await sentOnAxis(net)).toBe(1);
  });

  test('an entry left "sending" by a crash is looked up before it is sent again', async () => {
    net = await startNetwork();
    const [g22] = pair(net);
    net.axis.setFaults({ dropAfterRate: 1, operations: ['sendEdoc'] });
    const handle = await g22.connector.send(letter(VPCP, [NGHE_AN]));
    await handle.delivered;
    const entry = (await g22.store.getOutbox(handle.outboxId))!;
    // pretend the process died with the entry `sending`
    await g22.connector.stop();
    await g22.store.updateOutbox(entry.id, { state: 'sending', axisDocId: null, sentAt: null });
    net.axis.setFaults(undefined);
    await g22.restart();
    await until([g22.connector], async () => (await g22.store.getOutbox(handle.outboxId))?.state === 'sent');
    expect((await g22.store.getOutbox(handle.outboxId))!).toMatchObject({ axisDocId: entry.axisDocId, attempts: entry.attempts });
    expect(await sentOnAxis(net)).toBe(1);
  });

  test('an axis refusal fails the entry for good and reports it', async () => {
    net = await startNetwork();
    const [g22] = pair(net);
    const errors: ErrorEvent[] = [];
    g22.connector.on('error', (e) => void errors.push(e));
    const handle = await g22.connector.send(letter(VPCP, [NOI_VU])); // not served by this axis
    await expect(handle.delivered).rejects.toMatchObject({ code: 'VDXP_AXIS_FAIL' });
    expect(await g22.store.getOutbox(handle.outboxId)).toMatchObject({ state: 'failed', attempts: 1, lastError: { code: 'VDXP_AXIS_FAIL' } });
    expect(errors.some((e) => e.phase === 'send' && e.outboxId === handle.outboxId)).toBe(true);
  });

  test.each([
    ['a bit flipped', (b: Buffer) => Buffer.concat([b.subarray(0, 1000), Buffer.from([b[1000]! ^ 1]), b.subarray(1001)])],
    ['cut short', (b: Buffer) => b.subarray(0, b.length - 200)],
  ] as const)('a package whose stored bytes are damaged (%s) fails for good with VDXP_STORE_CORRUPT, and the axis gets nothing', async (_, damage) => {
    net = await startNetwork();
    const [g22] = pair(net);
    await g22.connector.stop(); // queue only: the package is damaged before it goes
    const scan = new Uint8Array(200_000).map((_, i) => (i * 7919) % 251); // a package over 64 KiB: a blob file of its own
    const handle = await g22.connector.send(letter(VPCP, [NGHE_AN], { attachments: [{ contentId: 'scan', name: 'scan.pdf', contentType: 'application/pdf', data: scan }] }));
    const entry = (await g22.store.getOutbox(handle.outboxId))!;
    const path = join(g22.dir, 'blobs', `${entry.blob.ref}.blob`);
    await writeFile(path, damage(await readFile(path)));
    g22.connector.start();
    await expect(handle.delivered).rejects.toMatchObject({ code: 'VDXP_STORE_CORRUPT' });
    expect(await g22.store.getOutbox(handle.outboxId)).toMatchObject({ state: 'failed', attempts: 1, lastError: { code: 'VDXP_STORE_CORRUPT' } });
    expect(await sentOnAxis(net)).toBe(0);
  });

  test('retries with back-off, then gives up after maxAttempts', async () => {
    net = await startNetwork(undefined, { connector: { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } } });
    const [g22] = pair(net);
    net.axis.setFaults({ errorRate: 1, operations: ['sendEdoc'] });
    const handle = await g22.connector.send(letter(VPCP, [NGHE_AN]));
    await expect(handle.delivered).rejects.toMatchObject({ code: 'VDXP_AXIS_FAIL' });
    expect(await g22.store.getOutbox(handle.outboxId)).toMatchObject({ state: 'failed', attempts: 3 });
  });

  test('a package that went twice (a crash between the axis answer and the record) is one document for the recipient and in tracking', async () => {
    net = await startNetwork();
    const [g22, h41] = pair(net);
    const handle = await g22.connector.send(letter(VPCP, [NGHE_AN]));
    await handle.delivered;
    // what a resend after such a crash puts on the axis: the same stored package again
    const entry = (await g22.store.getOutbox(handle.outboxId))!;
    const chunks: Buffer[] = [];
    for await (const c of await g22.store.openBlob(entry.blob.ref)) chunks.push(c as Buffer);
    await new AxisClient({ endpoint: net.axis.url, systemId: VPCP.organId, secret: 'secret-g22' }).sendEdoc(Buffer.concat(chunks), { messageType: 'edoc', from: VPCP.organId });
    expect(await sentOnAxis(net)).toBe(2);
    const docs: string[] = [];
    h41.connector.on('document', (d) => void docs.push(d.inboxId));
    const totals = { stored: 0, duplicates: 0 };
    await until([], async () => {
      const r = await h41.connector.runOnce();
      totals.stored += r.received.stored;
      totals.duplicates += r.received.duplicates;
      return totals.stored + totals.duplicates === 2;
    });
    expect(totals).toEqual({ stored: 1, duplicates: 1 });
    expect(docs).toHaveLength(1);
    expect((await h41.store.listOutbox({ messageType: 'status' })).map((o) => o.operation)).toEqual(['01']);
    await until([g22.connector], async () => ((await g22.connector.sentTracking())[0]?.recipients[0]?.events.length ?? 0) === 1);
    const tracking = await g22.connector.sentTracking();
    expect(tracking).toHaveLength(1);
    expect(tracking[0]!.recipients[0]!.events.map((e) => e.code)).toEqual(['01']);
  });

  test('stop() lets the send under way finish', async () => {
    net = await startNetwork();
    const [g22] = pair(net);
    net.axis.setFaults({ latencyMs: 300, operations: ['sendEdoc'] });
    g22.connector.start();
    const handle = await g22.connector.send(letter(VPCP, [NGHE_AN]));
    await until([], async () => (await g22.store.getOutbox(handle.outboxId))?.state === 'sending');
    await g22.connector.stop();
    expect(await g22.store.getOutbox(handle.outboxId)).toMatchObject({ state: 'sent', attempts: 1 });
    await expect(handle.delivered).resolves.toMatchObject({ outboxId: handle.outboxId });
  });

  test('the send report times each step', async () => {
    net = await startNetwork();
    const [g22] = pair(net);
    const report = await (await g22.connector.send(letter(VPCP, [NGHE_AN]))).delivered;
    for (const step of ['validateMs', 'buildMs', 'storeMs', 'waitMs', 'sendMs'] as const) expect(report.steps[step]).toBeGreaterThanOrEqual(0);
    expect(Date.parse(report.sentAt)).toBeGreaterThanOrEqual(Date.parse(report.createdAt));
  });
  test('a caller-chosen outboxId makes send idempotent: the second call queues nothing and the axis gets one package', async () => {
    net = await startNetwork();
    const [g22] = pair(net);
    const doc = letter(VPCP, [NGHE_AN]);
    const first = await g22.connector.send(doc, { outboxId: 'drop-0001' });
    const report = await first.delivered;
    const again = await g22.connector.send(doc, { outboxId: 'drop-0001' });
    expect(again).toMatchObject({ outboxId: 'drop-0001', documentId: first.documentId });
    await expect(again.delivered).resolves.toMatchObject({ axisDocId: report.axisDocId });
    expect(await g22.store.listOutbox({ messageType: 'edoc' })).toHaveLength(1);
    expect(await sentOnAxis(net)).toBe(1);
  });

  test('refuses a malformed outboxId before queueing anything', async () => {
    net = await startNetwork();
    const [g22] = pair(net);
    await expect(g22.connector.send(letter(VPCP, [NGHE_AN]), { outboxId: '../x' })).rejects.toMatchObject({ code: 'VDXP_INPUT_INVALID', issues: [expect.objectContaining({ path: 'outboxId' })] });
    expect(await g22.store.listOutbox()).toEqual([]);
  });
});
