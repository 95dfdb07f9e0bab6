/**
 * The connector's typed events. Handlers may be async: a document is recorded as handed over
 * only once every handler of its event has returned (or resolved); a handler that throws
 * makes the connector hand the same item over again on a later pass.
 * @module
 */
import type { ParsedEdoc, ParsedStatus } from '../edxml/model.js';
import type { Decision, InboxEntry, StatusRecord, VerificationSummary } from '../store/store.js';
import type { OverdueItem } from './deadlines.js';

/** A received document (new, or replacing earlier ones), handed to the application. */
export interface DocumentEvent {
  readonly inboxId: string;
  readonly documentId: string;
  /** The issuing agency. */
  readonly from: string;
  /** The connector's agency it was sent to. */
  readonly to: string;
  /** The package read, attachments in memory. */
  readonly message: ParsedEdoc;
  /** What signature checks said, and what the policy did (`held`: a person decides). */
  readonly verification: VerificationSummary | undefined;
  /** For a replacement: the DocumentIds it replaces (those are marked withdrawn). */
  readonly replaces: readonly string[];
  readonly entry: InboxEntry;
}

/** A business status received about a document this system sent. */
export interface StatusEvent {
  readonly inboxId: string;
  /** The document reported on. */
  readonly documentId: string;
  /** Who reported. */
  readonly from: string;
  readonly code: string;
  readonly status: StatusRecord;
  /** True when it matched a document in the outbox. */
  readonly matched: boolean;
  readonly message: ParsedStatus;
}

/** A take-back (13), revoke or update request to be answered with `answer()`. */
export interface RequestEvent {
  readonly decision: Decision;
}

/** A deadline passed (raised once per item). */
export interface OverdueEvent {
  readonly item: OverdueItem;
}

/** A received document was withdrawn from processing (a take-back or revoke agreed, or it was replaced). */
export interface WithdrawnEvent {
  readonly inboxId: string;
  readonly documentId: string;
  readonly reason: 'take-back' | 'revoke' | 'replaced';
  readonly decisionId?: string;
}

/** Something failed in the background (the loop goes on). */
export interface ErrorEvent {
  readonly error: unknown;
  readonly phase: 'receive' | 'send' | 'handover' | 'deadlines';
  readonly axisDocId?: string;
  readonly outboxId?: string;
  readonly inboxId?: string;
}

/** The connector's events and their payloads. */
export interface ConnectorEventMap {
  document: DocumentEvent;
  status: StatusEvent;
  request: RequestEvent;
  overdue: OverdueEvent;
  withdrawn: WithdrawnEvent;
  error: ErrorEvent;
}

/** A handler of one event. */
export type ConnectorEventHandler<K extends keyof ConnectorEventMap> = (event: ConnectorEventMap[K]) => void | Promise<void>;

/** A small typed emitter whose `emit` waits for async handlers and reports their failures. */
export class ConnectorEvents {
  readonly #handlers = new Map<keyof ConnectorEventMap, Set<(e: never) => void | Promise<void>>>();

  /** Adds a handler. */
  on<K extends keyof ConnectorEventMap>(name: K, handler: ConnectorEventHandler<K>): void {
    let set = this.#handlers.get(name);
    if (!set) this.#handlers.set(name, (set = new Set()));
    set.add(handler as (e: never) => void | Promise<void>);
  }

  /** Removes a handler. */
  off<K extends keyof ConnectorEventMap>(name: K, handler: ConnectorEventHandler<K>): void {
    this.#handlers.get(name)?.delete(handler as (e: never) => void | Promise<void>);
  }

  /** Number of handlers of an event. */
  count(name: keyof ConnectorEventMap): number {
    return this.#handlers.get(name)?.size ?? 0;
  }

  /**
   * Calls every handler (concurrently) and waits for them.
   * @throws {AggregateError} when a handler threw, after all have finished
   */
  async emit<K extends keyof ConnectorEventMap>(name: K, event: ConnectorEventMap[K]): Promise<void> {
    const handlers = [...(this.#handlers.get(name) ?? [])] as ConnectorEventHandler<K>[];
    const results = await Promise.allSettled(handlers.map(async (h) => h(event)));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} ${name} handler(s) failed`);
  }

  /** Emits an `error` event; an `error` handler that throws is ignored. */
  async reportError(event: ErrorEvent): Promise<void> {
    await this.emit('error', event).catch(() => undefined);
  }
}
