/**
 * Hand-over to the application, at least once: stored entries are claimed (a lease each),
 * their event is emitted, and the entry is recorded as handed over only when every handler
 * returned. A handler that throws leaves it for the next pass. Documents wait while nobody
 * listens for them; statuses and requests are recorded as handed over either way (tracking
 * and `decisions()` keep them).
 * @module
 */
import type { ParsedEdoc, ParsedStatus } from '../edxml/model.js';
import { parseEdxml } from '../edxml/parse.js';
import type { InboxEntry, StatusRecord } from '../store/store.js';
import { decisionIdOf } from './arrival.js';
import { readBlob, type ConnectorContext } from './context.js';
import type { DocumentEvent } from './events.js';

/** True for a received document (new or replacement), false for statuses and requests. */
function isDocument(entry: InboxEntry): boolean {
  return entry.messageType === 'edoc' && (entry.operation === 'new' || entry.operation === 'replace');
}

/** Hands stored entries over. */
export class HandOver {
  readonly #ctx: ConnectorContext;
  #running: Promise<void> | undefined;
  #again = false;

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
    const holder = { leaseHolder: options.workerId };
    if (this.#ctx.events.count('document') === 0) {
      // nobody takes documents now: claim only when a status or request waits (claims are writes)
      const waiting = await store.listInbox({ handedOver: false });
      if (!waiting.some((e) => !isDocument(e))) return 0;
    }
    let handed = 0;
    for (;;) {
      if (this.#ctx.halted()) return handed;
      const claimed = await store.claimInboxHandover({ workerId: options.workerId, limit: options.batchSize, leaseMs: options.leaseMs, now: this.#ctx.now() });
      let progressed = false;
      for (const entry of claimed) {
        if (this.#ctx.arriving.has(entry.id)) {
          // its arrival steps are under way: the pass after the receive pass takes it
          await store.updateInbox(entry.id, { lease: null }, holder).catch((error: unknown) => this.#ctx.events.reportError({ error, phase: 'handover', inboxId: entry.id }));
          continue;
        }
        let done = false;
        try {
          done = await this.#handOver(entry);
        } catch (error) {
          await this.#ctx.events.reportError({ error, phase: 'handover', inboxId: entry.id });
        }
        const patch = done ? { handedOverAt: this.#ctx.now().toISOString(), lease: null } : { lease: null };
        await store.updateInbox(entry.id, patch, holder).catch((error: unknown) => this.#ctx.events.reportError({ error, phase: 'handover', inboxId: entry.id }));
        if (done) {
          handed++;
          progressed = true;
        }
      }
      if (claimed.length < options.batchSize || !progressed) return handed;
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
    if (!isDocument(entry)) {
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
    return parseEdxml(await readBlob(this.#ctx.store, entry.blob.ref), { maxBytes: this.#ctx.options.maxPackageBytes });
  }
}
