/**
 * Hand-over to the application, at least once: stored entries are claimed (a lease each),
 * their event is emitted, and the entry is recorded as handed over only when every handler
 * returned. Documents wait while nobody listens for them (and are then not claimed at all);
 * statuses and requests are recorded as handed over either way (tracking and `decisions()`
 * keep them).
 *
 * An entry that cannot be handed over never holds up the ones after it: within a pass it
 * keeps its lease until the pass ends, so the next claim takes the entries behind it. One
 * whose hand-over failed (a handler threw, its stored package is damaged or missing) is
 * reported as an `error` event and held, its lease kept, for a back-off that grows with each
 * failure in this process (the `retry` option's `baseDelayMs` doubling up to `maxDelayMs`);
 * one that only waits (its arrival steps under way) is released when the pass ends.
 * @module
 */
import type { ParsedEdoc, ParsedStatus } from '../edxml/model.js';
import { parseEdxml } from '../edxml/parse.js';
import { isReceivedDocument } from '../store/store-rules.js';
import type { InboxEntry, InboxPatch, StatusRecord } from '../store/store.js';
import { backoffDelayMs } from '../transport/retry.js';
import { decisionIdOf } from './arrival.js';
import { readPackage, type ConnectorContext } from './context.js';
import type { DocumentEvent } from './events.js';

/** Failure counts kept at most (the oldest forgotten first: its back-off starts again). */
const MAX_REMEMBERED_FAILURES = 10_000;

/** Hands stored entries over. */
export class HandOver {
  readonly #ctx: ConnectorContext;
  #running: Promise<void> | undefined;
  #again = false;
  /** Failed hand-overs in a row, by inbox id (this process's; gone once handed over). */
  readonly #failures = new Map<string, number>();

  constructor(ctx: ConnectorContext) {
    this.#ctx = ctx;
  }

  /**
   * Runs a pass soon, beside the receive loop (now, or right after the one under way): what
   * was stored is handed over while the next packages are fetched. Errors go to the `error`
   * event.
   */
  kick(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.pass().catch((error: unknown) => this.#ctx.events.reportError({ error, phase: 'handover' }));
      } while (this.#again && !this.#ctx.halted());
    })().finally(() => {
      this.#running = undefined;
    });
  }

  /** Waits for the pass under way (started by {@link kick}). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** One pass; returns how many entries were handed over. */
  async pass(): Promise<number> {
    const { store, options } = this.#ctx;
    // nobody takes documents now: claim only statuses and requests
    const documents = this.#ctx.events.count('document') > 0;
    // entries left waiting keep their lease until the pass ends, so each claim takes new ones
    const waiting: string[] = [];
    let handed = 0;
    try {
      for (;;) {
        if (this.#ctx.halted()) return handed;
        const claimed = await store.claimInboxHandover({ workerId: options.workerId, limit: options.batchSize, leaseMs: options.leaseMs, now: this.#ctx.now(), documents });
        for (const entry of claimed) {
          const outcome = await this.#take(entry);
          if (outcome === 'handed') handed++;
          else if (outcome === 'waiting') waiting.push(entry.id);
        }
        if (claimed.length < options.batchSize) return handed;
      }
    } finally {
      for (const id of waiting) await this.#patch(id, { lease: null });
    }
  }

  /**
   * Hands one claimed entry over, or holds it after a failure: `waiting` entries are released
   * when the pass ends, `left` ones keep the lease they have (a hold, or another worker's).
   */
  async #take(entry: InboxEntry): Promise<'handed' | 'waiting' | 'left'> {
    // its arrival steps are under way in this process: the pass after the receive pass takes it
    if (this.#ctx.arriving.has(entry.id)) return 'waiting';
    let done: boolean;
    try {
      done = await this.#handOver(entry);
    } catch (error) {
      await this.#ctx.events.reportError({ error, phase: 'handover', inboxId: entry.id });
      const failures = (this.#failures.get(entry.id) ?? 0) + 1;
      this.#failures.delete(entry.id);
      this.#failures.set(entry.id, failures);
      // entries handed over by another worker never leave it: forget the longest-failing first
      if (this.#failures.size > MAX_REMEMBERED_FAILURES) this.#failures.delete(this.#failures.keys().next().value!);
      const { options } = this.#ctx;
      const delayMs = backoffDelayMs(failures, { retries: 0, ...options.retry }, options.random);
      await this.#patch(entry.id, { lease: { workerId: options.workerId, expiresAt: new Date(this.#ctx.now().getTime() + delayMs).toISOString() } });
      return 'left';
    }
    if (!done) return 'waiting';
    this.#failures.delete(entry.id);
    return (await this.#patch(entry.id, { handedOverAt: this.#ctx.now().toISOString(), lease: null })) ? 'handed' : 'left';
  }

  /** Updates a claimed entry (as its lease holder); false, with an `error` event, when that failed. */
  async #patch(id: string, patch: InboxPatch): Promise<boolean> {
    try {
      await this.#ctx.store.updateInbox(id, patch, { leaseHolder: this.#ctx.options.workerId });
      return true;
    } catch (error) {
      await this.#ctx.events.reportError({ error, phase: 'handover', inboxId: id });
      return false;
    }
  }

  /** Emits the entry's event; false when it must wait (nobody listens for documents, or its arrival steps are not done). */
  async #handOver(entry: InboxEntry): Promise<boolean> {
    const { store, events } = this.#ctx;
    if (entry.messageType === 'status' && entry.summary.statusCode !== '13') {
      // usually recorded under the DocumentId the entry carries; else matched by number (a scan)
      const ofEntry = (list: readonly StatusRecord[]) => list.find((s) => s.inboxId === entry.id);
      const status =
        ofEntry(await store.listStatuses({ direction: 'in', counterpart: entry.from, documentId: entry.documentId })) ??
        ofEntry(await store.listStatuses({ direction: 'in', counterpart: entry.from }));
      // no record yet: its arrival steps are under way (in another worker) or were cut short by
      // a crash (the package comes again): hand it over once they are done
      if (!status) return false;
      const message = (await this.#read(entry)) as ParsedStatus;
      const matched = (await store.listOutbox({ documentId: status.documentId, messageType: 'edoc' })).length > 0;
      await events.emit('status', { inboxId: entry.id, documentId: status.documentId, from: entry.from, code: status.code, status, matched, message });
      return true;
    }
    if (!isReceivedDocument(entry)) {
      const decision = await store.getDecision(decisionIdOf(entry.id));
      if (!decision) return false; // not made yet: as for a status without its record
      await events.emit('request', { decision });
      return true;
    }
    if (events.count('document') === 0) return false;
    // 01 not reported yet: its arrival steps are under way (in another worker) or were cut short
    if (entry.lifecycle === undefined) return false;
    await events.emit('document', await this.documentEvent(entry));
    return true;
  }

  /** The `document` event of a stored document (its package read again). */
  async documentEvent(entry: InboxEntry): Promise<DocumentEvent> {
    const message = (await this.#read(entry)) as ParsedEdoc;
    return {
      inboxId: entry.id,
      documentId: entry.documentId,
      from: entry.from,
      to: entry.to,
      message,
      verification: entry.verification,
      replaces: (message.business?.replacementInfo ?? []).map((r) => r.documentId),
      entry,
    };
  }

  async #read(entry: InboxEntry): Promise<ParsedEdoc | ParsedStatus> {
    const kept = this.#ctx.recent.take(entry.id);
    if (kept) return kept as ParsedEdoc | ParsedStatus;
    return parseEdxml(await readPackage(this.#ctx.store, entry, { en: `inbox entry ${entry.id}`, vi: `văn bản đến ${entry.id}` }), { maxBytes: this.#ctx.options.maxPackageBytes });
  }
}
