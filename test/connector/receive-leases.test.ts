// Workers sharing one store do not download the same package twice: the first to list it takes
// its receive lease (Store.claimReceive); another that lists it meanwhile leaves it (counted as
// `elsewhere`). With a store without leases both download it, and the inbox still keeps one.
import { afterEach, describe, expect, test } from 'vitest';
import { Connector } from '../../src/connector/connector.js';
import type { DocumentEvent } from '../../src/connector/events.js';
import type { Store } from '../../src/store/store.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { NGHE_AN, SECRETS, VPCP, letter, startNetwork, type Network } from '../helpers/connector-setup.js';

let net: Network | undefined;
const extra: Connector[] = [];
afterEach(async () => {
  for (const c of extra.splice(0)) await c.stop();
  await net?.close();
  net = undefined;
});

/** A receiving worker for Nghệ An on `store` whose downloads are recorded, and held until `gate` opens when given. */
function worker(store: Store, workerId: string, fetches: string[], gate?: Promise<void>): Connector {
  const axis = new AxisClient({ endpoint: net!.axis.url, systemId: NGHE_AN.organId, secret: SECRETS[NGHE_AN.organId]!, timeoutMs: 5_000 });
  const download = axis.downloadEdoc.bind(axis);
  axis.downloadEdoc = async (...args: Parameters<AxisClient['downloadEdoc']>) => {
    fetches.push(workerId);
    await gate;
    return download(...args);
  };
  const connector = new Connector({ axis, store, agency: NGHE_AN, workerId, pollIntervalMs: 50 });
  extra.push(connector);
  return connector;
}

/** Resolves once `check` holds (polling), or fails after two seconds. */
async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('receive leases: workers on one store', () => {
  test('a package being downloaded by one worker is left by the other, and downloaded once', async () => {
    net = await startNetwork([VPCP, NGHE_AN]);
    const [g22, h41] = [net.sides[0]!, net.sides[1]!];
    await (await g22.connector.send(letter(VPCP, [NGHE_AN]))).delivered;
    const fetches: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const a = worker(h41.store, 'worker-a', fetches, gate);
    const b = worker(h41.store, 'worker-b', fetches);
    const docs: DocumentEvent[] = [];
    a.on('document', (d) => void docs.push(d));
    b.on('document', (d) => void docs.push(d));

    const passA = a.runOnce();
    await waitFor(() => fetches.length === 1); // worker-a holds the lease and is downloading
    const passB = await b.runOnce();
    expect(passB.received).toMatchObject({ stored: 0, duplicates: 0, elsewhere: 1, failed: 0 });
    open();
    expect((await passA).received).toMatchObject({ stored: 1, elsewhere: 0, failed: 0 });
    expect(fetches).toEqual(['worker-a']);
    expect(await h41.store.listInbox()).toHaveLength(1);

    // the lease is released with the pass: nothing is left listed, nothing is fetched again
    const again = await b.runOnce();
    expect(again.received).toMatchObject({ stored: 0, elsewhere: 0 });
    expect(fetches).toEqual(['worker-a']);
    expect(docs).toHaveLength(1);
  });

  test('a store without receive leases: both workers download the package, the inbox keeps it once', async () => {
    net = await startNetwork([VPCP, NGHE_AN]);
    const [g22, h41] = [net.sides[0]!, net.sides[1]!];
    await (await g22.connector.send(letter(VPCP, [NGHE_AN]))).delivered;
    // the same FileStore, every method but the two lease ones
    const real = h41.store;
    const bound = Object.fromEntries(
      Object.getOwnPropertyNames(Object.getPrototypeOf(real))
        .filter((k) => k !== 'constructor' && k !== 'claimReceive' && k !== 'releaseReceive')
        .map((k) => [k, (real as unknown as Record<string, (...a: unknown[]) => unknown>)[k]!.bind(real)]),
    ) as unknown as Store;
    expect(bound.claimReceive).toBeUndefined();
    const fetches: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const a = worker(bound, 'worker-a', fetches, gate);
    const b = worker(bound, 'worker-b', fetches);
    const passA = a.runOnce();
    await waitFor(() => fetches.length === 1);
    const passB = await b.runOnce();
    open();
    const results = [passB.received, (await passA).received];
    expect(fetches.sort()).toEqual(['worker-a', 'worker-b']);
    expect(results.map((r) => r.stored + r.duplicates)).toEqual([1, 1]);
    expect(results.every((r) => r.elsewhere === 0)).toBe(true);
    expect(await real.listInbox()).toHaveLength(1);
  });
});
