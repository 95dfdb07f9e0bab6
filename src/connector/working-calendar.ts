/**
 * Vietnam working time (UTC+7, no daylight saving): which days are working days and which
 * hours count, for the deadlines of `workflow.md` section 3 (Nghị định 30/2020, Art. 20–21)
 * and for measuring processing times in working time.
 * @module
 */
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../errors.js';

const OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
/** How far to look for the next working day before concluding there is none. */
const SEARCH_DAYS = 3660;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** A calendar date `YYYY-MM-DD` that exists. */
export const IsoCalendarDateSchema = z.string().refine((s) => {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return Number.isFinite(d.getTime()) && d.toISOString().slice(0, 10) === s;
}, 'expected an existing date YYYY-MM-DD');

const clock = z.string().regex(HH_MM, 'expected a time HH:mm');

/** Working hours of a working day, Vietnam local time; the lunch break is not subtracted. */
export const WorkingHoursSchema = z
  .strictObject({
    /** @defaultValue `'08:00'` */
    start: clock.default('08:00'),
    /** @defaultValue `'17:00'` */
    end: clock.default('17:00'),
  })
  .refine((h) => minutesOf(h.start) < minutesOf(h.end), { message: 'working hours must end after they start', path: ['end'] });

/** The fields shared by {@link WorkingCalendarOptionsSchema} and the deadline policy. */
export const workingCalendarFields = {
  /** Public holidays and days off (ISO dates), which are not working days. @defaultValue `[]` */
  holidays: z.array(IsoCalendarDateSchema).default([]),
  /**
   * Days of the week that are working days, `0` Sunday … `6` Saturday.
   * @defaultValue `[1, 2, 3, 4, 5]` (Monday–Friday)
   */
  workingDays: z.array(z.int().min(0).max(6)).min(1).default([1, 2, 3, 4, 5]),
  /**
   * Dates that are working days although their weekday is not (a Saturday worked to make up
   * for a bridged holiday, "ngày làm bù"). A date in `holidays` stays a holiday.
   * @defaultValue `[]`
   */
  extraWorkingDates: z.array(IsoCalendarDateSchema).default([]),
  /** @defaultValue `{ start: '08:00', end: '17:00' }` */
  workingHours: WorkingHoursSchema.default({ start: '08:00', end: '17:00' }),
};

/** Options of {@link createWorkingCalendar}. */
export const WorkingCalendarOptionsSchema = z.strictObject(workingCalendarFields);
/** Options of {@link createWorkingCalendar} as callers write them. */
export type WorkingCalendarOptions = z.input<typeof WorkingCalendarOptionsSchema>;
/** Options of {@link createWorkingCalendar} with defaults applied. */
export type ResolvedWorkingCalendarOptions = z.output<typeof WorkingCalendarOptionsSchema>;

/** Working time in Vietnam. Every instant is a `Date`; days are Vietnam calendar days. */
export interface WorkingCalendar {
  /** The options in force, defaults applied. */
  readonly options: ResolvedWorkingCalendarOptions;
  /** True when the Vietnam calendar day of `instant` is a working day. */
  isWorkingDay(instant: Date): boolean;
  /** True when this Vietnam calendar date (`YYYY-MM-DD`) is a working day. */
  isWorkingDate(isoDate: string): boolean;
  /** True when `instant` falls inside working hours of a working day. */
  isWorkingTime(instant: Date): boolean;
  /**
   * The end of the working day on which something arriving at `instant` must be dealt with:
   * the end of working hours that day when it arrives on a working day before the end of
   * working hours (early morning included), otherwise the end of the next working day.
   */
  endOfWorkingDay(instant: Date): Date;
  /**
   * `instant` plus `days` working days, each one full day of working hours: Friday 16:00 plus
   * one working day is Monday 16:00; from outside working hours time starts at the next
   * working hours (Friday 18:00 plus one day is the end of Monday).
   */
  addWorkingDays(instant: Date, days: number): Date;
  /**
   * `instant` plus `hours` hours of working time (fractions allowed). Time outside working
   * hours does not count; a result that lands exactly on the end of working hours stays there.
   */
  addWorkingHours(instant: Date, hours: number): Date;
  /** Working time between two instants, in milliseconds (0 when `to` is not after `from`). */
  workingMsBetween(from: Date, to: Date): number;
}

/**
 * Builds a working calendar from options (validated once).
 *
 * @throws {ConfigError} VDXP_CONFIG_INVALID for unknown keys, bad dates or hours
 * @example
 * ```ts
 * const cal = createWorkingCalendar({ holidays: ['2025-09-01', '2025-09-02'] });
 * cal.endOfWorkingDay(new Date('2025-08-29T11:30:00Z')); // Friday 18:30 in Hà Nội → Wednesday 17:00 (+07:00)
 * ```
 */
export function createWorkingCalendar(options: WorkingCalendarOptions = {}): WorkingCalendar {
  const parsed = WorkingCalendarOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError('WorkingCalendar', issuesFromZod(parsed.error.issues), { cause: parsed.error });
  return calendarFrom(parsed.data);
}

/** A calendar from options already resolved (by this schema or the deadline policy's). @internal */
export function calendarFrom(resolved: ResolvedWorkingCalendarOptions): WorkingCalendar {
  const options: ResolvedWorkingCalendarOptions = Object.freeze({
    holidays: [...resolved.holidays],
    workingDays: [...resolved.workingDays],
    extraWorkingDates: [...resolved.extraWorkingDates],
    workingHours: { ...resolved.workingHours },
  });
  const holidays = new Set(options.holidays);
  const extra = new Set(options.extraWorkingDates);
  const weekdays = new Set(options.workingDays);
  const startMs = minutesOf(options.workingHours.start) * MINUTE_MS;
  const endMs = minutesOf(options.workingHours.end) * MINUTE_MS;
  const dayLengthMs = endMs - startMs;

  const known = new Map<number, boolean>();
  const isWorkingDayIndex = (day: number): boolean => {
    let working = known.get(day);
    if (working === undefined) {
      const iso = isoOfDay(day);
      working = !holidays.has(iso) && (extra.has(iso) || weekdays.has(weekdayOf(day)));
      if (known.size > 100_000) known.clear();
      known.set(day, working);
    }
    return working;
  };
  /** The first working day index at or after `day`. */
  const nextWorkingDay = (day: number): number => {
    for (let d = day; d < day + SEARCH_DAYS; d++) if (isWorkingDayIndex(d)) return d;
    throw new RangeError('WorkingCalendar: no working day within ten years');
  };
  /** Working periods as [start, end) in UTC ms. */
  const periodStart = (day: number) => day * DAY_MS + startMs - OFFSET_MS;
  const periodEnd = (day: number) => day * DAY_MS + endMs - OFFSET_MS;

  const addWorkingMs = (instant: Date, amountMs: number, what: string): Date => {
    const t0 = checkedTime(instant, what);
    if (!Number.isFinite(amountMs) || amountMs < 0) throw new RangeError(`${what}: expected a finite amount of at least 0`);
    if (amountMs === 0) return new Date(t0);
    let remaining = amountMs;
    let cursor = t0;
    let day = dayOf(cursor);
    for (;;) {
      day = nextWorkingDay(day);
      const start = periodStart(day);
      const end = periodEnd(day);
      if (cursor < start) cursor = start;
      if (cursor < end) {
        if (cursor + remaining <= end) return new Date(cursor + remaining);
        remaining -= end - cursor;
      }
      day += 1;
    }
  };

  const calendar: WorkingCalendar = {
    options,
    isWorkingDay: (instant) => isWorkingDayIndex(dayOf(checkedTime(instant, 'isWorkingDay'))),
    isWorkingDate: (isoDate) => {
      if (!IsoCalendarDateSchema.safeParse(isoDate).success) throw new RangeError('isWorkingDate: expected a date YYYY-MM-DD');
      return isWorkingDayIndex(Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS));
    },
    isWorkingTime: (instant) => {
      const t = checkedTime(instant, 'isWorkingTime');
      const day = dayOf(t);
      return isWorkingDayIndex(day) && t >= periodStart(day) && t < periodEnd(day);
    },
    endOfWorkingDay: (instant) => {
      const t = checkedTime(instant, 'endOfWorkingDay');
      const day = dayOf(t);
      if (isWorkingDayIndex(day) && t < periodEnd(day)) return new Date(periodEnd(day));
      return new Date(periodEnd(nextWorkingDay(day + 1)));
    },
    addWorkingDays: (instant, days) => {
      if (!Number.isFinite(days) || days < 0) throw new RangeError('addWorkingDays: expected a number of days of at least 0');
      return addWorkingMs(instant, days * dayLengthMs, 'addWorkingDays');
    },
    addWorkingHours: (instant, hours) => {
      if (!Number.isFinite(hours) || hours < 0) throw new RangeError('addWorkingHours: expected a number of hours of at least 0');
      return addWorkingMs(instant, hours * 3_600_000, 'addWorkingHours');
    },
    workingMsBetween: (from, to) => {
      const a = checkedTime(from, 'workingMsBetween');
      const b = checkedTime(to, 'workingMsBetween');
      if (b <= a) return 0;
      let total = 0;
      for (let day = dayOf(a); day <= dayOf(b); day++) {
        if (!isWorkingDayIndex(day)) continue;
        const s = Math.max(a, periodStart(day));
        const e = Math.min(b, periodEnd(day));
        if (e > s) total += e - s;
      }
      return total;
    },
  };
  return Object.freeze(calendar);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** Days since 1970-01-01 of the Vietnam calendar day holding UTC time `t`. */
function dayOf(t: number): number {
  return Math.floor((t + OFFSET_MS) / DAY_MS);
}

/** 0 Sunday … 6 Saturday (1970-01-01 was a Thursday). */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function checkedTime(instant: Date, what: string): number {
  const t = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${what}: expected a valid Date`);
  return t;
}
