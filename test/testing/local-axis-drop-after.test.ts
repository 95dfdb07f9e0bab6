import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LocalAxis } from '../../src/testing/local-axis.js';
import { FaultInjector } from '../../src/testing/fault-injector.js';
import { FaultsSchema } from '../../src/testing/local-axis-options.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { AxisNetworkError } from '../../src/errors.js';
import { edocPackage, G22, H41 } from '../helpers/axis-packages.js';

let axis: LocalAxis;
const client = (id: string, secret: string) =>
  new AxisClient({ endpoint: axis.url, systemId: id, secret, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 5 } });

beforeAll(async () => {
  axis = await LocalAxis.start({ systems: [{ systemId: G22.organId, secret: 's1' }, { systemId: H41.organId, secret: 's2' }] });
});
afterAll(async () => {
  await axis.close();
});

describe('LocalAxis fault dropAfterRate', () => {
  test('a send is accepted and routed, then the connection is cut without an answer', async () => {
    axis.setFaults({ dropAfterRate: 1, operations: ['sendEdoc'] });
    const e = await client(G22.organId, 's1').sendEdoc(edocPackage(G22, [H41]), { messageType: 'edoc' }).then(() => undefined, (err: unknown) => err);
    axis.setFaults(undefined);
    expect(e).toBeInstanceOf(AxisNetworkError);
    const sent = await client(G22.organId, 's1').getSentEdocList({ messageType: 'edoc' });
    expect(sent.items).toHaveLength(1);
    const inbox = await client(H41.organId, 's2').getReceivedEdocList({ messageType: 'edoc' });
    expect(inbox.items).toHaveLength(1);
  });

  test('enabling it does not shift the other faults of a seed', () => {
    const plain = new FaultInjector(FaultsSchema.parse({ seed: 7, dropRate: 0.3, errorRate: 0.3 }));
    const withAfter = new FaultInjector(FaultsSchema.parse({ seed: 7, dropRate: 0.3, errorRate: 0.3, dropAfterRate: 0.5 }));
    const a = Array.from({ length: 50 }, () => plain.decide('sendEdoc'));
    const b = Array.from({ length: 50 }, () => withAfter.decide('sendEdoc'));
    expect(b.map((d) => [d.drop, d.error])).toEqual(a.map((d) => [d.drop, d.error]));
    expect(b.some((d) => d.dropAfter)).toBe(true);
    expect(b.every((d) => !(d.dropAfter && (d.drop || d.error)))).toBe(true);
  });
});
