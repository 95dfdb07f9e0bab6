/**
 * The `Store` interface: everything the connector must not lose — the outbox, the inbox,
 * the status trail, pending decisions, quarantine and package bytes (blobs).
 *
 * Rules every implementation keeps (the contract suite `test/helpers/store-contract.ts`
 * checks them):
 * - **Durable before resolved.** When a method's promise resolves, the change survives a
 *   crash (`kill -9`, power loss with a honest disk).
 * - **Create-if-absent.** Every `add…` is idempotent on a key and returns
 *   `{ created, record }`: `created: false` hands back the record already stored, unchanged.
 *   The connector orders its writes so that a crash between two of them is repaired by
 *   repeating the operation.
 * - **Optimistic updates.** Every mutable record has a `version` (1 when created, +1 per
 *   update). `update…(id, patch, expect)` fails with `VDXP_STORE_CONFLICT` when `expect.version`
 *   or `expect.leaseHolder` does not match, and `VDXP_STORE_NOT_FOUND` for an unknown id.
 * - **Claims with leases.** Several workers may share one store (PostgresStore): work is
 *   taken with `claimOutbox` / `claimInboxHandover`, which atomically give each item to one
 *   worker until `lease.expiresAt`; an expired lease makes abandoned work claimable again.
 * - **De-duplication is the store's job.** `addInbox` refuses a second copy of a package by
 *   its axis DocId and by (recipient, sender, DocumentId, operation).
 *
 * Times are ISO 8601 UTC strings (`Date#toISOString()`), except `StatusRecord.at`, the
 * status package's own timestamp (`YYYY-MM-DDTHH:mm:ss+07:00`). Ids given by callers match
 * {@link STORE_ID_PATTERN}.
 * @module
 */
import type { Readable } from 'node:stream';
import type {
  AddInboxResult, BlobInfo, Decision, DecisionPatch, InboxEntry, InboxFilter, InboxPatch, NewDecision, NewInboxEntry,
  NewOutboxEntry, NewStatusRecord, OutboxEntry, OutboxFilter, OutboxPatch, PutBlobOptions, QuarantineEntry, StatusFilter, StatusRecord,
} from './records.js';

export type * from './records.js';

/** Ids of records and blobs: 1–160 characters of `A-Z a-z 0-9 _ . -`, not starting with `.` or `-`. */
export const STORE_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,159}$/;

// --- the interface ------------------------------------------------------------------------

/** Options of the claim methods. */
export interface ClaimOptions {
  readonly workerId: string;
  /** Most items returned. */
  readonly limit: number;
  /** Lease length from `now`. */
  readonly leaseMs: number;
  readonly now: Date;
}

/** Options of {@link Store.claimInboxHandover}. */
export interface InboxClaimOptions extends ClaimOptions {
  /**
   * `false`: leave received documents (edocs whose operation is `new` or `replace`) alone and
   * claim only statuses and requests (revokes, updates), as when nobody takes documents.
   * @defaultValue true
   */
  readonly documents?: boolean;
}

/** Options of {@link Store.claimReceive}. */
export interface ReceiveClaimOptions {
  /** The axis DocId of the listed package about to be fetched. */
  readonly axisDocId: string;
  readonly workerId: string;
  /** Lease length from `now`. */
  readonly leaseMs: number;
  readonly now: Date;
}

/**
 * Options of {@link Store.prunePackages}: which records' package bytes to remove. A record is
 * *finished* when the connector will not read its package again on its own:
 * - a received package (document, status or request) once handed over to the application;
 * - a document this system sent (new, revoke, update, replace) once `sent` or `failed`. Its
 *   package is what a later revoke, update, replacement or take-back of that document reads,
 *   so these are off by default; a status this system sent is never pruned (a few KB, read
 *   when the same status is reported again);
 * - a quarantined package (a copy kept for investigation).
 */
export interface PruneOptions {
  /**
   * ISO 8601 UTC: records finished before this lose their package (received: `handedOverAt`;
   * sent: `sentAt`, or for a failed one its last error's time, else `createdAt`; quarantined: `at`).
   */
  readonly before: string;
  /** Received packages. @defaultValue true */
  readonly received?: boolean;
  /** Documents this system sent. @defaultValue false */
  readonly sent?: boolean;
  /** Quarantined packages. @defaultValue true */
  readonly quarantined?: boolean;
  /** Count what would go, change nothing. @defaultValue false */
  readonly dryRun?: boolean;
  /** Stamped on each record as `packagePrunedAt`. */
  readonly now: Date;
}

/** What {@link Store.prunePackages} removed (or, with `dryRun`, would remove). */
export interface PruneResult {
  /** Records whose package was removed now, by kind. */
  readonly records: { readonly outbox: number; readonly inbox: number; readonly quarantine: number };
  /**
   * Packages deleted: each once, when no record that keeps its package points to it any more
   * (also packages of records pruned by an earlier run that was interrupted before deleting them).
   */
  readonly blobs: number;
  /** Their bytes. */
  readonly bytes: number;
}

/** Optimistic-concurrency expectations of an update. */
export interface UpdateExpectation {
  /** The record's `version` must be this. */
  readonly version?: number;
  /** The record's lease must be held by this worker (expired or not, but not taken over). */
  readonly leaseHolder?: string;
}

/** Result of a create-if-absent add. */
export interface AddResult<T> {
  readonly created: boolean;
  readonly record: T;
}

/**
 * Durable storage of the connector. See the module documentation for the rules.
 * Implementations: `FileStore` (embedded, one process), `PostgresStore` (many workers).
 * Every method may throw `StoreError` `VDXP_STORE_IO`; the ones named below throw more.
 */
export interface Store {
  /**
   * Stores bytes, streamed: nothing is kept when the source fails, the signal aborts or
   * `maxBytes` is passed; the blob is durable when the promise resolves.
   * @throws {StoreError} VDXP_STORE_IO (also past `maxBytes`)
   */
  putBlob(source: Uint8Array | AsyncIterable<Uint8Array>, options?: PutBlobOptions): Promise<BlobInfo>;
  /**
   * Opens stored bytes as a stream.
   * @throws {StoreError} VDXP_STORE_NOT_FOUND for an unknown ref
   */
  openBlob(ref: string): Promise<Readable>;

  /** Adds an outbox entry unless one with its id exists (state `pending`, attempts 0). */
  addOutbox(entry: NewOutboxEntry): Promise<AddResult<OutboxEntry>>;
  /** One outbox entry by id; undefined when there is none. */
  getOutbox(id: string): Promise<OutboxEntry | undefined>;
  /** Entries matching the filter, oldest first (`createdAt`, then id). */
  listOutbox(filter?: OutboxFilter): Promise<OutboxEntry[]>;
  /**
   * Atomically leases up to `limit` entries that are `pending` or `sending` (an interrupted
   * send), with `nextAttemptAt <= now` and a lease absent or expired; ordered by
   * `nextAttemptAt`, then `createdAt`. Each returned entry carries the new lease and version.
   */
  claimOutbox(options: ClaimOptions): Promise<OutboxEntry[]>;
  /**
   * Applies a patch.
   * @throws {StoreError} VDXP_STORE_NOT_FOUND, VDXP_STORE_CONFLICT (expectation not met)
   */
  updateOutbox(id: string, patch: OutboxPatch, expect?: UpdateExpectation): Promise<OutboxEntry>;

  /**
   * Adds a received package unless it is a duplicate: same `axisDocId`, or same
   * (`to`, `from`, `documentId`, `operation`).
   */
  addInbox(entry: NewInboxEntry): Promise<AddInboxResult>;
  /** One inbox entry by id; undefined when there is none. */
  getInbox(id: string): Promise<InboxEntry | undefined>;
  /** Entries matching the filter, oldest first (`receivedAt`, then id). */
  listInbox(filter?: InboxFilter): Promise<InboxEntry[]>;
  /**
   * Atomically leases up to `limit` entries not yet handed over whose lease is absent or
   * expired, oldest first; with `documents: false`, only statuses and requests.
   */
  claimInboxHandover(options: InboxClaimOptions): Promise<InboxEntry[]>;
  /** @throws {StoreError} VDXP_STORE_NOT_FOUND, VDXP_STORE_CONFLICT */
  updateInbox(id: string, patch: InboxPatch, expect?: UpdateExpectation): Promise<InboxEntry>;
  /**
   * Leases the fetching of one listed package, so that workers sharing the store do not all
   * download it: true when this worker holds the lease now (new, renewed, or taken over after
   * the holder's expired), false while another worker's lease lasts. Optional: with a store
   * without it every worker fetches what it lists, and the inbox still keeps each package once.
   */
  claimReceive?(options: ReceiveClaimOptions): Promise<boolean>;
  /**
   * Ends this worker's lease on a package's fetching (nothing when it holds none), and forgets
   * leases that ended more than a day before `now` (a worker that stopped without releasing).
   */
  releaseReceive?(axisDocId: string, workerId: string, now: Date): Promise<void>;

  /** Records a status unless one with the same natural key exists. */
  addStatus(record: NewStatusRecord): Promise<AddResult<StatusRecord>>;
  /** Matching statuses, ordered by `at`, then `recordedAt`, then id. */
  listStatuses(filter?: StatusFilter): Promise<StatusRecord[]>;

  /** Adds a decision (state `open`) unless one with its id exists. */
  addDecision(decision: NewDecision): Promise<AddResult<Decision>>;
  /** One decision by id; undefined when there is none. */
  getDecision(id: string): Promise<Decision | undefined>;
  /** Decisions, oldest first. */
  listDecisions(filter?: { readonly state?: Decision['state']; readonly documentId?: string }): Promise<Decision[]>;
  /** @throws {StoreError} VDXP_STORE_NOT_FOUND, VDXP_STORE_CONFLICT */
  updateDecision(id: string, patch: DecisionPatch, expect?: UpdateExpectation): Promise<Decision>;

  /** Keeps an unreadable package, unless one with the same `axisDocId` is kept. */
  addQuarantine(entry: QuarantineEntry): Promise<AddResult<QuarantineEntry>>;
  /** Quarantined packages, oldest first. */
  listQuarantine(): Promise<QuarantineEntry[]>;

  /**
   * Sets a flag once: true the first time `key` is marked, false afterwards (events that must
   * be raised once, e.g. an overdue item). Keys are any text up to 500 characters.
   */
  markOnce(key: string, at: string): Promise<boolean>;

  /**
   * Removes the package bytes of finished records (see {@link PruneOptions}) and stamps each
   * such record with `packagePrunedAt`; the records themselves stay (tracking, reports and
   * de-duplication keep working). The records are changed durably before any byte is
   * deleted, so an interrupted run leaves at worst packages that the next run deletes.
   * A record holding a lease is left alone. Optional: a store without it keeps every package.
   * @throws {StoreError} VDXP_STORE_IO
   */
  prunePackages?(options: PruneOptions): Promise<PruneResult>;

  /** Releases resources (a lock, connections). Idempotent; other calls then fail. */
  close(): Promise<void>;
}
