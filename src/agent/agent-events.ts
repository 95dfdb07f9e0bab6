/**
 * The connector's events as the agent hands them to the system: each received document is
 * written to the inbox folder, then every event is queued for the webhook (when one is
 * configured). Handlers finish their durable work before they return, so the connector marks
 * an item handed over only once it is in the folder and in the webhook queue; a crash in
 * between hands it over again (the folder is found, the event id is the same).
 * @internal
 * @module
 */
import type { Connector } from '../connector/connector.js';
import type { ErrorEvent } from '../connector/events.js';
import { isVdxpError } from '../errors.js';
import type { InboxWriter } from './inbox-writer.js';
import type { AgentLogger } from './logger.js';
import type { AgentEventInput } from './webhook.js';

/** Connects the connector's events to the inbox folder, the webhook queue and the log. */
export function wireAgentEvents(connector: Connector, inbox: InboxWriter, emit: (e: AgentEventInput) => Promise<void>, logger: AgentLogger): void {
  connector.on('document', async (e) => {
    const { folder, created } = await inbox.write(e);
    if (created) logger.info('document received', { documentId: e.documentId, from: e.from, inboxId: e.inboxId, folder });
    await emit({
      id: `document.received:${e.inboxId}`,
      type: 'document.received',
      occurredAt: e.entry.receivedAt,
      data: {
        inboxId: e.inboxId,
        documentId: e.documentId,
        from: e.from,
        to: e.to,
        folder,
        code: e.entry.summary.code,
        subject: e.message.subject,
        priority: e.message.otherInfo?.priority ?? 0,
        replaces: e.replaces,
        verification: e.verification ? { verdict: e.verification.verdict, disposition: e.verification.disposition } : { verdict: 'not-checked', disposition: 'accepted' },
      },
    });
  });
  connector.on('status', async (e) => {
    logger.info('status received', { documentId: e.documentId, from: e.from, code: e.code });
    await emit({
      id: `status.received:${e.inboxId}`,
      type: 'status.received',
      occurredAt: e.status.recordedAt,
      data: {
        inboxId: e.inboxId,
        documentId: e.documentId,
        from: e.from,
        code: e.code,
        at: e.status.at,
        matched: e.matched,
        ...(e.status.staff ? { staff: e.status.staff } : {}),
        ...(e.status.description ? { description: e.status.description } : {}),
      },
    });
  });
  connector.on('request', async ({ decision }) => {
    logger.info('request received', { requestId: decision.id, documentId: decision.documentId, kind: decision.kind });
    await emit({ id: `request.received:${decision.id}`, type: 'request.received', data: { requestId: decision.id, ...decision } });
  });
  connector.on('withdrawn', async (e) => {
    logger.info('document withdrawn', { documentId: e.documentId, reason: e.reason });
    await emit({ id: `document.withdrawn:${e.inboxId}:${e.reason}`, type: 'document.withdrawn', data: e });
  });
  connector.on('overdue', async ({ item }) => {
    await emit({ id: `deadline.overdue:${JSON.stringify([item.side, item.documentId, item.counterpart, item.stage])}`, type: 'deadline.overdue', data: item });
  });
  connector.on('error', async (e: ErrorEvent) => {
    const fields = { phase: e.phase, ...(e.outboxId ? { outboxId: e.outboxId } : {}), ...(e.inboxId ? { inboxId: e.inboxId } : {}), error: e.error };
    logger.error('connector error', fields);
    // a package the outbox gave up on is news for the system; loop hiccups are only logged
    if (e.phase === 'send' && e.outboxId) {
      const code = isVdxpError(e.error) ? e.error.code : 'VDXP_ERROR';
      const message = e.error instanceof Error ? e.error.message : String(e.error);
      await emit({ id: `error:send:${e.outboxId}:${code}`, type: 'error', data: { phase: e.phase, outboxId: e.outboxId, code, message } });
    }
  });
}
