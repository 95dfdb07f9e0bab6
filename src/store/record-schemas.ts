/**
 * Zod schemas of the stored records, used to check what a store reads back: a record that
 * breaks its schema is `VDXP_STORE_CORRUPT`, never silently skipped. Loose objects: fields a
 * later version adds are kept.
 * @module
 */
import { z } from 'zod';
import type { Decision, InboxEntry, OutboxEntry, QuarantineEntry, StatusRecord } from './store.js';

const iso = z.string().min(1);
const id = z.string().min(1);

/** {@link BlobInfo}. */
export const BlobInfoSchema = z.looseObject({ ref: id, size: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const lease = z.looseObject({ workerId: id, expiresAt: iso });
const storedError = z.looseObject({ code: z.string(), message: z.string(), at: iso });
const summary = z.looseObject({ code: z.string() });
const responseFor = z.looseObject({ organId: z.string(), code: z.string(), documentId: z.string() });
const messageType = z.enum(['edoc', 'status']);

/** {@link OutboxEntry}. */
export const OutboxEntrySchema = z.looseObject({
  id, version: z.number().int().min(1), documentId: z.string(), messageType, operation: z.string(), from: z.string(),
  recipients: z.array(z.string()), blob: BlobInfoSchema, summary,
  responseFor: responseFor.optional(), inboxId: id.optional(), toHeader: z.boolean().optional(),
  state: z.enum(['pending', 'sending', 'sent', 'failed']), attempts: z.number().int().min(0), nextAttemptAt: iso,
  attemptStartedAt: iso.optional(), lastError: storedError.optional(), axisDocId: z.string().optional(),
  createdAt: iso, sentAt: iso.optional(), lease: lease.optional(), packagePrunedAt: iso.optional(),
});

/** {@link InboxEntry}. */
export const InboxEntrySchema = z.looseObject({
  id, version: z.number().int().min(1), axisDocId: id, messageType, from: z.string(), to: z.string(), documentId: z.string(),
  operation: z.string(), blob: BlobInfoSchema, summary, responseFor: responseFor.optional(), receivedAt: iso,
  verification: z.looseObject({ verdict: z.string(), disposition: z.enum(['accepted', 'held', 'refused']), checks: z.array(z.unknown()) }).optional(),
  lifecycle: z.string().optional(), withdrawn: z.boolean(), handedOverAt: iso.optional(), lease: lease.optional(),
  packagePrunedAt: iso.optional(),
});

/** {@link StatusRecord}. */
export const StatusRecordSchema = z.looseObject({
  id, direction: z.enum(['in', 'out']), documentId: z.string(), counterpart: z.string(), agency: z.string(), code: z.string(),
  at: z.string(), recordedAt: iso, staff: z.looseObject({}).optional(), description: z.string().optional(),
  outboxId: id.optional(), inboxId: id.optional(),
});

/** {@link Decision}. */
export const DecisionSchema = z.looseObject({
  id, version: z.number().int().min(1), kind: z.enum(['revoke', 'update', 'take-back']), documentId: z.string(),
  requester: z.string(), agency: z.string(), reason: z.string().optional(), requestInboxId: id, inboxId: id.optional(),
  state: z.enum(['open', 'agreed', 'refused']), createdAt: iso, answeredAt: iso.optional(), answerReason: z.string().optional(),
  answerOutboxId: id.optional(),
});

/** {@link QuarantineEntry}. */
export const QuarantineEntrySchema = z.looseObject({
  id, axisDocId: id, messageType, from: z.string().optional(), to: z.string().optional(),
  reason: z.looseObject({ code: z.string(), message: z.string() }), blob: BlobInfoSchema.optional(), at: iso, packagePrunedAt: iso.optional(),
});

/** A `markOnce` flag. */
export const MarkSchema = z.looseObject({ id, key: z.string().min(1), at: iso });

/** The record kinds and their schemas. */
export const RECORD_SCHEMAS = {
  outbox: OutboxEntrySchema as unknown as z.ZodType<OutboxEntry>,
  inbox: InboxEntrySchema as unknown as z.ZodType<InboxEntry>,
  statuses: StatusRecordSchema as unknown as z.ZodType<StatusRecord>,
  decisions: DecisionSchema as unknown as z.ZodType<Decision>,
  quarantine: QuarantineEntrySchema as unknown as z.ZodType<QuarantineEntry>,
  marks: MarkSchema as unknown as z.ZodType<{ id: string; key: string; at: string }>,
} as const;

/** A kind of record, named as its folder. */
export type RecordKind = keyof typeof RECORD_SCHEMAS;
