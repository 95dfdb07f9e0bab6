/**
 * The records a {@link Store} keeps: outbox and inbox entries, statuses, decisions,
 * quarantined packages, blobs and leases. See `store.ts` for the rules around them.
 * @module
 */
import type { StaffInfo } from '../edxml/model.js';

/** Who holds a claimed item, and until when. */
export interface Lease {
  /** The worker that claimed it (`ConnectorOptions.workerId`). */
  readonly workerId: string;
  /** ISO 8601 UTC; after this the item may be claimed by another worker. */
  readonly expiresAt: string;
}

/** A stored byte sequence (a package). */
export interface BlobInfo {
  /** The store's reference to the bytes. */
  readonly ref: string;
  /** Byte length. */
  readonly size: number;
  /** Lowercase hex SHA-256 of the bytes. */
  readonly sha256: string;
}

/** Options of {@link Store.putBlob}. */
export interface PutBlobOptions {
  /** Fail with `VDXP_STORE_IO` (and keep nothing) past this many bytes. @defaultValue no limit */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
}

/** `edoc` (a document, including revoke/update/replace) or `status` (a business status). */
export type StoreMessageType = 'edoc' | 'status';

/** What tracking and reports need to know about a package without reading it again. */
export interface MessageSummary {
  /** `Number/Notation` of the document (for a status: of the document reported on). */
  readonly code: string;
  /** Trích yếu (edoc). */
  readonly subject?: string;
  /** 0–4 (edoc). */
  readonly priority?: number;
  /** 0 new, 1 revoke, 2 update, 3 replace (edoc). */
  readonly businessDocType?: 0 | 1 | 2 | 3;
  /** `YYYY-MM-DD` (edoc). */
  readonly promulgationDate?: string;
  /** Hạn xử lý, `YYYY-MM-DD` (edoc). */
  readonly dueDate?: string;
  /** The status code (status). */
  readonly statusCode?: string;
  /** Organisation names as the package gave them, by OrganId. */
  readonly organNames?: Readonly<Record<string, string>>;
}

/** The document a package answers or reports on (`ResponseFor`). */
export interface StoredResponseFor {
  readonly organId: string;
  readonly code: string;
  readonly documentId: string;
  readonly promulgationDate?: string;
}

/** A failure kept on a record: a code and a message without document content. */
export interface StoredError {
  readonly code: string;
  readonly message: string;
  /** ISO 8601 UTC. */
  readonly at: string;
}

// --- outbox -------------------------------------------------------------------------------

/**
 * - `pending`: waiting for `nextAttemptAt`;
 * - `sending`: a `sendEdoc` may be under way or may have reached the axis (an ambiguous
 *   failure or a crash): before sending again, the axis's sent list must be checked;
 * - `sent`: the axis gave a DocId; `failed`: given up (the axis refused, or retries spent).
 */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed';

/** A package to send, and what happened to it. */
export interface OutboxEntry {
  readonly id: string;
  readonly version: number;
  /** The DocumentId of the edoc, or of the document a status reports on. */
  readonly documentId: string;
  readonly messageType: StoreMessageType;
  /** `new`, `revoke`, `update`, `replace` for an edoc; the status code for a status. */
  readonly operation: string;
  /** The sending agency (one of the connector's). */
  readonly from: string;
  /** Agencies the package is for (edoc: every `To`; status: who it informs). */
  readonly recipients: readonly string[];
  /** Send an explicit `to` header (a 13 from the issuer routes to the recipients, not by ResponseFor). */
  readonly toHeader?: boolean;
  /** The package bytes. */
  readonly blob: BlobInfo;
  readonly summary: MessageSummary;
  /** For a status, or a revoke: the document it is about. */
  readonly responseFor?: StoredResponseFor;
  /** The inbox entry a status reports on (statuses about received documents). */
  readonly inboxId?: string;
  readonly state: OutboxState;
  /** `sendEdoc` calls started so far. */
  readonly attempts: number;
  /** ISO 8601 UTC: not before. */
  readonly nextAttemptAt: string;
  /** ISO 8601 UTC: when the last `sendEdoc` started (to find it in the sent list). */
  readonly attemptStartedAt?: string;
  readonly lastError?: StoredError;
  /** The axis's DocId (sender side) once known. */
  readonly axisDocId?: string;
  readonly createdAt: string;
  readonly sentAt?: string;
  readonly lease?: Lease;
  /**
   * ISO 8601 UTC: when the store's `prunePackages` removed the package bytes (`blob` still
   * says what they were). Absent while the bytes are kept.
   */
  readonly packagePrunedAt?: string;
}

/** A new outbox entry: the caller chooses the id (deterministic ids make retries idempotent). */
export type NewOutboxEntry = Omit<OutboxEntry, 'version' | 'state' | 'attempts' | 'lease' | 'sentAt' | 'axisDocId' | 'lastError' | 'attemptStartedAt' | 'packagePrunedAt'> & {
  readonly state?: 'pending';
};

/** What an update may change; `null` removes an optional field. */
export interface OutboxPatch {
  readonly state?: OutboxState;
  readonly attempts?: number;
  readonly nextAttemptAt?: string;
  readonly attemptStartedAt?: string | null;
  readonly lastError?: StoredError | null;
  readonly axisDocId?: string | null;
  readonly sentAt?: string | null;
  readonly lease?: Lease | null;
}

/** Filters of {@link Store.listOutbox} (all given ones must match). */
export interface OutboxFilter {
  readonly documentId?: string;
  readonly state?: OutboxState;
  readonly messageType?: StoreMessageType;
  readonly inboxId?: string;
}

// --- inbox --------------------------------------------------------------------------------

/** What signature checks said about a received package. */
export interface VerificationSummary {
  /** Worst verdict of all checks; `not-checked` when no verification is configured. */
  readonly verdict: 'valid' | 'invalid' | 'indeterminate' | 'not-checked';
  /** What the policy did: `accepted`, `held` for a person, or `refused` (answered 02). */
  readonly disposition: 'accepted' | 'held' | 'refused';
  /** One line per check (`edxml`, `pdf:<file name>` …). */
  readonly checks: readonly { readonly name: string; readonly verdict: string; readonly reasons: readonly string[] }[];
}

/** A received package (edoc or status), stored before it is acked. */
export interface InboxEntry {
  readonly id: string;
  readonly version: number;
  /** The receiver-side package id the axis gave. */
  readonly axisDocId: string;
  readonly messageType: StoreMessageType;
  /** The sending (or reporting) agency. */
  readonly from: string;
  /** The connector's agency it was delivered to. */
  readonly to: string;
  /** DocumentId of the edoc, or of the document a status reports on. */
  readonly documentId: string;
  /** `new`, `revoke`, `update`, `replace`, or for a status its code and timestamp: de-duplication key part. */
  readonly operation: string;
  readonly blob: BlobInfo;
  readonly summary: MessageSummary;
  readonly responseFor?: StoredResponseFor;
  /** ISO 8601 UTC. */
  readonly receivedAt: string;
  readonly verification?: VerificationSummary;
  /** The last business status reported for it (edoc): `01` … `06`. */
  readonly lifecycle?: string;
  /** True once a take-back/revoke was agreed (15) or the document was replaced. */
  readonly withdrawn: boolean;
  /** ISO 8601 UTC: handed to the application (an event handler returned). */
  readonly handedOverAt?: string;
  readonly lease?: Lease;
  /**
   * ISO 8601 UTC: when the store's `prunePackages` removed the package bytes (`blob` still
   * says what they were). Absent while the bytes are kept.
   */
  readonly packagePrunedAt?: string;
}

/** A new inbox entry. */
export type NewInboxEntry = Omit<InboxEntry, 'version' | 'handedOverAt' | 'lease' | 'withdrawn' | 'lifecycle' | 'packagePrunedAt'> & {
  readonly withdrawn?: boolean;
  readonly lifecycle?: string;
};

/** What an inbox update may change; `null` removes an optional field. */
export interface InboxPatch {
  readonly lifecycle?: string;
  readonly withdrawn?: boolean;
  readonly verification?: VerificationSummary;
  readonly handedOverAt?: string | null;
  readonly lease?: Lease | null;
}

/** Filters of {@link Store.listInbox}. */
export interface InboxFilter {
  readonly axisDocId?: string;
  readonly documentId?: string;
  readonly messageType?: StoreMessageType;
  readonly from?: string;
  readonly to?: string;
  readonly handedOver?: boolean;
}

/** Result of {@link Store.addInbox}: `duplicate` hands back the entry stored first. */
export interface AddInboxResult {
  readonly status: 'created' | 'duplicate';
  /** For a duplicate: which key matched. */
  readonly matchedBy?: 'axisDocId' | 'document';
  readonly entry: InboxEntry;
}

// --- status trail -------------------------------------------------------------------------

/**
 * One business status sent (`out`: about a document received) or received (`in`: about a
 * document sent). Natural key: direction + documentId + agency + counterpart + code + at
 * (a hub's agencies may each report on the same document in the same second).
 */
export interface StatusRecord {
  /** Derived from the natural key by the store. */
  readonly id: string;
  readonly direction: 'in' | 'out';
  readonly documentId: string;
  /** The other side: for `in` the reporter, for `out` the document's issuer (or, for a 13, the recipient informed). */
  readonly counterpart: string;
  /** The connector's agency concerned. */
  readonly agency: string;
  readonly code: string;
  /** The status package's Timestamp, `YYYY-MM-DDTHH:mm:ss+07:00`. */
  readonly at: string;
  /** ISO 8601 UTC: when this system recorded it. */
  readonly recordedAt: string;
  readonly staff?: StaffInfo;
  readonly description?: string;
  /** The outbox entry that carries it (`out`). */
  readonly outboxId?: string;
  /** The inbox entry it arrived in (`in`), or the received document it reports on (`out`). */
  readonly inboxId?: string;
}

/** A new status record (its id is derived). */
export type NewStatusRecord = Omit<StatusRecord, 'id'>;

/** Filters of {@link Store.listStatuses}. */
export interface StatusFilter {
  readonly direction?: 'in' | 'out';
  readonly documentId?: string;
  readonly counterpart?: string;
}

// --- decisions ----------------------------------------------------------------------------

/** A request from a document's issuer that a person must answer (15 agree / 16 refuse). */
export interface Decision {
  readonly id: string;
  readonly version: number;
  /** `revoke` (package type 1), `update` (type 2), `take-back` (status 13). */
  readonly kind: 'revoke' | 'update' | 'take-back';
  /** The document concerned. */
  readonly documentId: string;
  /** The issuer asking. */
  readonly requester: string;
  /** The connector's agency asked. */
  readonly agency: string;
  readonly reason?: string;
  /** The inbox entry that carried the request. */
  readonly requestInboxId: string;
  /** The received document concerned, when it is in the inbox. */
  readonly inboxId?: string;
  readonly state: 'open' | 'agreed' | 'refused';
  readonly createdAt: string;
  readonly answeredAt?: string;
  readonly answerReason?: string;
  /** The outbox entry of the 15/16 answer. */
  readonly answerOutboxId?: string;
}

/** A new decision; create-if-absent by `id`. */
export type NewDecision = Omit<Decision, 'version' | 'state' | 'answeredAt' | 'answerReason' | 'answerOutboxId'>;

/** What a decision update may change. */
export interface DecisionPatch {
  readonly state?: 'open' | 'agreed' | 'refused';
  readonly answeredAt?: string;
  readonly answerReason?: string | null;
  readonly answerOutboxId?: string;
}

// --- quarantine ---------------------------------------------------------------------------

/** A received package that could not be read, kept with the reason (it was acked `fail`). */
export interface QuarantineEntry {
  readonly id: string;
  readonly axisDocId: string;
  readonly messageType: StoreMessageType;
  readonly from?: string;
  readonly to?: string;
  readonly reason: { readonly code: string; readonly message: string };
  /** The bytes as received, when they could be downloaded. */
  readonly blob?: BlobInfo;
  readonly at: string;
  /** ISO 8601 UTC: when the store's `prunePackages` removed the bytes (`blob` still says what they were). */
  readonly packagePrunedAt?: string;
}
