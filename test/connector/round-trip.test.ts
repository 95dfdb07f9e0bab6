import { afterEach, describe, expect, test } from 'vitest';
import type { DocumentEvent } from '../../src/connector/events.js';
import { NGHE_AN, VPCP, letter, startNetwork, until, type Network } from '../helpers/connector-setup.js';

let net: Network | undefined;
afterEach(async () => {
  await net?.close();
  net = undefined;
});

describe('Connector round trip on a LocalAxis', () => {
  test('send → receive → 01 automatic → 03 → 04 → 05 → 06, visible in the sender\'s tracking', async () => {
    net = await startNetwork();
    const [g22, h41] = net.sides as [typeof net.sides[0], typeof net.sides[0]];
    const documents: DocumentEvent[] = [];
    h41.connector.on('document', (d) => void documents.push(d));

    const handle = await g22.connector.send(letter(VPCP, [NGHE_AN]));
    const report = await handle.delivered;
    expect(report).toMatchObject({ documentId: handle.documentId, outboxId: handle.outboxId, attempts: 1, recovered: false });
    expect(report.axisDocId).toMatch(/^[0-9a-f]{24}$/);
    expect(report.steps.buildMs).toBeGreaterThanOrEqual(0);

    await until([h41.connector], () => documents.length === 1);
    const doc = documents[0]!;
    expect(doc).toMatchObject({ documentId: handle.documentId, from: VPCP.organId, to: NGHE_AN.organId });
    expect(doc.message.subject).toMatch(/thử nghiệm liên thông/);

    for (const code of ['03', '04', '05', '06']) {
      const r = await h41.connector.report(doc.inboxId, code, { staff: { staff: `Cán bộ ${code}` }, description: `bước ${code}` });
      await r.delivered;
    }
    await until([g22.connector], async () => {
      const [sent] = await g22.connector.sentTracking();
      return sent?.recipients[0]?.events.length === 5;
    });
    const [sent] = await g22.connector.sentTracking();
    expect(sent).toMatchObject({ documentId: handle.documentId, state: 'sent', axisDocId: report.axisDocId });
    expect(sent!.recipients[0]!.events.map((e) => e.code)).toEqual(['01', '03', '04', '05', '06']);
    expect(sent!.recipients[0]!.events[1]).toMatchObject({ staff: { staff: 'Cán bộ 03' }, description: 'bước 03' });
    expect(await g22.connector.reportingClasses()).toEqual({ [NGHE_AN.organId]: 'full' });

    const [received] = await h41.connector.receivedTracking();
    expect(received!.reported.map((e) => e.code)).toEqual(['01', '03', '04', '05', '06']);
    const tracking = await g22.connector.tracking(handle.documentId);
    expect(tracking.classes).toEqual({ [NGHE_AN.organId]: 'full' });
  });
});
