/**
 * The receive loop of `axis-api.md` section 4: list what waits (edoc, then status), fetch
 * each package (streamed into the store), read it (an unreadable one is quarantined and
 * acked `fail` with the reason), verify signatures by policy, store it durably
 * (de-duplicated by the store), run what follows arrival (01, decisions, statuses), and only
 * then ack `done`. Up to `concurrency` packages are fetched and read at once; storing and
 * what follows keep the list's order for packages about the same document, and a request
 * (revoke, update, replacement, take-back) waits for everything listed before it.
 * @module
 */
import { AxisError, isVdxpError } from '../errors.js';
import { parseEdxml } from '../edxml/parse.js';
import type { ParsedEdxml } from '../edxml/model.js';
import type { ReceivedEdoc } from '../transport/responses.js';
import type { BlobInfo, InboxEntry, VerificationSummary } from '../store/store.js';
import { afterArrival } from './arrival.js';
import { readBlob, type ConnectorContext } from './context.js';
import { idPart, operationKey, operationName, summarizeEdoc, summarizeStatus } from './message-facts.js';
import { BARRIER, runOrdered, type TaskKeys } from './ordered-tasks.js';
import type { OutboxWorker } from './outbox.js';
import { verifyReceived, type VerificationSettings } from './verification.js';

/** What one pass did. */
export interface ReceivePassResult {
  /** Packages stored for the first time. */
  readonly stored: number;
  /** Packages that were already stored (a repeated delivery or a crash before the ack). */
  readonly duplicates: number;
  /** Packages quarantined and acked `fail`. */
  readonly quarantined: number;
  /** Packages left for the next pass after an error. */
  readonly failed: number;
  /**
   * Packages another worker on the same store is fetching (its receive lease lasts): left to
   * it, not downloaded a second time. It is acked by that worker, or taken over here when its
   * lease runs out.
   */
  readonly elsewhere: number;
  /**
   * More packages were listed than one pass takes (`batchSize` per list): the next pass
   * follows at once, so that what was stored is handed over without waiting for the rest.
   */
  readonly more: boolean;
}

/** Receives packages. */
export class InboxReceiver {
  readonly #ctx: ConnectorContext;
  readonly #outbox: OutboxWorker;
  readonly #verification: VerificationSettings | undefined;
  readonly #inFlight = new Set<string>();
  /** Axis DocIds whose receive lease this worker took in the current pass. */
  readonly #claimed = new Set<string>();

  constructor(ctx: ConnectorContext, outbox: OutboxWorker, verification: VerificationSettings | undefined) {
    this.#ctx = ctx;
    this.#outbox = outbox;
    this.#verification = verification;
  }

  /** One pass over both lists. */
  async pass(): Promise<ReceivePassResult> {
    const result = { stored: 0, duplicates: 0, quarantined: 0, failed: 0, elsewhere: 0, more: false };
    for (const messageType of ['edoc', 'status'] as const) {
      if (this.#ctx.halted()) return result;
      const { items } = await this.#ctx.options.axis.getReceivedEdocList({ messageType, signal: this.#ctx.signal });
      if (items.length > this.#ctx.options.batchSize) result.more = true;
      const batch = items.slice(0, this.#ctx.options.batchSize).filter((item) => !this.#inFlight.has(item.docId));
      for (const item of batch) this.#inFlight.add(item.docId);
      try {
        const outcomes = await runOrdered(batch, {
          concurrency: this.#ctx.options.concurrency,
          prepare: (item) => this.#prepare(item, messageType),
          keysOf: (p) => p.keys,
          run: async (p, item) => {
            if (p.kind === 'elsewhere') result.elsewhere++;
            if (p.kind === 'skipped' || p.kind === 'elsewhere' || this.#ctx.halted()) return;
            result[await this.#finish(p, item, messageType)]++;
          },
        });
        for (const [i, outcome] of outcomes.entries()) {
          if (outcome.status === 'fulfilled') continue;
          result.failed++;
          await this.#ctx.events.reportError({ error: outcome.reason, phase: 'receive', axisDocId: batch[i]!.docId });
        }
      } finally {
        for (const item of batch) this.#inFlight.delete(item.docId);
        await this.#releaseClaims(batch);
      }
    }
    return result;
  }

  /** Fetches, reads and verifies one package (concurrently with others). */
  async #prepare(item: ReceivedEdoc, listed: 'edoc' | 'status'): Promise<Prepared> {
    const { store, options } = this.#ctx;
    if (this.#ctx.halted()) return { kind: 'skipped', keys: [] };
    const known = (await store.listInbox({ axisDocId: item.docId }))[0];
    // listed again after its package was pruned: handed over long ago, its arrival steps done
    if (known?.packagePrunedAt !== undefined) return { kind: 'pruned', keys: [] };
    let blob: BlobInfo;
    if (known) {
      blob = known.blob;
    } else {
      if (!(await this.#claim(item.docId))) return { kind: 'elsewhere', keys: [] };
      const fetched = await this.#fetch(item.docId);
      if ('reason' in fetched) return { kind: 'quarantine', reason: fetched.reason, keys: [] };
      blob = fetched.blob;
    }
    const bytes = await readBlob(store, blob.ref);
    let message: ParsedEdxml;
    try {
      message = parseEdxml(bytes, { maxBytes: options.maxPackageBytes, now: this.#ctx.now });
    } catch (e) {
      if (!isVdxpError(e) || !(e.code.startsWith('VDXP_EDXML') || e.code === 'VDXP_INPUT_INVALID')) throw e;
      return { kind: 'quarantine', reason: { code: e.code, message: e.message.slice(0, 500) }, blob, keys: [] };
    }
    const verification =
      !known && message.kind === 'edoc' ? await verifyReceived(this.#verification, { bytes, message, at: this.#ctx.now(), signal: this.#ctx.signal }) : undefined;
    return { kind: 'ready', known, blob, message, verification, keys: keysOf(message) };
  }

  /** Stores one prepared package, runs what follows arrival, acks it (in the list's order per document). */
  async #finish(p: Exclude<Prepared, { kind: 'skipped' | 'elsewhere' }>, item: ReceivedEdoc, listed: 'edoc' | 'status'): Promise<'stored' | 'duplicates' | 'quarantined'> {
    if (p.kind === 'quarantine') return this.#quarantine(item, listed, p.reason, p.blob);
    if (p.kind === 'pruned') {
      await this.#ctx.options.axis.updateStatus(item.docId, 'done', { signal: this.#ctx.signal });
      return 'duplicates';
    }
    // not handed over before its arrival steps are done (the id a new entry takes, then the one it got)
    const held = new Set<string>();
    const hold = (id: string) => {
      held.add(id);
      this.#ctx.arriving.add(id);
    };
    hold(p.known?.id ?? inboxIdOf(item.docId));
    try {
      const entry = p.known ?? (await this.#store(item, p.message, p.blob, p.verification));
      hold(entry.id);
      const duplicate = p.known !== undefined || entry.axisDocId !== item.docId;
      if (entry.handedOverAt === undefined) this.#ctx.recent.remember(entry.id, p.message, p.blob.size);
      await afterArrival(this.#ctx, this.#outbox, entry, p.message);
      await this.#ctx.options.axis.updateStatus(item.docId, 'done', { signal: this.#ctx.signal });
      return duplicate ? 'duplicates' : 'stored';
    } finally {
      for (const id of held) this.#ctx.arriving.delete(id);
    }
  }

  /** Takes the receive lease of a package before downloading it (true without store support). */
  async #claim(axisDocId: string): Promise<boolean> {
    const { store, options } = this.#ctx;
    if (!store.claimReceive) return true;
    const mine = await store.claimReceive({ axisDocId, workerId: options.workerId, leaseMs: options.leaseMs, now: this.#ctx.now() });
    if (mine) this.#claimed.add(axisDocId);
    return mine;
  }

  /** Ends the receive leases this pass took; a failure to is reported, never thrown (the lease then runs out). */
  async #releaseClaims(batch: readonly ReceivedEdoc[]): Promise<void> {
    const { store, options } = this.#ctx;
    for (const item of batch) {
      if (!this.#claimed.delete(item.docId) || !store.releaseReceive) continue;
      try {
        await store.releaseReceive(item.docId, options.workerId, this.#ctx.now());
      } catch (error) {
        await this.#ctx.events.reportError({ error, phase: 'receive', axisDocId: item.docId });
      }
    }
  }

  async #fetch(docId: string): Promise<{ blob: BlobInfo } | { reason: { code: string; message: string } }> {
    const { store, options } = this.#ctx;
    const max = options.maxPackageBytes;
    if (options.fetch === 'downloadEdoc') {
      try {
        const stream = await options.axis.downloadEdoc(docId, { maxBytes: max, signal: this.#ctx.signal });
        return { blob: await store.putBlob(stream, { maxBytes: max, signal: this.#ctx.signal }) };
      } catch (e) {
        if (tooLarge(e)) return { reason: { code: 'VDXP_EDXML_TOO_LARGE', message: `the package is larger than maxPackageBytes (${max})` } };
        if (!(e instanceof AxisError)) throw e;
        // this axis refuses downloadEdoc for the package: fetch it as base64 instead
      }
    }
    const { bytes } = await options.axis.getEdoc(docId, { signal: this.#ctx.signal });
    if (bytes.byteLength > max) return { reason: { code: 'VDXP_EDXML_TOO_LARGE', message: `the package is larger than maxPackageBytes (${max})` } };
    return { blob: await store.putBlob(bytes) };
  }

  async #store(item: ReceivedEdoc, message: ParsedEdxml, blob: BlobInfo, verification: VerificationSummary | undefined): Promise<InboxEntry> {
    const agencies = this.#ctx.options.agencies;
    const ours = (id: string | undefined) => (id !== undefined && agencies.some((a) => a.organId === id) ? id : undefined);
    let to: string | undefined = ours(item.to);
    if (message.kind === 'edoc') {
      to ??= message.to.map((o) => o.organId).find((id) => ours(id));
    } else {
      to ??= ours(message.responseFor.organId);
    }
    const receivedAt = this.#ctx.now().toISOString();
    const { entry } = await this.#ctx.store.addInbox({
      id: inboxIdOf(item.docId),
      axisDocId: item.docId,
      messageType: message.kind,
      from: message.from.organId,
      to: to ?? agencies[0]!.organId,
      documentId: message.kind === 'edoc' ? message.documentId : message.responseFor.documentId,
      operation: operationKey(message),
      blob,
      summary: message.kind === 'edoc' ? summarizeEdoc(message) : summarizeStatus(message),
      ...(message.kind === 'status' ? { responseFor: message.responseFor } : message.responseFor[0] ? { responseFor: message.responseFor[0] } : {}),
      receivedAt,
      ...(verification ? { verification } : {}),
    });
    return entry;
  }

  async #quarantine(item: ReceivedEdoc, listed: 'edoc' | 'status', reason: { code: string; message: string }, blob: BlobInfo | undefined): Promise<'quarantined'> {
    await this.#ctx.store.addQuarantine({
      id: `q_${idPart(item.docId)}`,
      axisDocId: item.docId,
      messageType: listed,
      ...(item.from ? { from: item.from } : {}),
      ...(item.to ? { to: item.to } : {}),
      reason,
      ...(blob ? { blob } : {}),
      at: this.#ctx.now().toISOString(),
    });
    await this.#ctx.options.axis.updateStatus(item.docId, 'fail', { signal: this.#ctx.signal });
    await this.#ctx.events.reportError({ error: new Error(`package ${item.docId} quarantined: ${reason.code}`), phase: 'receive', axisDocId: item.docId });
    return 'quarantined';
  }
}

/** The id of the inbox entry a package with this axis DocId gets. */
const inboxIdOf = (axisDocId: string): string => `i_${idPart(axisDocId)}`;

/** One package, fetched, read and verified. */
type Prepared =
  | { readonly kind: 'skipped'; readonly keys: TaskKeys }
  | { readonly kind: 'elsewhere'; readonly keys: TaskKeys }
  /** Known, and its package pruned: acked again, nothing else. */
  | { readonly kind: 'pruned'; readonly keys: TaskKeys }
  | { readonly kind: 'quarantine'; readonly reason: { code: string; message: string }; readonly blob?: BlobInfo; readonly keys: TaskKeys }
  | {
      readonly kind: 'ready';
      readonly known: InboxEntry | undefined;
      readonly blob: BlobInfo;
      readonly message: ParsedEdxml;
      readonly verification: VerificationSummary | undefined;
      readonly keys: TaskKeys;
    };

/** The documents a package concerns; requests (revoke, update, replace, take-back) are barriers. */
function keysOf(message: ParsedEdxml): TaskKeys {
  if (message.kind === 'status') return message.statusCode === '13' ? BARRIER : [message.responseFor.documentId];
  return operationName(message) === 'new' ? [message.documentId] : BARRIER;
}

function tooLarge(e: unknown): boolean {
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) {
    if ((c as { reason?: unknown }).reason === 'too_large') return true;
    if ((c as { code?: unknown }).code === 'VDXP_STORE_IO' && /maxBytes/.test((c as Error).message)) return true;
  }
  return false;
}
