/**
 * Two (or more) agencies with their own connector and FileStore on one real LocalAxis over
 * loopback, for the connector's integration tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connector } from '../../src/connector/connector.js';
import type { ConnectorContext } from '../../src/connector/context.js';
import { ConnectorEvents } from '../../src/connector/events.js';
import { resolveConnectorOptions, type ConnectorOptions } from '../../src/connector/options.js';
import { RecentPackages } from '../../src/connector/recent-packages.js';
import type { SendInput } from '../../src/connector/send.js';
import type { Organization } from '../../src/edxml/model.js';
import { FileStore } from '../../src/store/file-store.js';
import type { Store } from '../../src/store/store.js';
import { LocalAxis } from '../../src/testing/local-axis.js';
import type { Faults } from '../../src/testing/local-axis-options.js';

export const VPCP: Organization & { organName: string } = { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' };
export const NGHE_AN: Organization & { organName: string } = { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' };
export const NOI_VU: Organization & { organName: string } = { organId: '000.00.00.G09', organName: 'Bộ Nội vụ' };

/** The systems' secrets on the test axis. */
export const SECRETS: Record<string, string> = { [VPCP.organId]: 'secret-g22', [NGHE_AN.organId]: 'secret-h41', [NOI_VU.organId]: 'secret-g09' };

/** One agency's side. */
export interface Side {
  readonly agency: Organization & { organName: string };
  connector: Connector;
  store: Store;
  readonly dir: string;
  /** Stops the connector, closes the store, opens both again on the same folder. */
  restart(extra?: Partial<ConnectorOptions>): Promise<void>;
}

/** The axis and the sides. */
export interface Network {
  readonly axis: LocalAxis;
  readonly sides: Side[];
  close(): Promise<void>;
}

/** Starts a LocalAxis serving `agencies`, and one connector with a FileStore per agency. */
export async function startNetwork(
  agencies: (Organization & { organName: string })[] = [VPCP, NGHE_AN],
  options: { faults?: Faults; connector?: Partial<ConnectorOptions>; axisDataDir?: string } = {},
): Promise<Network> {
  const axis = await LocalAxis.start({
    ...(options.axisDataDir ? { dataDir: options.axisDataDir } : {}),
    systems: agencies.map((a) => ({ systemId: a.organId, secret: SECRETS[a.organId] ?? `secret-${a.organId}`, name: a.organName })),
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const sides: Side[] = [];
  for (const agency of agencies) {
    const dir = await mkdtemp(join(tmpdir(), 'vdxp-connector-'));
    const make = async (extra: Partial<ConnectorOptions> = {}) => {
      const store = await FileStore.open({ dir });
      const connector = new Connector({
        axis: { endpoint: axis.url, systemId: agency.organId, secret: SECRETS[agency.organId] ?? `secret-${agency.organId}`, timeoutMs: 5_000, retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 50 } },
        store,
        agency,
        pollIntervalMs: 50,
        retry: { maxAttempts: 6, baseDelayMs: 10, maxDelayMs: 100 },
        ...options.connector,
        ...extra,
      });
      return { store, connector };
    };
    const first = await make();
    const side: Side = {
      agency,
      dir,
      ...first,
      async restart(extra) {
        await side.connector.stop();
        await side.store.close();
        const next = await make(extra);
        side.connector = next.connector;
        side.store = next.store;
      },
    };
    sides.push(side);
  }
  return {
    axis,
    sides,
    async close() {
      for (const s of sides) {
        await s.connector.stop();
        await s.store.close();
        await rm(s.dir, { recursive: true, force: true });
      }
      await axis.close();
    },
  };
}

let counter = 0;

/** A small Công văn from `from` to `to`, a fresh number each call. */
export function letter(from: Organization & { organName: string }, to: (Organization & { organName: string })[], over: Partial<SendInput> = {}): SendInput {
  counter++;
  return {
    from,
    to,
    code: { codeNumber: String(100 + counter), codeNotation: 'VPCP-TTĐT' },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: '2025-03-10' },
    documentType: { type: 1, typeName: 'Công văn' },
    subject: `V/v thử nghiệm liên thông số ${counter}`,
    attachments: [{ contentId: 'cv', name: 'cong-van.pdf', contentType: 'application/pdf', data: new TextEncoder().encode(`%PDF-1.4 mẫu ${counter}`) }],
    ...over,
  };
}

/** Runs passes on the given connectors until `check` holds (or fails after `timeoutMs`). */
export async function until(connectors: Connector[], check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    for (const c of connectors) await c.runOnce();
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A connector context for `agency` on `store`, its axis one nobody answers: to drive one part
 * of the connector (the hand-over, say) alone. `options` are added to the connector options.
 */
export function connectorContext(store: Store, agency: Organization & { organName: string }, options: Partial<ConnectorOptions> = {}): ConnectorContext {
  const resolved = resolveConnectorOptions({ axis: { endpoint: 'http://127.0.0.1:9', systemId: agency.organId, secret: 's' }, store, agency, ...options });
  return {
    options: resolved, store, events: new ConnectorEvents(), signal: new AbortController().signal, halted: () => false, now: resolved.now, recent: new RecentPackages(8), arriving: new Set(),
  };
}
