/**
 * Median and 90th percentile of durations for the compliance report.
 * @internal
 * @module
 */

/** Median and p90 of how long a stage took, wall-clock and in working time. */
export interface TimingStats {
  /** How many trails reached the stage (and were measured). */
  readonly count: number;
  /** Wall-clock minutes; `null` when nothing was measured. */
  readonly medianMinutes: number | null;
  readonly p90Minutes: number | null;
  /** Minutes of working time (working days and hours of the deadline policy). */
  readonly medianWorkingMinutes: number | null;
  readonly p90WorkingMinutes: number | null;
}

/**
 * The `p`-th quantile (0…1) by linear interpolation between closest ranks (the common
 * "type 7": position `(n − 1)·p` in the sorted values), or `null` for no values.
 * The median of 1, 2, 3, 10 is 2.5; its p90 is 3 + 0.7 × 7 = 7.9.
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/** Durations in milliseconds (wall-clock and working) → stats in minutes, rounded to 0.1. */
export function timingStats(wallMs: readonly number[], workingMs: readonly number[]): TimingStats {
  const minutes = (v: number | null) => (v === null ? null : Math.round(v / 6_000) / 10);
  return {
    count: wallMs.length,
    medianMinutes: minutes(quantile(wallMs, 0.5)),
    p90Minutes: minutes(quantile(wallMs, 0.9)),
    medianWorkingMinutes: minutes(quantile(workingMs, 0.5)),
    p90WorkingMinutes: minutes(quantile(workingMs, 0.9)),
  };
}
