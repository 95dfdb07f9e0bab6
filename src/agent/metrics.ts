/**
 * The agent's metrics in the Prometheus text exposition format (version 0.0.4).
 * @module
 */

/** A snapshot of the agent's counters and gauges. */
export interface AgentMetrics {
  /** Documents (edoc packages) the axis accepted from this agent. */
  readonly documentsSent: number;
  /** Documents received (new and replacements). */
  readonly documentsReceived: number;
  /** Documents the outbox gave up on. */
  readonly documentsFailed: number;
  /** Status packages sent and received. */
  readonly statusesSent: number;
  readonly statusesReceived: number;
  /** Connector outbox entries by state. */
  readonly outboxPending: number;
  readonly outboxSending: number;
  /** Complete drops waiting in the outbox folder, and drops claimed but not finished. */
  readonly dropsWaiting: number;
  readonly dropsProcessing: number;
  /** Received entries not yet handed over (written to the inbox folder). */
  readonly inboxPending: number;
  readonly webhookQueueDepth: number;
  readonly webhookDelivered: number;
  readonly webhookFailedAttempts: number;
  /** Age of the oldest thing waiting (outbox entry, claimed drop, webhook event); 0 when none. */
  readonly oldestPendingSeconds: number;
  readonly uptimeSeconds: number;
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly samples: readonly { readonly labels?: Readonly<Record<string, string>>; readonly value: number }[];
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Renders metric families as exposition text. */
export function renderPrometheusText(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = s.labels ? Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`) : [];
      lines.push(`${f.name}${labels.length > 0 ? `{${labels.join(',')}}` : ''} ${formatValue(s.value)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * The agent's metrics as Prometheus text: `vdxp_agent_documents_sent_total`,
 * `…_received_total`, `…_failed_total`, queue depths (`vdxp_agent_outbox_entries{state}`,
 * `vdxp_agent_drops{stage}`, `vdxp_agent_inbox_pending`, `vdxp_agent_webhook_queue_depth`)
 * and `vdxp_agent_oldest_pending_age_seconds`.
 */
export function formatAgentMetrics(m: AgentMetrics): string {
  const one = (value: number) => [{ value }];
  return renderPrometheusText([
    { name: 'vdxp_agent_documents_sent_total', help: 'Documents the axis accepted from this agent.', type: 'counter', samples: one(m.documentsSent) },
    { name: 'vdxp_agent_documents_received_total', help: 'Documents received (new and replacements).', type: 'counter', samples: one(m.documentsReceived) },
    { name: 'vdxp_agent_documents_failed_total', help: 'Documents the outbox gave up on.', type: 'counter', samples: one(m.documentsFailed) },
    {
      name: 'vdxp_agent_statuses_total',
      help: 'Status packages by direction.',
      type: 'counter',
      samples: [
        { labels: { direction: 'out' }, value: m.statusesSent },
        { labels: { direction: 'in' }, value: m.statusesReceived },
      ],
    },
    {
      name: 'vdxp_agent_outbox_entries',
      help: 'Connector outbox entries waiting, by state.',
      type: 'gauge',
      samples: [
        { labels: { state: 'pending' }, value: m.outboxPending },
        { labels: { state: 'sending' }, value: m.outboxSending },
      ],
    },
    {
      name: 'vdxp_agent_drops',
      help: 'Folder drops waiting in outbox/ or claimed and not finished.',
      type: 'gauge',
      samples: [
        { labels: { stage: 'waiting' }, value: m.dropsWaiting },
        { labels: { stage: 'processing' }, value: m.dropsProcessing },
      ],
    },
    { name: 'vdxp_agent_inbox_pending', help: 'Received entries not yet handed over.', type: 'gauge', samples: one(m.inboxPending) },
    { name: 'vdxp_agent_webhook_queue_depth', help: 'Webhook events waiting for delivery.', type: 'gauge', samples: one(m.webhookQueueDepth) },
    { name: 'vdxp_agent_webhook_delivered_total', help: 'Webhook events delivered since start.', type: 'counter', samples: one(m.webhookDelivered) },
    { name: 'vdxp_agent_webhook_failed_attempts_total', help: 'Failed webhook attempts since start.', type: 'counter', samples: one(m.webhookFailedAttempts) },
    { name: 'vdxp_agent_oldest_pending_age_seconds', help: 'Age of the oldest waiting outbox entry, drop or webhook event.', type: 'gauge', samples: one(m.oldestPendingSeconds) },
    { name: 'vdxp_agent_uptime_seconds', help: 'Seconds since the agent started.', type: 'gauge', samples: one(m.uptimeSeconds) },
  ]);
}
