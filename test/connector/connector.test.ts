import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Connector } from '../../src/connector/connector.js';
import type { OverdueEvent } from '../../src/connector/events.js';
import { FileStore } from '../../src/store/file-store.js';
import { LocalAxis } from '../../src/testing/local-axis.js';
import { NGHE_AN, VPCP, letter, startNetwork, until, type Network } from '../helpers/connector-setup.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('Connector options', () => {
  test('are checked once, at construction, naming each bad option', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vdxp-opt-'));
    const store = await FileStore.open({ dir });
    cleanups.push(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    const axis = { endpoint: 'http://127.0.0.1:9', systemId: VPCP.organId, secret: 's' };
    const bad = (o: object) => () => new Connector(o as never);
    expect(bad({ axis, store })).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID', message: expect.stringContaining('agency') }));
    expect(bad({ axis, store, agency: VPCP, agencies: [VPCP] })).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID' }));
    expect(bad({ axis, store, agency: { organId: VPCP.organId } })).toThrow(expect.objectContaining({ message: expect.stringContaining('agency.organName') }));
    expect(bad({ axis, store: {}, agency: VPCP })).toThrow(expect.objectContaining({ message: expect.stringContaining('store') }));
    expect(bad({ axis, store, agency: VPCP, pollIntervalMs: 0 })).toThrow(expect.objectContaining({ message: expect.stringContaining('pollIntervalMs') }));
    expect(bad({ axis, store, agency: VPCP, colour: 'red' })).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID' }));
    expect(bad({ axis, store, agency: VPCP, deadlines: { receipt: 'never' } })).toThrow(expect.objectContaining({ message: expect.stringContaining('deadlines') }));
    expect(bad({ axis: { ...axis, secret: 'do-not-echo-this' }, store, agency: VPCP, retry: { maxAttempts: 0 } })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('do-not-echo-this') }),
    );
    const ok = new Connector({ axis, store, agencies: [VPCP, NGHE_AN], workerId: 'w-1' });
    expect(ok.agencies.map((a) => a.organId)).toEqual([VPCP.organId, NGHE_AN.organId]);
    expect(ok.workerId).toBe('w-1');
  });
});

describe('a provincial hub: several agencies behind one axis connection', () => {
  test('receives for each of its agencies, answers from each, and sends on behalf of any', async () => {
    const SUB = { organId: '000.12.34.H41', organName: 'Sở Nội vụ tỉnh Nghệ An' };
    const axis = await LocalAxis.start({
      systems: [
        { systemId: VPCP.organId, secret: 'g' },
        { systemId: NGHE_AN.organId, secret: 'h', agencies: [{ code: SUB.organId, name: SUB.organName }] },
      ],
    });
    const dirs = [await mkdtemp(join(tmpdir(), 'vdxp-hub-')), await mkdtemp(join(tmpdir(), 'vdxp-hub-'))];
    const stores = [await FileStore.open({ dir: dirs[0]! }), await FileStore.open({ dir: dirs[1]! })];
    const common = { pollIntervalMs: 50, retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 50 } };
    const vpcp = new Connector({ axis: { endpoint: axis.url, systemId: VPCP.organId, secret: 'g' }, store: stores[0]!, agency: VPCP, ...common });
    const hub = new Connector({ axis: { endpoint: axis.url, systemId: NGHE_AN.organId, secret: 'h' }, store: stores[1]!, agencies: [NGHE_AN, SUB], ...common });
    cleanups.push(async () => {
      await vpcp.stop();
      await hub.stop();
      for (const s of stores) await s.close();
      for (const d of dirs) await rm(d, { recursive: true, force: true });
      await axis.close();
    });
    const { documentId, delivered } = await vpcp.send(letter(VPCP, [NGHE_AN, SUB]));
    await delivered;
    await until([hub], async () => (await hub.receivedTracking()).length === 2);
    const received = await hub.receivedTracking();
    const inbox = await stores[1]!.listInbox({ messageType: 'edoc' });
    expect(inbox.map((e) => e.to).sort()).toEqual([NGHE_AN.organId, SUB.organId].sort());
    // by DocumentId alone it is ambiguous: the inbox id says which agency reports
    await expect(hub.report(documentId, '03')).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_NOT_FOUND' });
    const subEntry = inbox.find((e) => e.to === SUB.organId)!;
    await (await hub.report(subEntry.id, '03')).delivered;
    expect(received.every((r) => r.reported[0]?.code === "01")).toBe(true);
    await until([vpcp], async () => (await vpcp.sentTracking())[0]!.recipients.every((r) => r.events.length >= 1) && (await vpcp.sentTracking())[0]!.recipients.find((r) => r.organId === SUB.organId)!.events.length === 2);
    const [sent] = await vpcp.sentTracking();
    expect(Object.fromEntries(sent!.recipients.map((r) => [r.organId, r.events.map((e) => e.code)]))).toEqual({ [NGHE_AN.organId]: ['01'], [SUB.organId]: ['01', '03'] });
    expect(await vpcp.reportingClasses()).toEqual({ [NGHE_AN.organId]: 'arrival-only', [SUB.organId]: 'partial' });

    const fromSub = await hub.send(letter(SUB, [VPCP]));
    const report = await fromSub.delivered;
    expect(report.documentId.startsWith(`${SUB.organId},`)).toBe(true);
    await until([vpcp], async () => (await vpcp.receivedTracking()).length === 1);
    expect((await vpcp.receivedTracking())[0]).toMatchObject({ fromOrganId: SUB.organId, fromOrganName: SUB.organName });
  });
});

describe('deadlines and reports', () => {
  let net: Network | undefined;
  afterEach(async () => {
    await net?.close();
    net = undefined;
  });

  test('overdue items raise one event each, once, on both sides; the compliance report counts them', async () => {
    let clock = new Date('2025-03-10T02:00:00Z'); // Monday 09:00 in Vietnam
    const now = () => clock;
    net = await startNetwork([VPCP, NGHE_AN], { connector: { now, deadlines: {} } });
    const [g22, h41] = [net.sides[0]!, net.sides[1]!];
    const overdue: { side: string; item: OverdueEvent['item'] }[] = [];
    g22.connector.on('overdue', ({ item }) => void overdue.push({ side: 'g22', item }));
    h41.connector.on('overdue', ({ item }) => void overdue.push({ side: 'h41', item }));
    const { documentId, delivered } = await g22.connector.send(letter(VPCP, [NGHE_AN]));
    await delivered;
    await until([h41.connector, g22.connector], async () => ((await g22.connector.sentTracking())[0]?.recipients[0]?.events.length ?? 0) === 1);
    expect(await g22.connector.checkDeadlines()).toEqual([]);

    clock = new Date('2025-03-12T02:00:00Z'); // two working days later: 03 was due on Monday
    const atSender = await g22.connector.checkDeadlines();
    const atRecipient = await h41.connector.checkDeadlines();
    expect(atSender).toEqual([expect.objectContaining({ side: 'sent', documentId, counterpart: NGHE_AN.organId, stage: '03' })]);
    expect(atRecipient).toEqual([expect.objectContaining({ side: 'received', documentId, counterpart: VPCP.organId, stage: '03' })]);
    await g22.connector.checkDeadlines();
    await h41.connector.checkDeadlines();
    expect(overdue.map((o) => `${o.side}:${o.item.side}:${o.item.stage}`).sort()).toEqual(['g22:sent:03', 'h41:received:03']);

    // restarted, it still remembers what it raised
    await h41.restart();
    h41.connector.on('overdue', ({ item }) => void overdue.push({ side: 'h41', item }));
    await h41.connector.checkDeadlines();
    expect(overdue).toHaveLength(2);

    const report = await g22.connector.complianceReport({ from: new Date('2025-03-01T00:00:00+07:00'), to: new Date('2025-04-01T00:00:00+07:00') });
    expect(report).toMatchObject({ kind: 'vdxp-compliance-report', agency: { organId: VPCP.organId }, totals: { sentDocuments: 1, overdue: 1 } });
    expect(report.counterparts.find((c) => c.organId === NGHE_AN.organId)).toMatchObject({ sent: 1, reportingClass: 'arrival-only', overdue: 1 });
  });
});
