/**
 * How each kind of record maps to its table of the `initial` migration: the queryable
 * columns, kept in step with the `record` jsonb on every write.
 * @module
 */
import { RECORD_SCHEMAS } from './record-schemas.js';
import type { RecordTableSpec } from './postgres-record-table.js';
import type { Decision, InboxEntry, OutboxEntry, QuarantineEntry, StatusRecord } from './store.js';

/** The record tables of {@link PostgresStore}. */
export const POSTGRES_TABLES: {
  readonly outbox: RecordTableSpec<OutboxEntry>;
  readonly inbox: RecordTableSpec<InboxEntry>;
  readonly statuses: RecordTableSpec<StatusRecord>;
  readonly decisions: RecordTableSpec<Decision>;
  readonly quarantine: RecordTableSpec<QuarantineEntry>;
} = {
  outbox: {
    table: 'outbox',
    what: 'outbox entry',
    schema: RECORD_SCHEMAS.outbox,
    columns: ['id', 'version', 'document_id', 'message_type', 'state', 'inbox_id', 'next_attempt_at', 'created_at', 'lease_worker', 'lease_expires_at'],
    values: (e) => [e.id, e.version, e.documentId, e.messageType, e.state, e.inboxId ?? null, e.nextAttemptAt, e.createdAt, e.lease?.workerId ?? null, e.lease?.expiresAt ?? null],
  },
  inbox: {
    table: 'inbox',
    what: 'inbox entry',
    schema: RECORD_SCHEMAS.inbox,
    columns: ['id', 'version', 'axis_doc_id', 'message_type', 'from_agency', 'to_agency', 'document_id', 'operation', 'received_at', 'handed_over', 'lease_worker', 'lease_expires_at'],
    values: (e) => [
      e.id, e.version, e.axisDocId, e.messageType, e.from, e.to, e.documentId, e.operation, e.receivedAt,
      e.handedOverAt !== undefined, e.lease?.workerId ?? null, e.lease?.expiresAt ?? null,
    ],
  },
  statuses: {
    table: 'statuses',
    what: 'status record',
    schema: RECORD_SCHEMAS.statuses,
    columns: ['id', 'direction', 'document_id', 'counterpart', 'at', 'recorded_at'],
    values: (s) => [s.id, s.direction, s.documentId, s.counterpart, s.at, s.recordedAt],
  },
  decisions: {
    table: 'decisions',
    what: 'decision',
    schema: RECORD_SCHEMAS.decisions,
    columns: ['id', 'version', 'state', 'document_id', 'created_at'],
    values: (d) => [d.id, d.version, d.state, d.documentId, d.createdAt],
  },
  quarantine: {
    table: 'quarantine',
    what: 'quarantined package',
    schema: RECORD_SCHEMAS.quarantine,
    columns: ['id', 'axis_doc_id', 'at'],
    values: (q) => [q.id, q.axisDocId, q.at],
  },
};
