/**
 * Turning a message into an outbox entry: build the edXML, sign it when configured, store
 * the bytes, add the entry (create-if-absent by id), with the time of each step.
 * @internal
 * @module
 */
import { performance } from 'node:perf_hooks';
import { buildEdxml } from '../edxml/build.js';
import type { EdocMessageInput, StatusMessageInput } from '../edxml/model.js';
import { signEdxml } from '../signature/xmldsig/sign.js';
import type { MessageSummary, OutboxEntry, StoredResponseFor } from '../store/store.js';
import type { ConnectorContext } from './context.js';

/** Times of the steps before delivery, in milliseconds. */
export interface PreparationSteps {
  validateMs?: number;
  buildMs: number;
  signMs?: number;
  storeMs: number;
}

/** A package to queue. */
export interface OutgoingPackage {
  readonly id: string;
  readonly message: EdocMessageInput | StatusMessageInput;
  readonly documentId: string;
  readonly operation: string;
  readonly from: string;
  readonly recipients: readonly string[];
  readonly toHeader?: boolean;
  readonly summary: MessageSummary;
  readonly responseFor?: StoredResponseFor;
  readonly inboxId?: string;
}

/** Builds, signs, stores and queues a package. */
export async function queuePackage(
  ctx: ConnectorContext,
  pkg: OutgoingPackage,
): Promise<{ entry: OutboxEntry; created: boolean; steps: PreparationSteps }> {
  const existing = await ctx.store.getOutbox(pkg.id);
  if (existing) return { entry: existing, created: false, steps: { buildMs: 0, storeMs: 0 } };
  const o = ctx.options;
  let t = performance.now();
  let bytes = buildEdxml(pkg.message, { now: ctx.now, strictAgencyIds: o.strictAgencyIds });
  const buildMs = performance.now() - t;
  let signMs: number | undefined;
  if (o.signing) {
    t = performance.now();
    bytes = await signEdxml(bytes, { ...o.signing, signal: ctx.signal });
    signMs = performance.now() - t;
  }
  t = performance.now();
  const blob = await ctx.store.putBlob(bytes, { maxBytes: o.maxPackageBytes });
  const now = ctx.now().toISOString();
  const { created, record } = await ctx.store.addOutbox({
    id: pkg.id,
    documentId: pkg.documentId,
    messageType: pkg.message.kind === 'status' ? 'status' : 'edoc',
    operation: pkg.operation,
    from: pkg.from,
    recipients: [...pkg.recipients],
    ...(pkg.toHeader ? { toHeader: true } : {}),
    blob,
    summary: pkg.summary,
    ...(pkg.responseFor ? { responseFor: pkg.responseFor } : {}),
    ...(pkg.inboxId ? { inboxId: pkg.inboxId } : {}),
    nextAttemptAt: now,
    createdAt: now,
  });
  const storeMs = performance.now() - t;
  return { entry: record, created, steps: { buildMs, ...(signMs !== undefined ? { signMs } : {}), storeMs } };
}
