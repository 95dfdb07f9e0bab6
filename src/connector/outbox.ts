/**
 * The outbox worker: the only thing that calls `sendEdoc`. It claims due entries (a lease
 * per entry, so several workers on one store never send the same entry at once), marks each
 * `sending` durably before the call, records the axis DocId after it, and retries with
 * capped, jittered back-off. After an ambiguous failure — or when it finds an entry left
 * `sending` by a crash — it looks the package up in the axis's sent list before sending again.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { AxisError, AxisNetworkError, AxisProtocolError, ConnectorError, InputError, StoreError, isVdxpError } from '../errors.js';
import { backoffDelayMs } from '../transport/retry.js';
import type { OutboxEntry, StoredError } from '../store/store.js';
import type { ConnectorContext } from './context.js';
import type { PreparationSteps } from './outgoing.js';
import { BARRIER, runOrdered, type TaskKeys } from './ordered-tasks.js';
import { findSentPackage } from './sent-lookup.js';

/** What happened to one sent package, with the time of each step. */
export interface SendReport {
  readonly documentId: string;
  readonly outboxId: string;
  /** The axis's DocId (sender side). */
  readonly axisDocId: string;
  /** `sendEdoc` calls made. */
  readonly attempts: number;
  /** True when an ambiguous attempt was found in the axis's sent list (not sent again). */
  readonly recovered: boolean;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  readonly sentAt: string;
  /** Milliseconds per step: validate, build, sign, store (when done in this process), then waiting in the outbox and the successful send. */
  readonly steps: Readonly<Partial<PreparationSteps> & { waitMs: number; sendMs: number }>;
}

/** How a failed send is handled: checked on the axis first, retried, given up, or left to the worker holding the lease. */
export type Failure = 'ambiguous' | 'retry' | 'final' | 'lost-lease';

/** Ordered: which failures may have reached the axis, which are worth another attempt. */
export function classifySendFailure(error: unknown): Failure {
  if (error instanceof StoreError && error.code === 'VDXP_STORE_CONFLICT') return 'lost-lease';
  // the package could not be read from the store (damaged, or gone) before sending: no retry helps
  if (error instanceof StoreError && (error.code === 'VDXP_STORE_CORRUPT' || error.code === 'VDXP_STORE_NOT_FOUND')) return 'final';
  // no answer: refused or unresolved before anything was written; anything else may have arrived
  if (error instanceof AxisNetworkError) return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(error.systemCode ?? '') ? 'retry' : 'ambiguous';
  // an answer that is not the axis's (a proxy page): the axis behind may have acted
  if (error instanceof AxisProtocolError) return 'ambiguous';
  // the axis said FAIL: overloaded or broken → later; otherwise it decided
  if (error instanceof AxisError) return error.httpStatus === 429 || error.httpStatus >= 500 ? 'retry' : 'final';
  if (error instanceof InputError) return 'final';
  return 'retry';
}

/**
 * The package's bytes broke off while they were being sent because the store found them
 * damaged (a blob is checked against its SHA-256 as it is read): once the sent list shows the
 * axis does not have it, sending again cannot help.
 */
function bodyDamaged(error: unknown): boolean {
  const cause = error instanceof AxisNetworkError ? error.cause : undefined;
  return cause instanceof StoreError && cause.code === 'VDXP_STORE_CORRUPT';
}

function storedError(error: unknown, at: Date): StoredError {
  const code = isVdxpError(error) ? error.code : 'ERROR';
  const message = error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500);
  return { code, message, at: at.toISOString() };
}

/** The documents an entry concerns: a new document or a status by its DocumentId; requests are barriers. */
function keysOfEntry(entry: OutboxEntry): TaskKeys {
  if (entry.messageType === 'status') return entry.operation === '13' ? BARRIER : [entry.documentId];
  return entry.operation === 'new' ? [entry.documentId] : BARRIER;
}

interface Waiter {
  resolve: (r: SendReport) => void;
  reject: (e: unknown) => void;
}

/** Sends outbox entries. */
export class OutboxWorker {
  readonly #ctx: ConnectorContext;
  readonly #waiters = new Map<string, Waiter[]>();
  readonly #steps = new Map<string, PreparationSteps>();
  #running: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(ctx: ConnectorContext) {
    this.#ctx = ctx;
  }

  /** Remembers the preparation times of an entry for its {@link SendReport}. */
  notePreparation(outboxId: string, steps: PreparationSteps): void {
    this.#steps.set(outboxId, steps);
  }

  /** Resolves when the entry is sent (at once if it is), rejects when it failed for good. */
  whenDelivered(outboxId: string): Promise<SendReport> {
    const promise = new Promise<SendReport>((resolve, reject) => {
      const list = this.#waiters.get(outboxId) ?? [];
      list.push({ resolve, reject });
      this.#waiters.set(outboxId, list);
    });
    void this.#ctx.store.getOutbox(outboxId).then((e) => {
      if (e && (e.state === 'sent' || e.state === 'failed')) this.#settle(e, false, 0);
      else if (!e) this.#rejectAll(outboxId, new ConnectorError('VDXP_CONNECTOR_NOT_FOUND', `no outbox entry ${outboxId}`));
    }, (err: unknown) => this.#rejectAll(outboxId, err));
    promise.catch(() => undefined); // a caller that ignores `delivered` gets no unhandled rejection
    return promise;
  }

  /** Runs a pass soon (now, or right after the one under way). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.pass().catch((error: unknown) => this.#ctx.events.reportError({ error, phase: 'send' }));
      } while (this.#again && !this.#stopped);
    })().finally(() => {
      this.#running = undefined;
      void this.#scheduleNext();
    });
  }

  /**
   * Claims and delivers due entries until none is left, up to `concurrency` at once (entries
   * about the same document in the order they were queued; a revoke, update or replacement
   * after everything before it). Returns how many were handled.
   */
  async pass(): Promise<number> {
    const o = this.#ctx.options;
    let handled = 0;
    for (;;) {
      if (this.#ctx.halted()) return handled;
      const claimed = await this.#ctx.store.claimOutbox({ workerId: o.workerId, limit: o.batchSize, leaseMs: o.leaseMs, now: this.#ctx.now() });
      await runOrdered(claimed, {
        concurrency: o.concurrency,
        prepare: async (entry) => entry,
        keysOf: keysOfEntry,
        run: async (entry) => {
          if (this.#ctx.halted()) return;
          await this.#deliver(entry).catch((error: unknown) => this.#ctx.events.reportError({ error, phase: 'send', outboxId: entry.id }));
          handled++;
        },
      });
      if (claimed.length < o.batchSize || this.#ctx.halted()) return handled;
    }
  }

  /** Allows passes again after {@link stop}. */
  resume(): void {
    this.#stopped = false;
  }

  /** Stops the timer and waits for the pass under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async #scheduleNext(): Promise<void> {
    if (this.#stopped) return;
    const store = this.#ctx.store;
    // entries another worker (sharing the store) sent or gave up on
    for (const id of [...this.#waiters.keys()]) {
      const e = await store.getOutbox(id).catch(() => undefined);
      if (e && (e.state === 'sent' || e.state === 'failed')) this.#settle(e, false, 0);
    }
    const open = [...(await store.listOutbox({ state: 'pending' }).catch(() => [])), ...(await store.listOutbox({ state: 'sending' }).catch(() => []))];
    if (open.length === 0 || this.#stopped) return;
    const now = this.#ctx.now().getTime();
    const poll = this.#ctx.options.pollIntervalMs;
    const next = Math.min(...open.map((e) => Math.max(Date.parse(e.nextAttemptAt), e.lease ? Date.parse(e.lease.expiresAt) : 0)));
    const delay = Math.min(Math.max(next - now, 5), poll);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.kick(), delay);
  }

  async #deliver(claimed: OutboxEntry): Promise<void> {
    const { store, options, signal } = this.#ctx;
    const holder = { leaseHolder: options.workerId };
    let entry = claimed;
    if (entry.state === 'sending') {
      // a crash or an ambiguous failure left it: the axis may have it already
      const found = await this.#lookUp(entry);
      if (found === 'unknown') return;
      if (found) return this.#markSent(entry, found, true, 0);
    }
    entry = await store.updateOutbox(entry.id, { state: 'sending', attempts: entry.attempts + 1, attemptStartedAt: this.#ctx.now().toISOString() }, holder);
    const started = performance.now();
    let body: Awaited<ReturnType<typeof store.openBlob>> | undefined;
    try {
      body = await store.openBlob(entry.blob.ref);
      const result = await options.axis.sendEdoc(body, {
        messageType: entry.messageType,
        from: entry.from,
        sha256: entry.blob.sha256,
        size: entry.blob.size,
        ...(entry.toHeader ? { to: [...entry.recipients] } : {}),
        signal,
      });
      return await this.#markSent(entry, result.docId, false, performance.now() - started);
    } catch (error) {
      body?.destroy();
      if (signal.aborted) {
        // stopping: leave it `sending`; whoever claims it next checks the sent list first
        await store.updateOutbox(entry.id, { lease: null }, holder).catch(() => undefined);
        return;
      }
      let failure = classifySendFailure(error);
      if (failure === 'lost-lease') return;
      if (failure === 'ambiguous') {
        const found = await this.#lookUp(entry, error);
        if (found === 'unknown') return;
        if (found) return await this.#markSent(entry, found, true, performance.now() - started);
        failure = bodyDamaged(error) ? 'final' : 'retry';
      }
      // a damaged package is reported as the store's finding, not as the connection it broke
      await this.#failed(entry, bodyDamaged(error) ? (error as AxisNetworkError).cause : error, failure === 'final');
    }
  }

  /** The sent list's answer: a DocId, undefined (not there), or `unknown` (the list failed; retried later). */
  async #lookUp(entry: OutboxEntry, cause?: unknown): Promise<string | undefined | 'unknown'> {
    try {
      return await findSentPackage(this.#ctx.options.axis, this.#ctx.store, entry, this.#ctx.signal);
    } catch (error) {
      const at = this.#ctx.now();
      const delay = backoffDelayMs(Math.max(1, entry.attempts), { retries: 0, ...this.#ctx.options.retry }, this.#ctx.options.random);
      await this.#ctx.store
        .updateOutbox(entry.id, { state: 'sending', lease: null, nextAttemptAt: new Date(at.getTime() + delay).toISOString(), lastError: storedError(cause ?? error, at) }, { leaseHolder: this.#ctx.options.workerId })
        .catch(() => undefined);
      return 'unknown';
    }
  }

  async #markSent(entry: OutboxEntry, axisDocId: string, recovered: boolean, sendMs: number): Promise<void> {
    const now = this.#ctx.now();
    const sent = await this.#ctx.store.updateOutbox(
      entry.id,
      { state: 'sent', axisDocId, sentAt: now.toISOString(), lease: null, lastError: null },
      { leaseHolder: this.#ctx.options.workerId },
    );
    this.#settle(sent, recovered, sendMs);
  }

  async #failed(entry: OutboxEntry, error: unknown, final: boolean): Promise<void> {
    const { retry, random, workerId } = this.#ctx.options;
    const now = this.#ctx.now();
    const giveUp = final || entry.attempts >= retry.maxAttempts;
    const next = new Date(now.getTime() + backoffDelayMs(entry.attempts, { retries: 0, ...retry }, random)).toISOString();
    const updated = await this.#ctx.store.updateOutbox(
      entry.id,
      { state: giveUp ? 'failed' : 'pending', nextAttemptAt: next, lastError: storedError(error, now), lease: null },
      { leaseHolder: workerId },
    );
    if (giveUp) {
      this.#settle(updated, false, 0, error);
      await this.#ctx.events.reportError({ error, phase: 'send', outboxId: entry.id });
    }
  }

  #settle(entry: OutboxEntry, recovered: boolean, sendMs: number, error?: unknown): void {
    const waiters = this.#waiters.get(entry.id);
    if (!waiters) return;
    this.#waiters.delete(entry.id);
    if (entry.state === 'failed') {
      const e = error ?? new ConnectorError('VDXP_CONNECTOR_SEND_FAILED', `outbox entry ${entry.id} failed: ${entry.lastError?.message ?? 'unknown error'}`);
      for (const w of waiters) w.reject(e);
      return;
    }
    const prep = this.#steps.get(entry.id);
    this.#steps.delete(entry.id);
    const sentAt = entry.sentAt ?? this.#ctx.now().toISOString();
    const waitMs = Math.max(0, Date.parse(entry.attemptStartedAt ?? sentAt) - Date.parse(entry.createdAt));
    const report: SendReport = {
      documentId: entry.documentId,
      outboxId: entry.id,
      axisDocId: entry.axisDocId ?? '',
      attempts: entry.attempts,
      recovered,
      createdAt: entry.createdAt,
      sentAt,
      steps: { ...prep, waitMs, sendMs },
    };
    for (const w of waiters) w.resolve(report);
  }

  #rejectAll(outboxId: string, error: unknown): void {
    const waiters = this.#waiters.get(outboxId) ?? [];
    this.#waiters.delete(outboxId);
    for (const w of waiters) w.reject(error);
  }
}
