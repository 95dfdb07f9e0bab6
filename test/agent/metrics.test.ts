import { describe, expect, test } from 'vitest';
import { formatAgentMetrics, renderPrometheusText, type AgentMetrics } from '../../src/agent/metrics.js';

const SAMPLE: AgentMetrics = {
  documentsSent: 12,
  documentsReceived: 7,
  documentsFailed: 1,
  statusesSent: 20,
  statusesReceived: 30,
  outboxPending: 2,
  outboxSending: 1,
  dropsWaiting: 4,
  dropsProcessing: 3,
  inboxPending: 0,
  webhookQueueDepth: 5,
  webhookDelivered: 40,
  webhookFailedAttempts: 6,
  oldestPendingSeconds: 12.3456,
  uptimeSeconds: 100,
};

/** Parses exposition text strictly: every sample line belongs to a family announced by HELP and TYPE. */
function parseExposition(text: string): Map<string, { type: string; samples: { labels: string; value: number }[] }> {
  const families = new Map<string, { type: string; help: boolean; samples: { labels: string; value: number }[] }>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$/.exec(line);
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.]+(?:e[+-]?\d+)?|NaN|[+-]Inf)$/.exec(line);
    if (help) families.set(help[1]!, { type: '', help: true, samples: [] });
    else if (type) {
      const f = families.get(type[1]!);
      expect(f, `TYPE before HELP for ${type[1]}`).toBeDefined();
      f!.type = type[2]!;
    } else if (sample) {
      const f = families.get(sample[1]!);
      expect(f?.type, `sample of an undeclared family: ${line}`).toBeTruthy();
      f!.samples.push({ labels: sample[2] ?? '', value: Number(sample[3]) });
    } else throw new Error(`not exposition format: ${JSON.stringify(line)}`);
  }
  return families;
}

describe('agent metrics', () => {
  test('are valid Prometheus text with HELP and TYPE for each family', () => {
    const families = parseExposition(formatAgentMetrics(SAMPLE));
    expect(families.get('vdxp_agent_documents_sent_total')).toMatchObject({ type: 'counter', samples: [{ labels: '', value: 12 }] });
    expect(families.get('vdxp_agent_documents_received_total')?.samples[0]?.value).toBe(7);
    expect(families.get('vdxp_agent_documents_failed_total')?.samples[0]?.value).toBe(1);
    expect(families.get('vdxp_agent_outbox_entries')).toMatchObject({ type: 'gauge', samples: [{ labels: '{state="pending"}', value: 2 }, { labels: '{state="sending"}', value: 1 }] });
    expect(families.get('vdxp_agent_drops')?.samples).toEqual([{ labels: '{stage="waiting"}', value: 4 }, { labels: '{stage="processing"}', value: 3 }]);
    expect(families.get('vdxp_agent_webhook_queue_depth')?.samples[0]?.value).toBe(5);
    expect(families.get('vdxp_agent_oldest_pending_age_seconds')?.samples[0]?.value).toBeCloseTo(12.346, 3);
    for (const [name, f] of families) if (f.type === 'counter') expect(name.endsWith('_total')).toBe(true);
  });

  test('escapes label values and renders special numbers', () => {
    const text = renderPrometheusText([
      { name: 'x', help: 'a\\b\nc', type: 'gauge', samples: [{ labels: { v: 'quote " back \\ nl \n' }, value: NaN }, { value: Infinity }] },
    ]);
    expect(text).toBe('# HELP x a\\\\b\\nc\n# TYPE x gauge\nx{v="quote \\" back \\\\ nl \\n"} NaN\nx +Inf\n');
    parseExposition(text);
  });
});
