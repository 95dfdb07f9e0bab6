/**
 * The folder hand-off of outgoing documents: complete drops in `outbox/` are claimed into the
 * agent's state (see `drop-claims.ts`), sent with `Connector.send` under an outbox id fixed at
 * claim time, and moved to `sent/NAME/` with `NAME.result.json` (the axis DocId) or to
 * `failed/NAME/` with `NAME.error.json` (the reason). The connector's outbox is the source of
 * truth for delivery; the claim journal lets a restarted agent go on where it stopped, and
 * since sending a claim again queues nothing new, a crash never sends a drop twice.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, ConnectorError, InputError, isVdxpError, type Issue } from '../errors.js';
import type { SendHandle } from '../connector/business.js';
import type { SendReport } from '../connector/outbox.js';
import type { SendInput, SendOptions } from '../connector/send.js';
import { DropClaims, dropFileNames, type ClaimJournal } from './drop-claims.js';
import { planDrop } from './drop-input.js';
import { isMissing } from './durable-fs.js';
import type { AgentLogger } from './logger.js';
import type { AgentEventInput } from './webhook.js';

/** Options of {@link OutboxWatcher}. */
export interface OutboxWatcherOptions {
  readonly folders: { readonly outbox: string; readonly sent: string; readonly failed: string };
  /** Claim folders (inside the agent's state, on the outbox's file system). */
  readonly processingDir: string;
  /** Sends (the agent's `Connector`). */
  readonly connector: { send(input: SendInput, options?: SendOptions): Promise<SendHandle> };
  readonly complete: 'json-last' | 'ready-marker';
  readonly scanIntervalMs: number;
  readonly settleMs: number;
  readonly logger: AgentLogger;
  /** Records an event for the webhook (durably) before the drop is moved. */
  readonly emit: (event: AgentEventInput) => Promise<void>;
  readonly now?: () => Date;
}

/** Counts for metrics. */
export interface OutboxWatcherStats {
  /** Complete drops waiting in `outbox/`. */
  readonly waiting: number;
  /** Drops claimed and not yet moved to `sent/` or `failed/`. */
  readonly processing: number;
  /** The oldest claim's time (ISO 8601). */
  readonly oldestClaimedAt?: string;
}

const PERMANENT = (e: unknown) => e instanceof InputError || e instanceof ConfigError || (e instanceof ConnectorError && e.code !== 'VDXP_CONNECTOR_SEND_FAILED');

/** Watches the outbox folder. */
export class OutboxWatcher {
  readonly #o: OutboxWatcherOptions;
  readonly #claims: DropClaims;
  readonly #now: () => Date;
  /** Claims being worked on or waiting for delivery in this process. */
  readonly #active = new Set<string>();
  readonly #finishing = new Set<Promise<void>>();
  #loop: Promise<void> | undefined;
  #wake: AbortController | undefined;
  #stopping = false;

  constructor(options: OutboxWatcherOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    this.#claims = new DropClaims(options.folders.outbox, options.processingDir, this.#now);
  }

  /** Scans every `scanIntervalMs` until {@link stop}; claims of an earlier run are resumed first. */
  start(): void {
    if (this.#loop) return;
    this.#stopping = false;
    this.#loop = (async () => {
      while (!this.#stopping) {
        await this.scanOnce().catch((error: unknown) => this.#o.logger.error('outbox scan failed', { error }));
        if (this.#stopping) break;
        this.#wake = new AbortController();
        await sleep(this.#o.scanIntervalMs, undefined, { signal: this.#wake.signal }).catch(() => undefined);
      }
    })();
  }

  /** Scans now instead of after the interval. */
  poke(): void {
    this.#wake?.abort();
  }

  /** Stops scanning after the drop under way is queued. Deliveries keep their claims for the next run. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  /** Waits for drops whose delivery settled to be moved. */
  async drain(): Promise<void> {
    while (this.#finishing.size > 0) await Promise.allSettled([...this.#finishing]);
  }

  /** One pass: resume claims not being worked on, then claim and queue complete drops. */
  async scanOnce(): Promise<void> {
    for (const claimId of await this.#claims.list()) {
      if (this.#stopping) return;
      if (this.#active.has(claimId)) continue;
      const journal = await this.#claims.read(claimId);
      if (journal) await this.#run(journal);
    }
    for (const candidate of await this.#claims.candidates(this.#o.complete, this.#o.settleMs)) {
      if (this.#stopping) return;
      const journal = await this.#claims.claim(candidate);
      if (journal) {
        this.#o.logger.debug('drop claimed', { drop: journal.name, claimId: journal.claimId });
        await this.#run(journal);
      }
    }
  }

  /** Drops waiting and claims under way. */
  async stats(): Promise<OutboxWatcherStats> {
    const waiting = (await this.#claims.candidates(this.#o.complete, Number.MAX_SAFE_INTEGER)).length;
    const claims = await this.#claims.list();
    const times = claims.map((id) => Number.parseInt(id.split('-')[0] ?? '', 36)).filter((t) => Number.isFinite(t));
    return { waiting, processing: claims.length, ...(times.length > 0 ? { oldestClaimedAt: new Date(Math.min(...times)).toISOString() } : {}) };
  }

  async #run(start: ClaimJournal): Promise<void> {
    this.#active.add(start.claimId);
    let journal = start;
    try {
      const done = await this.#claims.reportOf(journal);
      if (done) return this.#track(journal.claimId, this.#move(journal, done));
      if (journal.phase === 'claiming' && !(await this.#claims.takeJson(journal))) {
        this.#active.delete(journal.claimId);
        return;
      }
      const dir = this.#claims.dirOf(journal.claimId);
      const f = dropFileNames(journal.name);
      let text: string;
      try {
        text = await readFile(join(dir, f.json), 'utf8');
      } catch (e) {
        if (!isMissing(e)) throw e;
        return this.#track(journal.claimId, this.#fail(journal, new InputError('drop', [{ code: 'missing_file', path: '', message: `${f.ready} came without ${f.json}` }])));
      }
      const plan = planDrop(text);
      if (journal.phase === 'claiming') {
        const missing = await this.#claims.takeFiles(journal, plan.files);
        journal = await this.#claims.update(journal, { phase: 'claimed' });
        if (missing.length > 0) {
          const issues: Issue[] = missing.map((m) => ({ code: 'missing_file', path: 'attachments', message: `${m} is not in the outbox folder` }));
          return this.#track(journal.claimId, this.#fail(journal, new InputError('drop', issues)));
        }
      }
      const handle = await this.#o.connector.send(await plan.toSendInput(dir), { outboxId: journal.outboxId });
      if (journal.phase !== 'queued') {
        journal = await this.#claims.update(journal, { phase: 'queued', documentId: handle.documentId, queuedAt: this.#now().toISOString() });
        this.#o.logger.info('drop queued', { drop: journal.name, documentId: handle.documentId, outboxId: handle.outboxId });
      }
      const queued = journal;
      handle.delivered.then(
        (report) => this.#track(queued.claimId, this.#succeed(queued, report)),
        (error: unknown) => {
          if (error instanceof ConnectorError && error.code === 'VDXP_CONNECTOR_SEND_FAILED') return this.#track(queued.claimId, this.#fail(queued, error));
          this.#o.logger.warn('delivery of a drop could not be followed; retried on the next scan', { drop: queued.name, error });
          this.#active.delete(queued.claimId);
        },
      );
    } catch (error) {
      if (PERMANENT(error)) return this.#track(journal.claimId, this.#fail(journal, error));
      this.#o.logger.warn('drop not queued; retried on the next scan', { drop: journal.name, claimId: journal.claimId, error });
      this.#active.delete(journal.claimId);
    }
  }

  #track(claimId: string, work: Promise<void>): void {
    const p = work
      .catch((error: unknown) => {
        this.#o.logger.error('drop could not be moved; retried on the next scan', { claimId, error });
        this.#active.delete(claimId);
      })
      .finally(() => this.#finishing.delete(p));
    this.#finishing.add(p);
  }

  async #succeed(journal: ClaimJournal, report: SendReport): Promise<void> {
    await this.#claims.writeReport(journal, 'result', {
      name: journal.name,
      documentId: report.documentId,
      outboxId: report.outboxId,
      docId: report.axisDocId,
      attempts: report.attempts,
      claimedAt: journal.claimedAt,
      ...(journal.queuedAt ? { queuedAt: journal.queuedAt } : {}),
      sentAt: report.sentAt,
      finishedAt: this.#now().toISOString(),
    });
    await this.#move(journal, 'result');
  }

  async #fail(journal: ClaimJournal, error: unknown): Promise<void> {
    const reason = {
      code: isVdxpError(error) ? error.code : 'VDXP_ERROR',
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof InputError || error instanceof ConfigError ? { issues: error.issues } : {}),
    };
    await this.#claims.writeReport(journal, 'error', {
      name: journal.name,
      ...(journal.documentId ? { documentId: journal.documentId } : {}),
      ...(journal.phase === 'queued' ? { outboxId: journal.outboxId } : {}),
      reason,
      claimedAt: journal.claimedAt,
      failedAt: this.#now().toISOString(),
    });
    await this.#move(journal, 'error');
  }

  /** Records the webhook event, then moves the claim to `sent/` or `failed/`. */
  async #move(journal: ClaimJournal, kind: 'result' | 'error'): Promise<void> {
    const f = dropFileNames(journal.name);
    const report = JSON.parse(await readFile(join(this.#claims.dirOf(journal.claimId), kind === 'result' ? f.result : f.error), 'utf8')) as Record<string, unknown>;
    const type = kind === 'result' ? 'drop.sent' : 'drop.failed';
    await this.#o.emit({ id: `${type}.${journal.claimId}`, type, data: report });
    const folder = await this.#claims.finish(journal, kind === 'result' ? this.#o.folders.sent : this.#o.folders.failed);
    if (kind === 'result') this.#o.logger.info('drop sent', { drop: journal.name, documentId: report.documentId, docId: report.docId, folder });
    else this.#o.logger.warn('drop failed', { drop: journal.name, reason: report.reason, folder });
    this.#active.delete(journal.claimId);
  }
}
