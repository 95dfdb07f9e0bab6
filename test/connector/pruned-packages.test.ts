/**
 * The connector after `prunePackages`: a received package listed again is acked and nothing
 * more, tracking goes on, and an operation that needs a pruned sent package fails clearly.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { DocumentEvent, ErrorEvent } from '../../src/connector/events.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { NGHE_AN, SECRETS, VPCP, letter, startNetwork, until, type Network, type Side } from '../helpers/connector-setup.js';

let net: Network | undefined;
afterEach(async () => {
  await net?.close();
  net = undefined;
});

const soon = () => new Date(Date.now() + 60_000).toISOString();

async function waiting(n: Network, side: Side): Promise<number> {
  const client = new AxisClient({ endpoint: n.axis.url, systemId: side.agency.organId, secret: SECRETS[side.agency.organId]! });
  return (await client.getReceivedEdocList({ messageType: 'edoc' })).items.length;
}

describe('the connector after prunePackages', () => {
  test('a received package listed again after its package was pruned is acked, not handed over again', async () => {
    net = await startNetwork();
    const [g22, h41] = [net.sides[0]!, net.sides[1]!];
    const docs: DocumentEvent[] = [];
    const errors: ErrorEvent[] = [];
    h41.connector.on('document', (d) => void docs.push(d));
    await (await g22.connector.send(letter(VPCP, [NGHE_AN]))).delivered;
    // stored and handed over, but the ack fails: the axis lists it again later
    net.axis.setFaults({ errorRate: 1, operations: ['updateStatus'] });
    await until([], async () => {
      await h41.connector.runOnce();
      return (await h41.store.listInbox({ messageType: 'edoc', handedOver: true })).length === 1;
    });
    net.axis.setFaults(undefined);
    const result = await h41.store.prunePackages!({ before: soon(), now: new Date() });
    expect(result.records.inbox).toBe(1);
    const [entry] = await h41.store.listInbox({ messageType: 'edoc' });
    expect(entry!.packagePrunedAt).toBeDefined();
    await expect(h41.store.openBlob(entry!.blob.ref)).rejects.toThrow(expect.objectContaining({ code: 'VDXP_STORE_NOT_FOUND' }));
    h41.connector.on('error', (e) => void errors.push(e));
    expect(await waiting(net, h41)).toBe(1);
    const again = await h41.connector.runOnce();
    expect(again.received).toMatchObject({ stored: 0, duplicates: 1, failed: 0 });
    expect(await waiting(net, h41)).toBe(0);
    expect(docs).toHaveLength(1);
    expect(errors).toEqual([]);
    // what the receiver reports about it still works
    await h41.connector.report(entry!.id, '03');
    expect((await h41.store.getInbox(entry!.id))!.lifecycle).toBe('03');
  });

  test('revoking or updating a sent document whose package was pruned fails with VDXP_CONNECTOR_PACKAGE_PRUNED; tracking goes on', async () => {
    net = await startNetwork();
    const [g22] = [net.sides[0]!];
    const { documentId, delivered } = await g22.connector.send(letter(VPCP, [NGHE_AN]));
    await delivered;
    expect((await g22.store.prunePackages!({ before: soon(), now: new Date() })).records.outbox).toBe(0);
    expect((await g22.store.prunePackages!({ before: soon(), now: new Date(), sent: true })).records.outbox).toBe(1);
    const refused = expect.objectContaining({
      code: 'VDXP_CONNECTOR_PACKAGE_PRUNED',
      message: expect.stringContaining(`the package of sent document ${documentId} was removed from the store on`),
      messageVi: expect.stringContaining(`Gói tin của văn bản đi ${documentId} đã được xoá khỏi kho lưu`),
    });
    await expect(g22.connector.revoke(documentId, { reason: 'Sai thể thức' })).rejects.toThrow(refused);
    await expect(g22.connector.update(documentId, { metadata: { subject: 'V/v mới' } })).rejects.toThrow(refused);
    await expect(g22.connector.requestTakeBack(documentId, { reason: 'Sai sót' })).rejects.toThrow(refused);
    expect((await g22.store.listOutbox({ messageType: 'edoc' })).map((e) => e.operation)).toEqual(['new']);
    const [tracked] = await g22.connector.sentTracking();
    expect(tracked).toMatchObject({ documentId });
  });
});
