/**
 * Raises an `overdue` event once per overdue item (document × counterpart × stage), even
 * across restarts and workers: the store's `markOnce` remembers which were raised.
 * @internal
 * @module
 */
import type { ConnectorContext } from './context.js';
import { findOverdue, type OverdueItem } from './deadlines.js';
import { receivedTracking, sentTracking } from './tracking.js';

/** Items overdue now; the ones not raised before are emitted. */
export async function checkOverdue(ctx: ConnectorContext): Promise<OverdueItem[]> {
  const policy = ctx.options.deadlines;
  if (policy === undefined) return [];
  const now = ctx.now();
  const items = findOverdue({ sent: await sentTracking(ctx), received: await receivedTracking(ctx) }, policy, now);
  for (const item of items) {
    const key = `overdue|${item.side}|${item.documentId}|${item.counterpart}|${item.stage}`;
    if (await ctx.store.markOnce(key, now.toISOString())) {
      await ctx.events.emit('overdue', { item }).catch((error: unknown) => ctx.events.reportError({ error, phase: 'deadlines' }));
    }
  }
  return items;
}
