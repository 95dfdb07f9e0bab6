import { describe, expect, test } from 'vitest';
import { createWorkingCalendar } from '../../src/connector/working-calendar.js';
import { vn } from '../helpers/tracking-fixture.js';

const H = 3_600_000;
// 2025-08-29 is a Friday; 2025-09-01 and 09-02 are the National Day holidays.
const NATIONAL_DAY = ['2025-09-01', '2025-09-02'];

describe('createWorkingCalendar: working days', () => {
  const cal = createWorkingCalendar({ holidays: NATIONAL_DAY });

  test('Monday to Friday are working days, the weekend and holidays are not', () => {
    expect(cal.isWorkingDay(vn('2025-08-29T10:00'))).toBe(true);
    expect(cal.isWorkingDay(vn('2025-08-30T10:00'))).toBe(false);
    expect(cal.isWorkingDay(vn('2025-08-31T10:00'))).toBe(false);
    expect(cal.isWorkingDay(vn('2025-09-01T10:00'))).toBe(false);
    expect(cal.isWorkingDay(vn('2025-09-03T10:00'))).toBe(true);
    expect(cal.isWorkingDate('2025-09-02')).toBe(false);
    expect(cal.isWorkingDate('2025-09-04')).toBe(true);
  });

  test('days are Vietnam calendar days, whatever the UTC date', () => {
    // Friday 23:00 UTC is already Saturday 06:00 in Hà Nội
    expect(cal.isWorkingDay(new Date('2025-08-29T23:00:00Z'))).toBe(false);
    // Sunday 18:00 UTC is Monday 01:00 in Hà Nội
    expect(cal.isWorkingDay(new Date('2025-09-07T18:00:00Z'))).toBe(true);
  });

  test('working time is inside working hours of a working day only', () => {
    expect(cal.isWorkingTime(vn('2025-08-29T08:00'))).toBe(true);
    expect(cal.isWorkingTime(vn('2025-08-29T16:59'))).toBe(true);
    expect(cal.isWorkingTime(vn('2025-08-29T17:00'))).toBe(false);
    expect(cal.isWorkingTime(vn('2025-08-29T07:59'))).toBe(false);
    expect(cal.isWorkingTime(vn('2025-08-30T10:00'))).toBe(false);
  });
});

describe('endOfWorkingDay (the same-working-day rule)', () => {
  const plain = createWorkingCalendar();
  const withHolidays = createWorkingCalendar({ holidays: NATIONAL_DAY });

  test('during working hours it is the end of that day', () => {
    expect(plain.endOfWorkingDay(vn('2025-08-29T10:00'))).toEqual(vn('2025-08-29T17:00'));
  });

  test('early in the morning of a working day it is the end of that day', () => {
    expect(plain.endOfWorkingDay(vn('2025-08-28T06:00'))).toEqual(vn('2025-08-28T17:00'));
  });

  test('Friday evening moves to the end of Monday', () => {
    expect(plain.endOfWorkingDay(vn('2025-08-29T18:30'))).toEqual(vn('2025-09-01T17:00'));
  });

  test('arriving exactly at the end of working hours counts as after hours', () => {
    expect(plain.endOfWorkingDay(vn('2025-08-28T17:00'))).toEqual(vn('2025-08-29T17:00'));
  });

  test('a weekend arrival is due at the end of the next working day', () => {
    expect(plain.endOfWorkingDay(vn('2025-08-30T10:00'))).toEqual(vn('2025-09-01T17:00'));
    expect(plain.endOfWorkingDay(vn('2025-08-31T23:59'))).toEqual(vn('2025-09-01T17:00'));
  });

  test('holidays are skipped: Friday evening before National Day is due on Wednesday', () => {
    expect(withHolidays.endOfWorkingDay(vn('2025-08-29T18:30'))).toEqual(vn('2025-09-03T17:00'));
    expect(withHolidays.endOfWorkingDay(vn('2025-09-01T09:00'))).toEqual(vn('2025-09-03T17:00'));
  });
});

describe('addWorkingHours and addWorkingDays', () => {
  const cal = createWorkingCalendar({ holidays: NATIONAL_DAY });
  const plain = createWorkingCalendar();

  test('hours that do not fit in the day continue on the next working day', () => {
    expect(plain.addWorkingHours(vn('2025-08-29T16:00'), 2)).toEqual(vn('2025-09-01T09:00'));
    expect(cal.addWorkingHours(vn('2025-08-29T16:00'), 2)).toEqual(vn('2025-09-03T09:00'));
  });

  test('a result exactly at the end of working hours stays there', () => {
    expect(plain.addWorkingHours(vn('2025-08-29T15:00'), 2)).toEqual(vn('2025-08-29T17:00'));
  });

  test('time outside working hours does not count', () => {
    expect(plain.addWorkingHours(vn('2025-08-30T10:00'), 1)).toEqual(vn('2025-09-01T09:00'));
    expect(plain.addWorkingHours(vn('2025-08-28T20:00'), 1.5)).toEqual(vn('2025-08-29T09:30'));
    expect(plain.addWorkingHours(vn('2025-08-28T06:00'), 0.25)).toEqual(vn('2025-08-28T08:15'));
  });

  test('zero hours is the instant itself', () => {
    expect(plain.addWorkingHours(vn('2025-08-30T10:00'), 0)).toEqual(vn('2025-08-30T10:00'));
  });

  test('a working day is a full day of working hours', () => {
    expect(plain.addWorkingDays(vn('2025-08-29T16:00'), 1)).toEqual(vn('2025-09-01T16:00'));
    expect(plain.addWorkingDays(vn('2025-08-29T18:00'), 1)).toEqual(vn('2025-09-01T17:00'));
    expect(cal.addWorkingDays(vn('2025-08-27T10:00'), 3)).toEqual(vn('2025-09-03T10:00'));
    expect(plain.addWorkingDays(vn('2025-08-25T08:00'), 10)).toEqual(vn('2025-09-05T17:00'));
  });

  test('negative or non-finite amounts and invalid dates are refused', () => {
    expect(() => plain.addWorkingHours(vn('2025-08-29T10:00'), -1)).toThrow(RangeError);
    expect(() => plain.addWorkingDays(vn('2025-08-29T10:00'), Number.NaN)).toThrow(RangeError);
    expect(() => plain.endOfWorkingDay(new Date('nope'))).toThrow(RangeError);
  });
});

describe('workingMsBetween', () => {
  const cal = createWorkingCalendar({ holidays: NATIONAL_DAY });

  test('counts only working hours of working days', () => {
    expect(cal.workingMsBetween(vn('2025-08-28T08:00'), vn('2025-08-28T17:00'))).toBe(9 * H);
    expect(cal.workingMsBetween(vn('2025-08-28T16:00'), vn('2025-08-29T09:00'))).toBe(2 * H);
    // Friday 16:00 → Wednesday 09:00 over a weekend and two holidays: 1 h + 1 h
    expect(cal.workingMsBetween(vn('2025-08-29T16:00'), vn('2025-09-03T09:00'))).toBe(2 * H);
    expect(cal.workingMsBetween(vn('2025-08-30T09:00'), vn('2025-08-31T17:00'))).toBe(0);
  });

  test('is 0 when the end is not after the start', () => {
    expect(cal.workingMsBetween(vn('2025-08-28T12:00'), vn('2025-08-28T10:00'))).toBe(0);
  });
});

describe('calendar options', () => {
  test('working hours and working days are configurable', () => {
    const cal = createWorkingCalendar({ workingHours: { start: '07:30', end: '16:30' }, workingDays: [1, 2, 3, 4, 5, 6] });
    expect(cal.isWorkingDay(vn('2025-08-30T10:00'))).toBe(true);
    expect(cal.endOfWorkingDay(vn('2025-08-29T16:45'))).toEqual(vn('2025-08-30T16:30'));
    expect(cal.addWorkingHours(vn('2025-08-30T16:00'), 1)).toEqual(vn('2025-09-01T08:00'));
  });

  test('a make-up working Saturday counts, a holiday on it does not', () => {
    const cal = createWorkingCalendar({ extraWorkingDates: ['2025-08-30'] });
    expect(cal.endOfWorkingDay(vn('2025-08-29T18:00'))).toEqual(vn('2025-08-30T17:00'));
    const off = createWorkingCalendar({ extraWorkingDates: ['2025-08-30'], holidays: ['2025-08-30'] });
    expect(off.isWorkingDate('2025-08-30')).toBe(false);
  });

  test('defaults are Monday–Friday 08:00–17:00 without holidays', () => {
    expect(createWorkingCalendar().options).toEqual({ holidays: [], workingDays: [1, 2, 3, 4, 5], extraWorkingDates: [], workingHours: { start: '08:00', end: '17:00' } });
  });

  test.each([
    [{ holidays: ['2025-02-30'] }, 'holidays.0'],
    [{ holidays: ['30/04/2025'] }, 'holidays.0'],
    [{ workingHours: { start: '17:00', end: '08:00' } }, 'workingHours.end'],
    [{ workingHours: { start: '8h' } }, 'workingHours.start'],
    [{ workingDays: [] }, 'workingDays'],
    [{ workingDays: [7] }, 'workingDays.0'],
    [{ lunch: true }, ''],
  ])('refuses bad options %j with a ConfigError naming %s', (options, path) => {
    let error: unknown;
    try {
      createWorkingCalendar(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'VDXP_CONFIG_INVALID', target: 'WorkingCalendar' });
    expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(path);
  });
});
