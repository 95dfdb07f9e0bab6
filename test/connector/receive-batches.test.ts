import { afterEach, describe, expect, test } from 'vitest';
import type { DocumentEvent } from '../../src/connector/events.js';
import { NGHE_AN, VPCP, letter, startNetwork, type Network } from '../helpers/connector-setup.js';

let net: Network | undefined;
afterEach(async () => {
  await net?.close();
  net = undefined;
});

describe('receive passes of batchSize', () => {
  test('a pass takes at most batchSize packages per list, hands them over, and says more are waiting', async () => {
    net = await startNetwork([VPCP, NGHE_AN], { connector: { batchSize: 2 } });
    const [g22, h41] = [net.sides[0]!, net.sides[1]!];
    for (let i = 0; i < 5; i++) await (await g22.connector.send(letter(VPCP, [NGHE_AN]))).delivered;
    const docs: DocumentEvent[] = [];
    h41.connector.on('document', (d) => void docs.push(d));

    const first = await h41.connector.runOnce();
    expect(first.received).toMatchObject({ stored: 2, more: true });
    expect(docs).toHaveLength(2); // handed over before the rest is fetched
    const second = await h41.connector.runOnce();
    expect(second.received).toMatchObject({ stored: 2, more: true });
    const third = await h41.connector.runOnce();
    expect(third.received).toMatchObject({ stored: 1, more: false });
    expect(new Set(docs.map((d) => d.documentId)).size).toBe(5);
  });

  test('the running loop does not pause between passes while more are waiting', async () => {
    net = await startNetwork([VPCP, NGHE_AN], { connector: { batchSize: 1, pollIntervalMs: 60_000 } });
    const [g22, h41] = [net.sides[0]!, net.sides[1]!];
    for (let i = 0; i < 3; i++) await (await g22.connector.send(letter(VPCP, [NGHE_AN]))).delivered;
    const docs: DocumentEvent[] = [];
    const all = new Promise<void>((resolve) =>
      h41.connector.on('document', (d) => {
        docs.push(d);
        if (docs.length === 3) resolve();
      }),
    );
    h41.connector.start();
    // with a one-minute poll interval, only passes without pauses can finish within the test
    await all;
    expect(docs).toHaveLength(3);
    await h41.connector.stop();
  });
});
