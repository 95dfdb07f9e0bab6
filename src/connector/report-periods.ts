/**
 * The periods (day, week or month buckets of Vietnam calendar days) a compliance report
 * counts documents in.
 * @internal
 * @module
 */

const DAY_MS = 86_400_000;
const OFFSET_MS = 7 * 3_600_000;

/** The size of a report's periods. */
export type PeriodUnit = 'day' | 'week' | 'month';

/** One period: Vietnam calendar days `start` … `end`, both included. */
export interface ReportPeriod {
  /** First day, `YYYY-MM-DD`. */
  readonly start: string;
  /** Last day included, `YYYY-MM-DD`. */
  readonly end: string;
}

/** Days since 1970-01-01 of the Vietnam calendar day of UTC time `t`. */
export function vietnamDayOf(t: number): number {
  return Math.floor((t + OFFSET_MS) / DAY_MS);
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The unit for a report covering `days` calendar days: days up to a month (31 days), weeks
 * up to half a year (183 days), months beyond.
 */
export function periodUnitFor(days: number): PeriodUnit {
  if (days <= 31) return 'day';
  if (days <= 183) return 'week';
  return 'month';
}

/** Splits `[from, to)` into periods; the first and last are cut to the report's bounds. */
export class PeriodIndex {
  readonly unit: PeriodUnit;
  readonly periods: readonly ReportPeriod[];
  private readonly startDays: number[] = [];
  private readonly firstDay: number;
  private readonly lastDay: number;

  constructor(fromMs: number, toMs: number, unit?: PeriodUnit) {
    this.firstDay = vietnamDayOf(fromMs);
    this.lastDay = vietnamDayOf(toMs - 1);
    this.unit = unit ?? periodUnitFor(this.lastDay - this.firstDay + 1);
    const periods: ReportPeriod[] = [];
    let start = this.firstDay;
    while (start <= this.lastDay) {
      const next = Math.min(this.nextBoundary(start), this.lastDay + 1);
      this.startDays.push(start);
      periods.push({ start: isoDay(start), end: isoDay(next - 1) });
      start = next;
    }
    this.periods = periods;
  }

  /** The index of the period holding UTC time `t`, or -1 outside the report. */
  indexOf(t: number): number {
    const day = vietnamDayOf(t);
    if (day < this.firstDay || day > this.lastDay) return -1;
    let lo = 0;
    let hi = this.startDays.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.startDays[mid]! <= day) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private nextBoundary(day: number): number {
    if (this.unit === 'day') return day + 1;
    if (this.unit === 'week') {
      const weekday = (((day + 4) % 7) + 7) % 7; // 0 Sunday
      const sinceMonday = (weekday + 6) % 7;
      return day - sinceMonday + 7;
    }
    const d = new Date(day * DAY_MS);
    return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY_MS);
  }
}
