/**
 * The roll-out report's classes of status reporting (`workflow.md` section 2): of 76 bodies
 * that reported status, "41 reported the full processing trail (clerk → leader →
 * specialist), 22 an incomplete one, 13 only 'arrived at the clerk'; 2 reported nothing".
 * @module
 */
import type { ReportingClass, TrailEvent } from './tracking-types.js';
import { eventTimeMs } from './trail-stages.js';

/** The classes from the least to the most complete. */
export const REPORTING_CLASSES: readonly ReportingClass[] = ['silent', 'arrival-only', 'partial', 'full'];

const PROCESSING = new Set(['01', '02', '03', '04', '05', '06']);

/**
 * How completely one trail (the statuses of one document from one recipient) was reported:
 *
 * - `full`: 01, then 03, then 04 and/or 05, then 06 — the clerk (01, 03) → leader (04) →
 *   specialist (05, 06) trail; also 01 then 02: a refusal ends the trail, nothing is missing;
 * - `arrival-only`: 01 and nothing else;
 * - `silent`: no processing status (01…06) at all;
 * - `partial`: anything else (more than 01 but not full — a document still in progress, a
 *   trail with a step skipped or out of order).
 *
 * Order is read from the statuses' timestamps (recording order on ties), so packages the
 * axis delivered out of order are still read right. Codes 13, 15, 16 do not count.
 *
 * @example
 * ```ts
 * classifyTrail([{ code: '01', ... }, { code: '03', ... }]); // 'partial'
 * ```
 */
export function classifyTrail(events: readonly TrailEvent[]): ReportingClass {
  const ordered = events
    .map((e, i) => ({ code: e.code, t: eventTimeMs(e) ?? Number.POSITIVE_INFINITY, i }))
    .filter((e) => PROCESSING.has(e.code))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((e) => e.code);
  if (ordered.length === 0) return 'silent';
  if (ordered.every((c) => c === '01')) return 'arrival-only';
  const first = (codes: readonly string[]) => {
    const i = ordered.findIndex((c) => codes.includes(c));
    return i < 0 ? Number.NaN : i;
  };
  const arrived = first(['01']);
  const refused = first(['02']);
  if (arrived < refused) return 'full';
  const registered = first(['03']);
  const handled = first(['04', '05']);
  const finished = first(['06']);
  return arrived < registered && registered < handled && handled < finished ? 'full' : 'partial';
}

/**
 * The class of a counterpart across the documents sent to it: the most complete class that
 * at least half of its documents reached (the median document; a document that reached
 * `full` also reached `partial` and `arrival-only`), and `silent` only when it reported
 * nothing at all.
 *
 * Why the median: the roll-out report sorts bodies by their reporting practice ("reported
 * the full processing trail", "an incomplete one", "only arrived") and keeps "reported
 * nothing" for bodies that sent no status at all. The median describes the practice: one
 * exceptional document does not lift a body that usually stops at 01, nor does one document
 * still in progress sink a body that reports every step; a body that sent even one 01 is not
 * "silent". Ties (exactly half) go to the more complete class.
 *
 * Takes trails as event lists or as objects with `events` (a `RecipientTrail`).
 *
 * @example
 * ```ts
 * classifyCounterpart([fullTrail, fullTrail, arrivalOnlyTrail]); // 'full'
 * classifyCounterpart([[], [], arrivalOnlyTrail]); // 'arrival-only' (it did report something)
 * ```
 */
export function classifyCounterpart(
  trails: readonly (readonly TrailEvent[] | { readonly events: readonly TrailEvent[] })[],
): ReportingClass {
  const ranks = trails.map((t) => REPORTING_CLASSES.indexOf(classifyTrail(isEventList(t) ? t : t.events)));
  if (ranks.length === 0 || ranks.every((r) => r === 0)) return 'silent';
  for (let rank = REPORTING_CLASSES.length - 1; rank > 1; rank--) {
    const reached = ranks.filter((r) => r >= rank).length;
    if (reached * 2 >= ranks.length) return REPORTING_CLASSES[rank]!;
  }
  return 'arrival-only';
}

function isEventList(t: readonly TrailEvent[] | { readonly events: readonly TrailEvent[] }): t is readonly TrailEvent[] {
  return Array.isArray(t);
}
