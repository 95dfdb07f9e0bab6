/**
 * The data the connector keeps about each document's processing trail, as the sender and the
 * recipients see it (workflow.md sections 2, 3 and 8). Tracking tables, deadlines and the
 * compliance report are all computed from these plain records.
 * @module
 */
import type { StaffInfo } from '../edxml/model.js';

/** One business status (01…06, 13, 15, 16) as it happened. */
export interface TrailEvent {
  /** Two-digit status code as sent or received. */
  readonly code: string;
  /** When the status was issued (the status package's Timestamp), `YYYY-MM-DDTHH:mm:ss+07:00`. */
  readonly at: string;
  /** When this system recorded it (ISO 8601, UTC). */
  readonly recordedAt: string;
  readonly staff?: StaffInfo;
  readonly description?: string;
}

/** How completely a counterpart reports processing (the roll-out report's classes). */
export type ReportingClass = 'full' | 'partial' | 'arrival-only' | 'silent';

/** What the sender knows of one recipient of a document it sent. */
export interface RecipientTrail {
  readonly organId: string;
  readonly organName?: string;
  /** Statuses received from this recipient about this document, oldest first. */
  readonly events: readonly TrailEvent[];
  /**
   * True once this recipient agreed (15) to give the document back (take-back 13 or revoke):
   * it is withdrawn from its processing. Optional: a 15 in `events`, or in the trail of a
   * revoke package (`businessDocType` 1) for the same DocumentId, means the same.
   */
  readonly withdrawn?: boolean;
}

/** A document this system sent, with every recipient's trail. */
export interface SentDocumentTracking {
  readonly documentId: string;
  /** Local outbox id. */
  readonly outboxId: string;
  /** `Number/Notation`. */
  readonly code: string;
  readonly subject: string;
  /** 0–4, see `PRIORITIES`. */
  readonly priority: number;
  /** 0 new, 1 revoke, 2 update, 3 replace. */
  readonly businessDocType: 0 | 1 | 2 | 3;
  /** When the axis accepted the package (ISO 8601 UTC); undefined while not yet sent. */
  readonly sentAt?: string;
  /** The axis DocId, once known. */
  readonly axisDocId?: string;
  readonly state: 'pending' | 'sending' | 'sent' | 'failed';
  readonly recipients: readonly RecipientTrail[];
  /**
   * The document's DueDate (hạn xử lý), `YYYY-MM-DD`, when it has one: the deadline for
   * status 06 (see `DeadlinePolicySchema`).
   */
  readonly dueDate?: string;
}

/** A document this system received, with what it reported back. */
export interface ReceivedDocumentTracking {
  readonly documentId: string;
  /** Local inbox id. */
  readonly inboxId: string;
  readonly fromOrganId: string;
  readonly fromOrganName?: string;
  readonly code: string;
  readonly subject: string;
  readonly priority: number;
  /** When the package was stored here (ISO 8601 UTC). */
  readonly receivedAt: string;
  /** Statuses this system sent about it, oldest first. */
  readonly reported: readonly TrailEvent[];
  /** True once a recall/revoke was agreed (15) and the document withdrawn from processing. */
  readonly withdrawn: boolean;
  /**
   * The document's DueDate (hạn xử lý), `YYYY-MM-DD`, when it has one: the deadline for
   * status 06 (see `DeadlinePolicySchema`).
   */
  readonly dueDate?: string;
}
