/**
 * `Connector`: what an agency's document system embeds to work with the axis.
 * @module
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Organization, StaffInfo } from '../edxml/model.js';
import type { Decision, QuarantineEntry } from '../store/store.js';
import { answerRequest, replaceDocument, requestTakeBack, revokeDocument, updateDocument, type AnswerResult, type BusinessReason, type SendHandle, type UpdateChanges } from './business.js';
import { buildComplianceReport } from './compliance-report.js';
import type { ComplianceReport } from './compliance-report-types.js';
import type { ConnectorContext } from './context.js';
import type { OverdueItem } from './deadlines.js';
import { ConnectorEvents, type ConnectorEventHandler, type ConnectorEventMap, type DocumentEvent } from './events.js';
import { HandOver } from './handover.js';
import { RecentPackages } from './recent-packages.js';
import { InboxReceiver, type ReceivePassResult } from './inbox.js';
import { resolveConnectorOptions, type ConnectorOptions, type ResolvedConnectorOptions } from './options.js';
import { OutboxWorker } from './outbox.js';
import { checkOverdue } from './overdue-watch.js';
import { reportStatus, type ReportOptions, type ReportResult } from './reporter.js';
import { sendDocument, type SendInput, type SendOptions } from './send.js';
import { documentTracking, receivedTracking, reportingClasses, sentTracking, type DocumentTracking } from './tracking.js';
import type { ReceivedDocumentTracking, ReportingClass, SentDocumentTracking } from './tracking-types.js';
import { DocumentQueue } from './document-queue.js';
import type { EdocMessageInput } from '../edxml/model.js';

/** What one pass of the loop did. */
export interface PassResult {
  /** Outbox entries handled (sent, rescheduled or failed). */
  readonly sent: number;
  readonly received: ReceivePassResult;
  /** Entries handed to the application. */
  readonly handedOver: number;
}

/**
 * Connects one agency (or a provincial hub's agencies) to the axis: nothing lost, nothing
 * twice, the full status lifecycle. See `workflow.md` and `axis-api.md` section 4.
 *
 * - `send(doc)` validates (secret documents refused), builds, signs, queues in the durable
 *   outbox, which delivers with retries and never sends twice what the axis already has;
 * - `start()` runs the receive loop: fetch, read, verify, store (de-duplicated), ack, status
 *   01, then hand-over through events and `documents()` — at least once;
 * - `report(id, '03' | …)` moves a received document through 02…06 with checks;
 * - `revoke`, `update`, `replace`, `requestTakeBack` for the sender; `answer` (15/16) for
 *   requests received;
 * - `sentTracking()`, `receivedTracking()`, `tracking(id)`, `complianceReport(...)`.
 *
 * The outbox works from the first `send` (or `start`) until `stop()`: while entries wait
 * for a retry a timer keeps the process alive. The store belongs to the caller, who closes
 * it after `stop()`. Several connectors (workers) may share one multi-process store
 * (PostgresStore): claims with leases keep them from doing the same work.
 *
 * @example
 * ```ts
 * const store = await FileStore.open({ dir: '/var/lib/vdxp' });
 * const connector = new Connector({
 *   axis: { endpoint: 'https://axis.example', systemId: '000.00.00.H41', secret },
 *   store,
 *   agency: { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' },
 * });
 * connector.on('document', async ({ inboxId, message }) => { await registerIncoming(inboxId, message); });
 * connector.start();
 * const { delivered } = await connector.send(document);
 * await delivered;
 * await connector.report(inboxId, '03', { staff: { staff: 'Văn thư' } });
 * ```
 */
export class Connector {
  readonly #options: ResolvedConnectorOptions;
  readonly #ctx: ConnectorContext;
  readonly #events = new ConnectorEvents();
  readonly #outbox: OutboxWorker;
  readonly #inbox: InboxReceiver;
  readonly #handOver: HandOver;
  #loop: Promise<void> | undefined;
  #wake: AbortController | undefined;
  #halted = false;
  #lastDeadlineCheck = 0;

  /** @throws {ConfigError} VDXP_CONFIG_INVALID naming each bad option */
  constructor(options: ConnectorOptions) {
    this.#options = resolveConnectorOptions(options);
    const signal = this.#options.signal ?? new AbortController().signal;
    // every request under way listens to it: `concurrency` sends and receives at once
    setMaxListeners(Math.max(getMaxListeners(signal), 4 * this.#options.concurrency + 20), signal);
    this.#ctx = {
      options: this.#options,
      store: this.#options.store,
      events: this.#events,
      signal,
      now: this.#options.now,
      halted: () => this.#halted || signal.aborted,
      recent: new RecentPackages(4 * this.#options.batchSize),
      arriving: new Set(),
    };
    this.#outbox = new OutboxWorker(this.#ctx);
    const v = this.#options.verification;
    this.#inbox = new InboxReceiver(this.#ctx, this.#outbox, v ? { ...v, policy: v.policy } : undefined);
    this.#handOver = new HandOver(this.#ctx);
    signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  /** The connector's agencies (the default sender first). */
  get agencies(): readonly Organization[] {
    return this.#options.agencies;
  }

  /** This worker's id in leases. */
  get workerId(): string {
    return this.#options.workerId;
  }

  /** Adds an event handler (async handlers are awaited before an item counts as handed over). */
  on<K extends keyof ConnectorEventMap>(name: K, handler: ConnectorEventHandler<K>): this {
    this.#events.on(name, handler);
    return this;
  }

  /** Removes an event handler. */
  off<K extends keyof ConnectorEventMap>(name: K, handler: ConnectorEventHandler<K>): this {
    this.#events.off(name, handler);
    return this;
  }

  /**
   * Sends a document: validates it, refuses it when marked secret, builds it (signed when
   * `signing` is set), writes the outbox entry durably and delivers it with retries.
   * With `options.outboxId` (an idempotency key) a second call with the same id queues
   * nothing and returns the handle of the entry already stored.
   * @throws {ConnectorError} VDXP_CONNECTOR_SECRET_REFUSED for a document marked Mật / Tối mật / Tuyệt mật
   * @throws {InputError} VDXP_INPUT_INVALID with every issue of the message (or a malformed `outboxId`)
   * @throws {StoreError} VDXP_STORE_* when the outbox entry cannot be written
   */
  send(input: SendInput, options: SendOptions = {}): Promise<SendHandle> {
    return sendDocument(this.#ctx, this.#outbox, input, options);
  }

  /** Starts the receive loop (and the outbox). Idempotent. */
  start(): void {
    if (this.#loop || this.#ctx.signal.aborted) return;
    this.#halted = false;
    this.#outbox.resume();
    this.#outbox.kick();
    this.#loop = (async () => {
      while (!this.#ctx.halted()) {
        // the outbox runs on its own (kicked by sends and reports, timed for retries), and so
        // does the hand-over (kicked after each pass): this loop only receives
        this.#outbox.kick();
        const received = await this.#inbox.pass().catch(async (error: unknown) => {
          await this.#events.reportError({ error, phase: 'receive' });
          return undefined;
        });
        this.#handOver.kick();
        await this.#checkDeadlines();
        if (this.#ctx.halted()) break;
        if (received?.more) continue; // more waiting on the axis: no pause
        this.#wake = new AbortController();
        await sleep(this.#options.pollIntervalMs, undefined, { signal: this.#wake.signal }).catch(() => undefined);
      }
    })();
  }

  /** Wakes the loop now instead of after `pollIntervalMs`. */
  poll(): void {
    this.#wake?.abort();
  }

  /** Stops the loop and the outbox after the work under way. Idempotent; `start()` resumes. */
  async stop(): Promise<void> {
    this.#halted = true;
    this.#wake?.abort();
    await this.#loop;
    this.#loop = undefined;
    await this.#handOver.idle();
    await this.#outbox.stop();
  }

  /** One pass: deliver the outbox, receive, hand over, check deadlines (at most once a minute). */
  async runOnce(): Promise<PassResult> {
    const sent = await this.#outbox.pass();
    const received = await this.#inbox.pass();
    await this.#handOver.idle();
    const handedOver = await this.#handOver.pass();
    await this.#checkDeadlines();
    return { sent, received, handedOver };
  }

  /** Checks deadlines, at most once a minute. */
  async #checkDeadlines(): Promise<void> {
    const now = this.#ctx.now().getTime();
    if (this.#options.deadlines !== undefined && now - this.#lastDeadlineCheck >= 60_000) {
      this.#lastDeadlineCheck = now;
      await checkOverdue(this.#ctx).catch((error: unknown) => this.#events.reportError({ error, phase: 'deadlines' }));
    }
  }

  /**
   * Received documents as an async iterator (starts the loop). Each document is recorded as
   * handed over when the loop body finished with it and asked for the next; one that was
   * being processed when the loop broke or threw comes again later.
   * @example
   * ```ts
   * for await (const doc of connector.documents({ signal })) await app.register(doc.inboxId, doc.message);
   * ```
   */
  documents(options: { signal?: AbortSignal } = {}): AsyncGenerator<DocumentEvent> {
    const queue = new DocumentQueue(options.signal);
    this.start();
    return queue.iterate(
      () => this.on('document', queue.handler),
      () => this.off('document', queue.handler),
    );
  }

  /**
   * Reports the processing of a received document (by inbox id or DocumentId): 01 → 02|03,
   * 03 → 04|05|06, 04 → 05|06, 05 → 05|06. Repeating the current code sends nothing (a 05
   * with a new description is a progress report).
   * @throws {ConnectorError} VDXP_CONNECTOR_BAD_TRANSITION naming the current state and allowed moves; VDXP_CONNECTOR_REASON_REQUIRED for 02 without a reason; VDXP_CONNECTOR_NOT_FOUND
   */
  report(ref: string, code: string, options: ReportOptions = {}): Promise<ReportResult> {
    return reportStatus(this.#ctx, this.#outbox, ref, code, options);
  }

  /** Revokes a sent document (a type-1 package with the reason). @throws {ConnectorError} VDXP_CONNECTOR_NOT_FOUND, VDXP_CONNECTOR_REASON_REQUIRED */
  revoke(documentId: string, why: BusinessReason): Promise<SendHandle> {
    return revokeDocument(this.#ctx, this.#outbox, documentId, why);
  }

  /** Updates a sent document's metadata or recipients (type 2). @throws {ConnectorError} VDXP_CONNECTOR_NOT_FOUND */
  update(documentId: string, changes: UpdateChanges): Promise<SendHandle> {
    return updateDocument(this.#ctx, this.#outbox, documentId, changes);
  }

  /** Replaces a sent document with a new one (type 3). @throws {ConnectorError} VDXP_CONNECTOR_NOT_FOUND */
  replace(documentId: string, replacement: Omit<EdocMessageInput, 'from'> & { from?: Organization }, why?: Partial<BusinessReason>): Promise<SendHandle> {
    const from = replacement.from ?? this.#options.agencies[0]!;
    return replaceDocument(this.#ctx, this.#outbox, documentId, { ...replacement, from }, why);
  }

  /** Asks the recipients to give a sent document back (status 13). @throws {ConnectorError} VDXP_CONNECTOR_NOT_FOUND, VDXP_CONNECTOR_REASON_REQUIRED */
  requestTakeBack(documentId: string, why: BusinessReason): Promise<SendHandle> {
    return requestTakeBack(this.#ctx, this.#outbox, documentId, why);
  }

  /**
   * Answers a pending request (take-back, revoke, update): `agree` sends 15 and withdraws the
   * document, `refuse` sends 16 with the reason.
   * @throws {ConnectorError} VDXP_CONNECTOR_NOT_FOUND, VDXP_CONNECTOR_BAD_TRANSITION (answered otherwise before), VDXP_CONNECTOR_REASON_REQUIRED
   */
  answer(requestId: string, answer: 'agree' | 'refuse', reason?: string, options: { staff?: StaffInfo } = {}): Promise<AnswerResult> {
    return answerRequest(this.#ctx, this.#outbox, requestId, answer, reason, options.staff);
  }

  /** Requests received (pending first when filtered by `state: 'open'`). */
  decisions(filter: { state?: Decision['state']; documentId?: string } = {}): Promise<Decision[]> {
    return this.#options.store.listDecisions(filter);
  }

  /** Packages that could not be read (acked `fail`). */
  quarantine(): Promise<QuarantineEntry[]> {
    return this.#options.store.listQuarantine();
  }

  /** Documents sent, with every recipient's trail. */
  sentTracking(): Promise<SentDocumentTracking[]> {
    return sentTracking(this.#ctx);
  }

  /** Documents received, with what this system reported. */
  receivedTracking(): Promise<ReceivedDocumentTracking[]> {
    return receivedTracking(this.#ctx);
  }

  /** Both views of one DocumentId, with each recipient's reporting class on it. */
  tracking(documentId: string): Promise<DocumentTracking> {
    return documentTracking(this.#ctx, documentId);
  }

  /** Each recipient's reporting class (full / partial / arrival-only / silent) over all documents sent to it. */
  reportingClasses(): Promise<Record<string, ReportingClass>> {
    return reportingClasses(this.#ctx);
  }

  /** Overdue items now; raises `overdue` for the ones not raised before. */
  checkDeadlines(): Promise<OverdueItem[]> {
    return checkOverdue(this.#ctx);
  }

  /**
   * The compliance report of `[from, to)` (counts, full-reporting share, times to 01/03/06,
   * overdue and refused items); render it with `complianceReportToCsv` / `complianceReportToHtml`.
   * @throws {ConfigError} VDXP_CONFIG_INVALID when `to` is not after `from`
   */
  async complianceReport(period: { from: Date; to: Date; unit?: 'day' | 'week' | 'month' }): Promise<ComplianceReport> {
    const agency = this.#options.agencies[0]!;
    return buildComplianceReport({
      sent: await this.sentTracking(),
      received: await this.receivedTracking(),
      from: period.from,
      to: period.to,
      now: this.#ctx.now(),
      ...(this.#options.deadlines !== undefined ? { deadlines: this.#options.deadlines } : {}),
      agency: { organId: agency.organId, organName: agency.organName },
      ...(period.unit ? { unit: period.unit } : {}),
    });
  }
}
