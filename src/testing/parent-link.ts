/**
 * The link of a {@link LocalAxis} to its parent axis (a provincial axis under the national
 * one): the child is a system of the parent. Packages for agencies the child does not
 * serve go up with a `to` header naming them; packages the parent routes to the child's
 * units are pulled down, delivered locally, then acked at the parent.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AxisClient } from '../transport/axis-client.js';
import type { SentEdoc } from '../transport/responses.js';
import type { AxisState } from './axis-state.js';
import type { ResolvedLocalAxisOptions } from './local-axis-options.js';

/** What a pulled package is handed to. */
export type LocalDelivery = (
  bytes: Uint8Array,
  item: { to: string; from: string; messageType: 'edoc' | 'status'; serviceType: string; parentDocId: string },
) => Promise<boolean>;

type ParentConfig = NonNullable<ResolvedLocalAxisOptions['parent']>;

/** The child side of a parent/child axis pair. */
export class ParentLink {
  readonly #config: ParentConfig;
  readonly #client: AxisClient;
  readonly #state: AxisState;
  readonly #deliver: LocalDelivery;
  readonly #registered = new Set<string>();
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #pulling: Promise<number> | undefined;
  /** The last error met while pulling (for diagnosis; never thrown). */
  lastError: unknown;

  constructor(config: ParentConfig, state: AxisState, deliver: LocalDelivery, clock: () => Date) {
    this.#config = config;
    this.#state = state;
    this.#deliver = deliver;
    this.#client = new AxisClient({
      endpoint: config.url, systemId: config.systemId, secret: config.secret, timeoutMs: config.timeoutMs,
      retry: { retries: 2, baseDelayMs: 50, maxDelayMs: 500 }, userAgent: 'vdxp-local-axis', now: clock,
    });
  }

  /** Starts pulling every `pollIntervalMs`. */
  start(): void {
    const signal = this.#stop.signal;
    this.#loop = (async () => {
      while (!signal.aborted) {
        await this.pull().catch((e: unknown) => (this.lastError = e));
        await sleep(this.#config.pollIntervalMs, undefined, { signal }).catch(() => undefined);
      }
    })();
  }

  /** Stops pulling; waits for a pull in progress to end. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.#pulling?.catch(() => undefined);
  }

  /** Registers local units at the parent under this axis's system, when it does not list them yet. */
  async ensureRegistered(codes: readonly string[]): Promise<void> {
    const missing = codes.filter((c) => !this.#registered.has(c) && c !== this.#config.systemId);
    if (missing.length === 0) return;
    const known = new Set((await this.#client.getAgenciesList({ signal: this.#stop.signal })).items.map((a) => a.code));
    for (const code of missing) {
      if (!known.has(code)) {
        const a = this.#state.agency(code);
        await this.#client.registerAgency({ pcode: this.#config.systemId, code, name: a?.name ?? code, mail: a?.mail ?? '' }, { signal: this.#stop.signal });
      }
      this.#registered.add(code);
    }
  }

  /** Sends a package up for the given recipients; returns the parent's DocId. */
  async forward(bytes: Uint8Array, o: { from: string; messageType: 'edoc' | 'status'; serviceType: string; to: string[] }): Promise<string> {
    await this.ensureRegistered([o.from]);
    const res = await this.#client.sendEdoc(bytes, { messageType: o.messageType, from: o.from, to: o.to, serviceType: o.serviceType, hashForm: 'standard', signal: this.#stop.signal });
    return res.docId;
  }

  /** The parent's rows for a package this axis forwarded. */
  async sentRows(parentDocId: string, messageType: 'edoc' | 'status'): Promise<SentEdoc[]> {
    return (await this.#client.getSentEdocList({ messageType, docId: parentDocId, signal: this.#stop.signal })).items;
  }

  /** Pulls what the parent holds for this axis now; returns how many packages were delivered. */
  pull(): Promise<number> {
    if (!this.#pulling) {
      this.#pulling = this.#pullOnce().finally(() => (this.#pulling = undefined));
    }
    return this.#pulling;
  }

  async #pullOnce(): Promise<number> {
    const signal = this.#stop.signal;
    await this.ensureRegistered(this.#state.agencies().map((a) => a.code));
    let delivered = 0;
    for (const messageType of ['edoc', 'status'] as const) {
      const { items } = await this.#client.getReceivedEdocList({ messageType, signal });
      for (const item of items) {
        if (this.#state.wasPulled(item.docId)) {
          await this.#client.updateStatus(item.docId, 'done', { signal });
          continue;
        }
        const { bytes } = await this.#client.getEdoc(item.docId, { signal });
        const ok = await this.#deliver(bytes, {
          to: item.to ?? '', from: item.from ?? '', messageType, serviceType: item.serviceType ?? 'eDoc', parentDocId: item.docId,
        });
        this.#state.markPulled(item.docId);
        await this.#state.save();
        await this.#client.updateStatus(item.docId, ok ? 'done' : 'fail', { signal });
        if (ok) delivered++;
      }
    }
    return delivered;
  }
}
